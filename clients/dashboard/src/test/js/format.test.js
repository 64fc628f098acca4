import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatBytes, formatDuration, formatTime, formatValue, isLive, runDuration } from '../../main/web/format.js';

test('durations read as seconds, minutes, hours and days', () => {
  assert.equal(formatDuration(0), '0s');
  assert.equal(formatDuration(45), '45s');
  assert.equal(formatDuration(185), '3m 05s');
  assert.equal(formatDuration(7390), '2h 03m 10s');
  assert.equal(formatDuration(3 * 86400 + 4 * 3600 + 10 * 60 + 59), '3d 04h 10m');
  assert.equal(formatDuration(null), '');
  assert.equal(formatDuration(-5), '0s');
});

test('a running run counts its duration from its start, an ended one shows the API\'s', () => {
  const now = 1_800_000_100_000;
  assert.equal(runDuration({ status: 'RUNNING', started: 1_800_000_000 }, now), 100);
  assert.equal(runDuration({ status: 'FINISHED', started: 1_800_000_000, duration: 42 }, now), 42);
  assert.equal(runDuration({ status: 'SCHEDULED' }, now), null);
  // a start stamped ahead of this clock shows 0, not a negative duration
  assert.equal(runDuration({ status: 'RUNNING', started: 1_800_000_500 }, now), 0);
});

test('times show to the second in the local time zone', () => {
  const date = new Date(2026, 10, 27, 9, 5, 3);
  assert.equal(formatTime(date), '2026-11-27 09:05:03');
  assert.equal(formatTime(null), '');
  assert.equal(formatTime(new Date('nonsense')), '');
});

test('sizes in binary units', () => {
  assert.equal(formatBytes(32), '32 B');
  assert.equal(formatBytes(2688895), '2.6 MiB');
  assert.equal(formatBytes(1024), '1.0 KiB');
  assert.equal(formatBytes(undefined), '');
});

test('only scheduled and running runs are live', () => {
  assert.deepEqual(['SCHEDULED', 'RUNNING', 'FINISHED', 'FAILED', 'CANCELLED', 'LOST'].filter(isLive), ['SCHEDULED', 'RUNNING']);
});

test('param values: text as is, numbers and booleans as JSON', () => {
  assert.equal(formatValue('adam'), 'adam');
  assert.equal(formatValue(0.01), '0.01');
  assert.equal(formatValue(true), 'true');
});

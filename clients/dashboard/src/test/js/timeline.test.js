import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nextDeadline, runTimeline } from '../../main/web/timeline.js';

test('a finished run: scheduled, started, last heartbeat, stopped, oldest first', () => {
  const events = runTimeline({
    id: 3, status: 'FAILED', dispatch: false,
    scheduledAt: '2026-11-27T18:00:00.000Z',
    started: 1795802410, startedReceivedAt: '2026-11-27T18:00:10.120Z',
    heartbeat: { ts: 1795802420, receivedAt: '2026-11-27T18:00:20.010Z', progress: 40, message: 'meshing' },
    stopped: 1795802430, stoppedReceivedAt: '2026-11-27T18:00:30.500Z', exitCode: 2,
    log: { location: 's3://lackey-runs/logs/3/1.log', bytes: 32 },
  });
  assert.deepEqual(events.map((e) => e.kind), ['scheduled', 'started', 'heartbeat', 'stopped']);
  assert.equal(events[1].at.toISOString(), '2026-11-27T18:00:10.000Z');
  assert.match(events[2].detail, /^40% · meshing · received 2026-11-27T18:00:20.010Z$/);
  assert.match(events[3].detail, /reported FAILED · exit code 2 · log 32 B/);
});

test('a lost run that stopped late shows the verdict, then the late stop', () => {
  const events = runTimeline({
    status: 'LOST', scheduledAt: '2026-11-27T18:00:00.000Z', started: 1795802410,
    lostAt: '2026-11-27T18:05:00.000Z', lostReason: 'no heartbeat for 120 s',
    stopped: 1795802800, reportedStatus: 'FINISHED',
  });
  assert.deepEqual(events.map((e) => e.kind), ['scheduled', 'started', 'lost', 'stopped']);
  assert.equal(events[2].detail, 'no heartbeat for 120 s');
  assert.match(events[3].detail, /reported FINISHED/);
});

test('a cancelled run shows why', () => {
  const events = runTimeline({ status: 'CANCELLED', scheduledAt: '2026-11-27T18:00:00.000Z', command: 'sh x.sh', dispatch: true,
    cancelledAt: '2026-11-27T18:01:00.000Z', cancelReason: 'wrong mesh' });
  assert.deepEqual(events.map((e) => [e.kind, e.detail]), [['scheduled', 'dispatched: sh x.sh'], ['cancelled', 'wrong mesh']]);
});

test('a live run tells its next deadline', () => {
  const next = nextDeadline({ deadline: { at: '2026-11-27T18:02:00.000Z', kind: 'HEARTBEAT' } });
  assert.equal(next.detail, 'LOST unless a heartbeat comes by then');
  assert.equal(nextDeadline({}), null);
});

test('a start in the second of the schedule comes after it, though its whole-second stamp is earlier', () => {
  const events = runTimeline({ status: 'RUNNING', scheduledAt: '2026-11-27T18:00:10.412Z', started: 1795802410 });
  assert.equal(new Date(1795802410 * 1000).toISOString(), '2026-11-27T18:00:10.000Z');
  assert.deepEqual(events.map((e) => e.kind), ['scheduled', 'started']);
});

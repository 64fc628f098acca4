import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isoToLocalInput, localInputToIso, readFilters, samePage, sweepOfTag, writeFilters } from '../../main/web/filters.js';

test('filters come from the URL, empty ones left out', () => {
  assert.deepEqual(readFilters('?status=RUNNING&tag=demo&name=&cursor=abc&other=1'),
    { status: 'RUNNING', tag: 'demo', cursor: 'abc' });
});

test('filters go back to a query in a fixed order, the cursor last', () => {
  const query = writeFilters({ cursor: 'c1', tag: 'demo', status: 'FAILED', from: '2026-11-27T08:00:00.000Z' });
  assert.equal(query, 'status=FAILED&tag=demo&from=2026-11-27T08%3A00%3A00.000Z&cursor=c1');
  assert.equal(writeFilters({ tag: 'demo', cursor: 'c1' }, { cursor: false }), 'tag=demo');
  assert.equal(writeFilters({}), '');
});

test('a + in a filter is sent as %2B, as the API asks', () => {
  assert.equal(writeFilters({ from: '2026-11-27T09:00:00+01:00' }), 'from=2026-11-27T09%3A00%3A00%2B01%3A00');
});

test('a URL read and written again is the same page', () => {
  const query = 'status=RUNNING&name=lr-&tag=sweep-11&limit=100&cursor=xyz';
  assert.equal(writeFilters(readFilters(`?${query}`)), query);
  assert.ok(samePage(readFilters(`?${query}`), readFilters(`?${query}`)));
  assert.ok(!samePage(readFilters('?tag=a'), readFilters('?tag=b')));
});

test('a datetime-local value is an instant in this time zone, and back', () => {
  const iso = localInputToIso('2026-11-27T09:30');
  assert.equal(iso, new Date(2026, 10, 27, 9, 30).toISOString());
  assert.equal(isoToLocalInput(iso), '2026-11-27T09:30');
  assert.equal(isoToLocalInput(String(Math.floor(new Date(2026, 10, 27, 9, 30).getTime() / 1000))), '2026-11-27T09:30');
  assert.equal(localInputToIso(''), '');
  assert.equal(isoToLocalInput('not a time'), '');
});

test('a sweep tag names its sweep', () => {
  assert.equal(sweepOfTag('sweep-11'), '11');
  assert.equal(sweepOfTag('sweep'), null);
  assert.equal(sweepOfTag('sweep-1x'), null);
  assert.equal(sweepOfTag(undefined), null);
});

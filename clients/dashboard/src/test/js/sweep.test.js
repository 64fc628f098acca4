import { test } from 'node:test';
import assert from 'node:assert/strict';
import { categories, countByStatus, durationPoints, isNumericParam, spansDecades, sweepParams, varyingParams } from '../../main/web/sweep.js';

const runs = [
  { id: 11, status: 'FINISHED', duration: 4, params: { lr: 0.1, layers: 2, steps: 100 } },
  { id: 12, status: 'FINISHED', duration: 9, params: { lr: 0.1, layers: 4, steps: 100 } },
  { id: 13, status: 'FAILED', duration: 2, params: { lr: 0.01, layers: 2, steps: 100 } },
  { id: 14, status: 'RUNNING', params: { lr: 0.01, layers: 4, steps: 100 } },
];

test('counts every status, zero included', () => {
  assert.deepEqual(countByStatus(runs), { SCHEDULED: 0, RUNNING: 1, FINISHED: 2, FAILED: 1, CANCELLED: 0, LOST: 0 });
});

test('params that vary come first', () => {
  assert.deepEqual(sweepParams(runs), ['layers', 'lr', 'steps']);
  assert.deepEqual(varyingParams(runs), ['layers', 'lr']);
});

test('points are the runs with a duration, sorted by the param', () => {
  assert.deepEqual(durationPoints(runs, 'lr'), [
    { x: 0.01, y: 2, id: 13, status: 'FAILED' },
    { x: 0.1, y: 4, id: 11, status: 'FINISHED' },
    { x: 0.1, y: 9, id: 12, status: 'FINISHED' },
  ]);
  assert.ok(isNumericParam(runs, 'lr'));
});

test('text params make a category axis in natural order', () => {
  const text = [
    { id: 1, status: 'FINISHED', duration: 3, params: { opt: 'sgd10' } },
    { id: 2, status: 'FINISHED', duration: 5, params: { opt: 'sgd9' } },
    { id: 3, status: 'FINISHED', duration: 5, params: { opt: true } },
  ];
  assert.ok(!isNumericParam(text, 'opt'));
  const points = durationPoints(text, 'opt');
  assert.deepEqual(categories(points), ['sgd9', 'sgd10', 'true']);
});

test('a param spanning two decades gets a log axis', () => {
  assert.ok(spansDecades([{ x: 0.001 }, { x: 0.01 }, { x: 0.1 }]));
  assert.ok(!spansDecades([{ x: 2 }, { x: 4 }, { x: 8 }]));
  assert.ok(!spansDecades([{ x: 0 }, { x: 100 }]), 'zero has no place on a log axis');
  assert.ok(!spansDecades([{ x: 'a' }, { x: 'b' }]));
});

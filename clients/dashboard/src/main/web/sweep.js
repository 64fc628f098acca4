// A sweep is the runs sharing a sweep-<id> tag (docs/api.md, "Sweeps"). These pure functions count them and
// turn them into the points of the duration chart.
import { STATUSES, formatValue } from './format.js';

/** Runs per status, every status present (0 when none). */
export function countByStatus(runs) {
  const counts = Object.fromEntries(STATUSES.map((status) => [status, 0]));
  for (const run of runs) {
    counts[run.status] = (counts[run.status] ?? 0) + 1;
  }
  return counts;
}

/** The params of a sweep's runs, those that vary from run to run first, each group sorted by name. */
export function sweepParams(runs) {
  const values = new Map();
  for (const run of runs) {
    for (const [key, value] of Object.entries(run.params ?? {})) {
      if (!values.has(key)) {
        values.set(key, new Set());
      }
      values.get(key).add(JSON.stringify(value));
    }
  }
  const keys = [...values.keys()].sort();
  return [...keys.filter((key) => values.get(key).size > 1), ...keys.filter((key) => values.get(key).size <= 1)];
}

/** Only the params whose value differs between runs: what the sweep sweeps. */
export function varyingParams(runs) {
  return sweepParams(runs).filter((key) => new Set(runs.map((run) => JSON.stringify(run.params?.[key]))).size > 1);
}

/** Whether every value of the param among these runs is a number (a linear axis), else categories. */
export function isNumericParam(runs, param) {
  const present = runs.map((run) => run.params?.[param]).filter((value) => value !== undefined);
  return present.length > 0 && present.every((value) => typeof value === 'number');
}

/**
 * The chart's points: one per run that has a duration and the param, {x: the param's value (a number, or its
 * text for a category axis), y: duration in seconds, id, status}, sorted by x then id.
 */
export function durationPoints(runs, param) {
  const numeric = isNumericParam(runs, param);
  const points = runs
    .filter((run) => run.duration != null && run.params && param in run.params)
    .map((run) => ({
      x: numeric ? run.params[param] : formatValue(run.params[param]),
      y: run.duration,
      id: run.id,
      status: run.status,
    }));
  return points.sort((a, b) => compare(a.x, b.x) || a.id - b.id);
}

/** The category axis's labels in order (numbers compare as numbers, text as text). */
export function categories(points) {
  return [...new Set(points.map((point) => point.x))].sort(compare);
}

function compare(a, b) {
  if (typeof a === 'number' && typeof b === 'number') {
    return a - b;
  }
  return String(a).localeCompare(String(b), 'en', { numeric: true });
}

/** Positive values spread over two orders of magnitude or more (a learning rate of 0.001 to 0.1) read best on a log axis. */
export function spansDecades(points) {
  const values = points.map((point) => point.x);
  return values.length > 1 && values.every((value) => typeof value === 'number' && value > 0)
    && Math.max(...values) / Math.min(...values) >= 100;
}

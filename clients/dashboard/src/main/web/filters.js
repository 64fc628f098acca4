// The runs table's filters live in the page's URL (?status=RUNNING&tag=demo&cursor=...), so a view can be
// shared and reloaded. These pure functions move them between the URL, the form and GET /api/runs.

/** The filters of GET /api/runs, in the order the URL shows them. */
export const FILTER_NAMES = ['status', 'name', 'tag', 'from', 'to', 'limit'];

export const PAGE_SIZES = ['25', '50', '100', '200'];

/** The filters and the page (cursor) a URL's query asks for; absent or empty values are left out. */
export function readFilters(search) {
  const params = new URLSearchParams(search);
  const filters = {};
  for (const name of [...FILTER_NAMES, 'cursor']) {
    const value = params.get(name);
    if (value != null && value.trim() !== '') {
      filters[name] = value.trim();
    }
  }
  return filters;
}

/** The query string (without "?") for these filters, in a fixed order; a cursor is kept only if asked. */
export function writeFilters(filters, { cursor = true } = {}) {
  const params = new URLSearchParams();
  for (const name of [...FILTER_NAMES, ...(cursor ? ['cursor'] : [])]) {
    const value = filters[name];
    if (value != null && String(value).trim() !== '') {
      params.set(name, String(value).trim());
    }
  }
  return params.toString();
}

/** The same filters without their page: any change of a filter starts again on the first page. */
export function samePage(a, b) {
  return writeFilters(a) === writeFilters(b);
}

/**
 * A value of an {@code <input type="datetime-local">} (the browser's time zone, "2026-11-27T09:30") as the
 * instant the API takes: ISO-8601 UTC. Empty stays empty.
 */
export function localInputToIso(value) {
  if (!value) {
    return '';
  }
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? '' : date.toISOString();
}

/** The reverse: an instant from the URL (ISO or unix seconds) as a datetime-local value in this time zone. */
export function isoToLocalInput(value) {
  if (!value) {
    return '';
  }
  const date = /^\d+$/.test(value) ? new Date(Number(value) * 1000) : new Date(value);
  if (Number.isNaN(date.getTime())) {
    return '';
  }
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** A tag that names a sweep ("sweep-11") gives the sweep's id, else null. */
export function sweepOfTag(tag) {
  const match = /^sweep-(\d+)$/.exec(tag ?? '');
  return match ? match[1] : null;
}

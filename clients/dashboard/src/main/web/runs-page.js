// The runs table: GET /api/runs with the URL's filters, a page at a time through the API's cursor, refreshed
// every few seconds in place (rows whose run did not change are left alone, so focus and selection stay).
import { callApi } from './api.js';
import { errorBox, fill, h, statusBadge, timeOf } from './dom.js';
import { STATUSES, formatDuration, fromIso, fromUnix, runDuration } from './format.js';
import { PAGE_SIZES, isoToLocalInput, localInputToIso, readFilters, sweepOfTag, writeFilters } from './filters.js';
import { navigate } from './nav.js';
import { everySecond, markRefreshed, poll } from './poll.js';

const REFRESH_MS = 5000;
const COLUMNS = ['ID', 'Name', 'Status', 'Scheduled', 'Started', 'Duration', 'Progress', 'Message', 'Tags', 'Exit'];

export function runsPage(main) {
  document.title = 'Runs · lackey';
  let filters = readFilters(location.search);
  const rows = new Map();

  const fields = {
    status: h('select', { id: 'f-status', name: 'status' },
      h('option', { value: '' }, 'Any status'), STATUSES.map((status) => h('option', { value: status }, status))),
    name: h('input', { id: 'f-name', name: 'name', type: 'search', placeholder: 'e.g. lr-sweep', autocomplete: 'off', spellcheck: 'false' }),
    tag: h('input', { id: 'f-tag', name: 'tag', type: 'search', placeholder: 'e.g. demo', autocomplete: 'off', spellcheck: 'false' }),
    from: h('input', { id: 'f-from', name: 'from', type: 'datetime-local' }),
    to: h('input', { id: 'f-to', name: 'to', type: 'datetime-local' }),
    limit: h('select', { id: 'f-limit', name: 'limit' }, PAGE_SIZES.map((size) => h('option', { value: size }, size))),
  };
  const field = (label, input, hint) => h('div', { class: 'field' },
    h('label', { for: input.id }, label), input, hint ? h('span', { class: 'hint' }, hint) : null);
  const form = h('form', { class: 'filters', role: 'search', 'aria-label': 'Filter runs', onsubmit: apply },
    field('Status', fields.status),
    field('Name starts with', fields.name),
    field('Tag', fields.tag),
    field('Scheduled from', fields.from),
    field('Scheduled before', fields.to),
    field('Per page', fields.limit),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'primary' }, 'Apply'),
      h('a', { href: '/', class: 'button', 'data-nav': true }, 'Clear')));
  // A choice from a list applies at once; typed filters apply with Enter or Apply.
  for (const select of [fields.status, fields.limit, fields.from, fields.to]) {
    select.addEventListener('change', () => apply());
  }

  const errorSlot = h('div', { class: 'error-slot' });
  const sweepLink = h('p', { class: 'sweep-link' });
  const tbody = h('tbody');
  const empty = h('tr', { class: 'empty' }, h('td', { colspan: COLUMNS.length }, 'No runs match these filters.'));
  const summary = h('p', { class: 'muted', id: 'runs-summary' });
  const newer = h('button', { type: 'button', class: 'button', id: 'newer', onclick: goNewer }, '← Newer');
  const older = h('button', { type: 'button', class: 'button', id: 'older', onclick: goOlder }, 'Older →');
  const pageLabel = h('span', { class: 'page-label', id: 'page-label', 'aria-live': 'polite' });
  let nextCursor = null;

  fill(main,
    h('section', { class: 'card' },
      h('div', { class: 'title-row' }, h('h1', {}, 'Runs'), summary),
      form),
    errorSlot,
    sweepLink,
    h('section', { class: 'card table-card' },
      h('div', { class: 'table-scroll' },
        h('table', { class: 'runs', id: 'runs' },
          h('caption', { class: 'visually-hidden' }, 'Runs, newest first'),
          h('thead', {}, h('tr', {}, COLUMNS.map((name) => h('th', { scope: 'col' }, name)))),
          tbody)),
      h('nav', { class: 'pager', 'aria-label': 'Pages of runs' }, newer, pageLabel, older)));

  showFilters();
  const poller = poll(load, REFRESH_MS);
  const stopTicking = everySecond(() => tick(tbody));

  async function load() {
    // If the filters change while a page is on its way, that page is dropped and the new one fetched.
    for (;;) {
      const query = writeFilters(filters);
      let page;
      try {
        page = await callApi(`/api/runs${query ? `?${query}` : ''}`);
      } catch (error) {
        if (query === writeFilters(filters)) {
          fill(errorSlot, errorBox(error, { retrying: error.status === 0 || error.status >= 500 }));
          if (error.status >= 400 && error.status < 500) {
            showRows([]);
            nextCursor = null;
            showPager();
          }
          return;
        }
        continue;
      }
      if (query !== writeFilters(filters)) {
        continue;
      }
      fill(errorSlot);
      showRows(page.runs);
      nextCursor = page.cursor ?? null;
      showPager();
      markRefreshed(true);
      return;
    }
  }

  function showRows(runs) {
    const seen = new Set();
    const ordered = runs.map((run) => {
      const json = JSON.stringify(run);
      let entry = rows.get(run.id);
      if (!entry || entry.json !== json) {
        const tr = row(run);
        entry?.tr.replaceWith(tr);
        entry = { json, tr };
        rows.set(run.id, entry);
      }
      seen.add(run.id);
      return entry.tr;
    });
    for (const [id, entry] of rows) {
      if (!seen.has(id)) {
        entry.tr.remove();
        rows.delete(id);
      }
    }
    if (runs.length === 0) {
      tbody.replaceChildren(empty);
    } else {
      empty.remove();
    }
    ordered.forEach((tr, index) => {
      if (tbody.children[index] !== tr) {
        tbody.insertBefore(tr, tbody.children[index] ?? null);
      }
    });
    tick(tbody);
    summary.textContent = runs.length === 0 ? '' : `${runs.length} run${runs.length === 1 ? '' : 's'} on this page, newest first`;
  }

  function showPager() {
    const back = history.state?.back ?? [];
    newer.disabled = !filters.cursor;
    newer.textContent = back.length > 0 || !filters.cursor ? '← Newer' : '← First page';
    older.disabled = !nextCursor;
    pageLabel.textContent = filters.cursor ? (back.length > 0 ? `Page ${back.length + 1}` : 'A later page') : 'Page 1';
  }

  function showFilters() {
    fields.status.value = filters.status ?? '';
    fields.name.value = filters.name ?? '';
    fields.tag.value = filters.tag ?? '';
    fields.from.value = isoToLocalInput(filters.from);
    fields.to.value = isoToLocalInput(filters.to);
    const limit = filters.limit ?? '50';
    if (![...fields.limit.options].some((option) => option.value === limit)) {
      // a shared URL may ask for any page size the API takes (1 to 1,000)
      fields.limit.append(h('option', { value: limit }, limit));
    }
    fields.limit.value = limit;
    const sweep = sweepOfTag(filters.tag);
    fill(sweepLink, sweep ? h('a', { href: `/sweeps/${sweep}` }, `Open ${filters.tag} as a sweep: counts and a chart →`) : null);
  }

  function apply(event) {
    event?.preventDefault();
    const chosen = {
      status: fields.status.value,
      name: fields.name.value,
      tag: fields.tag.value,
      // the URL keeps the instant in UTC, so a shared link means the same moment in any time zone; an instant
      // the form shows unchanged stays as the URL gave it (to the second, which the form does not show)
      from: instantOf(fields.from.value, filters.from),
      to: instantOf(fields.to.value, filters.to),
      limit: fields.limit.value === '50' ? '' : fields.limit.value,
    };
    const query = writeFilters(chosen, { cursor: false });
    if (query !== writeFilters(filters, { cursor: false }) || filters.cursor) {
      navigate(`/${query ? `?${query}` : ''}`);
    }
  }

  function goOlder() {
    if (nextCursor) {
      const back = [...(history.state?.back ?? []), filters.cursor ?? ''];
      navigate(`/?${writeFilters({ ...filters, cursor: nextCursor })}`, { state: { back } });
    }
  }

  function goNewer() {
    const back = [...(history.state?.back ?? [])];
    const previous = back.pop() ?? '';
    const query = writeFilters({ ...filters, cursor: previous });
    navigate(`/${query ? `?${query}` : ''}`, { state: back.length > 0 ? { back } : null });
  }

  return {
    update() {
      filters = readFilters(location.search);
      showFilters();
      showPager();
      poller.now();
    },
    unmount() {
      poller.stop();
      stopTicking();
    },
  };
}

function instantOf(inputValue, current) {
  return current && isoToLocalInput(current) === inputValue ? current : localInputToIso(inputValue);
}

function row(run) {
  const link = `/runs/${run.id}`;
  const live = run.status === 'RUNNING' && run.duration == null && run.started != null;
  return h('tr', { dataset: { id: run.id, status: run.status } },
    h('td', { class: 'num' }, h('a', { href: link }, String(run.id))),
    h('td', { class: 'name' }, h('a', { href: link }, run.name),
      run.command ? h('div', { class: 'sub', title: run.command }, run.command) : null),
    h('td', {}, statusBadge(run.status)),
    h('td', { class: 'time' }, timeOf(fromIso(run.scheduledAt))),
    h('td', { class: 'time' }, timeOf(fromUnix(run.started))),
    h('td', { class: `num duration${live ? ' ticking' : ''}`, dataset: live ? { since: run.started } : {} },
      formatDuration(runDuration(run))),
    h('td', { class: 'progress-cell' }, progressOf(run)),
    h('td', { class: 'message' }, messageOf(run)),
    h('td', {}, h('span', { class: 'tags' },
      (run.tags ?? []).map((tag) => h('a', { class: 'tag', href: `/?${writeFilters({ tag })}`, title: `Runs tagged ${tag}` }, tag)))),
    h('td', { class: `num exit${run.exitCode ? ' nonzero' : ''}` }, run.exitCode ?? ''));
}

/** The last heartbeat's progress as a bar with its number (the number is what a screen reader reads). */
export function progressOf(run) {
  const progress = run.heartbeat?.progress;
  if (progress == null) {
    return null;
  }
  // an ended run's last heartbeat is history: shown, but greyed
  const ended = run.status !== 'RUNNING';
  return h('span', { class: `progress${ended ? ' ended' : ''}`, title: ended ? 'the last heartbeat before the run ended' : null },
    h('progress', { max: 100, value: progress, 'aria-label': `progress ${progress}%` }),
    h('span', { class: 'num' }, `${progress}%`));
}

/** A running run's last heartbeat message; else why the run ended, its last message, or what it waits for. */
function messageOf(run) {
  if (run.status === 'RUNNING' && run.heartbeat?.message) {
    return run.heartbeat.message;
  }
  const muted = run.cancelReason ?? run.lostReason ?? run.heartbeat?.message
    ?? (run.waitingFor ? `waiting for ${run.waitingFor}` : null);
  return muted ? h('span', { class: 'muted' }, muted) : null;
}

/** Live durations tick every second between two refreshes. */
export function tick(root) {
  const now = Math.floor(Date.now() / 1000);
  for (const cell of root.querySelectorAll('[data-since]')) {
    cell.textContent = formatDuration(now - Number(cell.dataset.since));
  }
}

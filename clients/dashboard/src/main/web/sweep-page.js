// A sweep's page: every run tagged sweep-<id> (all pages of GET /api/runs?tag=), counts per status, and the
// duration of each run against a param of your choice, as a chart and as a table beside it.
import { listAll } from './api.js';
import { errorBox, fill, h, statusBadge } from './dom.js';
import { STATUSES, formatDuration, formatValue, isLive } from './format.js';
import { writeFilters } from './filters.js';
import { markRefreshed, poll } from './poll.js';
import { countByStatus, durationPoints, isNumericParam, sweepParams, varyingParams } from './sweep.js';

const REFRESH_MS = 5000;
/** The table beside the chart lists this many runs at most; the chart shows them all. */
const TABLE_ROWS = 500;

export function sweepPage(main, id) {
  const tag = `sweep-${id}`;
  document.title = `${tag} · lackey`;
  let runs = null;
  let runsJson = null;
  let param = new URLSearchParams(location.search).get('param');
  let chart = null;

  const heading = h('h1', {}, `Sweep ${tag}`);
  const summary = h('p', { class: 'muted', id: 'sweep-summary' });
  const errorSlot = h('div', { class: 'error-slot' });
  const counts = h('ul', { class: 'counts', id: 'counts', 'aria-label': 'Runs per status' });
  const paramSelect = h('select', { id: 'param', onchange: () => choose(paramSelect.value) });
  const canvas = h('canvas', { id: 'duration-chart', role: 'img', 'aria-label': 'Duration by param, one point per run' });
  const chartNote = h('p', { class: 'muted', id: 'chart-note' });
  const dataTable = h('div', { id: 'chart-data' });

  fill(main,
    h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' }, h('a', { href: `/?${writeFilters({ tag })}` }, 'Runs'), ' / ', tag),
    h('section', { class: 'card' }, h('div', { class: 'title-row' }, heading, summary), counts),
    errorSlot,
    h('div', { class: 'sweep-grid' },
      h('section', { class: 'card chart-card' },
        h('div', { class: 'title-row' },
          h('h2', {}, 'Duration by param'),
          h('span', { class: 'spacer' }),
          h('label', { for: 'param' }, 'Param'), paramSelect),
        h('div', { class: 'chart-box' }, canvas),
        chartNote),
      h('section', { class: 'card' }, h('h2', {}, 'Runs'), dataTable)));

  const poller = poll(load, REFRESH_MS);

  async function load() {
    let answer;
    try {
      answer = await listAll(writeFilters({ tag }), { maxPages: 10 });
    } catch (error) {
      fill(errorSlot, errorBox(error, { retrying: error.status === 0 || error.status >= 500 }));
      return error.status >= 400 && error.status < 500 ? null : undefined;
    }
    fill(errorSlot);
    const json = JSON.stringify(answer.runs);
    if (json !== runsJson) {
      runsJson = json;
      runs = answer.runs.slice().sort((a, b) => a.id - b.id);
      await show(answer.complete);
    }
    const live = runs.some((run) => isLive(run.status));
    markRefreshed(live);
    // a sweep's runs are all scheduled at once: once none is live, nothing changes by itself any more
    return live ? REFRESH_MS : null;
  }

  async function show(complete) {
    if (runs.length === 0) {
      fill(errorSlot, errorBox({ message: `No runs are tagged ${tag}: there is no sweep ${id}.`, code: 'no_runs' }));
      summary.textContent = '';
      fill(counts);
      return;
    }
    fill(heading, `Sweep ${tag}`, h('span', { class: 'muted' }, ` · ${runs[0].name}`));
    summary.textContent = `${runs.length} runs${complete ? '' : ' (the first 10,000)'}`;
    const byStatus = countByStatus(runs);
    fill(counts, STATUSES.map((status) => h('li', { class: `count count-${status.toLowerCase()}`, dataset: { status } },
      h('a', { href: `/?${writeFilters({ tag, status })}`, title: `${status} runs of ${tag}` },
        h('span', { class: 'count-number' }, String(byStatus[status])),
        h('span', { class: 'count-label' }, status)))));
    const params = sweepParams(runs);
    if (!params.includes(param)) {
      param = params[0] ?? null;
    }
    fill(paramSelect, params.map((key) => h('option', { value: key, selected: key === param }, key)));
    paramSelect.disabled = params.length === 0;
    await showChart();
  }

  async function choose(key) {
    param = key;
    const url = new URL(location.href);
    url.searchParams.set('param', key);
    history.replaceState(history.state, '', url.pathname + url.search);
    await showChart();
  }

  async function showChart() {
    const points = param ? durationPoints(runs, param) : [];
    const numeric = param ? isNumericParam(runs, param) : true;
    const missing = runs.length - points.length;
    chartNote.textContent = !param ? 'The runs of this sweep have no params.'
      : missing > 0 ? `${missing} of ${runs.length} runs have no duration yet (not stopped) and are not in the chart.` : '';
    // Chart.js is loaded only here, so the runs table and run pages do not pay for it.
    const { drawDurationChart } = await import('./duration-chart.js');
    chart = drawDurationChart(canvas, chart, points, { param: param ?? '', numeric });
    showTable(points);
  }

  function showTable(points) {
    const byId = new Map(points.map((point) => [point.id, point]));
    const shown = runs.slice(0, TABLE_ROWS);
    // the chosen param first, then the others that vary (at most three): the table reads as the chart's data
    const columns = param ? [param, ...varyingParams(runs).filter((key) => key !== param).slice(0, 3)] : [];
    fill(dataTable,
      h('div', { class: 'table-scroll tall' },
        h('table', { class: 'compact', id: 'sweep-runs' },
          h('caption', { class: 'visually-hidden' }, `Runs of ${tag}: params and duration (the chart's data)`),
          h('thead', {}, h('tr', {}, h('th', { scope: 'col', class: 'num' }, 'Run'), h('th', { scope: 'col' }, 'Status'),
            columns.map((key) => h('th', { scope: 'col', class: `num${key === param ? ' chosen' : ''}` }, key)),
            h('th', { scope: 'col', class: 'num' }, 'Duration'))),
          h('tbody', {}, shown.map((run) => h('tr', { dataset: { id: run.id, charted: byId.has(run.id) ? 'yes' : 'no' } },
            h('td', { class: 'num' }, h('a', { href: `/runs/${run.id}` }, `#${run.id}`)),
            h('td', {}, statusBadge(run.status)),
            columns.map((key) => h('td', { class: `num${key === param ? ' chosen' : ''}`, dataset: { param: key } },
              run.params && key in run.params ? formatValue(run.params[key]) : '')),
            h('td', { class: 'num', dataset: { seconds: run.duration ?? '' } }, formatDuration(run.duration))))))),
      runs.length > TABLE_ROWS ? h('p', { class: 'muted' }, `The first ${TABLE_ROWS} of ${runs.length} runs.`) : null);
  }

  return {
    update() {
      const wanted = new URLSearchParams(location.search).get('param');
      if (wanted && wanted !== param && runs) {
        choose(wanted);
      }
    },
    unmount() {
      poller.stop();
      chart?.destroy();
    },
  };
}

// A run's page: its details, timeline, params, exchange files and log, refreshed every 2 s while it is live
// (the log comes with the stop call: the page fetches it as soon as the run has one), and a cancel button
// that asks first.
import { ApiError, LOG_TAIL_BYTES, callApi, fetchLog } from './api.js';
import { errorBox, fill, h, statusBadge, timeOf } from './dom.js';
import { formatBytes, formatDuration, formatValue, fromIso, isLive, runDuration } from './format.js';
import { sweepOfTag, writeFilters } from './filters.js';
import { everySecond, markRefreshed, poll } from './poll.js';
import { progressOf, tick } from './runs-page.js';
import { nextDeadline, runTimeline } from './timeline.js';

const LIVE_REFRESH_MS = 2000;
/** An ended run still changes now and then: an output landing late, a lost run's late stop. */
const ENDED_REFRESH_MS = 10000;

export function runPage(main, id) {
  document.title = `Run ${id} · lackey`;
  let run = null;
  let runJson = null;
  let filesKey = null;
  let logKey = null;

  const heading = h('h1', {}, `Run ${id}`);
  const badge = h('span', { class: 'badge-slot' });
  const cancelButton = h('button', { type: 'button', class: 'danger', id: 'cancel', hidden: true, onclick: askToCancel }, 'Cancel run…');
  const command = h('p', { class: 'command' });
  const errorSlot = h('div', { class: 'error-slot' });
  const details = h('dl', { class: 'details' });
  const timeline = h('ol', { class: 'timeline', id: 'timeline' });
  const params = h('div', { id: 'params' });
  const files = h('div', { id: 'files' });
  const logState = h('p', { class: 'log-state', id: 'log-state', 'aria-live': 'polite' });
  const logText = h('pre', { class: 'log', id: 'log', tabindex: '0', 'aria-label': 'Log' });
  const logLinks = h('span', { class: 'log-links' });

  const reason = h('input', { id: 'cancel-reason', name: 'reason', maxlength: 1000, autocomplete: 'off', placeholder: 'e.g. wrong mesh' });
  const dialog = h('dialog', { id: 'cancel-dialog', 'aria-labelledby': 'cancel-title' },
    h('form', { method: 'dialog' },
      h('h2', { id: 'cancel-title' }, `Cancel run ${id}?`),
      h('p', {}, 'It becomes CANCELLED: its token stops working and a dispatched simulation is stopped. '
        + 'This cannot be undone.'),
      h('div', { class: 'field' }, h('label', { for: 'cancel-reason' }, 'Reason (optional)'), reason),
      h('div', { class: 'actions' },
        h('button', { value: 'keep', class: 'button', id: 'keep-run', autofocus: true }, 'Keep it'),
        h('button', { value: 'cancel', class: 'danger', id: 'confirm-cancel' }, 'Cancel run'))));
  dialog.addEventListener('close', () => {
    if (dialog.returnValue === 'cancel') {
      cancel(reason.value.trim());
    }
  });

  fill(main,
    h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' }, h('a', { href: '/' }, 'Runs'), ' / ', `Run ${id}`),
    h('section', { class: 'card run-head' },
      h('div', { class: 'title-row' }, heading, badge, h('span', { class: 'spacer' }), cancelButton),
      command),
    errorSlot,
    h('div', { class: 'run-grid' },
      h('section', { class: 'card' }, h('h2', {}, 'Details'), details),
      h('section', { class: 'card' }, h('h2', {}, 'Timeline'), timeline),
      h('section', { class: 'card' }, h('h2', {}, 'Params'), params),
      h('section', { class: 'card' }, h('h2', {}, 'Files'), files)),
    h('section', { class: 'card log-card' },
      h('div', { class: 'title-row' }, h('h2', {}, 'Log'), logState, h('span', { class: 'spacer' }), logLinks),
      logText),
    dialog);

  const poller = poll(load, LIVE_REFRESH_MS);
  const stopTicking = everySecond(() => tick(details));

  async function load() {
    let fresh;
    try {
      fresh = await callApi(`/api/run/${encodeURIComponent(id)}`);
    } catch (error) {
      fill(errorSlot, errorBox(error, { retrying: error.status === 0 || error.status >= 500 }));
      if (!run) {
        // nothing to show but the API's answer: a run that does not exist stays so, stop asking
        if (error.status >= 400 && error.status < 500) {
          document.title = `${error.message} · lackey`;
          main.querySelector('.run-grid').hidden = true;
          main.querySelector('.log-card').hidden = true;
          return null;
        }
      }
      return undefined;
    }
    fill(errorSlot);
    show(fresh);
    await Promise.all([loadFiles(), loadLog()]);
    markRefreshed(isLive(run.status));
    return isLive(run.status) ? LIVE_REFRESH_MS : ENDED_REFRESH_MS;
  }

  function show(fresh) {
    const json = JSON.stringify(fresh);
    if (json === runJson) {
      return;
    }
    run = fresh;
    runJson = json;
    document.title = `${run.name} (run ${run.id}) · lackey`;
    fill(heading, h('span', { class: 'run-id' }, `#${run.id}`), ' ', run.name);
    fill(badge, statusBadge(run.status));
    cancelButton.hidden = !isLive(run.status);
    fill(command, run.command ? h('code', {}, run.command) : h('span', { class: 'muted' }, 'Tracked run: no command, someone else runs it'));
    showDetails();
    showTimeline();
    showParams();
  }

  function showDetails() {
    const live = run.status === 'RUNNING' && run.duration == null && run.started != null;
    const items = [
      ['Status', statusBadge(run.status)],
      ['Progress', progressOf(run)],
      ['Message', run.heartbeat?.message],
      ['Duration', h('span', { class: `num${live ? ' ticking' : ''}`, dataset: live ? { since: run.started } : {} },
        formatDuration(runDuration(run)))],
      ['Exit code', run.exitCode],
      ['Reported', run.reportedStatus],
      ['Cancelled', run.cancelReason],
      ['Lost', run.lostReason],
      ['Waiting for', run.waitingFor],
      ['Tags', (run.tags ?? []).length === 0 ? null : h('span', { class: 'tags' }, run.tags.map(tagLink))],
      ['Deadline', run.deadline ? h('span', {}, timeOf(fromIso(run.deadline.at)), ` (${run.deadline.kind})`) : null],
      ['Timeouts', timeouts(run.timeouts)],
      ['Task', run.taskArn ? h('code', { class: 'wrap' }, run.taskArn) : null],
      ['Dispatch', run.dispatchPending ? 'pending: published again by the sweeper' : null],
    ].filter(([, value]) => value != null && value !== '');
    fill(details, items.map(([term, value]) => [h('dt', {}, term), h('dd', { dataset: { term } }, value)]));
  }

  function showTimeline() {
    const events = runTimeline(run);
    const next = isLive(run.status) ? nextDeadline(run) : null;
    fill(timeline,
      events.map((event) => h('li', { class: `event event-${event.kind}`, dataset: { kind: event.kind } },
        h('span', { class: 'dot', 'aria-hidden': 'true' }),
        h('div', {}, h('strong', {}, event.label), ' ', timeOf(event.at),
          event.detail ? h('div', { class: 'muted detail' }, event.detail) : null))),
      next ? h('li', { class: 'event event-next', dataset: { kind: 'deadline' } },
        h('span', { class: 'dot', 'aria-hidden': 'true' }),
        h('div', {}, h('strong', {}, 'Next deadline'), ' ', timeOf(next.at), h('div', { class: 'muted detail' }, next.detail)))
        : null);
  }

  function showParams() {
    const entries = Object.entries(run.params ?? {});
    fill(params, entries.length === 0 ? h('p', { class: 'muted' }, 'No params.')
      : h('table', { class: 'kv' }, h('tbody', {}, entries.map(([key, value]) =>
        h('tr', {}, h('th', { scope: 'row' }, key), h('td', { class: 'value' }, formatValue(value)))))));
  }

  async function loadFiles() {
    let answer;
    try {
      answer = await callApi(`/api/run/${encodeURIComponent(id)}/files`);
    } catch (error) {
      filesKey = null;
      fill(files, errorBox(error));
      return;
    }
    // Same files: only the links change (each answer signs fresh ones), so the elements stay put.
    const key = JSON.stringify([answer.inputs, answer.outputs].map((list) => list.map((f) => [f.name, f.size, f.lastModified])));
    if (key === filesKey) {
      for (const file of [...answer.inputs, ...answer.outputs]) {
        const link = files.querySelector(`a[data-file="${CSS.escape(file.name)}"]`);
        if (link) {
          link.href = file.url;
        }
      }
      return;
    }
    filesKey = key;
    fill(files,
      fileTable('Inputs', answer.inputs, 'No inputs.'),
      fileTable('Outputs', answer.outputs, isLive(run?.status) ? 'No outputs yet.' : 'No outputs.'));
  }

  async function loadLog() {
    const key = run.log ? `${run.log.location}:${run.log.bytes}` : `none:${run.status}`;
    if (key === logKey) {
      return;
    }
    if (!run.log && isLive(run.status)) {
      logKey = key;
      logState.className = 'log-state following';
      logState.textContent = run.status === 'RUNNING'
        ? 'Following: the simulation sends its log with its stop call; this page checks every 2 s.'
        : 'Not started yet: the log comes with the stop call.';
      fill(logText);
      logText.hidden = true;
      return;
    }
    try {
      const { text, truncated } = await fetchLog(id, run.log?.bytes);
      logKey = key;
      logState.className = 'log-state';
      logState.textContent = truncated
        ? `The last ${formatBytes(LOG_TAIL_BYTES)} of ${formatBytes(run.log.bytes)}`
        : `${formatBytes(run.log?.bytes ?? text.length)}`;
      fill(logLinks, h('a', { href: `/api/run/${encodeURIComponent(id)}/log`, target: '_blank', rel: 'noopener' }, 'Open raw log'));
      logText.hidden = false;
      logText.textContent = text;
    } catch (error) {
      logKey = key;
      logState.className = 'log-state';
      logState.textContent = '';
      fill(logLinks);
      logText.hidden = false;
      fill(logText, errorBox(error instanceof ApiError ? error : new ApiError(0, 'log_unreadable', String(error))));
    }
  }

  function askToCancel() {
    reason.value = '';
    dialog.returnValue = '';
    dialog.showModal();
  }

  async function cancel(why) {
    cancelButton.disabled = true;
    try {
      const answer = await callApi(`/api/run/cancel/${encodeURIComponent(id)}`, { method: 'PUT', form: why ? { reason: why } : {} });
      fill(errorSlot);
      show(answer);
    } catch (error) {
      fill(errorSlot, errorBox(error));
    } finally {
      cancelButton.disabled = false;
      poller.now();
    }
  }

  return {
    unmount() {
      poller.stop();
      stopTicking();
      if (dialog.open) {
        dialog.close();
      }
    },
  };
}

function tagLink(tag) {
  const sweep = sweepOfTag(tag);
  return h('a', { class: 'tag', href: sweep ? `/sweeps/${sweep}` : `/?${writeFilters({ tag })}`,
    title: sweep ? `The sweep ${tag}` : `Runs tagged ${tag}` }, tag);
}

function timeouts(limits) {
  if (!limits) {
    return null;
  }
  const parts = [`start within ${formatDuration(limits.startTimeout)}`];
  if (limits.heartbeatTimeout != null) {
    parts.push(`heartbeat every ${formatDuration(limits.heartbeatTimeout)}`);
  }
  parts.push(`run at most ${formatDuration(limits.maxDuration)}`);
  return parts.join(', ');
}

function fileTable(title, list, none) {
  return h('div', { class: 'files', dataset: { kind: title.toLowerCase() } },
    h('h3', {}, title),
    list.length === 0 ? h('p', { class: 'muted' }, none)
      : h('table', { class: 'compact' },
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Name'), h('th', { scope: 'col', class: 'num' }, 'Size'),
          h('th', { scope: 'col' }, 'Modified'))),
        h('tbody', {}, list.map((file) => h('tr', {},
          h('td', {}, h('a', { href: file.url, download: file.name, target: '_blank', rel: 'noopener', dataset: { file: file.name } }, file.name)),
          h('td', { class: 'num' }, formatBytes(file.size)),
          h('td', { class: 'time' }, timeOf(fromIso(file.lastModified))))))));
}

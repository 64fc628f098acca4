// A run's timeline, from what GET /api/run/{id} holds: its schedule, start, last heartbeat, last output, stop,
// and the verdict of a cancel or a lost run. The run keeps only its last heartbeat, so that is all it shows.
import { formatBytes, fromIso, fromUnix } from './format.js';

/**
 * The events of a run, oldest first: {kind, label, at (Date), detail}. Client timestamps (started, stopped,
 * heartbeat) are the simulation's own clock; the server's receive time is given beside them.
 */
export function runTimeline(run) {
  const events = [];
  const add = (kind, label, at, detail = '') => {
    if (at && !Number.isNaN(at.getTime())) {
      events.push({ kind, label, at, detail, order: events.length });
    }
  };
  add('scheduled', 'Scheduled', fromIso(run.scheduledAt),
    run.dispatch ? (run.command ? `dispatched: ${run.command}` : 'dispatched') : 'tracked (no command)');
  if (run.waitingFor) {
    add('waiting', 'Waiting for', fromIso(run.scheduledAt), run.waitingFor);
  }
  add('started', 'Started', fromUnix(run.started), received(run.startedReceivedAt));
  if (run.heartbeat) {
    const parts = [];
    if (run.heartbeat.progress != null) {
      parts.push(`${run.heartbeat.progress}%`);
    }
    if (run.heartbeat.message) {
      parts.push(run.heartbeat.message);
    }
    parts.push(received(run.heartbeat.receivedAt));
    add('heartbeat', 'Last heartbeat', fromUnix(run.heartbeat.ts), parts.filter(Boolean).join(' · '));
  }
  if (run.lastOutputAt) {
    const count = run.outputCount ?? (run.outputs ?? []).length;
    add('output', 'Last output', fromIso(run.lastOutputAt), `${count} output${count === 1 ? '' : 's'}: ${(run.outputs ?? []).join(', ')}`);
  }
  if (run.stopped != null) {
    const verdict = run.reportedStatus ?? run.status;
    const parts = [`reported ${verdict}`];
    if (run.exitCode != null) {
      parts.push(`exit code ${run.exitCode}`);
    }
    if (run.log) {
      parts.push(`log ${formatBytes(run.log.bytes)}`);
    }
    parts.push(received(run.stoppedReceivedAt));
    add('stopped', 'Stopped', fromUnix(run.stopped), parts.filter(Boolean).join(' · '));
  }
  if (run.cancelledAt) {
    add('cancelled', 'Cancelled', fromIso(run.cancelledAt), run.cancelReason ?? '');
  }
  if (run.lostAt) {
    add('lost', 'Lost', fromIso(run.lostAt), run.lostReason ?? '');
  }
  // Client timestamps are whole seconds: within one second the events keep the order a run goes through them
  // (a start stamped 18:00:10 comes after a schedule received at 18:00:10.412).
  const second = (event) => Math.floor(event.at.getTime() / 1000);
  events.sort((a, b) => second(a) - second(b) || a.order - b.order);
  return events.map(({ order, ...event }) => event);
}

/** What happens next if nothing comes: a live run's deadline, or null. */
export function nextDeadline(run) {
  if (!run.deadline) {
    return null;
  }
  const what = {
    START: 'LOST unless it starts by then',
    HEARTBEAT: 'LOST unless a heartbeat comes by then',
    MAX_DURATION: 'LOST if still running then',
    DISPATCH: 'its dispatch is published again by then',
  }[run.deadline.kind] ?? run.deadline.kind;
  return { kind: 'deadline', label: 'Deadline', at: fromIso(run.deadline.at), detail: what };
}

function received(iso) {
  return iso ? `received ${iso}` : '';
}

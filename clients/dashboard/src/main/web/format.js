// How the dashboard writes times, durations and sizes. Pure functions: node's test runner checks them.

/** The statuses of docs/api.md, in the order a run goes through them. */
export const STATUSES = ['SCHEDULED', 'RUNNING', 'FINISHED', 'FAILED', 'CANCELLED', 'LOST'];

/** A run is live while it may still change state by itself. */
export function isLive(status) {
  return status === 'SCHEDULED' || status === 'RUNNING';
}

const pad = (n, width = 2) => String(n).padStart(width, '0');

/** A duration in whole seconds as a person reads it: 45s, 3m 05s, 2h 03m 10s, 3d 04h 10m. */
export function formatDuration(seconds) {
  if (seconds == null || !Number.isFinite(seconds)) {
    return '';
  }
  let s = Math.max(0, Math.floor(seconds));
  const days = Math.floor(s / 86400);
  s -= days * 86400;
  const hours = Math.floor(s / 3600);
  s -= hours * 3600;
  const minutes = Math.floor(s / 60);
  s -= minutes * 60;
  if (days > 0) {
    return `${days}d ${pad(hours)}h ${pad(minutes)}m`;
  }
  if (hours > 0) {
    return `${hours}h ${pad(minutes)}m ${pad(s)}s`;
  }
  if (minutes > 0) {
    return `${minutes}m ${pad(s)}s`;
  }
  return `${s}s`;
}

/** A moment in the browser's time zone, to the second: 2026-11-27 19:00:03. */
export function formatTime(date) {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) {
    return '';
  }
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} `
    + `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** The API's instants are ISO-8601 text; its client timestamps (started, stopped, heartbeat.ts) unix seconds. */
export function fromIso(text) {
  return text ? new Date(text) : null;
}

export function fromUnix(seconds) {
  return seconds == null ? null : new Date(seconds * 1000);
}

/** Bytes in binary units, one decimal above 1 KiB: 32 B, 2.6 MiB. */
export function formatBytes(bytes) {
  if (bytes == null || !Number.isFinite(bytes)) {
    return '';
  }
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** A run's duration in seconds: the API's own once it stopped, else time since its start while it runs. */
export function runDuration(run, nowMillis = Date.now()) {
  if (run.duration != null) {
    return run.duration;
  }
  if (run.status === 'RUNNING' && run.started != null) {
    return Math.max(0, Math.floor(nowMillis / 1000) - run.started);
  }
  return null;
}

/** A param value as text: strings as they are, numbers and booleans as JSON writes them. */
export function formatValue(value) {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

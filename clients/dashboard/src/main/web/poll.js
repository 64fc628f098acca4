// Pages refresh themselves with fetch, never with a reload. One poller per page: the next round starts only
// after the last one ended (no pile-up on a slow API), and none runs while the tab is hidden.
import { formatTime } from './format.js';

/**
 * Calls round() now and then every intervalMs (round may return a new interval, or null to stop).
 * Returns {stop(), now()}; now() runs a round at once (after a user's action).
 */
export function poll(round, intervalMs) {
  let timer = null;
  let stopped = false;
  let running = false;
  let interval = intervalMs;

  const schedule = () => {
    clearTimeout(timer);
    if (!stopped && interval != null && !document.hidden) {
      timer = setTimeout(run, interval);
    }
  };
  const run = async () => {
    if (stopped || running) {
      return;
    }
    running = true;
    try {
      const next = await round();
      if (next !== undefined) {
        interval = next;
      }
    } finally {
      running = false;
      schedule();
    }
  };
  const onVisibility = () => {
    if (!document.hidden) {
      run();
    } else {
      clearTimeout(timer);
    }
  };
  document.addEventListener('visibilitychange', onVisibility);
  run();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisibility);
    },
    now: run,
  };
}

/** Shows when the page last heard from the API, in the header. */
export function markRefreshed(live) {
  const element = document.getElementById('refreshed');
  if (element) {
    element.textContent = `${live ? 'Live · ' : ''}updated ${formatTime(new Date()).slice(11)}`;
    element.dataset.at = new Date().toISOString();
  }
}

/** Calls tick() every second (live durations), until stopped. */
export function everySecond(tick) {
  const timer = setInterval(tick, 1000);
  return () => clearInterval(timer);
}

// The dashboard's entry: a router over three pages, with history.pushState so the back button, reloads and
// shared links work. The server answers index.html for these paths (see lackey.local.DashboardAssets).
import './style.css';
import { h, fill } from './dom.js';
import { navigate, onNavigate } from './nav.js';
import { runsPage } from './runs-page.js';
import { runPage } from './run-page.js';
import { sweepPage } from './sweep-page.js';

const ROUTES = [
  { pattern: /^\/(?:runs\/?)?$/, page: 'runs', create: () => runsPage },
  { pattern: /^\/runs\/([^/]+)$/, page: 'run', create: () => runPage },
  { pattern: /^\/sweeps\/([^/]+)$/, page: 'sweep', create: () => sweepPage },
];

const main = document.getElementById('main');
let current = null;

function route() {
  for (const candidate of ROUTES) {
    const match = candidate.pattern.exec(location.pathname);
    if (match) {
      return { ...candidate, param: match[1] ? decodeURIComponent(match[1]) : null };
    }
  }
  return null;
}

function render() {
  const next = route();
  const key = next ? `${next.page}:${next.param}` : 'none';
  if (current && current.key === key && current.instance.update) {
    current.instance.update();
    return;
  }
  current?.instance.unmount?.();
  current = null;
  fill(main);
  if (!next) {
    document.title = 'Not found · lackey';
    fill(main, h('section', { class: 'card' },
      h('h1', {}, 'No such page'),
      h('p', {}, `The dashboard has no page at ${location.pathname}. `, h('a', { href: '/', 'data-nav': true }, 'See all runs'), '.')));
    return;
  }
  current = { key, instance: next.create()(main, next.param) };
  main.focus({ preventScroll: true });
}

// Links inside the dashboard change the page in place; API links, downloads and other origins load normally.
document.addEventListener('click', (event) => {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
    return;
  }
  const link = event.target.closest('a[href]');
  if (!link || link.target || link.hasAttribute('download')) {
    return;
  }
  const url = new URL(link.href, location.href);
  if (url.origin !== location.origin || url.pathname.startsWith('/api/')) {
    return;
  }
  event.preventDefault();
  if (url.href !== location.href) {
    navigate(url.pathname + url.search);
  }
});

onNavigate(render);
window.addEventListener('popstate', render);
render();

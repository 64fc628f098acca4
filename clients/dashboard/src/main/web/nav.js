// Moving between the dashboard's pages without a reload: history.pushState, then the router renders.

let render = () => {};

/** The router's render function (app.js sets it). */
export function onNavigate(renderPage) {
  render = renderPage;
}

/** Goes to a dashboard URL without reloading the page; replace keeps the browser's history as it is. */
export function navigate(url, { replace = false, state = null } = {}) {
  if (replace) {
    history.replaceState(state, '', url);
  } else {
    history.pushState(state, '', url);
  }
  render();
}

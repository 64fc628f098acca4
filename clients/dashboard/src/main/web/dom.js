// A few lines instead of a framework: h() builds elements, so that text is always text (never parsed as HTML).
import { formatTime } from './format.js';

/**
 * An element: h('a', {href: '/', class: 'x', onclick: f, dataset: {id: 1}}, 'text', child, [more]).
 * null, undefined and false children are skipped; strings and numbers become text nodes.
 */
export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value == null || value === false) {
      continue;
    }
    if (key.startsWith('on') && typeof value === 'function') {
      element.addEventListener(key.slice(2), value);
    } else if (key === 'dataset') {
      Object.assign(element.dataset, value);
    } else if (key === 'class') {
      element.className = value;
    } else if (key in element && typeof value !== 'string') {
      element[key] = value;
    } else {
      element.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children) {
    if (child == null || child === false) {
      continue;
    }
    if (Array.isArray(child)) {
      append(element, child);
    } else if (child instanceof Node) {
      element.append(child);
    } else {
      element.append(document.createTextNode(String(child)));
    }
  }
}

/** Replaces an element's children. */
export function fill(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

/** A status as a badge: its word (never colour alone) on its colour. */
export function statusBadge(status) {
  return h('span', { class: `status status-${status.toLowerCase()}` }, status);
}

/** A moment as <time>, in this time zone, with the exact instant in its title. */
export function timeOf(date) {
  if (!date) {
    return null;
  }
  return h('time', { datetime: date.toISOString(), title: date.toISOString() }, formatTime(date));
}

/** The API's error, as the API said it: {"error", "message"}. */
export function errorBox(error, { retrying = false } = {}) {
  return h('div', { class: 'error', role: 'alert' },
    h('strong', {}, error.message),
    h('span', { class: 'error-code' }, error.code ? ` (${error.status ? `${error.status} ` : ''}${error.code})` : ''),
    retrying ? h('span', { class: 'muted' }, ' · trying again') : null);
}

// The dashboard's only way to lackey: the HTTP API of docs/api.md, through relative URLs, so the same page works
// served by the local cloud and by `lackey ui` (which forwards /api/* to a deployed stack, signed).

/** An answer that is not a success, carrying the API's own {"error", "message"}. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/**
 * Calls the API and returns its JSON. A form (an object) is sent form-encoded, as the API's examples do.
 * Throws ApiError with the API's message, or with what went wrong when there was no API answer at all.
 */
export async function callApi(path, { method = 'GET', form } = {}) {
  const init = { method, headers: { accept: 'application/json' }, cache: 'no-store' };
  if (form) {
    init.headers['content-type'] = 'application/x-www-form-urlencoded';
    init.body = new URLSearchParams(form).toString();
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (e) {
    throw new ApiError(0, 'unreachable', `lackey's API did not answer ${method} ${path} (${e.message}). Is it running?`);
  }
  return readJson(response, `${method} ${path}`);
}

async function readJson(response, what) {
  const text = await response.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (!response.ok) {
    throw errorOf(response, body, text, what);
  }
  if (body === null) {
    throw new ApiError(response.status, 'not_json', `${what} answered ${response.status} without JSON`);
  }
  return body;
}

function errorOf(response, body, text, what) {
  if (body && typeof body.error === 'string') {
    return new ApiError(response.status, body.error, typeof body.message === 'string' ? body.message : body.error);
  }
  const detail = text ? `: ${text.slice(0, 300)}` : '';
  return new ApiError(response.status, `http_${response.status}`, `${what} answered ${response.status} ${response.statusText}${detail}`);
}

/** Every run of a listing, following its cursor page after page (at most maxPages pages). */
export async function listAll(query, { limit = 1000, maxPages = 20 } = {}) {
  const runs = [];
  let cursor = null;
  for (let page = 0; page < maxPages; page++) {
    const params = new URLSearchParams(query);
    params.set('limit', String(limit));
    if (cursor) {
      params.set('cursor', cursor);
    }
    const answer = await callApi(`/api/runs?${params}`);
    runs.push(...answer.runs);
    cursor = answer.cursor;
    if (!cursor) {
      return { runs, complete: true };
    }
  }
  return { runs, complete: false };
}

/** How much of a log the page shows at most: its tail, when the log is larger. */
export const LOG_TAIL_BYTES = 512 * 1024;

/**
 * A run's log as text. GET /api/run/{id}/log answers a 302 to a presigned S3 URL on another origin; the browser
 * follows it, and S3 lets the page read the answer because the bucket allows cross-origin GETs (template.yaml's
 * CorsConfiguration, which the local cloud gives S3Proxy). A log larger than LOG_TAIL_BYTES is read from an
 * offset ("Range: bytes=N-", which needs no preflight), so a 100 MB log costs the page half a megabyte.
 * Returns {text, truncated}.
 */
export async function fetchLog(id, bytes) {
  const tail = bytes != null && bytes > LOG_TAIL_BYTES;
  const init = { cache: 'no-store', headers: {} };
  if (tail) {
    init.headers.range = `bytes=${bytes - LOG_TAIL_BYTES}-`;
  }
  const path = `/api/run/${encodeURIComponent(id)}/log`;
  let response;
  try {
    response = await fetch(path, init);
  } catch (e) {
    throw new ApiError(0, 'log_unreadable', `The browser could not read the log from its download link (${e.message}). `
      + 'The storage must allow cross-origin GETs from this page: see docs/dashboard.md.');
  }
  if (!response.ok) {
    const text = await response.text();
    if (response.redirected) {
      throw new ApiError(response.status, 's3_error', `The log's download link answered ${response.status}: ${s3Message(text)}`);
    }
    let body = null;
    try {
      body = JSON.parse(text);
    } catch {
      body = null;
    }
    throw errorOf(response, body, text, `GET ${path}`);
  }
  let text = new TextDecoder('utf-8').decode(await response.arrayBuffer());
  const truncated = tail && response.status === 206;
  if (truncated) {
    // the first line is most likely cut in the middle: start at the next whole line
    const newline = text.indexOf('\n');
    text = newline >= 0 ? text.slice(newline + 1) : text;
  }
  return { text, truncated };
}

// S3 errors are XML: <Error><Code>AccessDenied</Code><Message>…</Message></Error>
function s3Message(xml) {
  const code = /<Code>([^<]*)<\/Code>/.exec(xml)?.[1];
  const message = /<Message>([^<]*)<\/Message>/.exec(xml)?.[1];
  return [code, message].filter(Boolean).join(': ') || xml.slice(0, 300);
}

// The HTTP API (docs/http-api.md). Authentication rides on the parley_token cookie, which the
// server sets on login and renewal; the page never sees the token itself.

export class ApiError extends Error {
  /**
   * @param {number} status HTTP status, 0 when the server could not be reached
   * @param {string} code the API's error code ("network" when unreachable)
   * @param {string} message human text
   * @param {number|null} retryAfter seconds, from a Retry-After header
   */
  constructor(status, code, message, retryAfter = null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
  }
}

function retryAfterOf(headerValue) {
  if (!headerValue) return null;
  const seconds = Number(headerValue);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
  const date = Date.parse(headerValue);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

function errorFrom(status, body, retryAfter) {
  const err = body && typeof body === 'object' && body.error;
  const code = err && typeof err.code === 'string' ? err.code : status === 429 ? 'rate_limited' : `http_${status}`;
  const message = err && typeof err.message === 'string' ? err.message : `HTTP ${status}`;
  return new ApiError(status, code, message, retryAfter);
}

async function call(method, path, { json, query } = {}) {
  let url = path;
  if (query) {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
    }
    const qs = params.toString();
    if (qs) url += `?${qs}`;
  }
  const init = { method, credentials: 'same-origin', cache: 'no-store', headers: { Accept: 'application/json' } };
  if (json !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(json);
  }
  let response;
  try {
    response = await fetch(url, init);
  } catch {
    throw new ApiError(0, 'network', 'The server cannot be reached.');
  }
  let body = null;
  if (response.status !== 204) {
    const text = await response.text().catch(() => '');
    if (text) {
      try { body = JSON.parse(text); } catch { body = null; }
    }
  }
  if (!response.ok) throw errorFrom(response.status, body, retryAfterOf(response.headers.get('Retry-After')));
  return body;
}

const enc = encodeURIComponent;

export const api = {
  signup: (username, password) => call('POST', '/api/signup', { json: { username, password } }),
  login: (username, password) => call('POST', '/api/login', { json: { username, password } }),
  logout: () => call('POST', '/api/logout'),
  me: () => call('GET', '/api/me'),
  /** New token and cookie: {token, expires_at, user}. */
  renew: () => call('POST', '/api/token'),
  channels: () => call('GET', '/api/channels'),
  messages: (channel, { before, limit } = {}) =>
    call('GET', `/api/channels/${enc(channel)}/messages`, { query: { before, limit } }),
  users: ({ q, online, limit } = {}) =>
    call('GET', '/api/users', { query: { q, online: online ? 'true' : undefined, limit } }),

  /**
   * Uploads one file as the raw request body. XMLHttpRequest rather than fetch for its upload
   * progress events. Returns {promise, abort}; the promise gives the `upload` object.
   */
  upload(file, { name, type, onProgress } = {}) {
    const xhr = new XMLHttpRequest();
    const promise = new Promise((resolve, reject) => {
      xhr.open('POST', `/api/uploads?name=${enc(name || file.name)}`);
      xhr.withCredentials = true;
      xhr.responseType = 'text';
      xhr.setRequestHeader('Content-Type', type || file.type);
      xhr.upload.addEventListener('progress', (event) => {
        if (onProgress && event.lengthComputable) onProgress(event.loaded / event.total);
      });
      xhr.addEventListener('load', () => {
        let body = null;
        try { body = JSON.parse(xhr.responseText); } catch { body = null; }
        if (xhr.status >= 200 && xhr.status < 300 && body && body.upload) resolve(body.upload);
        else reject(errorFrom(xhr.status, body, retryAfterOf(xhr.getResponseHeader('Retry-After'))));
      });
      xhr.addEventListener('error', () => reject(new ApiError(0, 'network', 'The upload did not get through.')));
      xhr.addEventListener('abort', () => reject(new ApiError(0, 'aborted', 'Upload cancelled.')));
      xhr.send(file);
    });
    return { promise, abort: () => xhr.abort() };
  },
};

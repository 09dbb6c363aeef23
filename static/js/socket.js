// The WebSocket (docs/protocol.md): one live connection, requests matched to replies by `ref`,
// reconnection with exponential backoff and jitter, a heartbeat that notices dead links, and a
// hand-over to a fresh connection (after the token was renewed) without a visible gap.
//
// Events (all CustomEvent, details in `detail`):
//   state      {state, retryAt}  state: 'connecting' | 'live' | 'reconnecting' | 'stopped'
//   hello      {frame, handover} a connection is ready; resume channels on it
//   frame      {frame}           every frame received (replies included)
//   authend    {reason}          closed with 4001 (logged out / token expired); not reconnecting
//   connectfail {}               a connection closed before its hello (refused upgrade?)

const BACKOFF_BASE_MS = 1000;
const BACKOFF_MAX_MS = 30000;
const REQUEST_TIMEOUT_MS = 15000;
const HEARTBEAT_EVERY_MS = 10000;
const SILENCE_BEFORE_PING_MS = 25000;
const PONG_TIMEOUT_MS = 10000;
const RETIRE_OLD_AFTER_MS = 4000;

export class RequestError extends Error {
  constructor(code, message) {
    super(message || code);
    this.name = 'RequestError';
    this.code = code;
  }
}

function defaultUrl() {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}/ws`;
}

export class Socket extends EventTarget {
  constructor(url = defaultUrl()) {
    super();
    this.url = url;
    this.state = 'stopped';
    this.retryAt = 0;
    this.attempt = 0;
    this.conn = null;      // {ws, hello, lastFrameAt}
    this.next = null;      // connection being opened for a hand-over
    this.pending = new Map();
    this.seq = 0;
    this.retryTimer = 0;
    this.handoverTimer = 0;
    this.heartbeat = 0;
    this.pinging = false;
    this.onOnline = () => { if (this.state === 'reconnecting') this.retryNow(); };
  }

  /** Starts connecting (no-op when already running). */
  start() {
    if (this.state !== 'stopped') return;
    this.attempt = 0;
    addEventListener('online', this.onOnline);
    this.heartbeat = setInterval(() => this.#beat(), HEARTBEAT_EVERY_MS);
    this.#connect();
  }

  /** Closes everything and stays closed. */
  stop() {
    removeEventListener('online', this.onOnline);
    clearInterval(this.heartbeat);
    clearTimeout(this.retryTimer);
    clearTimeout(this.handoverTimer);
    for (const conn of [this.conn, this.next]) if (conn) this.#discard(conn, 1000, 'bye');
    this.conn = null;
    this.next = null;
    this.#rejectPending(null, 'disconnected');
    this.#setState('stopped');
  }

  /** Skips the rest of the backoff wait. */
  retryNow() {
    if (this.state !== 'reconnecting') return;
    clearTimeout(this.retryTimer);
    this.#connect();
  }

  /**
   * Opens a second connection (the browser sends the current, renewed cookie), switches to it
   * when its hello arrives and closes the old one a little later. Messages that reach both are
   * de-duplicated by id in the state.
   */
  handover() {
    clearTimeout(this.handoverTimer);
    if (this.state !== 'live' || !this.conn) return; // the next connect uses the new cookie anyway
    if (this.next) this.#discard(this.next, 1000, 'superseded');
    this.next = this.#open();
  }

  get live() {
    return this.state === 'live' && !!this.conn && this.conn.ws.readyState === WebSocket.OPEN;
  }

  /** Sends a frame without waiting for a reply. Returns false when not live. */
  send(frame) {
    if (!this.live) return false;
    this.conn.ws.send(JSON.stringify(frame));
    return true;
  }

  /** Sends a frame with a fresh `ref` and resolves with the reply (rejects with RequestError). */
  request(frame, timeoutMs = REQUEST_TIMEOUT_MS) {
    if (!this.live) return Promise.reject(new RequestError('offline', 'Not connected.'));
    const ref = `r${++this.seq}`;
    const conn = this.conn;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(ref);
        reject(new RequestError('timeout', 'The server did not answer in time.'));
      }, timeoutMs);
      this.pending.set(ref, { resolve, reject, timer, conn });
      conn.ws.send(JSON.stringify({ ...frame, ref }));
    });
  }

  #emit(type, detail = {}) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  #setState(state, retryAt = 0) {
    this.state = state;
    this.retryAt = retryAt;
    this.#emit('state', { state, retryAt });
  }

  #connect() {
    this.#setState('connecting');
    this.conn = this.#open();
  }

  #open() {
    const ws = new WebSocket(this.url);
    const conn = { ws, hello: false, lastFrameAt: Date.now() };
    ws.addEventListener('message', (event) => this.#onMessage(conn, event));
    ws.addEventListener('close', (event) => this.#onClose(conn, event.code, event.reason));
    return conn;
  }

  /** Closes a connection without running the close logic for it. */
  #discard(conn, code, reason) {
    conn.discarded = true;
    try { conn.ws.close(code, reason); } catch { /* already closing */ }
  }

  #onMessage(conn, event) {
    if (conn.discarded || typeof event.data !== 'string') return;
    let frame;
    try { frame = JSON.parse(event.data); } catch { return; }
    if (!frame || typeof frame.type !== 'string') return;
    conn.lastFrameAt = Date.now();

    if (frame.type === 'hello') {
      conn.hello = true;
      if (conn === this.next) {
        const old = this.conn;
        this.conn = conn;
        this.next = null;
        if (old) setTimeout(() => this.#discard(old, 1000, 'renewed'), RETIRE_OLD_AFTER_MS);
        this.#emit('hello', { frame, handover: true });
      } else if (conn === this.conn) {
        this.attempt = 0;
        this.#setState('live');
        this.#emit('hello', { frame, handover: false });
      }
      return;
    }

    if (typeof frame.ref === 'string' && this.pending.has(frame.ref)) {
      const entry = this.pending.get(frame.ref);
      this.pending.delete(frame.ref);
      clearTimeout(entry.timer);
      if (frame.type === 'error') entry.reject(new RequestError(frame.code, frame.message));
      else entry.resolve(frame);
    }
    this.#emit('frame', { frame });
  }

  #onClose(conn, code, reason) {
    if (conn.discarded) return;
    conn.discarded = true;
    if (conn === this.next) {
      // The hand-over connection failed: keep the old one, try again shortly.
      this.next = null;
      this.handoverTimer = setTimeout(() => this.handover(), 5000);
      return;
    }
    if (conn !== this.conn) return;
    this.conn = null;
    if (this.next) { this.#discard(this.next, 1000, 'restart'); this.next = null; }
    this.#rejectPending(conn, 'disconnected');
    if (code === 4001) {
      this.stop();
      this.#emit('authend', { reason });
      return;
    }
    if (!conn.hello) this.#emit('connectfail', { code, reason });
    if (this.state === 'stopped') return; // a connectfail listener stopped us
    this.#scheduleReconnect();
  }

  #scheduleReconnect() {
    const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** this.attempt);
    const delay = ceiling / 2 + Math.random() * (ceiling / 2); // "equal jitter"
    this.attempt = Math.min(this.attempt + 1, 10);
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.#connect(), delay);
    this.#setState('reconnecting', Date.now() + delay);
  }

  #rejectPending(conn, code) {
    for (const [ref, entry] of this.pending) {
      if (conn && entry.conn !== conn) continue;
      this.pending.delete(ref);
      clearTimeout(entry.timer);
      entry.reject(new RequestError(code, 'The connection was lost.'));
    }
  }

  /** Pings a connection that has been silent for a while; one that does not answer is dropped. */
  #beat() {
    const conn = this.conn;
    if (!this.live || this.pinging || Date.now() - conn.lastFrameAt < SILENCE_BEFORE_PING_MS) return;
    this.pinging = true;
    this.request({ type: 'ping' }, PONG_TIMEOUT_MS)
      .catch((err) => {
        if (err.code === 'timeout' && conn === this.conn) {
          // A dead link may take minutes to report its close: treat it as closed now.
          this.#discard(conn, 4000, 'no pong');
          conn.discarded = false;
          this.#onClose(conn, 4000, 'no pong');
        }
      })
      .finally(() => { this.pinging = false; });
  }
}

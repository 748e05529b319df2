/**
 * mux.js — a small browser client for Mux WebSocket endpoints (and for Django Channels ones:
 * the wire formats are the same). One ES module, no dependencies, no build step.
 *
 * What it does:
 *
 * - Keeps a socket open: when the connection drops it reconnects by itself, waiting a jittered,
 *   exponentially growing delay between attempts (so a thousand pages whose server restarted
 *   do not all knock at once), and at once when the browser comes back online.
 * - Tells you when it is (re)connected, so you can re-join and reload state: messages sent
 *   while a socket is down are lost (the server is at-most-once), so after a reconnect a page
 *   must fetch what it missed. The `open` event says whether it was a reconnect.
 * - Demultiplexes streams: frames of the form `{"stream": name, "payload": {...}}` go to that
 *   stream's listeners; `stream(name).send(payload)` wraps a payload the same way.
 * - Correlates requests and replies: `stream(name).request(payload)` adds a unique
 *   `request_id` and resolves with the reply that echoes it (the reply format of data
 *   bindings: `{"action", "data", "errors", "response_status", "request_id"}`), or rejects
 *   with a `MuxRequestError` for a 4xx/5xx reply, a timeout, or a lost connection.
 *
 * Usage:
 *
 *     import { MuxSocket } from './mux.js';
 *
 *     // A plain JSON socket (the Channels tutorial chat):
 *     const chat = new MuxSocket('ws/chat/lobby/');
 *     chat.on('message', frame => console.log(frame.message));
 *     chat.send({ message: 'Hello' });
 *
 *     // A demultiplexed socket with a data binding on stream "message-stream":
 *     const board = new MuxSocket('demultiplex/lobby/');
 *     const messages = board.stream('message-stream');
 *     messages.on(payload => console.log(payload.action, payload.pk, payload.data));
 *     board.on('open', ({ reconnected }) => reloadEverything());
 *     const reply = await messages.request({ action: 'create', data: { room: 'lobby', message: 'Hi' } });
 *     console.log(reply.response_status, reply.data);   // 201 {...}
 *
 * URLs may be relative: they are resolved against the page (`document.baseURI`), with
 * `http:` turned into `ws:` and `https:` into `wss:`.
 *
 * Events (`socket.on(name, listener)`, which returns a function that removes the listener):
 *
 * - `open`    `{ reconnected: boolean }` — the socket is open; `reconnected` is true from the
 *             second time on.
 * - `close`   `{ code, reason, reconnectIn }` — the socket closed; `reconnectIn` is the delay in
 *             milliseconds before the next attempt, or `null` after `close()`.
 * - `state`   `'connecting' | 'open' | 'reconnecting' | 'closed'` — every change of `state`.
 * - `message` the parsed JSON of every frame that is not a stream frame.
 * - `error`   an `Error` for a frame that is not JSON (the frame is dropped).
 *
 * Listeners run on the browser's event loop, one at a time, in the order frames arrive.
 */

/** Reconnect and request defaults; every one can be overridden in the `MuxSocket` options. */
export const DEFAULTS = Object.freeze({
  /** The delay before the first reconnect attempt, in milliseconds (before jitter). */
  minDelay: 500,
  /** The longest delay between two reconnect attempts, in milliseconds. */
  maxDelay: 15000,
  /** A connection open this long resets the delay to `minDelay`, in milliseconds. */
  stableAfter: 5000,
  /** How long `request()` waits for its reply, in milliseconds. */
  requestTimeout: 10000,
});

/** The error a `request()` rejects with. */
export class MuxRequestError extends Error {
  /**
   * @param {string} message what went wrong
   * @param {number|null} status the reply's `response_status`, or null if there was no reply
   * @param {string[]} errors the reply's `errors`
   * @param {object|null} reply the whole reply payload, or null
   */
  constructor(message, status = null, errors = [], reply = null) {
    super(message);
    this.name = 'MuxRequestError';
    this.status = status;
    this.errors = errors;
    this.reply = reply;
  }
}

/** A socket that reconnects by itself, demultiplexes streams and correlates replies. */
export class MuxSocket {
  /**
   * Creates the socket and starts connecting.
   *
   * @param {string} url the endpoint, absolute (`ws:`, `wss:`, `http:`, `https:`) or relative to the page
   * @param {object} [options] `minDelay`, `maxDelay`, `stableAfter`, `requestTimeout` (see DEFAULTS),
   *   `protocols` (WebSocket subprotocols), `WebSocket` (the constructor to use, for tests)
   */
  constructor(url, options = {}) {
    this.url = MuxSocket.resolve(url);
    this.options = { ...DEFAULTS, ...options };
    this._WebSocket = options.WebSocket || globalThis.WebSocket;
    this._listeners = new Map();
    this._streams = new Map();
    this._pending = new Map();
    this._attempt = 0;
    this._opens = 0;
    this._state = 'connecting';
    this._timer = null;
    this._stableTimer = null;
    this._ws = null;
    this._onOnline = () => {
      if (this._state === 'reconnecting') {
        this._reconnectNow();
      }
    };
    globalThis.addEventListener?.('online', this._onOnline);
    this._connect();
  }

  /**
   * Resolves a possibly relative URL against the page and gives it a WebSocket scheme.
   *
   * @param {string} url the URL
   * @returns {string} an absolute `ws:` or `wss:` URL
   */
  static resolve(url) {
    const base = globalThis.document?.baseURI ?? globalThis.location?.href;
    const resolved = base ? new URL(url, base) : new URL(url);
    if (resolved.protocol === 'http:') resolved.protocol = 'ws:';
    if (resolved.protocol === 'https:') resolved.protocol = 'wss:';
    return resolved.toString();
  }

  /** @returns {'connecting'|'open'|'reconnecting'|'closed'} where the socket is */
  get state() {
    return this._state;
  }

  /**
   * Adds an event listener.
   *
   * @param {'open'|'close'|'state'|'message'|'error'} event the event
   * @param {Function} listener called with the event's value
   * @returns {Function} call it to remove the listener
   */
  on(event, listener) {
    if (!this._listeners.has(event)) this._listeners.set(event, new Set());
    this._listeners.get(event).add(listener);
    return () => this._listeners.get(event)?.delete(listener);
  }

  /**
   * Sends a JSON frame now.
   *
   * Nothing is queued while the socket is down: a frame sent then would arrive out of date, so
   * the caller decides (the return value says whether it went out).
   *
   * @param {object} content the frame, serialised with JSON.stringify
   * @returns {boolean} true if it was handed to the socket, false if the socket is not open
   */
  send(content) {
    if (this._state !== 'open') return false;
    this._ws.send(JSON.stringify(content));
    return true;
  }

  /**
   * Returns the handle of a stream (the same one for the same name).
   *
   * @param {string} name the stream name
   * @returns {MuxStream} the handle
   */
  stream(name) {
    if (!this._streams.has(name)) this._streams.set(name, new MuxStream(this, name));
    return this._streams.get(name);
  }

  /**
   * Closes the socket for good: no more reconnects, and pending requests are rejected.
   *
   * @param {number} [code] the close code, 1000 by default
   * @param {string} [reason] the close reason
   */
  close(code = 1000, reason = '') {
    if (this._state === 'closed') return;
    clearTimeout(this._timer);
    clearTimeout(this._stableTimer);
    globalThis.removeEventListener?.('online', this._onOnline);
    this._setState('closed');
    this._failPending('the socket was closed');
    if (this._ws) {
      this._ws.close(code, reason);
    }
    this._emit('close', { code, reason, reconnectIn: null });
  }

  _connect() {
    const ws = new this._WebSocket(this.url, this.options.protocols);
    this._ws = ws;
    ws.onopen = () => {
      if (ws !== this._ws) return;
      this._opens += 1;
      this._setState('open');
      // Only a connection that lasts resets the backoff: a server that accepts and then
      // closes at once must not be hammered.
      this._stableTimer = setTimeout(() => { this._attempt = 0; }, this.options.stableAfter);
      this._emit('open', { reconnected: this._opens > 1 });
    };
    ws.onmessage = (event) => {
      if (ws !== this._ws) return;
      this._receive(event.data);
    };
    ws.onclose = (event) => {
      if (ws !== this._ws || this._state === 'closed') return;
      clearTimeout(this._stableTimer);
      this._failPending(`the connection closed (${event.code})`);
      const delay = this._nextDelay();
      this._setState('reconnecting');
      this._emit('close', { code: event.code, reason: event.reason, reconnectIn: delay });
      this._timer = setTimeout(() => this._reconnectNow(), delay);
    };
    // An error is always followed by a close, which does the work.
    ws.onerror = () => {};
  }

  _reconnectNow() {
    clearTimeout(this._timer);
    if (this._state === 'closed') return;
    this._setState('connecting');
    this._connect();
  }

  /** Exponential backoff with "equal jitter": half the step fixed, half random. */
  _nextDelay() {
    const step = Math.min(this.options.maxDelay, this.options.minDelay * 2 ** this._attempt);
    this._attempt = Math.min(this._attempt + 1, 30);
    return Math.round(step / 2 + Math.random() * (step / 2));
  }

  _receive(data) {
    let frame;
    try {
      frame = JSON.parse(data);
    } catch (e) {
      this._emit('error', new Error(`a frame that is not JSON was dropped: ${e.message}`));
      return;
    }
    if (frame !== null && typeof frame === 'object' && typeof frame.stream === 'string'
        && 'payload' in frame) {
      const payload = frame.payload;
      const id = payload && typeof payload === 'object' ? payload.request_id : undefined;
      const key = id === undefined ? undefined : `${frame.stream}\u0000${id}`;
      if (key !== undefined && this._pending.has(key)) {
        this._settle(key, payload);
        return;
      }
      const stream = this._streams.get(frame.stream);
      if (stream) stream._deliver(payload);
      return;
    }
    this._emit('message', frame);
  }

  _request(stream, payload, timeout) {
    const requestId = MuxSocket._newRequestId();
    const key = `${stream}\u0000${requestId}`;
    return new Promise((resolve, reject) => {
      if (this._state !== 'open') {
        reject(new MuxRequestError('the socket is not connected'));
        return;
      }
      const timer = setTimeout(() => {
        this._pending.delete(key);
        reject(new MuxRequestError(`no reply within ${timeout} ms`));
      }, timeout);
      this._pending.set(key, { resolve, reject, timer });
      this.send({ stream, payload: { ...payload, request_id: requestId } });
    });
  }

  _settle(key, reply) {
    const pending = this._pending.get(key);
    this._pending.delete(key);
    clearTimeout(pending.timer);
    const status = typeof reply.response_status === 'number' ? reply.response_status : 200;
    if (status >= 400) {
      const errors = Array.isArray(reply.errors) ? reply.errors : [];
      pending.reject(new MuxRequestError(describeErrors(errors) || `request failed with status ${status}`,
        status, errors, reply));
    } else {
      pending.resolve(reply);
    }
  }

  _failPending(why) {
    for (const pending of this._pending.values()) {
      clearTimeout(pending.timer);
      pending.reject(new MuxRequestError(why));
    }
    this._pending.clear();
  }

  _setState(state) {
    if (this._state === state) return;
    this._state = state;
    this._emit('state', state);
  }

  _emit(event, value) {
    for (const listener of [...(this._listeners.get(event) || [])]) {
      try {
        listener(value);
      } catch (e) {
        // One faulty listener must not starve the others.
        setTimeout(() => { throw e; });
      }
    }
  }

  static _newRequestId() {
    if (globalThis.crypto?.randomUUID) return globalThis.crypto.randomUUID();
    return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
  }
}

/**
 * Turns a reply's `errors` into one line. Errors are strings (`["Not found."]`) or, for invalid
 * data, objects of field errors (`[{"message": ["This field may not be blank."]}]`).
 *
 * @param {Array<string|object>} errors the errors
 * @returns {string} the first error, prefixed with its field unless it is a non-field error
 */
export function describeErrors(errors) {
  for (const error of errors) {
    if (typeof error === 'string') return error;
    if (error && typeof error === 'object') {
      for (const [field, messages] of Object.entries(error)) {
        const first = Array.isArray(messages) ? messages[0] : messages;
        if (first !== undefined) {
          return field === 'non_field_errors' ? String(first) : `${field}: ${first}`;
        }
      }
    }
  }
  return '';
}

/** One stream of a demultiplexed socket; get it with `MuxSocket.stream(name)`. */
export class MuxStream {
  constructor(socket, name) {
    this.socket = socket;
    this.name = name;
    this._listeners = new Set();
  }

  /**
   * Sends a payload on this stream, as `{"stream": name, "payload": payload}`.
   *
   * @param {object} payload the payload, an object
   * @returns {boolean} true if it was sent, false if the socket is not open
   */
  send(payload) {
    return this.socket.send({ stream: this.name, payload });
  }

  /**
   * Sends a payload with a fresh `request_id` and waits for the reply that echoes it.
   *
   * @param {object} payload the payload, e.g. `{action: 'update', pk: 3, data: {...}}`
   * @param {object} [options] `timeout` in milliseconds (default `requestTimeout`)
   * @returns {Promise<object>} the reply payload, if its `response_status` is below 400
   * @throws {MuxRequestError} (as a rejection) for an error reply, a timeout, or a lost connection
   */
  request(payload, { timeout = this.socket.options.requestTimeout } = {}) {
    return this.socket._request(this.name, payload, timeout);
  }

  /**
   * Adds a listener for this stream's payloads (replies to `request()` are not included).
   *
   * @param {Function} listener called with `(payload, streamName)`
   * @returns {Function} call it to remove the listener
   */
  on(listener) {
    this._listeners.add(listener);
    return () => this._listeners.delete(listener);
  }

  _deliver(payload) {
    for (const listener of [...this._listeners]) {
      try {
        listener(payload, this.name);
      } catch (e) {
        setTimeout(() => { throw e; });
      }
    }
  }
}

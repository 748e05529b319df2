// Unit tests of mux.js with a fake WebSocket and mocked timers: `node --test` (run by MuxJsTest).
import { describe, it, beforeEach, afterEach, mock } from 'node:test';
import assert from 'node:assert/strict';
import { MuxSocket, MuxRequestError, DEFAULTS, describeErrors } from '../../main/resources/dev/mux/examples/web/mux.js';

/** A WebSocket the test drives: open(), receive(), drop(); it records what was sent. */
class FakeWebSocket {
  static instances = [];

  constructor(url, protocols) {
    this.url = url;
    this.protocols = protocols;
    this.sent = [];
    this.closedWith = null;
    FakeWebSocket.instances.push(this);
  }

  send(text) { this.sent.push(JSON.parse(text)); }

  close(code, reason) { this.closedWith = { code, reason }; }

  open() { this.onopen?.({}); }

  receive(value) { this.onmessage?.({ data: typeof value === 'string' ? value : JSON.stringify(value) }); }

  drop(code = 1006) { this.onclose?.({ code, reason: '' }); }

  static last() { return FakeWebSocket.instances.at(-1); }
}

function connect(options = {}) {
  const socket = new MuxSocket('ws://127.0.0.1:1/demultiplex/lobby/', { WebSocket: FakeWebSocket, ...options });
  FakeWebSocket.last().open();
  return socket;
}

beforeEach(() => {
  FakeWebSocket.instances = [];
  mock.timers.enable({ apis: ['setTimeout'] });
});

afterEach(() => {
  mock.timers.reset();
  mock.restoreAll();
});

describe('demultiplexing', () => {
  it('routes stream frames to their stream and other frames to "message"', () => {
    const socket = connect();
    const board = [];
    const chat = [];
    const other = [];
    socket.stream('message-stream').on((payload, name) => board.push([name, payload]));
    socket.stream('other').on((payload) => other.push(payload));
    socket.on('message', (frame) => chat.push(frame));

    FakeWebSocket.last().receive({ stream: 'message-stream', payload: { action: 'create', pk: 1 } });
    FakeWebSocket.last().receive({ message: 'hi' });
    FakeWebSocket.last().receive({ stream: 'nobody-listens', payload: {} });

    assert.deepEqual(board, [['message-stream', { action: 'create', pk: 1 }]]);
    assert.deepEqual(chat, [{ message: 'hi' }]);
    assert.deepEqual(other, []);
  });

  it('wraps what a stream sends in the envelope', () => {
    const socket = connect();

    assert.equal(socket.stream('s').send({ a: 1 }), true);

    assert.deepEqual(FakeWebSocket.last().sent, [{ stream: 's', payload: { a: 1 } }]);
  });

  it('reports a frame that is not JSON and keeps going', () => {
    const socket = connect();
    const errors = [];
    const frames = [];
    socket.on('error', (e) => errors.push(e.message));
    socket.on('message', (f) => frames.push(f));

    FakeWebSocket.last().receive('{not json');
    FakeWebSocket.last().receive({ message: 'after' });

    assert.equal(errors.length, 1);
    assert.match(errors[0], /not JSON/);
    assert.deepEqual(frames, [{ message: 'after' }]);
  });

  it('does not send while the socket is down', () => {
    const socket = new MuxSocket('ws://127.0.0.1:1/x/', { WebSocket: FakeWebSocket });

    assert.equal(socket.send({ message: 'lost' }), false);
    assert.deepEqual(FakeWebSocket.last().sent, []);
  });
});

describe('requests', () => {
  it('adds a request_id and resolves with the reply that echoes it, which no listener sees', async () => {
    const socket = connect();
    const heard = [];
    socket.stream('message-stream').on((p) => heard.push(p));

    const reply = socket.stream('message-stream').request({ action: 'create', data: { message: 'x' } });
    const sent = FakeWebSocket.last().sent[0];
    assert.equal(sent.stream, 'message-stream');
    assert.equal(sent.payload.action, 'create');
    assert.equal(typeof sent.payload.request_id, 'string');
    FakeWebSocket.last().receive({ stream: 'message-stream', payload: { action: 'create', response_status: 201, request_id: 'other', errors: [] } });
    FakeWebSocket.last().receive({ stream: 'message-stream', payload: { action: 'create', data: { id: 7 }, response_status: 201, request_id: sent.payload.request_id, errors: [] } });

    assert.deepEqual((await reply).data, { id: 7 });
    assert.equal(heard.length, 1, 'only the reply to another request reached the listener');
  });

  it('rejects with the status and errors of an error reply', async () => {
    const socket = connect();

    const reply = socket.stream('message-stream').request({ action: 'update', pk: 1, data: {} });
    const id = FakeWebSocket.last().sent[0].payload.request_id;
    FakeWebSocket.last().receive({ stream: 'message-stream', payload: { response_status: 400, request_id: id, errors: [{ message: ['This field may not be blank.'] }] } });

    await assert.rejects(reply, (e) => e instanceof MuxRequestError && e.status === 400
      && e.message === 'message: This field may not be blank.');
  });

  it('rejects when no reply comes in time', async () => {
    const socket = connect({ requestTimeout: 1000 });

    const reply = socket.stream('s').request({ action: 'delete', pk: 1 });
    mock.timers.tick(1000);

    await assert.rejects(reply, /no reply within 1000 ms/);
  });

  it('rejects pending requests when the connection drops, and new ones while it is down', async () => {
    const socket = connect();
    const pending = socket.stream('s').request({ action: 'delete', pk: 1 });

    FakeWebSocket.last().drop(1006);

    await assert.rejects(pending, /the connection closed \(1006\)/);
    await assert.rejects(socket.stream('s').request({}), /not connected/);
  });
});

describe('reconnecting', () => {
  it('waits a jittered delay that doubles up to the maximum', () => {
    let random = 0;
    mock.method(Math, 'random', () => random);
    const socket = connect({ minDelay: 100, maxDelay: 1000 });
    const delays = [];
    socket.on('close', ({ reconnectIn }) => delays.push(reconnectIn));

    for (let i = 0; i < 6; i++) {
      random = i % 2 === 0 ? 0 : 0.999;
      FakeWebSocket.last().drop();
      mock.timers.tick(delays.at(-1));
    }

    // Half of each step is fixed and half random: step/2 with random 0, ~step with random ~1.
    assert.deepEqual(delays, [50, 200, 200, 800, 500, 1000]);
    assert.equal(FakeWebSocket.instances.length, 7);
  });

  it('spreads the delays of many clients (jitter)', () => {
    const delays = new Set();
    for (let i = 0; i < 20; i++) {
      const socket = connect({ minDelay: 1000 });
      socket.on('close', ({ reconnectIn }) => { if (reconnectIn !== null) delays.add(reconnectIn); });
      FakeWebSocket.last().drop();
      socket.close();
    }
    assert.ok(delays.size > 10, `delays were ${[...delays]}`);
    for (const d of delays) assert.ok(d >= 500 && d <= 1000, `delay ${d}`);
  });

  it('says "reconnected" on the second open, so the page reloads its state', () => {
    const socket = connect({ minDelay: 100 });
    const opens = [];
    const states = [];
    socket.on('open', (e) => opens.push(e.reconnected));
    socket.on('state', (s) => states.push(s));

    FakeWebSocket.last().drop();
    mock.timers.tick(100);
    FakeWebSocket.last().open();

    assert.deepEqual(opens, [true]);
    assert.deepEqual(states, ['reconnecting', 'connecting', 'open']);
    assert.equal(FakeWebSocket.last().url, 'ws://127.0.0.1:1/demultiplex/lobby/');
  });

  it('starts over from the minimum delay only after a connection lasted', () => {
    mock.method(Math, 'random', () => 0);
    const socket = connect({ minDelay: 100, stableAfter: 5000 });
    const delays = [];
    socket.on('close', ({ reconnectIn }) => delays.push(reconnectIn));

    FakeWebSocket.last().drop();          // 50
    mock.timers.tick(50);
    FakeWebSocket.last().open();
    FakeWebSocket.last().drop();          // 100: opened, but not for long
    mock.timers.tick(100);
    FakeWebSocket.last().open();
    mock.timers.tick(5000);
    FakeWebSocket.last().drop();          // 50 again: that one lasted

    assert.deepEqual(delays, [50, 100, 50]);
  });

  it('stops for good after close()', () => {
    const socket = connect();
    const closes = [];
    socket.on('close', (e) => closes.push(e));

    socket.close(1000, 'bye');
    mock.timers.tick(DEFAULTS.maxDelay * 2);

    assert.equal(FakeWebSocket.instances.length, 1);
    assert.deepEqual(FakeWebSocket.last().closedWith, { code: 1000, reason: 'bye' });
    assert.deepEqual(closes, [{ code: 1000, reason: 'bye', reconnectIn: null }]);
    assert.equal(socket.state, 'closed');
  });
});

describe('server restart', () => {
  // 200 browser tabs on one server that goes away for 3 s: sockets drop with 1006, attempts fail
  // at once while it is down (connection refused), then succeed. Virtual time, real backoff.
  it('brings every client back, spread over time rather than in one burst, each re-joining', () => {
    const clients = 200;
    const downFor = 3000;
    let now = 0;
    let serverUp = true;
    const attempts = [];  // times of connection attempts after the restart began
    const rejoins = [];   // times clients were open again
    const sockets = [];
    const origConnect = MuxSocket.prototype._connect;
    for (let i = 0; i < clients; i++) {
      const socket = connect({ minDelay: 500, maxDelay: 15000 });
      socket.on('open', ({ reconnected }) => { if (reconnected) rejoins.push(now); });
      sockets.push(socket);
    }
    // From now on every new socket is answered by the (fake) server: refused while down.
    const live = new Set();
    const track = () => {
      const ws = FakeWebSocket.last();
      if (live.has(ws)) return;
      live.add(ws);
      attempts.push(now);
      if (serverUp) ws.open(); else ws.drop(1006);
    };
    mock.method(MuxSocket.prototype, '_connect', function () {
      origConnect.call(this);
      track();
    });

    serverUp = false;
    for (const ws of [...FakeWebSocket.instances]) ws.drop(1006);
    // Advance virtual time in 10 ms steps, bringing the server back after downFor.
    while (rejoins.length < clients && now < 60000) {
      now += 10;
      if (!serverUp && now >= downFor) serverUp = true;
      mock.timers.tick(10);
    }

    assert.equal(rejoins.length, clients, `only ${rejoins.length} of ${clients} came back`);
    assert.ok(sockets.every((s) => s.state === 'open'));
    // Spread: the busiest 100 ms after the restart holds a small share of the reconnects.
    const buckets = new Map();
    for (const t of rejoins) buckets.set(Math.floor(t / 100), (buckets.get(Math.floor(t / 100)) || 0) + 1);
    const busiest = Math.max(...buckets.values());
    assert.ok(busiest <= clients * 0.15, `${busiest} of ${clients} clients came back in the same 100 ms`);
    const first = Math.min(...rejoins);
    const last = Math.max(...rejoins);
    assert.ok(first >= downFor, `a client came back at ${first} ms, before the server did`);
    assert.ok(last - first >= 1000, `all came back within ${last - first} ms: not spread`);
    // Bounded: with a 15 s maximum delay nobody waits much longer than that after the restart.
    assert.ok(last <= downFor + 15000 + 100, `the last client came back at ${last} ms`);
    // No hammering while the server is down: attempts per client stay few (exponential backoff).
    const duringOutage = attempts.filter((t) => t < downFor).length;
    assert.ok(duringOutage <= clients * 4, `${duringOutage} attempts during a ${downFor} ms outage`);
    for (const s of sockets) s.close();
  });
});

describe('helpers', () => {
  it('resolves http URLs to ws and https to wss', () => {
    assert.equal(MuxSocket.resolve('http://h:1/ws/chat/a/'), 'ws://h:1/ws/chat/a/');
    assert.equal(MuxSocket.resolve('https://h/ws/'), 'wss://h/ws/');
    assert.equal(MuxSocket.resolve('ws://h/ws/'), 'ws://h/ws/');
  });

  it('describes string and field errors in one line', () => {
    assert.equal(describeErrors(['Not found.']), 'Not found.');
    assert.equal(describeErrors([{ non_field_errors: ['room is required'] }]), 'room is required');
    assert.equal(describeErrors([{ text: ['too long'] }]), 'text: too long');
    assert.equal(describeErrors([]), '');
  });
});

// The example page: a room picker, the Channels tutorial chat, and a live message board.
// Everything the server says goes through mux.js; see that file for the reusable client.
import { MuxSocket } from './mux.js';

const STREAM = 'message-stream';
const ROOM_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const TOKEN_KEY = 'mux-example-admin-token';
const ROOMS_KEY = 'mux-example-rooms';

const $ = (selector) => document.querySelector(selector);

const state = {
  room: null,
  chat: null,
  board: null,
  messages: new Map(),   // id -> message, for the current room
  loading: false,
  buffered: [],          // board events that arrived while the list was loading
  sentByMe: [],          // chat texts sent from this page, to style echoes as "mine"
  token: sessionStorage.getItem(TOKEN_KEY) || '',
};

// ---------------------------------------------------------------------------------------------
// Start-up: the room and an admin token may come in the URL fragment (#room=R&admin=T).

function readFragment() {
  const params = new URLSearchParams(location.hash.slice(1));
  const admin = params.get('admin');
  if (admin) {
    state.token = admin;
    sessionStorage.setItem(TOKEN_KEY, admin);
  }
  const room = params.get('room');
  return room && ROOM_PATTERN.test(room) ? room : null;
}

function writeFragment() {
  // The token never stays in the address bar (or in bookmarks and screenshots).
  history.replaceState(null, '', `#room=${encodeURIComponent(state.room)}`);
}

function rememberRoom(room) {
  const rooms = JSON.parse(localStorage.getItem(ROOMS_KEY) || '[]').filter((r) => r !== room);
  rooms.unshift(room);
  localStorage.setItem(ROOMS_KEY, JSON.stringify(rooms.slice(0, 8)));
  const list = $('#room-suggestions');
  list.replaceChildren(...[...new Set([...rooms, 'lobby', 'random'])].map((r) => {
    const option = document.createElement('option');
    option.value = r;
    return option;
  }));
}

// ---------------------------------------------------------------------------------------------
// Rooms

function joinRoom(room) {
  if (!ROOM_PATTERN.test(room)) {
    toast('A room name is 1 to 64 letters, digits, _ or -.', true);
    return;
  }
  if (state.chat) state.chat.close(1000, 'changing room');
  if (state.board) state.board.close(1000, 'changing room');
  state.room = room;
  state.messages.clear();
  $('#chat-log').replaceChildren();
  renderBoard();
  document.querySelectorAll('[data-room-label]').forEach((el) => { el.textContent = `#${room}`; });
  $('#room-input').value = room;
  document.title = `#${room} · Mux example`;
  writeFragment();
  rememberRoom(room);
  connectChat();
  connectBoard();
}

// ---------------------------------------------------------------------------------------------
// Chat: exactly the Django Channels tutorial protocol: send {message}, receive {message}.

function connectChat() {
  const chat = new MuxSocket(`ws/chat/${encodeURIComponent(state.room)}/`);
  state.chat = chat;
  chat.on('state', (s) => setStatus('#chat-status', s));
  let wasOpen = false;
  chat.on('open', ({ reconnected }) => {
    wasOpen = true;
    if (reconnected) chatLine('Reconnected.', 'system');
  });
  chat.on('close', ({ reconnectIn }) => {
    // Said once per outage, not at every failed attempt.
    if (wasOpen && reconnectIn !== null) chatLine('Connection lost, reconnecting…', 'system');
    wasOpen = false;
  });
  chat.on('message', (frame) => {
    if (typeof frame.message !== 'string') return;
    const mine = state.sentByMe.indexOf(frame.message);
    if (mine >= 0) state.sentByMe.splice(mine, 1);
    chatLine(frame.message, mine >= 0 ? 'mine' : '');
  });
}

function chatLine(text, kind) {
  const log = $('#chat-log');
  const item = document.createElement('li');
  item.className = `chat-line ${kind}`.trim();
  item.dataset.testid = kind === 'system' ? 'chat-system' : 'chat-line';
  const body = document.createElement('span');
  body.className = 'text';
  body.textContent = text;
  item.append(body);
  if (kind !== 'system') {
    const time = document.createElement('time');
    time.textContent = formatTime(new Date());
    item.append(time);
  }
  log.append(item);
  while (log.children.length > 500) log.firstElementChild.remove();
  log.scrollTop = log.scrollHeight;
}

$('#chat-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const input = $('#chat-input');
  const text = input.value.trim();
  if (!text) return;
  if (!state.chat.send({ message: text })) {
    toast('Not connected; the message was not sent.', true);
    return;
  }
  state.sentByMe.push(text);
  input.value = '';
});

// ---------------------------------------------------------------------------------------------
// Board: a demultiplexed socket with a data binding, plus the REST API to load the list.

function connectBoard() {
  const query = state.token ? `?token=${encodeURIComponent(state.token)}` : '';
  const board = new MuxSocket(`demultiplex/${encodeURIComponent(state.room)}/${query}`);
  state.board = board;
  board.on('state', (s) => setStatus('#board-status', s));
  // On every (re)connect: whatever changed while the socket was down was not delivered, so
  // the list is loaded again. Live events that arrive meanwhile are buffered and replayed.
  board.on('open', () => loadBoard(board));
  board.stream(STREAM).on((payload) => {
    if (board !== state.board) return;
    if (state.loading) {
      state.buffered.push(payload);
    } else {
      applyBoardEvent(payload);
    }
  });
}

async function loadBoard(board) {
  state.loading = true;
  state.buffered = [];
  try {
    const response = await fetch(`api/messages?room=${encodeURIComponent(state.room)}`,
      { headers: { Accept: 'application/json' } });
    const body = await response.json();
    if (!response.ok) throw new Error(body.errors?.[0] || `HTTP ${response.status}`);
    if (board !== state.board) return;
    state.messages = new Map(body.map((m) => [m.id, m]));
    const buffered = state.buffered;
    state.buffered = [];
    state.loading = false;
    buffered.forEach((payload) => applyBoardEvent(payload, false));
    renderBoard();
  } catch (e) {
    if (board === state.board) toast(`Could not load the board: ${e.message}`, true);
  } finally {
    if (board === state.board) state.loading = false;
  }
}

function applyBoardEvent(payload, render = true) {
  const { action, pk, data } = payload || {};
  if (typeof pk !== 'number' || !data) return;
  const message = { id: pk, ...data };
  let changed = false;
  if (action === 'delete') {
    changed = state.messages.delete(pk);
  } else if (action === 'create' || action === 'update') {
    if (message.room === state.room) {
      state.messages.set(pk, message);
      changed = true;
    } else {
      // Moved to another room.
      changed = state.messages.delete(pk);
    }
  }
  if (changed && render) {
    renderBoard();
    document.querySelector(`[data-id="${pk}"]`)?.classList.add('flash');
    setTimeout(() => document.querySelector(`[data-id="${pk}"]`)?.classList.remove('flash'), 700);
  }
}

function renderBoard() {
  const list = $('#board-list');
  const editing = new Map([...list.querySelectorAll('.board-item.editing')]
    .map((item) => [Number(item.dataset.id), item]));
  const items = [...state.messages.values()].sort((a, b) => a.id - b.id).map((m) => {
    const current = editing.get(m.id);
    return current || boardItem(m);
  });
  list.replaceChildren(...items);
  $('#board-count').textContent = String(state.messages.size);
  $('#board-empty').hidden = state.messages.size > 0;
  list.scrollTop = list.scrollHeight;
}

function boardItem(message) {
  const item = document.createElement('li');
  item.className = 'board-item';
  item.dataset.id = String(message.id);
  item.dataset.testid = 'board-item';

  const text = document.createElement('div');
  text.className = 'text';
  text.dataset.testid = 'board-text';
  text.textContent = message.message;

  const meta = document.createElement('div');
  meta.className = 'meta';
  meta.textContent = `#${message.id} · ${formatDateTime(message.created)}`;

  const actions = document.createElement('div');
  actions.className = 'actions';
  const edit = button('Edit', 'button ghost small admin-only', 'board-edit', () => startEdit(item, message));
  const remove = button('Delete', 'button danger small admin-only', 'board-delete', () => removeMessage(message));
  actions.append(edit, remove);

  item.append(text, actions, meta);
  return item;
}

function startEdit(item, message) {
  item.classList.add('editing');
  const area = document.createElement('textarea');
  area.value = message.message;
  area.maxLength = 1000;
  area.rows = 2;
  area.dataset.testid = 'board-edit-input';
  const save = button('Save', 'button small', 'board-save', async () => {
    save.disabled = true;
    try {
      await state.board.stream(STREAM).request({ action: 'update', pk: message.id, data: { message: area.value } });
      item.classList.remove('editing');
      renderBoard();
    } catch (e) {
      save.disabled = false;
      toast(`Not saved: ${e.message}`, true);
    }
  });
  const cancel = button('Cancel', 'button ghost small', 'board-cancel', () => {
    item.classList.remove('editing');
    renderBoard();
  });
  item.querySelector('.text').replaceWith(area);
  item.querySelector('.actions').replaceChildren(save, cancel);
  area.focus();
}

async function removeMessage(message) {
  try {
    await state.board.stream(STREAM).request({ action: 'delete', pk: message.id });
  } catch (e) {
    toast(`Not deleted: ${e.message}`, true);
  }
}

$('#board-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const input = $('#board-input');
  const text = input.value.trim();
  if (!text) return;
  const post = $('[data-testid="board-post"]');
  post.disabled = true;
  try {
    await state.board.stream(STREAM).request({ action: 'create', data: { room: state.room, message: text } });
    input.value = '';
  } catch (e) {
    toast(`Not posted: ${e.message}`, true);
  } finally {
    post.disabled = false;
  }
});

$('#board-input').addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
    $('#board-form').requestSubmit();
  }
});

// ---------------------------------------------------------------------------------------------
// Admin sign-in: the token goes on the board socket's URL (?token=), so the socket reconnects.

function renderAdmin() {
  document.body.classList.toggle('admin', Boolean(state.token));
  $('#admin-button').setAttribute('aria-pressed', String(Boolean(state.token)));
  $('#admin-button').textContent = state.token ? 'Admin ✓' : 'Admin';
}

$('#admin-button').addEventListener('click', () => {
  $('#admin-token').value = state.token;
  $('#admin-dialog').showModal();
});

$('#admin-dialog').addEventListener('close', () => {
  const choice = $('#admin-dialog').returnValue;
  if (choice === 'save' || choice === 'signout') {
    state.token = choice === 'save' ? $('#admin-token').value.trim() : '';
    if (state.token) sessionStorage.setItem(TOKEN_KEY, state.token);
    else sessionStorage.removeItem(TOKEN_KEY);
    renderAdmin();
    state.board.close(1000, 'admin changed');
    connectBoard();
  }
});

// ---------------------------------------------------------------------------------------------
// Small helpers

function setStatus(selector, socketState) {
  const pill = $(selector);
  pill.dataset.state = socketState;
  pill.title = socketState;
}

function button(label, className, testid, onClick) {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = className;
  b.textContent = label;
  b.dataset.testid = testid;
  b.addEventListener('click', onClick);
  return b;
}

function toast(text, error = false) {
  const t = document.createElement('div');
  t.className = `toast${error ? ' error' : ''}`;
  t.textContent = text;
  $('#toasts').append(t);
  setTimeout(() => t.remove(), 5000);
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

function formatTime(date) {
  return timeFormat.format(date);
}

function formatDateTime(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? String(iso) : dateTimeFormat.format(date);
}

$('#room-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const room = $('#room-input').value.trim();
  if (room !== state.room) joinRoom(room);
});

window.addEventListener('hashchange', () => {
  const token = state.token;
  const room = readFragment();
  renderAdmin();
  if (room && room !== state.room) {
    joinRoom(room);
  } else {
    writeFragment();
    if (state.token !== token) {
      state.board.close(1000, 'admin changed');
      connectBoard();
    }
  }
});

// The fragment first: it may carry the admin token that renderAdmin() shows.
const initialRoom = readFragment() || JSON.parse(localStorage.getItem(ROOMS_KEY) || '[]')[0] || 'lobby';
renderAdmin();
joinRoom(initialRoom);

// The controller: the session (cookie, renewal, 4001), the socket's frames into the model, and
// the actions the views call. Routing: the open conversation is in the URL's hash (#/general).
import { api } from './api.js';
import { Socket } from './socket.js';
import { CHANNEL_NAME, Store, dmName } from './state.js';
import { mountConversation } from './views/conversation.js';
import { mountDialogs } from './views/dialogs.js';
import { mountAuth } from './views/login.js';
import { channelHref, mountSidebar } from './views/sidebar.js';
import { toast } from './views/toasts.js';
import { $ } from './dom.js';

const PAGE = 50;
const SEND_TIMEOUT_MS = 30000;

const store = new Store();
let socket = null;
let expiresAt = 0;     // the current token's exp (Unix seconds)
let renewTimer = 0;
let renewDue = 0;
let listLoaded = false;
let outboxSeq = 0;
let refreshPromise = null;

// ---------------------------------------------------------------- actions (called by views)

const actions = {
  open(name) {
    const href = name ? channelHref(name) : '#/';
    if (location.hash === href) route(); else location.hash = href;
  },

  retryNow() { socket?.retryNow(); },
  showCreate() { dialogs.showCreate(); },
  showBrowse() { dialogs.showBrowse(); },
  showNewDm() { dialogs.showUserPicker('dm'); },
  showInvite(ch) { dialogs.showUserPicker('invite', ch); },
  showLeave(ch) {
    dialogs.confirm({
      title: `Leave #${ch.name}?`,
      text: ch.kind === 'private'
        ? 'You stop being a member. To come back, someone will have to invite you again.'
        : 'You stop being a member and will no longer see its messages here. You can join again at any time.',
      button: 'Leave',
      run: () => actions.leave(ch),
    });
  },

  async create(name, isPrivate) {
    await request({ type: 'create', channel: name, private: isPrivate });
    const ch = store.upsert(name, { private: isPrivate, members: 1 });
    ch.joined = true;
    store.setMine(ch, true);
    store.emit('channels');
    actions.open(name);
    refreshChannels();
  },

  async join(name) {
    const known = store.channel(name);
    const since = known && known.historyLoaded ? known.lastId : undefined;
    try {
      await request({ type: 'join', channel: name, since });
    } catch (err) {
      toast(err.code === 'forbidden' ? `#${name} is private: you need an invitation.` : `Could not join #${name}: ${err.message}`, { kind: 'error' });
      throw err;
    }
    const ch = store.upsert(name);
    ch.joined = true;
    store.setMine(ch, true);
    store.emit('channels');
    actions.open(name);
    askPresence(ch);
    refreshChannels();
  },

  async leave(ch) {
    try {
      await request({ type: 'leave', channel: ch.name, forget: true });
    } catch (err) {
      toast(`Could not leave #${ch.name}: ${err.message}`, { kind: 'error' });
      return;
    }
    const wasActive = store.active === ch.name;
    store.removeChannel(ch.name);
    toast(`You left #${ch.name}.`);
    if (wasActive) actions.open(null);
  },

  async invite(ch, username) {
    const reply = await request({ type: 'invite', channel: ch.name, user: username });
    toast(`${reply.user} was invited to #${ch.name}.`);
    refreshChannels();
  },

  openDm(username) {
    const name = dmName(store.me.username, username);
    const ch = store.upsert(name);
    store.setPeer(ch, username);
    if (!ch.mine) {
      store.setMine(ch, true);
      store.emit('channels');
    }
    if (!ch.joined) joinChannel(ch, { since: resumeSince(ch) });
    actions.open(name);
  },

  match() {
    if (!socket?.live) { toast('Not connected right now. Try again in a moment.', { kind: 'error' }); return; }
    store.setMatching(true);
    request({ type: 'match' }).catch((err) => {
      store.setMatching(false);
      toast(err.code === 'internal' ? 'Matching is unavailable right now. Try again.' : `Could not look for a match: ${err.message}`, { kind: 'error' });
    });
  },

  unmatch() {
    store.setMatching(false);
    if (socket?.live) request({ type: 'unmatch' }).catch(() => {});
  },

  async logout() {
    socket?.stop();
    await api.logout().catch(() => {});
    endSession('You are logged out. See you soon!');
  },

  typing(ch) {
    if (ch.joined && socket?.live) socket.send({ type: 'typing', channel: ch.name });
  },

  markSeen(ch, id) {
    if (!ch.mine || !socket?.live) return;
    request({ type: 'seen', channel: ch.name, id }).catch(() => {});
  },

  /** Fetches the newest page once; then, if the first unread message is older, pages back to it. */
  loadInitial(ch) {
    if (ch.historyLoaded) return Promise.resolve();
    if (ch.loading) return ch.loading;
    ch.loading = (async () => {
      const page = await api.messages(ch.name, { limit: PAGE });
      store.addMessages(ch.name, page.messages);
      ch.hasMore = page.has_more;
      ch.historyLoaded = true;
      if (ch.mine && ch.marker === null) ch.marker = Math.max(0, ch.lastId - ch.unread);
      for (let pages = 0; pages < 9 && ch.mine && ch.unread > 0 && ch.hasMore && ch.firstId > ch.marker + 1; pages += 1) {
        await actions.loadOlder(ch);
      }
    })().catch((err) => {
      if (err.status === 404 || err.status === 403) {
        toast(err.status === 404 ? `There is no channel called “${ch.name}”.` : `“${ch.name}” is private.`, { kind: 'error' });
        store.removeChannel(ch.name);
        if (store.active === ch.name) actions.open(null);
      }
      throw err;
    }).finally(() => { ch.loading = null; });
    return ch.loading;
  },

  async loadOlder(ch) {
    if (!ch.hasMore) return;
    const page = await api.messages(ch.name, { before: ch.firstId || undefined, limit: PAGE });
    ch.hasMore = page.has_more;
    store.addMessages(ch.name, page.messages);
  },

  send(ch, text, uploads) {
    const entry = {
      key: ++outboxSeq,
      channel: ch.name,
      to: ch.kind === 'dm' ? ch.peer : null,
      text,
      attachments: uploads,
      state: 'queued',
      error: '',
      afterId: null,
    };
    store.outbox.push(entry);
    transmit(entry);
  },

  retrySend(key) {
    const entry = store.outbox.find((e) => e.key === key);
    if (entry) transmit(entry);
  },

  discardSend(key) {
    const entry = store.outbox.find((e) => e.key === key);
    if (!entry) return;
    store.outbox = store.outbox.filter((e) => e !== entry);
    store.emit('messages', { channel: entry.channel, added: [] });
  },

  refreshChannels: () => refreshChannels(),
};

// ---------------------------------------------------------------- views

const auth = mountAuth({ onSession: (session) => startSession(session) });
const sidebar = mountSidebar(store, actions);
const conversation = mountConversation(store, actions);
const dialogs = mountDialogs(store, actions);

// ---------------------------------------------------------------- helpers

function request(frame, timeout) {
  if (!socket) return Promise.reject(Object.assign(new Error('Not connected.'), { code: 'offline' }));
  return socket.request(frame, timeout);
}

function resumeSince(ch) {
  return ch.historyLoaded || ch.messages.length ? ch.lastId : undefined;
}

function joinChannel(ch, { since } = {}) {
  return request({ type: 'join', channel: ch.name, since }).then(() => {
    ch.joined = true;
    // During a resume the outbox waits for the channel list (after every catch-up).
    if (!store.syncing) flushOutbox(ch.name);
  }, (err) => {
    if (err.code === 'forbidden' || err.code === 'not_found') {
      store.removeChannel(ch.name);
      if (store.active === ch.name) actions.open(null);
    }
  });
}

function askPresence(ch) {
  if (!socket?.live) return;
  if (!ch.mine && ch.kind !== 'public') return;
  request({ type: 'presence', channel: ch.name }).then((reply) => store.setPresence(ch, reply.users), () => {});
}

function refreshChannels() {
  if (refreshPromise) return refreshPromise;
  refreshPromise = request({ type: 'channels' }).then((reply) => {
    const newly = store.applyChannelList(reply.channels);
    listLoaded = true;
    for (const ch of newly) if (!ch.joined) joinChannel(ch, { since: resumeSince(ch) });
  }).finally(() => { refreshPromise = null; });
  return refreshPromise;
}

function transmit(entry) {
  const ch = store.channel(entry.channel);
  if (!ch) return;
  if (!socket?.live || (!entry.to && !ch.joined)) {
    entry.state = 'queued';
    store.emit('messages', { channel: entry.channel, added: [] });
    return;
  }
  if (entry.afterId === null) entry.afterId = ch.lastId;
  entry.state = 'sending';
  entry.error = '';
  store.emit('messages', { channel: entry.channel, added: [] });
  const frame = { type: 'send', text: entry.text };
  if (entry.to) frame.to = entry.to; else frame.channel = entry.channel;
  if (entry.attachments.length) frame.attachments = entry.attachments.map((a) => a.id);
  socket.request(frame, SEND_TIMEOUT_MS).then((msg) => {
    store.outbox = store.outbox.filter((e) => e !== entry);
    store.addMessages(msg.channel, [msg]);
    store.emit('messages', { channel: entry.channel, added: [] });
  }, (err) => {
    if (err.code === 'disconnected' || err.code === 'offline') {
      entry.state = 'unconfirmed'; // maybe stored: settled after the next resume
    } else {
      entry.state = 'failed';
      entry.error = err.code === 'timeout' ? 'no answer from the server'
        : err.code === 'not_found' ? 'an attachment has expired'
          : err.code === 'forbidden' ? 'you are not allowed to write here'
            : err.message;
    }
    store.emit('messages', { channel: entry.channel, added: [] });
  });
}

/**
 * Sends what waited for the connection, and settles sends whose answer was lost with the last
 * one. Call it once the catch-ups are in (a `join` with `since` sends them before the answer
 * to the next frame), so that a message stored before the drop is recognised, not sent again.
 */
function flushOutbox(channelName = null) {
  const claimed = new Set();
  for (const entry of [...store.outbox]) {
    if (channelName && entry.channel !== channelName) continue;
    const ch = store.channel(entry.channel);
    if (!ch) continue;
    if (entry.state === 'unconfirmed') {
      // Was it stored before the connection dropped? Then the catch-up brought it back.
      const ids = entry.attachments.map((a) => a.id).join(',');
      const twin = ch.messages.find((m) => m.id > (entry.afterId ?? 0) && store.isMe(m.from) && !claimed.has(`${ch.name}/${m.id}`)
        && m.text === entry.text && (m.attachments || []).map((a) => a.id).join(',') === ids);
      if (twin) {
        claimed.add(`${ch.name}/${twin.id}`);
        store.outbox = store.outbox.filter((e) => e !== entry);
        store.emit('messages', { channel: entry.channel, added: [] });
        continue;
      }
      transmit(entry);
    } else if (entry.state === 'queued') {
      transmit(entry);
    }
  }
}

// ---------------------------------------------------------------- frames

function onFrame(frame) {
  const ch = typeof frame.channel === 'string' ? store.channel(frame.channel) : null;
  switch (frame.type) {
    case 'message': {
      const known = !!ch;
      // Only a direct message (`send` with `to`) reaches a channel this page has not joined;
      // anything else is a straggler for a channel just left.
      if (typeof frame.channel !== 'string' || (!known && !frame.channel.startsWith('dm:'))) break;
      const added = store.addMessages(frame.channel, [frame]);
      if (!added.length) break;
      const target = store.channel(frame.channel);
      if (!known) {
        // A conversation this page did not know yet: a first direct message, a new match…
        store.setMine(target, true);
        joinChannel(target, { since: frame.id });
        refreshChannels();
        if (!store.isMe(frame.from)) {
          toast(`New message from ${store.displayUser(frame.from)}`, { action: { label: 'Open', run: () => actions.open(target.name) } });
        }
      }
      if (store.isMe(frame.from)) {
        if (frame.id === target.lastId && target.mine) actions.markSeen(target, frame.id);
      } else {
        store.countUnread(target, frame); // until `seen` says otherwise, also in the open conversation
      }
      break;
    }
    case 'seen':
      if (!ch) break;
      if (store.isMe(frame.user)) {
        if (store.setMarker(ch, frame.id)) refreshChannels();
      } else {
        store.setReader(ch, frame.user, frame.id);
      }
      break;
    case 'typing':
      if (ch) store.setTyping(ch, frame.user);
      break;
    case 'user_joined':
      if (ch) store.userJoined(ch, frame.user);
      break;
    case 'user_left':
      if (ch) store.userLeft(ch, frame.user);
      break;
    case 'invitation': {
      store.learnName(frame.from);
      const invited = store.upsert(frame.channel);
      const isNew = !invited.mine;
      store.setMine(invited, true);
      store.emit('channels');
      if (!invited.joined) joinChannel(invited, { since: resumeSince(invited) });
      refreshChannels();
      if (isNew) toast(`${store.displayUser(frame.from)} invited you to #${frame.channel}`, { action: { label: 'Open', run: () => actions.open(frame.channel) } });
      break;
    }
    case 'left':
      // Without ref: another of my connections forgot the channel.
      if (!frame.ref && ch) {
        const wasActive = store.active === ch.name;
        store.removeChannel(ch.name);
        if (wasActive) actions.open(null);
      }
      break;
    case 'matching':
      store.setMatching(true);
      break;
    case 'unmatched':
      store.setMatching(false);
      break;
    case 'matched': {
      const matched = store.upsert(frame.channel, { private: true, peer: frame.peer });
      matched.joined = true;
      store.setMine(matched, true);
      store.setMatching(false);
      store.emit('channels');
      toast(`You are now talking with ${frame.peer}. Say hi!`);
      actions.open(frame.channel);
      askPresence(matched);
      refreshChannels();
      break;
    }
    case 'error':
      if (!frame.ref) {
        if (frame.code === 'rate_limited') toast('Slow down a little: the server is dropping messages.', { kind: 'error' });
        else console.warn('parley:', frame.code, frame.message);
      }
      break;
    default:
      break;
  }
}

/** A connection is ready (first, after a reconnect, or after a hand-over): resume everything. */
async function onHello({ frame, handover }) {
  if (!store.me || frame.user?.id !== store.me.id) {
    location.reload(); // the cookie now belongs to someone else (another tab logged in)
    return;
  }
  store.syncing = true;
  const mine = store.myChannels();
  for (const ch of store.channels.values()) ch.joined = false;
  // Joins first: their catch-ups arrive before the channel list, whose unread counts then
  // include them.
  for (const ch of mine) joinChannel(ch, { since: resumeSince(ch) });
  try {
    const reply = await request({ type: 'channels' });
    const newly = store.applyChannelList(reply.channels);
    listLoaded = true;
    for (const ch of newly) if (!mine.includes(ch)) joinChannel(ch, { since: resumeSince(ch) });
  } catch {
    store.syncing = false;
    return; // the connection dropped again; the next hello starts over
  }
  flushOutbox();
  if (store.matching && !handover) request({ type: 'match' }).catch(() => store.setMatching(false));
  for (const ch of store.myChannels()) if (ch.kind === 'dm' || ch.kind === 'match' || ch.name === store.active) askPresence(ch);
  const active = store.active && store.channel(store.active);
  if (active && !active.mine) askPresence(active);
  route();
}

// ---------------------------------------------------------------- session

function scheduleRenewal() {
  clearTimeout(renewTimer);
  const left = expiresAt * 1000 - Date.now();
  const wait = Math.min(2 ** 31 - 1, Math.max(1000, left * 0.75));
  renewDue = Date.now() + wait;
  renewTimer = setTimeout(renewNow, wait);
}

async function renewNow() {
  clearTimeout(renewTimer);
  try {
    const session = await api.renew();
    if (session.user.id !== store.me?.id) { location.reload(); return; }
    expiresAt = session.expires_at;
    scheduleRenewal();
    socket?.handover(); // sessions end at their token's exp: move to the new token now
  } catch (err) {
    if (err.status === 401) { endSession('Your session has ended. Please log in again.'); return; }
    const left = expiresAt * 1000 - Date.now();
    renewDue = Date.now() + Math.min(30000, Math.max(1000, left / 4));
    renewTimer = setTimeout(renewNow, renewDue - Date.now());
  }
}

document.addEventListener('visibilitychange', () => {
  // Timers of hidden tabs are throttled: catch up on an overdue renewal.
  if (document.visibilityState === 'visible' && store.me && renewDue && Date.now() >= renewDue) renewNow();
});

async function onAuthEnd({ reason }) {
  // Perhaps another tab renewed the cookie already; otherwise, back to the login screen.
  try {
    const session = await api.renew();
    if (session.user.id !== store.me?.id) { location.reload(); return; }
    expiresAt = session.expires_at;
    scheduleRenewal();
    socket.start();
  } catch (err) {
    if (err.status === 0) { socket.start(); return; }
    endSession(reason === 'logged out' ? 'You were logged out.' : 'Your session expired. Please log in again.');
  }
}

async function onConnectFail() {
  // A refused upgrade looks like any failed connection: ask the API whether we still have a session.
  try {
    await api.me();
  } catch (err) {
    if (err.status === 401) endSession('Your session has ended. Please log in again.');
  }
}

function startSession(session) {
  store.reset();
  store.setMe(session.user);
  expiresAt = session.expires_at;
  scheduleRenewal();
  listLoaded = false;
  $('boot').hidden = true;
  auth.hide();
  $('app-view').hidden = false;
  sidebar.show();
  route();
  socket = new Socket();
  socket.addEventListener('state', (e) => store.setConnection(e.detail.state, e.detail.retryAt));
  socket.addEventListener('hello', (e) => onHello(e.detail));
  socket.addEventListener('frame', (e) => onFrame(e.detail.frame));
  socket.addEventListener('authend', (e) => onAuthEnd(e.detail));
  socket.addEventListener('connectfail', () => onConnectFail());
  socket.start();
}

function endSession(notice) {
  socket?.stop();
  socket = null;
  clearTimeout(renewTimer);
  renewDue = 0;
  dialogs.closeAll();
  conversation.reset();
  store.reset();
  store.emit('channels');
  $('app-view').hidden = true;
  $('boot').hidden = true;
  document.title = 'parley';
  auth.show(notice);
}

// ---------------------------------------------------------------- routing

function routeName() {
  const hash = location.hash;
  if (!hash.startsWith('#/') || hash.length < 3) return null;
  try { return decodeURIComponent(hash.slice(2)); } catch { return null; }
}

function route() {
  if (!store.me) return;
  const name = routeName();
  if (!name) { if (store.active !== null) store.setActive(null); else store.emit('active', { channel: null }); return; }
  let ch = store.channel(name);
  if (!ch) {
    if (!listLoaded) { if (store.active !== null) store.setActive(null); return; } // wait for the channel list
    if (name.startsWith('dm:')) {
      const [, a, b] = name.split(':');
      const me = store.me.username.toLowerCase();
      if (a === me || b === me) { actions.openDm(a === me ? b : a); return; }
    }
    if (!CHANNEL_NAME.test(name)) {
      toast(`There is no conversation “${name}” for you.`, { kind: 'error' });
      actions.open(null);
      return;
    }
    ch = store.upsert(name, { private: false }); // a public channel to preview
  }
  if (store.active !== name) {
    store.setActive(name);
    askPresence(ch);
  }
}

addEventListener('hashchange', route);

// Esc on the page (outside dialogs, which handle it themselves) closes the drawer.
addEventListener('keydown', (event) => {
  if (event.key !== 'Escape' || event.target.closest?.('dialog')) return;
  if ($('app-view').classList.contains('drawer-open')) sidebar.setDrawer(false);
});

// ---------------------------------------------------------------- boot

async function boot(attempt = 0) {
  try {
    // Renewing is also how the page learns its token's expiry (GET /api/me does not tell it).
    startSession(await api.renew());
  } catch (err) {
    if (err.status === 401) {
      $('boot').hidden = true;
      auth.show();
      return;
    }
    const wait = Math.min(30, 2 ** attempt);
    $('boot').querySelector('p').textContent = `The server cannot be reached. Trying again in ${wait} s…`;
    setTimeout(() => boot(attempt + 1), wait * 1000);
  }
}

boot();

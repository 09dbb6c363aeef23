// Keeping in step with the server: the requests that (re)join channels with a catch-up since
// the last message seen, fetch the channel list and ask who is here; every frame the socket
// receives, into the model; and the resume of all that on each new connection.
import { actions } from './actions.js';
import { flushOutbox } from './outbox.js';
import { route } from './router.js';
import { socket, store } from './session.js';
import { toast } from './views/toasts.js';

// Until the channel list has come, a conversation the model does not know may still be mine.
export let listLoaded = false;
let refreshPromise = null;

export function forgetChannelList() {
  listLoaded = false;
}

// ---------------------------------------------------------------- requests

export function request(frame, timeout) {
  if (!socket) return Promise.reject(Object.assign(new Error('Not connected.'), { code: 'offline' }));
  return socket.request(frame, timeout);
}

export function resumeSince(ch) {
  return ch.historyLoaded || ch.messages.length ? ch.lastId : undefined;
}

export function joinChannel(ch, { since } = {}) {
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

export function askPresence(ch) {
  if (!socket?.live) return;
  if (!ch.mine && ch.kind !== 'public') return;
  request({ type: 'presence', channel: ch.name }).then((reply) => store.setPresence(ch, reply.users), () => {});
}

export function refreshChannels() {
  if (refreshPromise) return refreshPromise;
  refreshPromise = request({ type: 'channels' }).then((reply) => {
    const newly = store.applyChannelList(reply.channels);
    listLoaded = true;
    for (const ch of newly) if (!ch.joined) joinChannel(ch, { since: resumeSince(ch) });
  }).finally(() => { refreshPromise = null; });
  return refreshPromise;
}

// ---------------------------------------------------------------- frames

export function onFrame(frame) {
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
export async function onHello({ frame, handover }) {
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

// The actions the views call: open a conversation; create, join, leave and invite to channels;
// direct messages and random matches; history pages, read markers, typing and sending. (The
// ones that only open a dialog are wired in main.js, next to the dialogs.)
import { api } from './api.js';
import { discardSend, retrySend, send } from './outbox.js';
import { route } from './router.js';
import { endSession, socket, store } from './session.js';
import { dmName } from './state.js';
import { askPresence, joinChannel, refreshChannels, request, resumeSince } from './sync.js';
import { channelHref } from './views/sidebar.js';
import { toast } from './views/toasts.js';

const PAGE = 50;

export const actions = {
  open(name) {
    const href = name ? channelHref(name) : '#/';
    if (location.hash === href) route(); else location.hash = href;
  },

  retryNow() { socket?.retryNow(); },

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

  send,
  retrySend,
  discardSend,

  refreshChannels: () => refreshChannels(),
};

// The client's model: who I am, my channels, their messages (de-duplicated by id, kept in id
// order), unread counts and read markers, presence and typing. Views listen for its events:
//   channels  the list, its unread counts or a channel's kind/peer changed
//   messages  {channel}    a channel's messages (or its outbox) changed
//   presence  {channel}    who is here changed
//   typing    {channel}    who is typing changed
//   readers   {channel}    someone else's read marker moved
//   active    {channel}    another conversation was opened (null: the welcome page)
//   connection {state, retryAt}
//   matching  {matching}

export const TYPING_SHOWN_MS = 5000;

export function kindOf(name, isPrivate) {
  if (name.startsWith('dm:')) return 'dm';
  if (name.startsWith('match:')) return 'match';
  return isPrivate ? 'private' : 'public';
}

/** The server's name for the direct-message channel of two users. */
export function dmName(a, b) {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x <= y ? `dm:${x}:${y}` : `dm:${y}:${x}`;
}

export const CHANNEL_NAME = /^[A-Za-z0-9_.-]{1,64}$/;
export const USERNAME = /^[A-Za-z0-9_.-]{3,32}$/;

export class Channel {
  constructor(name, isPrivate = false) {
    this.name = name;
    this.kind = kindOf(name, isPrivate);
    this.private = isPrivate || this.kind === 'dm' || this.kind === 'match';
    this.members = 0;
    this.unread = 0;
    this.mine = false;          // I am a member (so this client keeps it joined)
    this.joined = false;        // joined on the current connection
    this.messages = [];         // sorted by id
    this.byId = new Map();
    this.historyLoaded = false; // the newest page has been fetched
    this.hasMore = true;        // older messages exist before messages[0]
    this.marker = null;         // my read marker (id), when known
    this.presence = null;       // Set of usernames joined right now, when known
    this.typing = new Map();    // username -> time the indicator expires
    this.readers = new Map();   // username -> their read marker (learnt from `seen` frames)
    this.peer = null;           // the other user of a dm:/match: channel
    this.listed = false;        // seen in a channel list from the server
  }

  get lastId() {
    return this.messages.length ? this.messages[this.messages.length - 1].id : 0;
  }

  get firstId() {
    return this.messages.length ? this.messages[0].id : 0;
  }

  /** Adds messages; returns those that were new. */
  add(list) {
    const added = [];
    for (const msg of list) {
      if (!msg || typeof msg.id !== 'number' || this.byId.has(msg.id)) continue;
      this.byId.set(msg.id, msg);
      added.push(msg);
      const msgs = this.messages;
      if (!msgs.length || msg.id > msgs[msgs.length - 1].id) {
        msgs.push(msg);
      } else {
        let lo = 0;
        let hi = msgs.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (msgs[mid].id < msg.id) lo = mid + 1; else hi = mid;
        }
        msgs.splice(lo, 0, msg);
      }
    }
    return added;
  }
}

/** Per-user memory kept in localStorage: public channels joined, and match peers' names. */
class Memory {
  constructor(userId) {
    this.key = `parley:u${userId}`;
    let saved = {};
    try { saved = JSON.parse(localStorage.getItem(this.key) || '{}') || {}; } catch { saved = {}; }
    this.publicJoined = new Set(Array.isArray(saved.publicJoined) ? saved.publicJoined : []);
    this.peers = saved.peers && typeof saved.peers === 'object' ? saved.peers : {};
  }

  save() {
    try {
      localStorage.setItem(this.key, JSON.stringify({ publicJoined: [...this.publicJoined], peers: this.peers }));
    } catch { /* storage full or disabled: only a convenience */ }
  }
}

export class Store extends EventTarget {
  constructor() {
    super();
    this.reset();
  }

  reset() {
    this.me = null;
    this.channels = new Map();
    this.active = null;
    this.connection = { state: 'connecting', retryAt: 0 };
    this.matching = false;
    this.names = new Map(); // lower-cased username -> as registered
    this.outbox = [];       // {key, channel, to, text, attachments, state, error, afterId}
    this.memory = null;
    this.syncing = false;   // between a resume's joins and its `channels` answer
  }

  emit(type, detail = {}) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  setMe(user) {
    this.me = user;
    this.memory = new Memory(user.id);
    this.learnName(user.username);
  }

  isMe(username) {
    return !!this.me && typeof username === 'string' && username.toLowerCase() === this.me.username.toLowerCase();
  }

  learnName(username) {
    if (typeof username === 'string' && username) this.names.set(username.toLowerCase(), username);
  }

  displayUser(username) {
    return this.names.get(String(username).toLowerCase()) || username;
  }

  channel(name) {
    return this.channels.get(name) || null;
  }

  /** Finds or adds a channel; `info` may carry private, members, unread, peer. */
  upsert(name, info = {}) {
    let ch = this.channels.get(name);
    if (!ch) {
      ch = new Channel(name, !!info.private);
      this.channels.set(name, ch);
      if (ch.kind === 'dm') ch.peer = this.#dmPeer(name);
      if (ch.kind === 'match' && this.memory) ch.peer = this.memory.peers[name] || null;
    }
    if (typeof info.private === 'boolean' && ch.kind !== 'dm' && ch.kind !== 'match') {
      ch.private = info.private;
      ch.kind = kindOf(name, info.private);
    }
    if (typeof info.members === 'number') ch.members = info.members;
    if (info.peer) this.setPeer(ch, info.peer);
    return ch;
  }

  #dmPeer(name) {
    const [, a, b] = name.split(':');
    if (!this.me) return b;
    const me = this.me.username.toLowerCase();
    return a === me ? b : a;
  }

  setPeer(ch, peer) {
    ch.peer = peer;
    this.learnName(peer);
    if (ch.kind === 'match' && this.memory && this.memory.peers[ch.name] !== peer) {
      this.memory.peers[ch.name] = peer;
      this.memory.save();
    }
  }

  /** Marks a channel as one of mine (or not), remembering public ones across reloads. */
  setMine(ch, mine) {
    ch.mine = mine;
    if (ch.kind === 'public' && this.memory) {
      if (mine) this.memory.publicJoined.add(ch.name); else this.memory.publicJoined.delete(ch.name);
      this.memory.save();
    }
  }

  myChannels() {
    return [...this.channels.values()].filter((ch) => ch.mine);
  }

  /**
   * Applies the `channels` answer. Private, direct and match channels listed are memberships;
   * a public one is mine when this browser joined it or when it has unread messages (the
   * server counts unread only for members). Returns the channels that became mine.
   */
  applyChannelList(list) {
    const seen = new Set();
    const newlyMine = [];
    for (const entry of list) {
      if (!entry || typeof entry.name !== 'string') continue;
      seen.add(entry.name);
      const ch = this.upsert(entry.name, entry);
      ch.listed = true;
      const unread = typeof entry.unread === 'number' ? entry.unread : 0;
      const mine = ch.kind !== 'public' || (this.memory && this.memory.publicJoined.has(ch.name)) || unread > 0;
      if (mine && !ch.mine) newlyMine.push(ch);
      if (mine !== ch.mine) this.setMine(ch, mine);
      ch.unread = unread;
      if (ch.historyLoaded && ch.lastId >= unread) ch.marker = ch.lastId - unread;
    }
    // Gone from the list: forgotten (perhaps by another device). A channel this page added
    // itself and the server has not listed yet (a list in flight predates it) stays.
    for (const [name, ch] of this.channels) {
      if (!seen.has(name) && ch.listed && name !== this.active) this.channels.delete(name);
    }
    this.syncing = false;
    this.emit('channels');
    return newlyMine;
  }

  /** Adds messages to their channels; returns the new ones. */
  addMessages(channelName, msgs) {
    const ch = this.upsert(channelName);
    const added = ch.add(msgs);
    if (!added.length) return added;
    for (const msg of added) {
      this.learnName(msg.from);
      ch.typing.delete(String(msg.from).toLowerCase());
      if (ch.kind === 'match' && !ch.peer && !this.isMe(msg.from)) this.setPeer(ch, msg.from);
    }
    this.emit('messages', { channel: ch.name, added });
    return added;
  }

  /** A live message from someone else: counts as unread until seen. */
  countUnread(ch, msg) {
    if (this.syncing || this.isMe(msg.from)) return;
    if (ch.marker !== null && msg.id <= ch.marker) return;
    ch.unread += 1;
    this.emit('channels');
  }

  /** My read marker moved (my `seen` answer, or another connection of mine). */
  setMarker(ch, id) {
    if (ch.marker !== null && id <= ch.marker) return false;
    ch.marker = id;
    const unread = Math.max(0, ch.lastId - id);
    if (ch.lastId > 0 && unread !== ch.unread) {
      ch.unread = unread;
      this.emit('channels');
    } else if (ch.lastId === 0 && ch.unread) {
      return true; // the caller re-reads the channel list to learn the count
    }
    return false;
  }

  setReader(ch, user, id) {
    const key = String(user).toLowerCase();
    if ((ch.readers.get(key) ?? -1) >= id) return;
    ch.readers.set(key, id);
    this.learnName(user);
    this.emit('readers', { channel: ch.name });
  }

  setPresence(ch, users) {
    ch.presence = new Set(users.map((u) => { this.learnName(u); return u.toLowerCase(); }));
    this.emit('presence', { channel: ch.name });
  }

  userJoined(ch, user) {
    this.learnName(user);
    if (!ch.presence) ch.presence = new Set();
    ch.presence.add(user.toLowerCase());
    this.emit('presence', { channel: ch.name });
  }

  userLeft(ch, user) {
    if (ch.presence) ch.presence.delete(user.toLowerCase());
    ch.typing.delete(user.toLowerCase());
    this.emit('presence', { channel: ch.name });
    this.emit('typing', { channel: ch.name });
  }

  setTyping(ch, user) {
    if (this.isMe(user)) return;
    this.learnName(user);
    ch.typing.set(user.toLowerCase(), Date.now() + TYPING_SHOWN_MS);
    this.emit('typing', { channel: ch.name });
  }

  typingUsers(ch) {
    const now = Date.now();
    const users = [];
    for (const [user, until] of ch.typing) {
      if (until > now) users.push(this.displayUser(user)); else ch.typing.delete(user);
    }
    return users;
  }

  removeChannel(name) {
    const ch = this.channels.get(name);
    if (!ch) return;
    this.setMine(ch, false);
    this.channels.delete(name);
    this.outbox = this.outbox.filter((entry) => entry.channel !== name);
    this.emit('channels');
  }

  setActive(name) {
    this.active = name;
    this.emit('active', { channel: name });
  }

  setConnection(state, retryAt) {
    this.connection = { state, retryAt };
    this.emit('connection', this.connection);
  }

  setMatching(matching) {
    this.matching = matching;
    this.emit('matching', { matching });
  }

  totalUnread() {
    let total = 0;
    for (const ch of this.channels.values()) if (ch.mine) total += ch.unread;
    return total;
  }

  /** The name shown for a channel. */
  title(ch) {
    if (ch.kind === 'dm') return this.displayUser(ch.peer || '');
    if (ch.kind === 'match') return ch.peer ? this.displayUser(ch.peer) : 'a stranger';
    return ch.name;
  }

  /** Whether the other user of a dm:/match: channel is connected right now, when known. */
  peerOnline(ch) {
    if (!ch.peer || !ch.presence) return null;
    return ch.presence.has(ch.peer.toLowerCase());
  }
}

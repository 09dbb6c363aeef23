// The message list of the open conversation: day separators, grouping, own messages, links,
// attachments, the "New messages" divider, "Seen by" markers, pending (unsent) messages, paging
// back through history without the view jumping, and `seen` as messages come into view.
import { $, avatar, dayKey, formatBytes, formatDay, formatFull, formatTime, h, icon, linkify } from '../dom.js';

const GROUP_WITHIN_MS = 5 * 60 * 1000;
const NEAR_BOTTOM_PX = 48;
const LOAD_OLDER_WITHIN_PX = 400;
const INLINE_IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);
const UPLOAD_URL = /^\/uploads\/[0-9a-f]{1,64}$/;

function attachmentUrl(att) {
  if (typeof att.url === 'string' && UPLOAD_URL.test(att.url)) return att.url;
  return /^[0-9a-f]{1,64}$/.test(String(att.id)) ? `/uploads/${att.id}` : null;
}

function attachmentNode(att) {
  const url = attachmentUrl(att);
  const name = typeof att.name === 'string' ? att.name : 'file';
  if (!url) return null;
  if (INLINE_IMAGE_TYPES.has(att.type)) {
    return h('figure', { class: 'att att-image', 'data-testid': 'attachment-image' },
      h('a', { href: url, target: '_blank', rel: 'noopener noreferrer', title: `Open ${name} in a new tab` },
        h('img', { src: url, alt: name, loading: 'lazy', decoding: 'async' })),
      h('figcaption', {}, name));
  }
  return h('a', {
    class: 'att att-file', href: url, download: name, rel: 'noopener noreferrer', 'data-testid': 'attachment-file',
  }, icon('file', 'icon att-icon'),
  h('span', { class: 'att-name' }, name),
  h('span', { class: 'att-size' }, formatBytes(att.size)));
}

export function mountMessages(store, actions) {
  const scroller = $('messages');
  const list = $('message-list');
  const olderButton = $('btn-older');
  const status = $('history-status');
  const jump = $('btn-jump');

  let ch = null;
  let nodes = new Map();     // message id -> <li>
  let extras = new Map();    // separators, "Seen by", pending messages: key -> <li>
  let unreadFrom = null;     // id of the first message that was unread when the channel opened
  let opening = false;
  let loadingOlder = false;
  let stick = true;          // the view follows new messages (it was at the bottom)
  let visible = new Set();   // ids of messages in view
  let seenTimer = 0;
  let sentSeen = 0;

  const seenObserver = new IntersectionObserver((entries) => {
    for (const entry of entries) {
      const id = Number(entry.target.dataset.id);
      const inView = entry.isIntersecting &&
        (entry.intersectionRatio >= 0.5 || entry.intersectionRect.height >= (entry.rootBounds?.height || 0) * 0.4);
      if (inView) visible.add(id); else visible.delete(id);
    }
    scheduleSeen();
  }, { root: scroller, threshold: [0, 0.5, 1] });

  /** Sends `seen` for the newest message in view, if it is newer than the read marker. */
  function flushSeen() {
    clearTimeout(seenTimer);
    if (!ch || opening || document.visibilityState !== 'visible' || !visible.size) return;
    const top = Math.max(...visible);
    if (top > (ch.marker ?? 0) && top > sentSeen) {
      sentSeen = top;
      actions.markSeen(ch, top);
    }
  }

  function scheduleSeen() {
    clearTimeout(seenTimer);
    seenTimer = setTimeout(flushSeen, 250);
  }
  document.addEventListener('visibilitychange', scheduleSeen);
  addEventListener('pagehide', flushSeen); // best effort: the tab is closing or reloading

  const atBottom = () => scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < NEAR_BOTTOM_PX;
  const toBottom = () => { scroller.scrollTop = scroller.scrollHeight; stick = true; jump.hidden = true; };

  // Keep following the bottom while images and other content settle.
  new ResizeObserver(() => { if (stick && ch) toBottom(); }).observe(list);

  scroller.addEventListener('scroll', () => {
    stick = atBottom();
    if (stick) jump.hidden = true;
    if (scroller.scrollTop < LOAD_OLDER_WITHIN_PX) loadOlder();
  }, { passive: true });
  jump.addEventListener('click', () => { toBottom(); scroller.focus(); });
  olderButton.addEventListener('click', () => loadOlder(true));

  function messageNode(msg) {
    let li = nodes.get(msg.id);
    if (li) return li;
    const own = store.isMe(msg.from);
    const from = store.displayUser(msg.from);
    const ts = Number.isFinite(msg.ts) ? msg.ts : Date.now();
    const text = typeof msg.text === 'string' ? msg.text : '';
    const atts = Array.isArray(msg.attachments) ? msg.attachments.map(attachmentNode).filter(Boolean) : [];
    li = h('li', {
      class: `msg${own ? ' own' : ''}`, 'data-testid': 'message', dataset: { id: msg.id, from: msg.from },
    },
    avatar(from, 'avatar msg-avatar'),
    h('div', { class: 'msg-body' },
      h('div', { class: 'msg-meta' },
        h('span', { class: 'msg-from', 'data-testid': 'message-from' }, own ? `${from} (you)` : from),
        h('time', { datetime: new Date(ts).toISOString(), title: formatFull(ts) }, formatTime(ts))),
      text ? h('div', { class: 'msg-text', 'data-testid': 'message-text' }, linkify(text)) : null,
      atts.length ? h('div', { class: 'attachments' }, atts) : null));
    nodes.set(msg.id, li);
    seenObserver.observe(li);
    return li;
  }

  function pendingNode(entry) {
    const failed = entry.state === 'failed';
    return h('li', { class: `msg own pending${failed ? ' failed' : ''}`, 'data-testid': 'message-pending' },
      avatar(store.me.username, 'avatar msg-avatar'),
      h('div', { class: 'msg-body' },
        h('div', { class: 'msg-meta' },
          h('span', { class: 'msg-from' }, `${store.me.username} (you)`),
          h('span', { class: 'msg-state' }, failed ? `Not sent: ${entry.error || 'error'}` : entry.state === 'queued' ? 'Waiting for the connection…' : 'Sending…')),
        entry.text ? h('div', { class: 'msg-text' }, linkify(entry.text)) : null,
        entry.attachments.length ? h('div', { class: 'attachments' },
          entry.attachments.map((att) => h('span', { class: 'att att-file' }, icon('file', 'icon att-icon'), h('span', { class: 'att-name' }, att.name)))) : null,
        failed ? h('div', { class: 'msg-actions' },
          h('button', { type: 'button', class: 'btn btn-small', onclick: () => actions.retrySend(entry.key) }, 'Retry'),
          h('button', { type: 'button', class: 'btn btn-small', onclick: () => actions.discardSend(entry.key) }, 'Discard')) : null));
  }

  /** Who (other than me) has read up to which message: message id -> [names]. */
  function readersAt() {
    const at = new Map();
    if (!ch.messages.length) return at;
    for (const [user, id] of ch.readers) {
      if (store.isMe(user) || id < ch.firstId) continue;
      const where = Math.min(id, ch.lastId);
      // the message with the largest id <= where (ids are contiguous, but be safe)
      let target = null;
      for (let i = ch.messages.length - 1; i >= 0; i -= 1) {
        if (ch.messages[i].id <= where) { target = ch.messages[i].id; break; }
      }
      if (target === null) continue;
      if (!at.has(target)) at.set(target, []);
      at.get(target).push(store.displayUser(user));
    }
    return at;
  }

  /** A cached separator-like node (so it is not re-announced by screen readers), with its text. */
  function extra(key, text, make) {
    let li = extras.get(key);
    if (!li) { li = make(); extras.set(key, li); }
    if (li.firstChild.textContent !== text) li.firstChild.textContent = text;
    return li;
  }

  /**
   * Makes the list hold `nodes`, in order, touching only what changed: nodes already in place
   * stay (a live region announces only the new ones, images are not reloaded).
   */
  function patch(nodes) {
    let cur = list.firstChild;
    for (const node of nodes) {
      if (node === cur) { cur = cur.nextSibling; continue; }
      list.insertBefore(node, cur);
    }
    while (cur) {
      const next = cur.nextSibling;
      cur.remove();
      cur = next;
    }
    for (const [key, li] of extras) if (!li.isConnected) extras.delete(key);
  }

  /** The first message node whose bottom is below the top of the view, and its offset. */
  function anchor() {
    for (const li of list.children) {
      if (!li.dataset.id) continue;
      if (li.offsetTop + li.offsetHeight > scroller.scrollTop) return { li, offset: li.offsetTop - scroller.scrollTop };
    }
    return null;
  }

  /**
   * Rebuilds the list from the model, reusing message nodes (so images are not reloaded).
   * mode: 'open' (scroll to the first unread or the bottom), 'update' (follow the bottom if
   * we were there, else keep what is in view where it is), 'prepend' (keep the view still).
   */
  function render(mode = 'update') {
    if (!ch) return;
    const follow = mode === 'update' && stick;
    const keep = mode !== 'open' && !follow ? anchor() : null;
    const out = [];
    let prev = null;
    const readers = readersAt();
    for (const msg of ch.messages) {
      const day = dayKey(msg.ts);
      if (!prev || dayKey(prev.ts) !== day) {
        out.push(extra(`day:${day}`, formatDay(msg.ts), () => h('li', { class: 'day-sep', 'data-testid': 'day-separator' }, h('span'))));
        prev = null;
      }
      if (unreadFrom !== null && msg.id === unreadFrom) {
        out.push(extra('unread', 'New messages', () => h('li', { class: 'unread-sep', id: 'unread-divider', 'data-testid': 'unread-divider' }, h('span'))));
        prev = null;
      }
      const li = messageNode(msg);
      li.classList.toggle('cont', !!prev && prev.from === msg.from && msg.ts - prev.ts < GROUP_WITHIN_MS);
      out.push(li);
      const names = readers.get(msg.id);
      if (names) {
        out.push(extra(`seen:${msg.id}`, `Seen by ${names.sort().join(', ')}`, () => h('li', { class: 'seen-by', 'data-testid': 'seen-by' }, h('span'))));
      }
      prev = msg;
    }
    for (const entry of store.outbox) {
      if (entry.channel !== ch.name) continue;
      const key = `pending:${entry.key}:${entry.state}:${entry.error}`;
      if (!extras.has(key)) extras.set(key, pendingNode(entry));
      out.push(extras.get(key));
    }
    patch(out);

    olderButton.hidden = !(ch.historyLoaded && ch.hasMore);
    if (!ch.historyLoaded) status.textContent = 'Loading messages…';
    else if (ch.hasMore) status.textContent = '';
    else status.textContent = ch.messages.length ? `This is the beginning of ${ch.kind === 'dm' || ch.kind === 'match' ? 'your conversation' : `#${ch.name}`}.` : 'No messages yet. Say hello!';

    if (mode === 'open') {
      const divider = $('unread-divider');
      if (divider && scroller.scrollHeight - divider.offsetTop > scroller.clientHeight - 24) {
        scroller.scrollTop = Math.max(0, divider.offsetTop - 24);
        stick = atBottom();
      } else {
        toBottom();
      }
    } else if (follow) {
      toBottom();
    } else if (keep && keep.li.isConnected) {
      scroller.scrollTop = keep.li.offsetTop - keep.offset;
    }
  }

  async function loadOlder(force = false) {
    if (!ch || opening || loadingOlder || !ch.historyLoaded || !ch.hasMore) return;
    if (!force && scroller.scrollTop >= LOAD_OLDER_WITHIN_PX) return;
    loadingOlder = true;
    const target = ch;
    status.textContent = 'Loading earlier messages…';
    try {
      await actions.loadOlder(target);
    } catch {
      status.textContent = 'Could not load earlier messages.';
    } finally {
      loadingOlder = false;
    }
    if (ch !== target) return;
    render('prepend');
    // Still near the top (a short page)? Keep going.
    requestAnimationFrame(() => loadOlder());
  }

  store.addEventListener('messages', (event) => {
    if (!ch || opening || event.detail.channel !== ch.name) return;
    const added = event.detail.added || [];
    if (added.some((m) => store.isMe(m.from) && m.id === ch.lastId)) stick = true;
    const wasStuck = stick;
    render('update');
    if (!wasStuck && added.some((m) => m.id === ch.lastId)) jump.hidden = false;
  });
  store.addEventListener('readers', (event) => {
    if (ch && !opening && event.detail.channel === ch.name) render('update');
  });

  return {
    /** Shows a channel: fetches its newest page when needed and opens at the first unread. */
    async open(channel) {
      flushSeen(); // what was read in the conversation being left
      ch = channel;
      for (const li of nodes.values()) seenObserver.unobserve(li);
      nodes = new Map();
      extras = new Map();
      visible = new Set();
      sentSeen = 0;
      stick = true;
      jump.hidden = true;
      unreadFrom = null;
      opening = true;
      list.replaceChildren();
      render('open');
      try {
        await actions.loadInitial(channel);
      } catch {
        if (ch === channel) status.textContent = 'Could not load messages.';
      }
      if (ch !== channel) return;
      opening = false;
      scheduleSeen();
      if (channel.unread > 0 && channel.marker !== null && channel.byId.has(channel.marker + 1)) {
        unreadFrom = channel.marker + 1;
      }
      render('open');
    },
    close() {
      flushSeen();
      ch = null;
      for (const li of nodes.values()) seenObserver.unobserve(li);
      nodes = new Map();
      extras = new Map();
      visible = new Set();
      list.replaceChildren();
    },
    render,
  };
}

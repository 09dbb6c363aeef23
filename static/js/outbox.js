// Messages on their way out. Each waits in the store's outbox (shown as pending) until the
// server stores it: queued while offline, failed with a reason (Retry / Discard), or, when the
// answer was lost with the connection, settled after the resume against the catch-up.
import { socket, store } from './session.js';

const SEND_TIMEOUT_MS = 30000;

let outboxSeq = 0;

export function send(ch, text, uploads) {
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
}

export function retrySend(key) {
  const entry = store.outbox.find((e) => e.key === key);
  if (entry) transmit(entry);
}

export function discardSend(key) {
  const entry = store.outbox.find((e) => e.key === key);
  if (!entry) return;
  store.outbox = store.outbox.filter((e) => e !== entry);
  store.emit('messages', { channel: entry.channel, added: [] });
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
export function flushOutbox(channelName = null) {
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

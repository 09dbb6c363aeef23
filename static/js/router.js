// Routing: the open conversation is in the URL's hash (#/general). A name the model does not
// know is a direct message to open or a public channel to preview, once the channel list has
// come (before that it may still be one of mine).
import { actions } from './actions.js';
import { store } from './session.js';
import { CHANNEL_NAME } from './state.js';
import { askPresence, listLoaded } from './sync.js';
import { toast } from './views/toasts.js';

function routeName() {
  const hash = location.hash;
  if (!hash.startsWith('#/') || hash.length < 3) return null;
  try { return decodeURIComponent(hash.slice(2)); } catch { return null; }
}

export function route() {
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

// The session: the parley_token cookie and its renewal (a session ends at its token's exp, so
// the socket hands over to the renewed one), the 4001 close that ends it, and the screens that
// come with it: the login form without a session, the chat with one.
import { api } from './api.js';
import { $ } from './dom.js';
import { route } from './router.js';
import { Socket } from './socket.js';
import { Store } from './state.js';
import { forgetChannelList, onFrame, onHello } from './sync.js';

export const store = new Store();
export let socket = null; // one per session; the other modules read this binding as it changes
let auth = null;          // the views the session shows and hides (main.js mounts them)
let sidebar = null;
let conversation = null;
let dialogs = null;
let expiresAt = 0;     // the current token's exp (Unix seconds)
let renewTimer = 0;
let renewDue = 0;

export function attachViews(views) {
  ({ auth, sidebar, conversation, dialogs } = views);
}

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

export function renewIfOverdue() {
  if (store.me && renewDue && Date.now() >= renewDue) renewNow();
}

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

export function startSession(session) {
  store.reset();
  store.setMe(session.user);
  expiresAt = session.expires_at;
  scheduleRenewal();
  forgetChannelList();
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

export function endSession(notice) {
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

export async function boot(attempt = 0) {
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

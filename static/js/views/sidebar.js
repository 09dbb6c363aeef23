// The sidebar: my channels, direct messages and matches with unread badges, the "Meet someone"
// box, the connection state, and the drawer behaviour on narrow screens. Also keeps the
// document title's unread count.
import { $, avatar, h, icon } from '../dom.js';

export function channelHref(name) {
  return `#/${encodeURIComponent(name)}`;
}

const byTitle = (store) => (a, b) =>
  store.title(a).localeCompare(store.title(b), undefined, { sensitivity: 'base' });

export function mountSidebar(store, actions) {
  const app = $('app-view');
  const sidebar = $('sidebar');
  const scrim = $('scrim');
  const drawerButton = $('btn-drawer');
  const narrow = matchMedia('(max-width: 820px)');

  // ---- drawer (narrow screens) ----
  function setDrawer(open) {
    app.classList.toggle('drawer-open', open);
    scrim.hidden = !open;
    drawerButton.setAttribute('aria-expanded', String(open));
    if (open) (sidebar.querySelector('[aria-current="page"]') || sidebar.querySelector('a, button'))?.focus();
  }
  drawerButton.addEventListener('click', () => setDrawer(!app.classList.contains('drawer-open')));
  scrim.addEventListener('click', () => setDrawer(false));
  sidebar.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && app.classList.contains('drawer-open')) {
      event.stopPropagation();
      setDrawer(false);
      drawerButton.focus();
    }
  });
  sidebar.addEventListener('click', (event) => {
    if (narrow.matches && event.target.closest('a.side-item')) setDrawer(false);
  });
  narrow.addEventListener('change', () => { if (!narrow.matches) setDrawer(false); });

  // ---- buttons ----
  $('btn-create').addEventListener('click', () => actions.showCreate());
  $('btn-browse').addEventListener('click', () => actions.showBrowse());
  $('btn-new-dm').addEventListener('click', () => actions.showNewDm());
  $('btn-match').addEventListener('click', () => actions.match());
  $('btn-unmatch').addEventListener('click', () => actions.unmatch());
  $('btn-logout').addEventListener('click', () => actions.logout());
  $('btn-retry').addEventListener('click', () => actions.retryNow());

  // ---- lists ----
  function item(ch) {
    const active = store.active === ch.name;
    const title = store.title(ch);
    let glyph = 'hash';
    if (ch.kind === 'private') glyph = 'lock';
    else if (ch.kind === 'dm') glyph = 'at';
    else if (ch.kind === 'match') glyph = 'spark';
    const online = ch.kind === 'dm' || ch.kind === 'match' ? store.peerOnline(ch) : null;
    const unread = active ? 0 : ch.unread;
    const label = [
      ch.kind === 'dm' ? `Direct messages with ${title}` : ch.kind === 'match' ? `Match with ${title}` : `${ch.kind === 'private' ? 'Private channel' : 'Channel'} ${title}`,
      online ? 'online' : null,
      unread ? `${unread} unread` : null,
    ].filter(Boolean).join(', ');
    return h('li', {},
      h('a', {
        href: channelHref(ch.name),
        class: `side-item${active ? ' active' : ''}${unread ? ' has-unread' : ''}`,
        'aria-current': active ? 'page' : null,
        'aria-label': label,
        'data-testid': 'channel-item',
        dataset: { channel: ch.name, kind: ch.kind },
      },
      ch.kind === 'dm' || ch.kind === 'match'
        ? h('span', { class: 'side-avatar' }, avatar(title, 'avatar avatar-small'), h('span', { class: `dot${online ? ' online' : ''}` }))
        : icon(glyph, 'icon side-icon'),
      h('span', { class: 'side-name' }, title),
      unread ? h('span', { class: 'badge', 'data-testid': 'unread-badge', 'aria-hidden': 'true' }, unread > 99 ? '99+' : String(unread)) : null));
  }

  function renderLists() {
    const mine = store.myChannels();
    const rooms = mine.filter((ch) => ch.kind === 'public' || ch.kind === 'private')
      .sort((a, b) => a.name.localeCompare(b.name, undefined, { sensitivity: 'base' }));
    const dms = mine.filter((ch) => ch.kind === 'dm').sort(byTitle(store));
    const matches = mine.filter((ch) => ch.kind === 'match').sort(byTitle(store));
    $('list-channels').replaceChildren(...rooms.map(item));
    $('list-dms').replaceChildren(...dms.map(item));
    $('list-matches').replaceChildren(...matches.map(item));
    $('empty-channels').hidden = rooms.length > 0;
    $('empty-dms').hidden = dms.length > 0;
    renderTitle();
  }

  function renderTitle() {
    // The open conversation's new messages are being read: not counted while the page is seen.
    const active = store.active && document.visibilityState === 'visible' ? store.channel(store.active) : null;
    const total = store.totalUnread() - (active && active.mine ? active.unread : 0);
    const ch = store.active && store.channel(store.active);
    let where = '';
    if (ch) where = ch.kind === 'public' || ch.kind === 'private' ? `#${ch.name} · ` : `${store.title(ch)} · `;
    document.title = `${total > 0 ? `(${total}) ` : ''}${where}parley`;
    $('drawer-badge').hidden = total === 0;
  }

  // ---- connection state ----
  const conn = $('conn-state');
  const connText = $('conn-text');
  const banner = $('conn-banner');
  const bannerText = $('conn-banner-text');
  let ticker = 0;

  function renderConnection() {
    const { state, retryAt } = store.connection;
    conn.dataset.state = state;
    clearInterval(ticker);
    const paint = () => {
      let text = 'Connecting…';
      let long = 'Connecting to the server…';
      if (state === 'live') { text = 'Live'; long = ''; }
      else if (state === 'reconnecting') {
        const left = Math.max(0, Math.ceil((retryAt - Date.now()) / 1000));
        text = left > 0 ? `Reconnecting in ${left} s` : 'Reconnecting…';
        long = left > 0 ? `Connection lost. Reconnecting in ${left} s…` : 'Connection lost. Reconnecting…';
        if (!navigator.onLine) long = `You are offline. ${long}`;
      } else if (state === 'stopped') { text = 'Offline'; long = 'Not connected.'; }
      connText.textContent = text;
      bannerText.textContent = long;
    };
    paint();
    if (state === 'reconnecting') ticker = setInterval(paint, 1000);
    banner.hidden = state === 'live' || state === 'stopped';
    $('btn-retry').hidden = state !== 'reconnecting';
  }

  function renderMatching() {
    $('btn-match').hidden = store.matching;
    $('match-waiting').hidden = !store.matching;
  }

  document.addEventListener('visibilitychange', () => { if (store.me) renderTitle(); });
  store.addEventListener('channels', renderLists);
  store.addEventListener('active', renderLists);
  store.addEventListener('presence', renderLists);
  store.addEventListener('connection', renderConnection);
  store.addEventListener('matching', renderMatching);

  return {
    show() {
      $('me-name').textContent = store.me.username;
      $('me-avatar').replaceWith(Object.assign(avatar(store.me.username), { id: 'me-avatar' }));
      renderLists();
      renderConnection();
      renderMatching();
    },
    setDrawer,
    renderLists,
  };
}

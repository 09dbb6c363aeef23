// The right-hand side: the welcome page, or a conversation's header, messages, typing
// indicator, presence list and composer (or a "Join" bar for a public channel I am not in).
import { $, avatar, h, icon } from '../dom.js';
import { mountComposer } from './composer.js';
import { mountMessages } from './messages.js';

export function mountConversation(store, actions) {
  const messages = mountMessages(store, actions);
  const composer = mountComposer(store, actions);
  const body = $('conv-body');
  const welcome = $('welcome');
  const title = $('conv-title');
  const sub = $('conv-sub');
  const headActions = $('conv-actions');
  const peopleButton = $('btn-people');
  const typingEl = $('typing');
  let ch = null;
  let typingTimer = 0;

  $('btn-invite').addEventListener('click', () => ch && actions.showInvite(ch));
  $('btn-leave').addEventListener('click', () => ch && actions.showLeave(ch));
  $('btn-join').addEventListener('click', () => ch && actions.join(ch.name).catch(() => {}));
  peopleButton.addEventListener('click', () => {
    const open = !body.classList.contains('show-presence');
    body.classList.toggle('show-presence', open);
    peopleButton.setAttribute('aria-expanded', String(open));
  });
  $('presence').addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && body.classList.contains('show-presence')) {
      body.classList.remove('show-presence');
      peopleButton.setAttribute('aria-expanded', 'false');
      peopleButton.focus();
    }
  });
  $('welcome-create').addEventListener('click', () => actions.showCreate());
  $('welcome-browse').addEventListener('click', () => actions.showBrowse());
  $('welcome-dm').addEventListener('click', () => actions.showNewDm());
  $('welcome-match').addEventListener('click', () => actions.match());

  function renderHeader() {
    if (!ch) {
      title.textContent = 'Welcome';
      sub.textContent = '';
      headActions.hidden = true;
      return;
    }
    const name = store.title(ch);
    const online = store.peerOnline(ch);
    title.replaceChildren();
    if (ch.kind === 'public' || ch.kind === 'private') {
      title.append(icon(ch.kind === 'private' ? 'lock' : 'hash', 'icon conv-glyph'), name);
      sub.textContent = `${ch.kind === 'private' ? 'Private channel' : 'Public channel'} · ${ch.members} member${ch.members === 1 ? '' : 's'}`;
    } else if (ch.kind === 'dm') {
      title.append(name);
      sub.textContent = store.isMe(ch.peer) ? 'Your notes: only you can see them' : `Direct messages · ${online ? 'online' : 'offline'}`;
    } else {
      title.append(icon('spark', 'icon conv-glyph'), name);
      sub.textContent = `A random match · ${online ? 'online' : 'offline'}`;
    }
    headActions.hidden = false;
    const room = ch.kind === 'public' || ch.kind === 'private';
    $('btn-invite').hidden = !room || !ch.mine;
    $('btn-leave').hidden = !room || !ch.mine;
  }

  function renderPresence() {
    const list = $('presence-list');
    if (!ch) return;
    const users = ch.presence ? [...ch.presence].map((u) => store.displayUser(u)) : [];
    users.sort((a, b) => a.localeCompare(b, undefined, { sensitivity: 'base' }));
    $('people-count').textContent = ch.presence ? String(users.length) : '';
    peopleButton.setAttribute('aria-label', ch.presence ? `People here: ${users.length} online` : 'People here');
    list.replaceChildren(...users.map((user) => h('li', { class: 'presence-user', 'data-testid': 'presence-user', dataset: { username: user } },
      h('span', { class: 'side-avatar' }, avatar(user, 'avatar avatar-small'), h('span', { class: 'dot online' })),
      h('span', {}, user, store.isMe(user) ? h('span', { class: 'muted' }, ' (you)') : null))));
    if (ch.presence && !users.length) list.replaceChildren(h('li', { class: 'muted' }, 'Nobody is here right now.'));
    if (!ch.presence) list.replaceChildren(h('li', { class: 'muted' }, ch.mine ? 'Loading…' : 'Join to see who is here.'));
  }

  function renderTyping() {
    clearTimeout(typingTimer);
    if (!ch) { typingEl.textContent = ''; return; }
    const users = store.typingUsers(ch);
    let text = '';
    if (users.length === 1) text = `${users[0]} is typing…`;
    else if (users.length === 2) text = `${users[0]} and ${users[1]} are typing…`;
    else if (users.length > 2) text = 'Several people are typing…';
    typingEl.textContent = text;
    if (users.length) {
      const next = Math.min(...[...ch.typing.values()]) - Date.now();
      typingTimer = setTimeout(renderTyping, Math.max(100, next + 50));
    }
  }

  function renderMembership() {
    if (!ch) return;
    const previewing = !ch.mine;
    $('join-bar').hidden = !previewing;
    $('composer').hidden = previewing;
    $('join-bar-text').textContent = `You are reading #${ch.name}. Join it to write and to hear about new messages.`;
  }

  function renderWelcome() {
    $('welcome-name').textContent = store.me ? `, ${store.me.username}` : '';
    const publics = [...store.channels.values()].filter((c) => c.kind === 'public' && !c.mine)
      .sort((a, b) => b.members - a.members).slice(0, 8);
    $('welcome-public').hidden = publics.length === 0;
    $('welcome-public-list').replaceChildren(...publics.map((c) => h('li', {},
      h('button', { type: 'button', class: 'chip', 'aria-label': `Join #${c.name}`, onclick: () => actions.join(c.name).catch(() => {}) }, `#${c.name}`))));
  }

  function show(channel) {
    const switching = channel !== ch;
    ch = channel;
    welcome.hidden = !!ch;
    body.hidden = !ch;
    renderHeader();
    if (!ch) {
      messages.close();
      composer.setChannel(null);
      renderWelcome();
      return;
    }
    renderPresence();
    renderTyping();
    renderMembership();
    if (switching) {
      body.classList.remove('show-presence');
      peopleButton.setAttribute('aria-expanded', 'false');
      composer.setChannel(ch);
      messages.open(ch);
    }
  }

  store.addEventListener('active', (event) => {
    const next = event.detail.channel ? store.channel(event.detail.channel) : null;
    show(next);
    if (next && next.mine && matchMedia('(min-width: 821px)').matches) composer.focus();
  });
  store.addEventListener('channels', () => {
    if (!ch) { renderWelcome(); return; }
    const current = store.channel(ch.name);
    if (current !== ch) { show(current); return; }
    renderHeader();
    renderMembership();
  });
  store.addEventListener('presence', (event) => {
    if (ch && event.detail.channel === ch.name) { renderPresence(); renderHeader(); }
  });
  store.addEventListener('typing', (event) => { if (ch && event.detail.channel === ch.name) renderTyping(); });
  store.addEventListener('messages', (event) => { if (ch && event.detail.channel === ch.name) renderTyping(); });

  return {
    refresh() { show(ch); },
    renderList() { messages.render('update'); },
    reset() { composer.reset(); messages.close(); ch = null; },
  };
}

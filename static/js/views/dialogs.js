// Dialogs: create a channel, browse public channels, find a user (for a direct message or an
// invitation), confirm leaving. Native <dialog>: modal, Esc closes, focus comes back.
import { api } from '../api.js';
import { $, avatar, h, showError } from '../dom.js';
import { CHANNEL_NAME } from '../state.js';

function wireDialog(dialog) {
  let opener = null;
  dialog.addEventListener('click', (event) => {
    if (event.target.closest('[data-close]')) dialog.close();
    else if (event.target === dialog) dialog.close(); // a click on the backdrop
  });
  dialog.addEventListener('close', () => {
    if (opener && opener.isConnected) opener.focus();
    opener = null;
  });
  return {
    open(focus) {
      opener = document.activeElement;
      if (!dialog.open) dialog.showModal();
      if (focus) focus.focus();
    },
    close() { if (dialog.open) dialog.close(); },
  };
}

export function mountDialogs(store, actions) {
  // ---- create a channel ----
  const create = wireDialog($('dlg-create'));
  const createName = $('create-name');
  const createPrivate = $('create-private');
  const createError = $('create-name-error');
  $('form-create').addEventListener('submit', async (event) => {
    event.preventDefault();
    const name = createName.value.trim();
    if (!CHANNEL_NAME.test(name)) {
      showError(createError, 'Use 1–64 characters: letters, digits, _ . or -', createName);
      createName.focus();
      return;
    }
    showError(createError, '', createName);
    try {
      await actions.create(name, createPrivate.checked);
      create.close();
    } catch (err) {
      const text = err.code === 'channel_exists' ? 'A channel with this name exists already.'
        : err.code === 'invalid_channel' ? 'Use 1–64 characters: letters, digits, _ . or -'
          : err.code === 'offline' || err.code === 'disconnected' ? 'Not connected. Try again in a moment.'
            : err.message;
      showError(createError, text, createName);
      createName.focus();
    }
  });

  // ---- browse public channels ----
  const browse = wireDialog($('dlg-browse'));
  function renderBrowse() {
    const publics = [...store.channels.values()].filter((ch) => ch.kind === 'public')
      .sort((a, b) => a.name.localeCompare(b.name, undefined, { sensitivity: 'base' }));
    $('browse-empty').hidden = publics.length > 0;
    $('browse-list').replaceChildren(...publics.map((ch) => h('li', { class: 'browse-item', 'data-testid': 'browse-item', dataset: { channel: ch.name } },
      h('span', { class: 'browse-name' }, `#${ch.name}`),
      h('span', { class: 'browse-meta' }, `${ch.members} member${ch.members === 1 ? '' : 's'}`),
      h('button', {
        type: 'button', class: `btn btn-small${ch.mine ? '' : ' btn-primary'}`,
        'aria-label': `${ch.mine ? 'Open' : 'Join'} #${ch.name}`,
        onclick: async () => {
          browse.close();
          if (ch.mine) actions.open(ch.name); else await actions.join(ch.name).catch(() => {});
        },
      }, ch.mine ? 'Open' : 'Join'))));
  }

  // ---- find a user: new direct message, or invite ----
  const userDialog = wireDialog($('dlg-user'));
  const query = $('user-query');
  const onlineOnly = $('user-online');
  const results = $('user-results');
  const userError = $('user-error');
  let userMode = { kind: 'dm', channel: null };
  let searchTimer = 0;
  let searchSeq = 0;
  let lastUsers = [];

  async function search() {
    const seq = ++searchSeq;
    try {
      const { users } = await api.users({ q: query.value.trim(), online: onlineOnly.checked, limit: 20 });
      if (seq !== searchSeq) return;
      lastUsers = users;
      for (const user of users) store.learnName(user.username);
      results.replaceChildren(...users.map((user) => h('li', {},
        h('button', {
          type: 'button', class: 'user-result', 'data-testid': 'user-result', dataset: { username: user.username },
          'aria-label': `${user.username}${user.online ? ', online' : ', offline'}${store.isMe(user.username) ? ' (you)' : ''}`,
          onclick: () => choose(user.username),
        },
        h('span', { class: 'side-avatar' }, avatar(user.username, 'avatar avatar-small'), h('span', { class: `dot${user.online ? ' online' : ''}` })),
        h('span', { class: 'user-name' }, user.username, store.isMe(user.username) ? h('span', { class: 'muted' }, ' (you)') : null),
        h('span', { class: 'user-status' }, user.online ? 'online' : 'offline')))));
      if (!users.length) results.replaceChildren(h('li', { class: 'muted user-none' }, query.value.trim() ? 'Nobody by that name.' : 'Nobody here yet.'));
    } catch (err) {
      if (seq === searchSeq) showError(userError, err.code === 'network' ? 'The server cannot be reached.' : err.message);
    }
  }
  query.addEventListener('input', () => {
    showError(userError, '', query);
    clearTimeout(searchTimer);
    searchTimer = setTimeout(search, 150);
  });
  onlineOnly.addEventListener('change', search);
  query.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      results.querySelector('button')?.focus();
    }
  });
  results.addEventListener('keydown', (event) => {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    const buttons = [...results.querySelectorAll('button')];
    const i = buttons.indexOf(document.activeElement);
    if (i < 0) return;
    event.preventDefault();
    const next = event.key === 'ArrowDown' ? buttons[i + 1] : buttons[i - 1];
    (next || (event.key === 'ArrowUp' ? query : buttons[i])).focus();
  });

  async function choose(username) {
    showError(userError, '', query);
    if (userMode.kind === 'dm') {
      // Only registered users have a conversation to open: check a typed name first.
      let user = lastUsers.find((u) => u.username.toLowerCase() === username.toLowerCase());
      if (!user) {
        try {
          const { users } = await api.users({ q: username, limit: 1 });
          user = users.find((u) => u.username.toLowerCase() === username.toLowerCase());
        } catch (err) {
          showError(userError, err.code === 'network' ? 'The server cannot be reached.' : err.message, query);
          return;
        }
      }
      if (!user) {
        showError(userError, `There is no user called “${username}”.`, query);
        query.focus();
        return;
      }
      userDialog.close();
      actions.openDm(user.username);
      return;
    }
    try {
      await actions.invite(userMode.channel, username);
      userDialog.close();
    } catch (err) {
      const text = err.code === 'unknown_user' ? `There is no user called “${username}”.`
        : err.code === 'forbidden' ? 'You cannot invite people to this conversation.'
          : err.code === 'offline' || err.code === 'disconnected' ? 'Not connected. Try again in a moment.'
            : err.message;
      showError(userError, text, query);
      query.focus();
    }
  }

  $('form-user').addEventListener('submit', (event) => {
    event.preventDefault();
    const typed = query.value.trim();
    if (!typed) { showError(userError, 'Type a username.', query); return; }
    const exact = lastUsers.find((u) => u.username.toLowerCase() === typed.toLowerCase());
    choose(exact ? exact.username : typed);
  });

  // ---- confirm ----
  const confirm = wireDialog($('dlg-confirm'));
  let onConfirm = null;
  $('form-confirm').addEventListener('submit', (event) => {
    event.preventDefault();
    confirm.close();
    if (onConfirm) onConfirm();
  });

  return {
    showCreate() {
      createName.value = '';
      createPrivate.checked = false;
      showError(createError, '', createName);
      create.open(createName);
    },
    showBrowse() {
      renderBrowse();
      browse.open($('browse-list').querySelector('button') || $('dlg-browse').querySelector('[data-close]'));
      actions.refreshChannels().then(() => { if ($('dlg-browse').open) renderBrowse(); }, () => {});
    },
    showUserPicker(kind, channel = null) {
      userMode = { kind, channel };
      $('dlg-user-title').textContent = kind === 'dm' ? 'New direct message' : `Invite to #${channel.name}`;
      $('dlg-user-sub').textContent = kind === 'dm'
        ? 'Find someone by the start of their username.'
        : channel.kind === 'private' ? 'They become a member and can read the channel’s history.' : 'They are added to the channel’s members.';
      $('user-submit').textContent = kind === 'dm' ? 'Message' : 'Invite';
      query.value = '';
      onlineOnly.checked = false;
      showError(userError, '', query);
      results.replaceChildren();
      userDialog.open(query);
      search();
    },
    confirm({ title, text, button, run }) {
      $('dlg-confirm-title').textContent = title;
      $('dlg-confirm-text').textContent = text;
      $('confirm-submit').textContent = button;
      onConfirm = run;
      confirm.open($('confirm-submit'));
    },
    closeAll() {
      for (const dialog of document.querySelectorAll('dialog[open]')) dialog.close();
    },
  };
}

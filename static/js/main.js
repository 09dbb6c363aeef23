// The entry point: mounts the views on the model and wires them to the controller, which is in
// parts: session.js (the cookie, its renewal, 4001), sync.js (requests, the socket's frames into
// the model, resume), actions.js (what the views call), outbox.js (sending) and router.js (the
// open conversation is in the URL's hash: #/general).
import { actions } from './actions.js';
import { $ } from './dom.js';
import { route } from './router.js';
import { attachViews, boot, renewIfOverdue, startSession, store } from './session.js';
import { mountConversation } from './views/conversation.js';
import { mountDialogs } from './views/dialogs.js';
import { mountAuth } from './views/login.js';
import { mountSidebar } from './views/sidebar.js';

// The actions that only open a dialog.
Object.assign(actions, {
  showCreate() { dialogs.showCreate(); },
  showBrowse() { dialogs.showBrowse(); },
  showNewDm() { dialogs.showUserPicker('dm'); },
  showInvite(ch) { dialogs.showUserPicker('invite', ch); },
  showLeave(ch) {
    dialogs.confirm({
      title: `Leave #${ch.name}?`,
      text: ch.kind === 'private'
        ? 'You stop being a member. To come back, someone will have to invite you again.'
        : 'You stop being a member and will no longer see its messages here. You can join again at any time.',
      button: 'Leave',
      run: () => actions.leave(ch),
    });
  },
});

const auth = mountAuth({ onSession: (session) => startSession(session) });
const sidebar = mountSidebar(store, actions);
const conversation = mountConversation(store, actions);
const dialogs = mountDialogs(store, actions);
attachViews({ auth, sidebar, conversation, dialogs });

document.addEventListener('visibilitychange', () => {
  // Timers of hidden tabs are throttled: catch up on an overdue renewal.
  if (document.visibilityState === 'visible') renewIfOverdue();
});

addEventListener('hashchange', route);

// Esc on the page (outside dialogs, which handle it themselves) closes the drawer.
addEventListener('keydown', (event) => {
  if (event.key !== 'Escape' || event.target.closest?.('dialog')) return;
  if ($('app-view').classList.contains('drawer-open')) sidebar.setDrawer(false);
});

boot();

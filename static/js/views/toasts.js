// Short notices in the corner ("bob invited you to #design"), read out by screen readers.
import { $, h } from '../dom.js';

const SHOWN_MS = 6000;

export function toast(text, { kind = 'info', action = null } = {}) {
  const root = $('toasts');
  const close = () => { item.classList.add('leaving'); setTimeout(() => item.remove(), 200); };
  const item = h('div', { class: `toast toast-${kind}`, 'data-testid': 'toast' },
    h('span', { class: 'toast-text' }, text),
    action && h('button', { type: 'button', class: 'btn btn-small', onclick: () => { close(); action.run(); } }, action.label),
    h('button', { type: 'button', class: 'icon-btn toast-close', 'aria-label': 'Dismiss', onclick: close }, '×'));
  root.append(item);
  while (root.children.length > 4) root.firstElementChild.remove();
  setTimeout(close, SHOWN_MS);
}

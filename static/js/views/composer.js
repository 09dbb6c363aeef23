// Writing a message: Enter sends, Shift+Enter makes a new line; `typing` at most every 3 s;
// files picked, dropped or pasted are uploaded at once (with a progress bar) and sent with the
// next message.
import { api } from '../api.js';
import { $, formatBytes, h, icon, showError } from '../dom.js';

const TYPING_EVERY_MS = 3000;
const MAX_TEXT = 4000;
const MAX_ATTACHMENTS = 10;
const ACCEPTED = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/pdf', 'text/plain']);
const TEXT_EXTENSIONS = /\.(txt|text|md|markdown|log|csv|tsv|json|ya?ml|ini|conf|cfg)$/i;

/** The media type to declare for a file, or null when the server will not take it. */
function uploadType(file) {
  const type = (file.type || '').toLowerCase().split(';')[0].trim();
  if (ACCEPTED.has(type)) return type;
  if (type.startsWith('text/') || type === 'application/json') return 'text/plain';
  if (!type && TEXT_EXTENSIONS.test(file.name || '')) return 'text/plain';
  return null;
}

/** A name the server accepts: 1–255 characters, no slashes or control characters. */
function uploadName(file, type) {
  // eslint-disable-next-line no-control-regex
  let name = String(file.name || '').replace(/[/\\\u0000-\u001f\u007f-\u009f]/g, '_').trim();
  if (!name) name = type.startsWith('image/') ? `image.${type.slice(6)}` : type === 'application/pdf' ? 'file.pdf' : 'file.txt';
  const chars = [...name];
  if (chars.length > 255) {
    const dot = name.lastIndexOf('.');
    const ext = dot > 0 && name.length - dot <= 10 ? name.slice(dot) : '';
    name = chars.slice(0, 255 - [...ext].length).join('') + ext;
  }
  return name;
}

let nextUploadId = 1;

export function mountComposer(store, actions) {
  const form = $('composer');
  const input = $('composer-input');
  const fileInput = $('file-input');
  const pendingList = $('pending-files');
  const errorEl = $('composer-error');
  const sendButton = $('btn-send');
  const dropZone = $('conv-body');
  const overlay = $('drop-overlay');

  let ch = null;
  const drafts = new Map();   // channel -> text
  const uploads = new Map();  // channel -> [{id, file, name, type, size, progress, state, upload, abort, preview, error}]
  let lastTyping = 0;

  const mine = () => (ch ? uploads.get(ch.name) || [] : []);

  function setError(text) {
    showError(errorEl, text);
  }

  function renderUploads() {
    const items = mine();
    pendingList.hidden = items.length === 0;
    pendingList.replaceChildren(...items.map((item) => h('li', {
      class: `pending-file ${item.state}`, 'data-testid': 'pending-file', dataset: { state: item.state },
    },
    item.preview ? h('img', { class: 'pending-thumb', src: item.preview, alt: '' }) : icon('file', 'icon pending-icon'),
    h('span', { class: 'pending-info' },
      h('span', { class: 'pending-name' }, item.name),
      h('span', { class: 'pending-size' }, item.state === 'error' ? item.error : formatBytes(item.size)),
      item.state === 'uploading'
        ? (item.bar = h('progress', { max: '1', value: String(item.progress), 'data-testid': 'upload-progress', 'aria-label': `Uploading ${item.name}` }))
        : null),
    h('button', {
      type: 'button', class: 'icon-btn', 'aria-label': `Remove ${item.name}`, onclick: () => removeUpload(item),
    }, icon('x')))));
    const busy = items.some((item) => item.state === 'uploading');
    sendButton.setAttribute('aria-disabled', String(busy));
    form.classList.toggle('uploading', busy);
  }

  function removeUpload(item) {
    if (item.abort) item.abort();
    if (item.preview) URL.revokeObjectURL(item.preview);
    for (const [name, items] of uploads) {
      const i = items.indexOf(item);
      if (i >= 0) { items.splice(i, 1); if (!items.length) uploads.delete(name); }
    }
    renderUploads();
    input.focus();
  }

  function addFiles(files) {
    if (!ch || !files.length) return;
    setError('');
    const channel = ch.name;
    if (!uploads.has(channel)) uploads.set(channel, []);
    const items = uploads.get(channel);
    const refused = [];
    for (const file of files) {
      if (items.length >= MAX_ATTACHMENTS) { setError(`At most ${MAX_ATTACHMENTS} files per message.`); break; }
      const type = uploadType(file);
      if (!type) { refused.push(file.name || 'that file'); continue; }
      const item = {
        id: nextUploadId++, file, name: uploadName(file, type), type, size: file.size,
        progress: 0, state: 'uploading', upload: null, abort: null, error: '', bar: null,
        preview: type.startsWith('image/') ? URL.createObjectURL(file) : null,
      };
      items.push(item);
      const { promise, abort } = api.upload(file, {
        name: item.name, type,
        onProgress: (fraction) => {
          item.progress = fraction;
          if (item.bar) item.bar.value = fraction;
        },
      });
      item.abort = abort;
      promise.then((upload) => {
        item.state = 'done';
        item.upload = upload;
        item.abort = null;
      }, (err) => {
        if (err.code === 'aborted') return;
        item.state = 'error';
        item.abort = null;
        item.error = err.code === 'too_large' ? 'Too large'
          : err.code === 'unsupported_type' ? 'Not a file type parley accepts'
            : err.code === 'network' ? 'Upload failed (too large, or the connection dropped)' : err.message;
      }).finally(renderUploads);
    }
    if (refused.length) {
      setError(`${refused.join(', ')}: parley takes images (PNG, JPEG, GIF, WebP), PDF and text files.`);
    }
    renderUploads();
  }

  function submit() {
    if (!ch) return;
    setError('');
    const items = mine();
    if (items.some((item) => item.state === 'uploading')) {
      setError('Wait for the upload to finish.');
      return;
    }
    if (items.some((item) => item.state === 'error')) {
      setError('Remove the files that could not be uploaded first.');
      return;
    }
    const text = input.value.trim();
    if (!text && !items.length) return;
    if ([...text].length > MAX_TEXT) {
      setError(`Messages are at most ${MAX_TEXT} characters (this one has ${[...text].length}).`);
      return;
    }
    actions.send(ch, text, items.map((item) => item.upload));
    for (const item of items) if (item.preview) URL.revokeObjectURL(item.preview);
    uploads.delete(ch.name);
    input.value = '';
    drafts.delete(ch.name);
    lastTyping = 0;
    renderUploads();
    input.focus();
  }

  form.addEventListener('submit', (event) => { event.preventDefault(); submit(); });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
      event.preventDefault();
      submit();
    }
  });
  input.addEventListener('input', () => {
    if (!ch) return;
    const now = Date.now();
    if (input.value.trim() && now - lastTyping > TYPING_EVERY_MS) {
      lastTyping = now;
      actions.typing(ch);
    }
    if (!errorEl.hidden && [...input.value].length <= MAX_TEXT) setError('');
  });

  // Files: pick, paste, drop.
  $('btn-attach').addEventListener('click', () => fileInput.click());
  fileInput.addEventListener('change', () => {
    addFiles([...fileInput.files]);
    fileInput.value = '';
    input.focus();
  });
  input.addEventListener('paste', (event) => {
    const files = [...(event.clipboardData?.files || [])];
    if (files.length) {
      event.preventDefault();
      addFiles(files);
    }
  });
  let dragDepth = 0;
  const hasFiles = (event) => [...(event.dataTransfer?.types || [])].includes('Files');
  dropZone.addEventListener('dragenter', (event) => {
    if (!hasFiles(event) || !ch) return;
    event.preventDefault();
    dragDepth += 1;
    overlay.hidden = false;
  });
  dropZone.addEventListener('dragover', (event) => {
    if (!hasFiles(event) || !ch) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
  });
  dropZone.addEventListener('dragleave', () => {
    dragDepth = Math.max(0, dragDepth - 1);
    if (!dragDepth) overlay.hidden = true;
  });
  dropZone.addEventListener('drop', (event) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    dragDepth = 0;
    overlay.hidden = true;
    addFiles([...event.dataTransfer.files]);
    input.focus();
  });

  return {
    setChannel(channel) {
      if (ch) drafts.set(ch.name, input.value);
      ch = channel;
      setError('');
      lastTyping = 0;
      if (!ch) return;
      input.value = drafts.get(ch.name) || '';
      const label = ch.kind === 'public' || ch.kind === 'private' ? `Message #${ch.name}` : `Message ${store.title(ch)}`;
      input.setAttribute('aria-label', label);
      input.placeholder = label;
      renderUploads();
    },
    focus() { input.focus(); },
    /** Forgets drafts and uploads (log out). */
    reset() {
      for (const items of uploads.values()) for (const item of items) { if (item.abort) item.abort(); if (item.preview) URL.revokeObjectURL(item.preview); }
      uploads.clear();
      drafts.clear();
      input.value = '';
      ch = null;
      renderUploads();
    },
  };
}

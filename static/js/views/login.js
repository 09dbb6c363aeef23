// Log in / sign up. Errors come back from the API as codes and are shown next to the field
// they are about.
import { api } from '../api.js';
import { $, showError } from '../dom.js';
import { USERNAME } from '../state.js';

export function mountAuth({ onSession }) {
  const form = $('auth-form');
  const username = $('auth-username');
  const password = $('auth-password');
  const submit = $('auth-submit');
  const modeLogin = $('auth-mode-login');
  const modeSignup = $('auth-mode-signup');
  const userError = $('auth-username-error');
  const passError = $('auth-password-error');
  const formError = $('auth-error');
  let mode = 'login';
  let busy = false;
  let blockedUntil = 0;
  let blockTimer = 0;

  function clearErrors() {
    showError(userError, '', username);
    showError(passError, '', password);
    showError(formError, '');
    formError.classList.remove('form-info');
  }

  function setMode(next) {
    mode = next;
    modeLogin.setAttribute('aria-pressed', String(mode === 'login'));
    modeSignup.setAttribute('aria-pressed', String(mode === 'signup'));
    submit.textContent = mode === 'login' ? 'Log in' : 'Create account';
    password.autocomplete = mode === 'login' ? 'current-password' : 'new-password';
    $('auth-username-hint').hidden = mode === 'login';
    $('auth-password-hint').hidden = mode === 'login';
    clearErrors();
  }

  modeLogin.addEventListener('click', () => setMode('login'));
  modeSignup.addEventListener('click', () => setMode('signup'));

  function block(seconds) {
    blockedUntil = Date.now() + seconds * 1000;
    clearInterval(blockTimer);
    const tick = () => {
      const left = Math.ceil((blockedUntil - Date.now()) / 1000);
      if (left <= 0) {
        clearInterval(blockTimer);
        submit.disabled = false;
        showError(formError, '');
        return;
      }
      submit.disabled = true;
      showError(formError, `Too many attempts. Try again in ${left} s.`);
    };
    tick();
    blockTimer = setInterval(tick, 1000);
  }

  function explain(err) {
    switch (err.code) {
      case 'invalid_credentials':
        showError(formError, 'Wrong username or password.');
        password.select();
        break;
      case 'username_taken':
        showError(userError, 'That username is taken. Pick another one, or log in.', username);
        username.focus();
        break;
      case 'invalid_username':
        showError(userError, 'Use 3–32 characters: letters, digits, _ . or -', username);
        username.focus();
        break;
      case 'invalid_password':
        showError(passError, 'Use 8 to 128 characters.', password);
        password.focus();
        break;
      case 'rate_limited':
        block(err.retryAfter || 30);
        break;
      case 'network':
        showError(formError, 'The server cannot be reached. Check your connection and try again.');
        break;
      default:
        showError(formError, `That did not work: ${err.message}`);
    }
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (busy || Date.now() < blockedUntil) return;
    clearErrors();
    const name = username.value.trim();
    const pass = password.value;
    let invalid = false;
    if (!name) { showError(userError, 'Enter your username.', username); invalid = true; }
    else if (mode === 'signup' && !USERNAME.test(name)) {
      showError(userError, 'Use 3–32 characters: letters, digits, _ . or -', username); invalid = true;
    }
    if (!pass) { showError(passError, 'Enter your password.', password); invalid = true; }
    else if (mode === 'signup' && [...pass].length < 8) {
      showError(passError, 'Use at least 8 characters.', password); invalid = true;
    }
    if (invalid) {
      form.querySelector('[aria-invalid="true"]')?.focus();
      return;
    }
    busy = true;
    submit.disabled = true;
    form.setAttribute('aria-busy', 'true');
    try {
      if (mode === 'signup') await api.signup(name, pass);
      const session = await api.login(name, pass);
      password.value = '';
      onSession(session);
    } catch (err) {
      explain(err);
    } finally {
      busy = false;
      form.removeAttribute('aria-busy');
      if (Date.now() >= blockedUntil) submit.disabled = false;
    }
  });

  return {
    show(notice = '') {
      $('auth-view').hidden = false;
      clearErrors();
      if (notice) {
        showError(formError, notice);
        formError.classList.add('form-info');
      }
      (username.value ? password : username).focus();
    },
    hide() {
      $('auth-view').hidden = true;
    },
  };
}

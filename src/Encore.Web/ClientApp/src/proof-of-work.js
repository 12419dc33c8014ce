// The proof-of-work field (Shared/ProofOfWorkField.razor): the altcha widget (ALTCHA protocol,
// "external" build: no inline styles, its stylesheet bundled beside this file) solves the
// server's challenge in a Web Worker and puts the payload in a hidden "altcha" input of the form.
// We wait for the device report first (so the challenge's difficulty reflects it), then start
// solving at once; a polite live region tells screen-reader users what is happening.
import 'altcha/external';
import 'altcha/altcha.css';

const MESSAGES = {
  verifying: 'Checking this browser… this takes a moment.',
  verified: 'Check complete. You can continue.',
  expired: 'The check expired. Checking again…',
  error: 'The check failed. Reload the page to try again.',
  unverified: '',
};

function start(field) {
  const widget = field.querySelector('altcha-widget');
  const status = field.querySelector('[data-pow-status]');
  const submit = field.closest('form')?.querySelector('[data-pow-submit]');
  if (!widget) return;
  const worker = new URL(field.dataset.powWorker, document.baseURI).href;
  // The widget makes its workers through this hook; an absolute URL of our own bundled worker.
  globalThis.altchaCreateWorker = () => new Worker(worker);
  field.hidden = false;
  field.querySelector('[data-pow-noscript]')?.remove();

  // A submit before the proof is ready would stop at the widget's required checkbox and do nothing
  // visible; the click waits for the check instead and submits as soon as the proof is there (a fast
  // click, a slow device report). Enter in a field clicks the default button, so it is covered too.
  const form = field.closest('form');
  let verified = false;
  let pending = null;
  form?.addEventListener('click', (event) => {
    const button = event.target instanceof Element ? event.target.closest('button, input[type=submit]') : null;
    if (verified || !button || button.form !== form || button.type !== 'submit') return;
    event.preventDefault();
    pending = button;
    if (status) status.textContent = 'Finishing the check… your request is sent when it completes.';
  }, true);

  widget.addEventListener('statechange', (event) => {
    const state = event.detail?.state;
    verified = state === 'verified';
    if (status && state in MESSAGES) status.textContent = MESSAGES[state];
    if (submit) submit.disabled = state === 'verifying';
    if (state === 'expired') widget.verify();
  });
  // "verified" comes after the widget has rendered the state, its required checkbox ticked, so the
  // form's own validation lets the submit through.
  widget.addEventListener('verified', () => {
    if (pending === null) return;
    const submitter = pending;
    pending = null;
    form.requestSubmit(submitter);
  });
  (window.encoreDeviceSignals || Promise.resolve()).then(() => widget.verify());
}

function init() {
  document.querySelectorAll('[data-pow-field]').forEach(start);
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
else init();

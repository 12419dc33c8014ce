// The scanner page's gate (docs/tickets.md, "Scanner page"): while the server answers, each code
// goes to the scan API; when the network is gone, the server does not answer, or the operator
// chooses to work offline, the code is judged on this device with the event's offline bundle,
// admitted once here, and queued. Back online the queue is synced and the conflicts the server
// reports (a ticket admitted at another gate meanwhile) are listed.
import { MODE_KEY, openStore } from './store.js';
import { judge, prepare } from './verify.js';

const TIMEOUT_MS = 10000;
const RETRY_MS = 30000;
const REFRESH_MS = 5 * 60000;
const SYNC_BATCH = 500;

const time = (iso) => new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const dateTime = (iso) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

function element(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

async function fetchWithin(url, options) {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), TIMEOUT_MS);
  try {
    return await fetch(url, { ...options, credentials: 'same-origin', cache: 'no-store', signal: abort.signal });
  } finally {
    clearTimeout(timer);
  }
}

async function problemText(response, fallback) {
  try {
    const problem = await response.json();
    const errors = problem.errors ? Object.values(problem.errors).flat().join(' ') : '';
    return [problem.detail || problem.title, errors].filter(Boolean).join(' ') || fallback;
  } catch {
    return fallback;
  }
}

/** Takes over the code form of `root` ([data-scanner]); `say` speaks in the page's polite status region. */
/**
 * Registers the service worker that keeps this page openable offline (wwwroot/scanner-sw.js) and
 * hands it what the page is made of; true once all of it is kept.
 */
async function keepPageOffline() {
  if (!('serviceWorker' in navigator)) return false;
  if (!navigator.onLine) return Boolean(navigator.serviceWorker.controller);
  try {
    await navigator.serviceWorker.register('/scanner-sw.js', { scope: '/scan' });
    const registration = await navigator.serviceWorker.ready;
    const urls = [location.href, ...Array.from(document.querySelectorAll('link[rel=stylesheet][href], script[src]'), (e) => e.href || e.src)];
    return await new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = (message) => resolve(message.data?.kept === true);
      registration.active.postMessage({ keep: urls }, [channel.port2]);
      setTimeout(() => resolve(false), 20000);
    });
  } catch {
    return false;
  }
}

export async function setUpGate(root, say) {
  const eventId = root.dataset.eventId;
  const form = root.querySelector('[data-scanner-form]');
  const input = root.querySelector('[data-scanner-code]');
  const gateInput = root.querySelector('[data-scanner-gate]');
  const result = document.querySelector('[data-scan-result]');
  const panel = root.querySelector('[data-scanner-offline]');
  if (!eventId || !form || !input || !result || !panel || !window.indexedDB || !window.crypto?.subtle) return;
  const state = panel.querySelector('[data-offline-state]');
  const toggle = panel.querySelector('[data-offline-toggle]');
  const syncButton = panel.querySelector('[data-offline-sync]');
  const report = panel.querySelector('[data-offline-report]');
  const conflictList = panel.querySelector('[data-offline-conflicts]');

  let store;
  try { store = await openStore(); } catch { return; }
  let prepared = null;
  let fetchedAt = null;
  let scans = await store.scans(eventId);
  // First admission on this device per ticket: a second scan here answers when and where.
  const admissions = new Map();
  for (const s of scans) if (!admissions.has(s.ticketId)) admissions.set(s.ticketId, s);
  let manual = localStorage.getItem(MODE_KEY) === 'on';
  let unreachable = false;
  let syncing = false;
  let pageKept = false;

  const offline = () => manual || !navigator.onLine || unreachable;
  const pending = () => scans.filter((s) => !s.online && !s.synced);

  function render() {
    const lines = [];
    if (offline()) {
      lines.push(manual ? 'Working offline: each code is checked on this device.'
        : !navigator.onLine ? 'No network: each code is checked on this device.'
          : 'The server does not answer: each code is checked on this device.');
    } else {
      lines.push('Online: each code is checked by the server.');
    }
    if (prepared) {
      lines.push(`Ticket list for offline checks downloaded at ${dateTime(fetchedAt)}.`);
      if (new Date() > new Date(prepared.bundle.validUntil)) lines.push('It is out of date: download it again (go online) as soon as you can.');
    } else {
      lines.push('No ticket list on this device yet: offline checks need one, downloaded while online.');
    }
    if (pageKept) lines.push('This page opens without the network too.');
    const waiting = pending().length;
    lines.push(waiting === 0 ? 'Nothing waits to sync.' : `${waiting} ${waiting === 1 ? 'admission waits' : 'admissions wait'} to sync.`);
    state.textContent = lines.join(' ');
    state.dataset.mode = offline() ? 'offline' : 'online';
    toggle.setAttribute('aria-pressed', manual ? 'true' : 'false');

    const conflicts = scans.filter((s) => s.conflict);
    conflictList.replaceChildren(...conflicts.map((s) => {
      const item = element('li', null, `Admitted here at ${time(s.scannedAt)}${s.gate ? ` (${s.gate})` : ''}, ticket ${s.ticketId.slice(0, 8)}: ${s.message}`);
      item.dataset.ticketId = s.ticketId;
      return item;
    }));
    conflictList.closest('[data-offline-conflicts-section]').hidden = conflicts.length === 0;
  }

  async function useBundle(bundle, at) {
    prepared = await prepare(bundle);
    fetchedAt = at;
  }

  async function refreshBundle() {
    if (manual || !navigator.onLine) return false;
    let response;
    try {
      response = await fetchWithin(`/api/scanner/events/${eventId}/offline`, { headers: { Accept: 'application/json' } });
    } catch {
      unreachable = true;
      render();
      return false;
    }
    if (!response.ok) return false;
    const bundle = await response.json();
    const at = new Date().toISOString();
    await store.saveBundle(eventId, bundle, at);
    await useBundle(bundle, at);
    render();
    return true;
  }

  function show(verdict, where) {
    const box = element('div', `alert ${verdict.admitted ? 'alert-success' : 'alert-error'} scan-verdict`);
    box.dataset.scanVerdict = '';
    box.dataset.outcome = verdict.outcome;
    const title = verdict.admitted ? 'Admit' : 'Do not admit';
    box.append(element('p', 'alert-title', title), element('p', null, verdict.message));
    if (where) box.append(element('p', null, where));
    result.replaceChildren(box);
    say([`${title}.`, verdict.message, where].filter(Boolean).join(' '));
    input.focus();
  }

  function showProblem(text) {
    const box = element('div', 'alert alert-error');
    box.dataset.scanVerdict = '';
    box.append(element('p', null, text));
    result.replaceChildren(box);
    say(text);
    input.focus();
  }

  async function remember(scan) {
    await store.saveScan(scan);
    scans.push(scan);
    if (!admissions.has(scan.ticketId)) admissions.set(scan.ticketId, scan);
  }

  async function checkHere(text, gate) {
    if (!prepared) {
      showProblem('This device has no ticket list, so it cannot check codes offline. Go online to download it, or check tickets by hand.');
      return;
    }
    const now = new Date();
    let verdict = await judge(prepared, text, now);
    if (verdict.admitted) {
      const ticketId = verdict.code.ticketId;
      const first = admissions.get(ticketId);
      if (first?.firstScannedAt) {
        // The sync said another gate was first: that is the admission to report.
        verdict = { outcome: 'AlreadyAdmitted', admitted: false,
          message: `Already admitted at ${time(first.firstScannedAt)}${first.firstGate ? ` at ${first.firstGate}` : ''} (the server's record).` };
      } else if (first) {
        verdict = { outcome: 'AlreadyAdmitted', admitted: false,
          message: `Already admitted at ${time(first.scannedAt)}${first.gate ? ` at ${first.gate}` : ''}, on this device${first.online ? '' : ' (offline)'}.` };
      } else if (prepared.admitted.has(ticketId)) {
        verdict = { outcome: 'AlreadyAdmitted', admitted: false,
          message: `Already admitted before ${time(fetchedAt)}, when this device downloaded the ticket list.` };
      } else {
        await remember({ clientScanId: crypto.randomUUID(), eventId, ticketId, code: text, gate, scannedAt: now.toISOString(), online: false, synced: false });
      }
    }
    show(verdict, verdict.admitted ? 'Checked on this device; it syncs when the server answers again.' : 'Checked on this device.');
    render();
  }

  async function checkOnline(text, gate) {
    let response;
    try {
      response = await fetchWithin(`/api/scanner/events/${eventId}/scans`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ code: text, gate }),
      });
    } catch {
      response = null;
    }
    if (!response || response.status >= 500) {
      unreachable = true;
      render();
      return false;
    }
    if (response.status === 401) {
      showProblem('Your sign-in has ended: sign in again. Until then, work offline to check codes on this device.');
      return true;
    }
    if (!response.ok) {
      showProblem(await problemText(response, 'The server refused this scan.'));
      return true;
    }
    const verdict = await response.json();
    // Kept so that, offline later, this device answers a rescan as the server did.
    if (verdict.ticketId && !admissions.has(verdict.ticketId) && (verdict.admitted || verdict.outcome === 'AlreadyAdmitted')) {
      await remember({ clientScanId: crypto.randomUUID(), eventId, ticketId: verdict.ticketId, code: text, gate, scannedAt: new Date().toISOString(), online: true, synced: true,
        firstScannedAt: verdict.admitted ? null : verdict.firstScannedAt, firstGate: verdict.admitted ? null : verdict.firstGate });
    }
    show(verdict, null);
    return true;
  }

  async function sync() {
    if (syncing || manual || !navigator.onLine) return;
    const queue = pending();
    syncing = true;
    render();
    let recorded = 0;
    let conflicts = 0;
    let failure = null;
    try {
      for (let i = 0; i < queue.length && !failure; i += SYNC_BATCH) {
        const batch = queue.slice(i, i + SYNC_BATCH);
        let response;
        try {
          response = await fetchWithin(`/api/scanner/events/${eventId}/offline/sync`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
            body: JSON.stringify({ checkIns: batch.map((s) => ({ clientScanId: s.clientScanId, code: s.code, gate: s.gate, scannedAt: s.scannedAt })) }),
          });
        } catch {
          response = null;
        }
        if (!response || response.status >= 500) { unreachable = true; failure = 'The server does not answer: the admissions stay on this device and sync later.'; break; }
        if (response.status === 401 || response.status === 403) { failure = 'Sign in again to sync: the admissions stay on this device until then.'; break; }
        if (!response.ok) { failure = `The server refused the sync: ${await problemText(response, 'no reason given.')}`; break; }
        const answer = await response.json();
        const byId = new Map(batch.map((s) => [s.clientScanId, s]));
        for (const r of answer.results) {
          const scan = byId.get(r.clientScanId);
          if (!scan) continue;
          Object.assign(scan, { synced: true, outcome: r.outcome, conflict: r.conflict, message: r.message, syncedAt: new Date().toISOString(),
            firstScannedAt: r.conflict ? r.firstScannedAt : null, firstGate: r.conflict ? r.firstGate : null });
          await store.saveScan(scan);
          if (r.conflict) conflicts++; else recorded++;
        }
      }
      if (!failure) unreachable = false;
    } finally {
      syncing = false;
    }
    if (queue.length > 0) {
      const done = recorded + conflicts;
      const summary = done === 0 ? '' : `Synced ${done} ${done === 1 ? 'admission' : 'admissions'}: ${recorded} recorded, ${conflicts} ${conflicts === 1 ? 'conflict' : 'conflicts'}${conflicts ? ' (listed below)' : ''}.`;
      report.textContent = [summary, failure].filter(Boolean).join(' ');
      say(report.textContent);
    }
    if (!failure) await refreshBundle();
    render();
  }

  // Codes are judged one after another in the order they came: a wedge scanner may type the next
  // while the server answers the last, so the field is emptied at once and each code waits its turn.
  let turns = Promise.resolve();
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) { showProblem('Type the ticket\'s code, or scan it.'); return; }
    const gate = gateInput?.value.trim() || null;
    input.value = '';
    turns = turns.then(async () => {
      if (!offline() && await checkOnline(text, gate)) return;
      await checkHere(text, gate);
    }).catch(() => showProblem('This code could not be checked. Scan it again.'));
  });

  toggle.addEventListener('click', () => {
    manual = !manual;
    localStorage.setItem(MODE_KEY, manual ? 'on' : 'off');
    render();
    say(manual ? 'Working offline: codes are checked on this device.' : 'Back online: codes are checked by the server.');
    if (!manual) { unreachable = false; sync(); }
  });
  syncButton.addEventListener('click', () => {
    if (manual || !navigator.onLine) { say('Go online to sync.'); return; }
    unreachable = false;
    report.textContent = pending().length === 0 ? 'Nothing waits to sync.' : '';
    sync();
  });
  window.addEventListener('offline', () => { render(); say('The network is gone: codes are now checked on this device.'); });
  window.addEventListener('online', () => { unreachable = false; render(); say('The network is back: syncing.'); sync(); });
  setInterval(() => { if (!manual && navigator.onLine && (unreachable || pending().length > 0)) sync(); }, RETRY_MS);
  setInterval(() => { if (!offline()) refreshBundle(); }, REFRESH_MS);

  panel.hidden = false;
  keepPageOffline().then((kept) => { pageKept = kept; render(); });
  const saved = await store.bundle(eventId);
  if (saved) await useBundle(saved.bundle, saved.fetchedAt);
  render();
  // Online at arrival: admissions left from an earlier visit sync, then a fresh list is fetched.
  if (!offline()) { if (pending().length > 0) await sync(); else await refreshBundle(); }
}

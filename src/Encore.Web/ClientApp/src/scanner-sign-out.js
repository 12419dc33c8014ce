// Loaded on every page for staff with the scanner role (docs/tickets.md, "Signing out of a gate"):
// signing out removes what the scanner page keeps on this device, so the next person to use a
// shared phone or till finds no ticket list, display secret or admissions of the last one. But an
// admission made offline and not yet synced exists nowhere else: deleted, the ticket could be
// admitted again at another gate. So while any wait, signing out first says so and asks.
import { forgetDevice, openStore } from './scanner/store.js';

function element(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

async function unsyncedAdmissions() {
  if (!window.indexedDB) return [];
  // Only look: opening the database when it does not exist would create it.
  if (indexedDB.databases && !(await indexedDB.databases()).some((d) => d.name === 'encore-scanner')) return [];
  let store;
  try { store = await openStore(); } catch { return []; }
  try { return await store.unsynced(); } finally { store.close(); }
}

function warn(form, waiting, signOut) {
  document.querySelector('[data-sign-out-warning]')?.remove();
  const count = waiting.length;
  const box = element('section', 'alert alert-warning');
  box.dataset.signOutWarning = '';
  box.setAttribute('aria-labelledby', 'sign-out-warning-title');
  const title = element('h2', 'alert-title', `${count} ${count === 1 ? 'admission has' : 'admissions have'} not reached the server`);
  title.id = 'sign-out-warning-title';
  title.tabIndex = -1;
  const events = [...new Set(waiting.map((s) => s.eventId))];
  const sync = element('a', null, 'open the scanner page to sync');
  sync.href = `/scan?event=${encodeURIComponent(events[0])}`;
  const advice = element('p');
  advice.append(`This device admitted ${count === 1 ? 'a ticket' : `${count} tickets`} while offline. Signing out deletes ${count === 1 ? 'that admission' : 'those admissions'} from this device, and the ${count === 1 ? 'ticket' : 'tickets'} could then be admitted again at another gate. Go online and `, sync, ' first.');
  const actions = element('div', 'cluster');
  const anyway = element('button', 'btn btn-danger', 'Sign out anyway');
  anyway.type = 'button';
  const stay = element('button', 'btn btn-secondary', 'Stay signed in');
  stay.type = 'button';
  actions.append(anyway, stay);
  box.append(title, advice, actions);
  const main = document.querySelector('main') ?? document.body;
  main.prepend(box);
  title.focus();

  anyway.addEventListener('click', () => { anyway.disabled = true; signOut(); });
  stay.addEventListener('click', () => {
    box.remove();
    form.querySelector('button[type=submit], button:not([type])')?.focus();
  });
}

for (const form of document.querySelectorAll('form[action="/account/logout"]')) {
  let cleared = false;
  const signOut = async () => {
    try { await forgetDevice(); } catch { /* the response's Clear-Site-Data header removes it too */ }
    cleared = true;
    form.submit();
  };
  form.addEventListener('submit', async (event) => {
    if (cleared) return;
    event.preventDefault();
    let waiting = [];
    try { waiting = await unsyncedAdmissions(); } catch { waiting = []; }
    if (waiting.length > 0) warn(form, waiting, signOut);
    else await signOut();
  });
}

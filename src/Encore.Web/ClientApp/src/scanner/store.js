// What the scanner keeps on the device, in IndexedDB so it survives a reload, a crash or a flat
// battery: the event's offline bundle, and every admission made here (offline ones wait to be
// synced; online ones are kept so a second scan on this device is caught offline too).

const NAME = 'encore-scanner';
const VERSION = 1;
/** The "Work offline" switch, remembered on the device. */
export const MODE_KEY = 'encore.scanner.work-offline';

function request(r) {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

export async function openStore() {
  const open = indexedDB.open(NAME, VERSION);
  open.onupgradeneeded = () => {
    const db = open.result;
    db.createObjectStore('bundles', { keyPath: 'eventId' });
    const scans = db.createObjectStore('scans', { keyPath: 'clientScanId' });
    scans.createIndex('event', 'eventId');
  };
  const db = await request(open);
  // Signing out deletes the database (sign-out.js); an open page must let go of it for that.
  db.onversionchange = () => db.close();
  const store = (name, mode) => db.transaction(name, mode).objectStore(name);
  return {
    /** `{ eventId, bundle, fetchedAt }` or undefined. */
    bundle: (eventId) => request(store('bundles', 'readonly').get(eventId)),
    saveBundle: (eventId, bundle, fetchedAt) => request(store('bundles', 'readwrite').put({ eventId, bundle, fetchedAt })),
    /** Every admission this device made for the event, oldest first. */
    scans: async (eventId) => (await request(store('scans', 'readonly').index('event').getAll(eventId)))
      .sort((a, b) => a.scannedAt.localeCompare(b.scannedAt)),
    saveScan: (scan) => request(store('scans', 'readwrite').put(scan)),
    /** Admissions made offline that the server has not recorded yet, of every event. */
    unsynced: async () => (await request(store('scans', 'readonly').getAll())).filter((s) => !s.online && !s.synced),
    close: () => db.close(),
  };
}

/**
 * Removes everything the scanner keeps on this device: the bundles (ticket ids, the display secret
 * of rotating events), the admissions, the offline switch, and the service worker with its copy
 * of the page. A device shared by several staff keeps nothing of one after they sign out.
 */
export async function forgetDevice() {
  localStorage.removeItem(MODE_KEY);
  // Blocked only while another tab of an older page holds the database; the sign-out's
  // Clear-Site-Data header removes it then.
  await Promise.race([request(indexedDB.deleteDatabase(NAME)), new Promise((resolve) => setTimeout(resolve, 5000))]);
  if ('serviceWorker' in navigator) {
    for (const registration of await navigator.serviceWorker.getRegistrations()) {
      if (new URL(registration.scope).pathname.startsWith('/scan')) await registration.unregister();
    }
  }
  if ('caches' in window) for (const key of await caches.keys()) if (key.startsWith('encore-scanner-')) await caches.delete(key);
}

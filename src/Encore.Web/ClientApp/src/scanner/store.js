// What the scanner keeps on the device, in IndexedDB so it survives a reload, a crash or a flat
// battery: the event's offline bundle, and every admission made here (offline ones wait to be
// synced; online ones are kept so a second scan on this device is caught offline too).

const NAME = 'encore-scanner';
const VERSION = 1;

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
  const store = (name, mode) => db.transaction(name, mode).objectStore(name);
  return {
    /** `{ eventId, bundle, fetchedAt }` or undefined. */
    bundle: (eventId) => request(store('bundles', 'readonly').get(eventId)),
    saveBundle: (eventId, bundle, fetchedAt) => request(store('bundles', 'readwrite').put({ eventId, bundle, fetchedAt })),
    /** Every admission this device made for the event, oldest first. */
    scans: async (eventId) => (await request(store('scans', 'readonly').index('event').getAll(eventId)))
      .sort((a, b) => a.scannedAt.localeCompare(b.scannedAt)),
    saveScan: (scan) => request(store('scans', 'readwrite').put(scan)),
  };
}

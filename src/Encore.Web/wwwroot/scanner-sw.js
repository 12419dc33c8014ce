// The scanner page's service worker (docs/tickets.md, "The scanner page offline"), scope /scan:
// keeps the page and what it loads openable without the network, so a gate that reloads or
// restarts its browser offline can still scan. Every GET of this host goes to the network first
// and falls back to the last good copy; the API is left alone (the page keeps the event's bundle
// and its admissions in IndexedDB). Served from the root, unfingerprinted, so its scope may be /scan.
const CACHE = 'encore-scanner-v1';

const worthKeeping = (response) => response.ok && response.type === 'basic' && !response.redirected;

self.addEventListener('install', () => self.skipWaiting());

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) if (name.startsWith('encore-scanner-') && name !== CACHE) await caches.delete(name);
    await self.clients.claim();
  })());
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin || url.pathname.startsWith('/api/')) return;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    try {
      const response = await fetch(request);
      if (worthKeeping(response)) await cache.put(request, response.clone());
      return response;
    } catch (error) {
      const kept = await cache.match(request, { ignoreVary: true });
      if (kept) return kept;
      throw error;
    }
  })());
});

// The page loaded before this worker controlled it, so it names what it is made of; the answer
// says whether all of it is kept.
self.addEventListener('message', (event) => {
  const urls = event.data?.keep;
  const port = event.ports[0];
  if (!Array.isArray(urls) || !port) return;
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    let kept = true;
    for (const href of urls) {
      const url = new URL(href, self.location.origin);
      if (url.origin !== self.location.origin || url.pathname.startsWith('/api/')) continue;
      try {
        const response = await fetch(url, { credentials: 'same-origin', cache: 'no-store' });
        if (worthKeeping(response)) await cache.put(url, response); else kept = false;
      } catch {
        kept = false;
      }
    }
    port.postMessage({ kept });
  })());
});

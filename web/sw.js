/*
 * sw.js - keeps the UI's static files on the phone so a repeat visit starts
 * without the network: every GET outside /api/ is answered from the cache
 * at once and refreshed in the background (stale-while-revalidate), so a
 * new release shows from the next load on. The API is never cached.
 * Service workers run only on https or localhost; elsewhere the UI works
 * the same, just without this cache.
 */
const CACHE = 'lianxin-static-v1';

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (e) => {
  e.waitUntil(caches.keys().then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

self.addEventListener('fetch', (e) => {
  const req = e.request;
  const url = new URL(req.url);
  if (req.method !== 'GET' || url.origin !== self.location.origin) return;
  if (url.pathname.includes('/api/') || url.pathname.endsWith('/healthz') || url.pathname.endsWith('/metrics')) return;
  e.respondWith(caches.open(CACHE).then(async (cache) => {
    const hit = await cache.match(req, { ignoreSearch: false });
    const fresh = fetch(req).then((res) => {
      if (res.ok && res.type === 'basic') cache.put(req, res.clone());
      return res;
    });
    if (hit) {
      e.waitUntil(fresh.catch(() => null));
      return hit;
    }
    return fresh;
  }));
});

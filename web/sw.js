/*
 * sw.js - keeps the UI's static files on the phone so the app starts
 * without the network: every GET outside /api/ is answered from the cache
 * at once and refreshed in the background (stale-while-revalidate), so a
 * new release shows from the next load on. The API is never cached.
 *
 * What a grid worker needs in a cellar with no signal is put in the cache
 * when the worker is installed (SHELL: the page, the libraries, the
 * modules every screen loads and the field-work screens with theirs), not
 * only once each has been fetched; the other screens join as they are
 * opened. Bump CACHE with a release that adds or renames a module: the
 * old cache is dropped on activation and SHELL fetched afresh.
 * Service workers run only on https or localhost; elsewhere the UI works
 * the same, just without this cache.
 */
const CACHE = 'lianxin-static-v4';

const SHELL = [
  './', 'index.html', 'favicon.svg', 'css/app.css',
  'vendor/vue.esm-browser.prod.js', 'vendor/vant.min.js', 'vendor/vant.css', 'vendor/vant-icon.woff2', 'vendor/vant-en-US.mjs',
  'js/main.js', 'js/vant.js', 'js/i18n.js', 'js/i18n/zh-CN.js', 'js/i18n/en.js', 'js/api.js', 'js/session.js',
  'js/router.js', 'js/nav.js', 'js/util.js', 'js/field.js', 'js/inbox.js', 'js/onekey.js', 'js/image.js',
  'js/components/common.js', 'js/components/photos.js', 'js/components/formlogic.js', 'js/components/questions.js',
  'js/views/login.js', 'js/views/gate.js', 'js/views/me.js', 'js/views/visits.js', 'js/views/visit.js',
];

self.addEventListener('install', (e) => {
  /* one file missing does not stop the rest (it is fetched when used) */
  e.waitUntil(caches.open(CACHE)
    .then((cache) => Promise.all(SHELL.map((u) => cache.add(new Request(u, { cache: 'reload' })).catch(() => null))))
    .then(() => self.skipWaiting()));
});
self.addEventListener('activate', (e) => {
  e.waitUntil(caches.keys().then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

self.addEventListener('fetch', (e) => {
  const req = e.request;
  const url = new URL(req.url);
  if (req.method !== 'GET' || url.origin !== self.location.origin) return;
  if (url.pathname.includes('/api/') || url.pathname.endsWith('/healthz') || url.pathname.endsWith('/metrics')) return;
  /* the residents' page (/r/) is another app: this worker neither caches it nor stands in for it */
  if (url.pathname.startsWith(new URL('r/', self.registration.scope).pathname)) return;
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
    /* a page opened anew without the network: the app's own page */
    if (req.mode === 'navigate') return fresh.catch(() => cache.match('./').then((r) => r || Promise.reject(new Error('offline'))));
    return fresh;
  }));
});

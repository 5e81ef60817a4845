// mxray's service worker: keeps the app shell (the page, its JS, WASM and CSS, the icons and the
// manifest) so the app opens and shows saved reports with the network off.
//
// The server serves this file at /sw.js with the BUILD line filled in (server/src/web/sw.rs): the
// version is a hash of every file of the built site, so each deployment changes this script, the
// browser installs it as a new worker, and its cache replaces the old one (deleted on activate).
//
// Network first for everything it keeps: cache-first on /pkg/ would serve the old WASM after a
// deployment and break hydration. Live checks (/api/…, which includes the page's streaming server
// function) are never touched.
const BUILD = { version: "unversioned", shell: ["/"] };
const PREFIX = "mxray-shell-";
const CACHE = PREFIX + BUILD.version;

self.addEventListener("install", (event) => {
  event.waitUntil(precache().then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith(PREFIX) && name !== CACHE) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/api/") || url.pathname === "/sw.js") return;
  if (request.mode === "navigate") {
    // Any page falls back to the kept "/" offline: the app renders every route from it.
    const key = url.pathname === "/" && url.search === "" ? "/" : null;
    event.respondWith(networkFirst(request, key, "/"));
  } else if (url.pathname.startsWith("/pkg/") || BUILD.shell.includes(url.pathname)) {
    event.respondWith(networkFirst(request, request, null));
  }
});

/** Fetches every shell file; one that fails now is kept the next time it is fetched. */
async function precache() {
  const cache = await caches.open(CACHE);
  await Promise.all(
    BUILD.shell.map(async (path) => {
      try {
        const response = await fetch(path, { cache: "no-cache" });
        if (response.ok) await cache.put(path, response);
      } catch {
        // offline while installing
      }
    }),
  );
}

/** The network's answer (kept under `key` when there is one), else the kept one, else `fallback`'s. */
async function networkFirst(request, key, fallback) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok && key !== null) await cache.put(key, response.clone());
    return response;
  } catch (error) {
    const kept = (await cache.match(request)) ?? (fallback && (await cache.match(fallback)));
    if (kept) return kept;
    throw error;
  }
}

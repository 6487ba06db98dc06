/// <reference lib="webworker" />
/**
 * The service worker: precaches the app, the wasm binaries, the samples and
 * the icons (the list vite-plugin-pwa injects at build time), and serves the
 * model files cache first from MODEL_CACHE, which the first download fills
 * (offline.ts). Takes control at once, so the first visit's model download
 * already goes through it.
 */
import { clientsClaim } from 'workbox-core';
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { CacheFirst } from 'workbox-strategies';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: (string | { url: string; revision: string | null })[] };

/** Must match offline.ts. */
const MODEL_CACHE = 'mobile-mm-models';

void self.skipWaiting();
clientsClaim();
cleanupOutdatedCaches();
// The app reads its settings from the query (?backend=wasm): every URL of a precached file, whatever its query, is that file.
precacheAndRoute(self.__WB_MANIFEST, { ignoreURLParametersMatching: [/.*/] });
// Any other navigation inside the app (a bookmarked path) gets the app's page.
registerRoute(new NavigationRoute(createHandlerBoundToURL('index.html')));
registerRoute(({ url, request }) => request.method === 'GET' && url.origin === self.location.origin && url.pathname.includes('/models/'), new CacheFirst({ cacheName: MODEL_CACHE }));

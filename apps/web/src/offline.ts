/**
 * Offline use. The service worker (sw.ts) precaches the app, the wasm
 * binaries and the samples when it installs, and keeps every model file it
 * passes on in the MODEL_CACHE cache (cache first). On the first visit the
 * page waits (briefly) for the worker to take control before downloading
 * the model, so the one download both fills the progress bar and the cache;
 * then keepModelsOffline() puts whatever is still missing (the other
 * weights) into the same cache with the Cache API, and drops files of older
 * models.
 */

/** Must match sw.ts. */
export const MODEL_CACHE = 'mobile-mm-models';
export const MODEL_FILES = ['config.json', 'tokenizer.json', 'model.safetensors'] as const;

/** Registers sw.js (production builds only) and resolves once it controls the page, or false after `timeoutMs`. */
export async function serviceWorkerControl(timeoutMs: number): Promise<boolean> {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return false;
  try {
    await navigator.serviceWorker.register('./sw.js', { scope: './' });
  } catch {
    return false;
  }
  if (navigator.serviceWorker.controller) return true;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    navigator.serviceWorker.addEventListener(
      'controllerchange',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
  return navigator.serviceWorker.controller !== null;
}

/** Caches every file of `folders` (URLs ending in '/') not cached yet; deletes cached model files outside `base`. Returns the number fetched. */
export async function keepModelsOffline(base: URL, folders: URL[]): Promise<number> {
  if (typeof caches === 'undefined') return 0;
  const cache = await caches.open(MODEL_CACHE);
  for (const req of await cache.keys()) if (!req.url.startsWith(base.href)) await cache.delete(req);
  let fetched = 0;
  for (const folder of folders) {
    for (const f of MODEL_FILES) {
      const url = new URL(f, folder);
      if ((await cache.match(url)) !== undefined) continue;
      await cache.add(url);
      fetched++;
    }
  }
  return fetched;
}

/** Whether every file of `folders` is in the cache. */
export async function modelsCached(folders: URL[]): Promise<boolean> {
  if (typeof caches === 'undefined') return false;
  const cache = await caches.open(MODEL_CACHE);
  for (const folder of folders) for (const f of MODEL_FILES) if ((await cache.match(new URL(f, folder))) === undefined) return false;
  return true;
}

/**
 * Loads a module through a specifier that bundlers cannot see, so the browser
 * build of this package never pulls in Node-only code (fs, zlib, pngjs's
 * stream-based entry). Same trick as core's `importNodeBuiltin` (env.ts),
 * which '@mobile-mm/core' does not export from its public entry yet; this
 * also covers npm packages, which importNodeBuiltin (always 'node:'-prefixed)
 * does not.
 */
export async function importHidden<T>(specifier: string): Promise<T> {
  return (await import(/* @vite-ignore */ /* webpackIgnore: true */ specifier)) as T;
}

/** True when running under Node.js (not a browser, not a web worker). */
export function isNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof p?.versions?.node === 'string' && typeof (globalThis as { window?: unknown }).window === 'undefined';
}

/**
 * Imports a Node built-in without letting bundlers see the specifier, so the
 * browser path of a package never pulls in Node-only modules.
 */
export async function importNodeBuiltin<T>(name: string): Promise<T> {
  const spec = name.startsWith('node:') ? name : `node:${name}`;
  return (await import(/* @vite-ignore */ spec)) as T;
}

/** process.env where there is a `process` (Node); {} elsewhere (a browser). */
export function processEnv(): Readonly<Record<string, string | undefined>> {
  const p = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
  return p?.env && typeof p.env === 'object' ? p.env : {};
}

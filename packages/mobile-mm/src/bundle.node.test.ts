/**
 * What a browser app ships: esbuild bundles `import { MobileMultiModalLLM }
 * from 'mobile-mm'` (+ the wasm backend subpath) for the browser from the
 * built packages (dist/, as a user gets them), with code splitting.
 *
 * Checked: nothing imports a Node builtin; the initial chunk holds no
 * tfjs-backend-webgl or -webgpu module (webgl, webgpu and cpu are lazy chunks that
 * setupBackend() loads only when asked for); the umbrella's namespace
 * re-exports cost nothing. Sizes are logged (README "Bundle size"), not
 * asserted beyond a loose budget.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const pkgDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const repo = path.resolve(pkgDir, '../..');
const BUILTINS = new Set(builtinModules);
const isBuiltin = (spec: string): boolean => spec.startsWith('node:') || BUILTINS.has(spec) || BUILTINS.has(spec.split('/')[0]);
const WEBGL = /node_modules\/@tensorflow\/tfjs-backend-webgl\//;
const WEBGPU = /node_modules\/@tensorflow\/tfjs-backend-webgpu\//;

interface Chunk {
  file: string;
  entry: boolean;
  /** Reached from the entry through static imports only: what the page loads first. */
  initial: boolean;
  bytes: number;
  gzip: number;
  inputs: string[];
}

interface Bundle {
  chunks: Chunk[];
  externals: string[];
}

let outRoot: string;

async function bundle(name: string, contents: string, minify: boolean): Promise<Bundle> {
  const outdir = path.join(outRoot, `${name}-${minify ? 'min' : 'raw'}`);
  const result = await esbuild.build({
    stdin: { contents, resolveDir: pkgDir, sourcefile: `${name}.js`, loader: 'js' },
    bundle: true,
    platform: 'browser',
    format: 'esm',
    splitting: true,
    minify,
    outdir,
    metafile: true,
    logLevel: 'silent',
    absWorkingDir: repo,
  });
  const outputs = result.metafile.outputs;
  const initial = new Set<string>();
  const visit = (file: string): void => {
    if (initial.has(file)) return;
    initial.add(file);
    for (const imp of outputs[file].imports) if (imp.kind === 'import-statement' && !imp.external) visit(imp.path);
  };
  // Each import() target (a dist/ module) is an entry point of its own; the page's entry is the other one.
  const entry = Object.keys(outputs).find((f) => outputs[f].entryPoint !== undefined && !outputs[f].entryPoint!.includes('/dist/'));
  if (entry === undefined) throw new Error(`${name}: no output for the entry`);
  visit(entry);
  const chunks: Chunk[] = [];
  for (const [file, out] of Object.entries(outputs)) {
    if (!file.endsWith('.js')) continue;
    const code = await readFile(path.resolve(repo, file));
    chunks.push({
      file: path.basename(file),
      entry: file === entry,
      initial: initial.has(file),
      bytes: code.length,
      gzip: gzipSync(code, { level: 9 }).length,
      inputs: Object.keys(out.inputs),
    });
  }
  const externals = Object.values(outputs).flatMap((o) => o.imports.filter((i) => i.external).map((i) => i.path));
  return { chunks, externals };
}

const sum = (chunks: Chunk[], key: 'bytes' | 'gzip'): number => chunks.reduce((n, c) => n + c[key], 0);
const modulesOf = (chunks: Chunk[], re: RegExp): string[] => chunks.flatMap((c) => c.inputs).filter((i) => re.test(i));

function report(title: string, raw: Bundle, min: Bundle): string {
  const lines = [`${title}`];
  const initialRaw = raw.chunks.filter((c) => c.initial);
  const initialMin = min.chunks.filter((c) => c.initial);
  lines.push(
    `  initial: raw ${sum(initialRaw, 'bytes')} B (gzip ${sum(initialRaw, 'gzip')}), min ${sum(initialMin, 'bytes')} B (gzip ${sum(initialMin, 'gzip')})`,
  );
  for (const c of min.chunks.filter((ch) => !ch.initial).sort((a, b) => b.bytes - a.bytes)) {
    const what = [...new Set(c.inputs.map((i) => i.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1] ?? i.match(/packages\/([^/]+)/)?.[1] ?? i))];
    lines.push(`  lazy chunk: min ${c.bytes} B (gzip ${c.gzip}): ${what.join(', ')}`);
  }
  return lines.join('\n');
}

beforeAll(async () => {
  for (const built of ['packages/mobile-mm/dist/index.js', 'packages/core/dist/backend/wasm/index.js', 'packages/int2/dist/index.js']) {
    if (!existsSync(path.join(repo, built))) throw new Error(`${built} is missing: run \`npm run build\` first (npm test does).`);
  }
  outRoot = await mkdtemp(path.join(os.tmpdir(), 'mobile-mm-bundle-'));
});

afterAll(async () => {
  if (outRoot) await rm(outRoot, { recursive: true, force: true });
});

describe('browser bundle of the facade', () => {
  const WASM_APP = "import { MobileMultiModalLLM } from 'mobile-mm';\nimport '@mobile-mm/core/backend/wasm';\nexport { MobileMultiModalLLM };\n";
  const PLAIN_APP = "export { MobileMultiModalLLM } from 'mobile-mm';\n";

  it('wasm app: no Node builtin, no webgl code in the initial chunk', async () => {
    const raw = await bundle('wasm-app', WASM_APP, false);
    const min = await bundle('wasm-app', WASM_APP, true);
    console.log(report("import { MobileMultiModalLLM } from 'mobile-mm' + '@mobile-mm/core/backend/wasm'", raw, min));
    for (const b of [raw, min]) {
      expect(b.externals.filter(isBuiltin)).toEqual([]);
      const initial = b.chunks.filter((c) => c.initial);
      expect(modulesOf(initial, WEBGL)).toEqual([]);
      expect(modulesOf(initial, WEBGPU)).toEqual([]);
      expect(modulesOf(initial, /tfjs-backend-wasm\//).length).toBeGreaterThan(0);
      // webgl is there only as a lazy chunk (setupBackend('webgl' | 'auto') loads it).
      for (const c of b.chunks.filter((ch) => modulesOf([ch], WEBGL).length > 0)) expect(c.initial).toBe(false);
    }
    // Nothing of the dataset generator or its native canvas.
    expect(modulesOf(raw.chunks, /packages\/synth\/|@napi-rs\/canvas/)).toEqual([]);
    // A loose budget: the initial chunk was 1.32 MB minified with webgl inside.
    expect(sum(min.chunks.filter((c) => c.initial), 'bytes')).toBeLessThan(1_100_000);
  });

  it('plain app: every tfjs backend is a lazy chunk', async () => {
    const raw = await bundle('plain-app', PLAIN_APP, false);
    const min = await bundle('plain-app', PLAIN_APP, true);
    console.log(report("import { MobileMultiModalLLM } from 'mobile-mm'", raw, min));
    expect(min.externals.filter(isBuiltin)).toEqual([]);
    const initial = min.chunks.filter((c) => c.initial);
    expect(modulesOf(initial, /node_modules\/@tensorflow\/tfjs-backend-(cpu|wasm|webgl|webgpu)\//)).toEqual([]);
    expect(modulesOf(min.chunks, WEBGL).length).toBeGreaterThan(0); // still reachable, lazily
    expect(modulesOf(min.chunks, WEBGPU).length).toBeGreaterThan(0);
  });

  it('messages: English is in the initial chunk; each other language is its own lazy chunk, loaded only for that locale', async () => {
    const min = await bundle('i18n-app', WASM_APP, true);
    const initial = min.chunks.filter((c) => c.initial);
    const catalog = (lang: string): RegExp => new RegExp(`core/dist/i18n/messages/${lang}\\.js$`);
    expect(modulesOf(initial, catalog('en')).length).toBe(1);
    const lines = ['message catalogues (minified, gzip):'];
    for (const lang of ['es', 'fr', 'de', 'ja', 'zh']) {
      expect(modulesOf(initial, catalog(lang)), `${lang} must not be in the initial chunk`).toEqual([]);
      const chunks = min.chunks.filter((c) => modulesOf([c], catalog(lang)).length > 0);
      expect(chunks.length, lang).toBe(1);
      // A chunk of its own: nothing but that catalogue (and its import of the en types, erased).
      expect(chunks[0].inputs.filter((i) => !catalog(lang).test(i)), lang).toEqual([]);
      lines.push(`  ${lang}: ${chunks[0].bytes} B (gzip ${chunks[0].gzip})`);
    }
    const fmt = modulesOf(initial, /node_modules\/(intl-messageformat|@formatjs)\//);
    expect(fmt.length).toBeGreaterThan(0);
    console.log(lines.join('\n'));
  });

  it("the umbrella's namespace re-exports are shaken out", async () => {
    const viaUmbrella = await bundle('umbrella', WASM_APP, true);
    const direct = WASM_APP.replace("'mobile-mm'", JSON.stringify(path.join(pkgDir, 'dist/facade.js')));
    const viaFacade = await bundle('facade', direct, true);
    const initial = (b: Bundle): number => sum(b.chunks.filter((c) => c.initial), 'bytes');
    console.log(`namespaces: initial chunk via 'mobile-mm' ${initial(viaUmbrella)} B, via dist/facade.js ${initial(viaFacade)} B`);
    // The same modules either way (the umbrella's index adds no code); only a few bytes of glue may differ.
    const modules = (b: Bundle): string[] =>
      [...new Set(b.chunks.flatMap((c) => c.inputs))].filter((i) => /^node_modules\/|\/dist\//.test(i) && !i.endsWith('mobile-mm/dist/index.js')).sort();
    expect(modules(viaUmbrella)).toEqual(modules(viaFacade));
    expect(Math.abs(initial(viaUmbrella) - initial(viaFacade))).toBeLessThan(200);
  });
});

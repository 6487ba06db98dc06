#!/usr/bin/env node
/**
 * npm run bench:browser [-- --quick] [--backends cpu,wasm,webgl]
 *
 * Serves apps/bench/browser/ with Vite (sources of the workspace packages,
 * wasm files from node_modules — no network), opens it in headless Chromium
 * (Debian's /usr/bin/chromium, or CHROMIUM_PATH) and writes the kernel
 * results to apps/bench/results/kernels-browser.{json,md}. In headless
 * Chromium webgl runs on SwiftShader (software): its times say nothing about
 * a GPU, only that the kernels run.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright';
import { createServer } from 'vite';
import type { KernelCase } from './kernels.js';
import { kernelTable, machineLine } from './report.js';
import { nodeMachine } from './machine.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const appDir = path.resolve(here, '..');
const root = path.resolve(appDir, '../..');
const pkgs = ['core', 'int2', 'vision', 'synth'];

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const bi = argv.indexOf('--backends');
const backends = bi >= 0 ? argv[bi + 1] : 'cpu,wasm,webgl';

const server = await createServer({
  root: path.join(appDir, 'browser'),
  configFile: false,
  logLevel: 'warn',
  resolve: {
    alias: pkgs.map((p) => ({ find: new RegExp(`^@mobile-mm/${p}$`), replacement: path.join(root, `packages/${p}/src/index.ts`) })),
  },
  define: {
    'globalThis.MOBILE_MM_WASM_PATH': JSON.stringify(`/@fs${path.join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist/')}`),
  },
  optimizeDeps: {
    include: ['@tensorflow/tfjs-core', '@tensorflow/tfjs-layers', '@tensorflow/tfjs-backend-cpu', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-backend-webgl'],
  },
  server: { port: 0, host: '127.0.0.1', fs: { allow: [root] } },
});
await server.listen();
const address = server.httpServer?.address();
const port = typeof address === 'object' && address ? address.port : 0;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'],
});
try {
  const page = await browser.newPage();
  page.on('console', (m) => process.stderr.write(`[page] ${m.text()}\n`));
  await page.goto(`http://127.0.0.1:${port}/index.html?backends=${backends}&quick=${quick ? 1 : 0}`);
  await page.waitForFunction(() => (window as unknown as { __benchResult?: unknown }).__benchResult !== undefined, null, { timeout: 30 * 60_000, polling: 1000 });
  const result = (await page.evaluate(() => (window as unknown as { __benchResult: unknown }).__benchResult)) as
    | { cases: KernelCase[]; userAgent: string; webgl: string | null }
    | { error: string };
  if ('error' in result) throw new Error(`browser bench failed: ${result.error}`);
  const machine = { ...nodeMachine(), runtime: `Chromium headless (${result.userAgent.match(/Chrome\/[\d.]+/)?.[0] ?? result.userAgent}); WebGL: ${result.webgl ?? 'none'}` };
  const name = quick ? 'kernels-browser.quick' : 'kernels-browser';
  const out = path.join(appDir, 'results');
  await mkdir(out, { recursive: true });
  await writeFile(path.join(out, `${name}.json`), JSON.stringify({ machine, quick, cases: result.cases }, null, 2));
  const md = `# Kernels: Int2MatMul vs float32 matMul (headless Chromium)\n\n${machineLine(machine)}\n\n` +
    'Same page, same backend; median and interquartile range after warm-up; each output validated against x·dequantize(W) first. ' +
    'webgl runs on SwiftShader (CPU emulation of a GPU) here: its timings are not GPU timings.\n\n' +
    `${kernelTable(result.cases)}\n`;
  await writeFile(path.join(out, `${name}.md`), md);
  console.log(md);
} finally {
  await browser.close();
  await server.close();
}

#!/usr/bin/env node
/**
 * npm run bench:browser [-- kernels|model|all] [--quick] [--backends cpu,wasm,webgl]
 *
 * Serves apps/bench/browser/ with Vite (sources of the workspace packages,
 * wasm files, the font and the bundled models from the repository — no
 * network), opens it in headless Chromium (Debian's /usr/bin/chromium, or
 * CHROMIUM_PATH) and writes apps/bench/results/kernels-browser.{json,md}
 * and model-browser.{json,md} (default: both suites). In headless
 * Chromium webgl runs on SwiftShader (software): its times say nothing about
 * a GPU, only that the kernels run.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright';
import { createServer } from 'vite';
import type { KernelCase } from './kernels.js';
import { modelTables, type ModelCase, type ModelLoad } from './model.js';
import { kernelTable, machineLine } from './report.js';
import { nodeMachine } from './machine.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const appDir = path.resolve(here, '..');
const root = path.resolve(appDir, '../..');
const pkgs = ['core', 'int2', 'vision', 'synth', 'resilience', 'telemetry', 'mobile-mm'];

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const bi = argv.indexOf('--backends');
const backends = bi >= 0 ? argv[bi + 1] : 'cpu,wasm,webgl';
const suiteArg = argv.find((a, i) => !a.startsWith('--') && argv[i - 1] !== '--backends') ?? 'all';
if (!['kernels', 'model', 'all'].includes(suiteArg)) throw new Error(`unknown suite "${suiteArg}"; accepted: kernels, model, all`);
const suites = suiteArg === 'all' ? ['kernels', 'model'] : [suiteArg];

const server = await createServer({
  root: path.join(appDir, 'browser'),
  configFile: false,
  logLevel: 'warn',
  resolve: {
    alias: [
      // core's subpath entries first, as in vitest.config.ts.
      { find: /^@mobile-mm\/core\/backend$/, replacement: path.join(root, 'packages/core/src/backend/index.ts') },
      { find: /^@mobile-mm\/core\/backend\/(cpu|wasm|webgl)$/, replacement: path.join(root, 'packages/core/src/backend/$1/index.ts') },
      { find: /^@mobile-mm\/core\/gradients$/, replacement: path.join(root, 'packages/core/src/gradients.ts') },
      { find: /^@mobile-mm\/core\/register-layers$/, replacement: path.join(root, 'packages/core/src/layers/register.ts') },
      ...pkgs.map((p) => ({ find: new RegExp(`^${p === 'mobile-mm' ? '' : '@mobile-mm/'}${p}$`), replacement: path.join(root, `packages/${p}/src/index.ts`) })),
    ],
  },
  define: {
    'globalThis.MOBILE_MM_WASM_PATH': JSON.stringify(`/@fs${path.join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist/')}`),
    __BENCH_FONT_URL__: JSON.stringify(`/@fs${path.join(root, 'node_modules/dejavu-fonts-ttf/ttf/DejaVuSans.ttf')}`),
  },
  optimizeDeps: {
    // As vitest.config.ts's browser project: the facade brings image decoders and OpenTelemetry.
    include: [
      '@tensorflow/tfjs-core', '@tensorflow/tfjs-layers', '@tensorflow/tfjs-backend-cpu', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-backend-webgl',
      'jpeg-js', 'pngjs/browser.js', '@opentelemetry/api', '@opentelemetry/sdk-metrics', '@opentelemetry/sdk-trace-base',
    ],
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
  for (const suite of suites) {
    const page = await browser.newPage();
    page.on('console', (m) => process.stderr.write(`[page] ${m.text()}\n`));
    await page.goto(`http://127.0.0.1:${port}/index.html?suite=${suite}&backends=${backends}&quick=${quick ? 1 : 0}`);
    await page.waitForFunction(() => (window as unknown as { __benchResult?: unknown }).__benchResult !== undefined, null, { timeout: 30 * 60_000, polling: 1000 });
    const result = (await page.evaluate(() => (window as unknown as { __benchResult: unknown }).__benchResult)) as
      | { cases: KernelCase[]; userAgent: string; webgl: string | null }
      | { loads: ModelLoad[]; cases: ModelCase[]; userAgent: string; webgl: string | null }
      | { error: string };
    await page.close();
    if ('error' in result) throw new Error(`browser bench (${suite}) failed: ${result.error}`);
    const machine = { ...nodeMachine(), runtime: `Chromium headless (${result.userAgent.match(/Chrome\/[\d.]+/)?.[0] ?? result.userAgent}); WebGL: ${result.webgl ?? 'none'}` };
    const name = `${suite}-browser${quick ? '.quick' : ''}`;
    const out = path.join(appDir, 'results');
    await mkdir(out, { recursive: true });
    let md: string;
    if ('loads' in result) {
      const { loads, cases } = result;
      await writeFile(path.join(out, `${name}.json`), JSON.stringify({ machine, quick, loads, cases }, null, 2));
      md = `# Model: MobileMultiModalLLM per backend, variant and task (headless Chromium)\n\n${machineLine(machine)}\n\n` +
        'The models load over HTTP from the package\'s models/ folder (Vite dev server on localhost). Held-out SynthScenes images rendered in the page, ' +
        'a different one per call; greedy decoding (profile balanced; OCR: the CTC head on models that have one) unless stated; median, interquartile range and p95 per call after warm-up; ' +
        'calls/s = 1000 / mean. "vs fp32" = fp32 median on the same backend in this run / this median (>1 is faster). "right" = share of the timed ' +
        'answers that match the ground truth (a sanity check, not an accuracy figure). No process RSS in a page (—); peak tfjs MiB is tf.memory().numBytes. ' +
        '**webgl runs on SwiftShader (CPU emulation of a GPU) here: its timings are not GPU timings**, only proof that the model runs there.\n\n' +
        `${modelTables(result)}\n`;
    } else {
      await writeFile(path.join(out, `${name}.json`), JSON.stringify({ machine, quick, cases: result.cases }, null, 2));
      md = `# Kernels: Int2MatMul vs float32 matMul (headless Chromium)\n\n${machineLine(machine)}\n\n` +
        'Same page, same backend; median and interquartile range after warm-up; each output validated against x·dequantize(W) first. ' +
        'webgl runs on SwiftShader (CPU emulation of a GPU) here: its timings are not GPU timings.\n\n' +
        `${kernelTable(result.cases)}\n`;
    }
    await writeFile(path.join(out, `${name}.md`), md);
    console.log(md);
  }
} finally {
  await browser.close();
  await server.close();
}

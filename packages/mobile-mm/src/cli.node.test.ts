/**
 * The `mobile-mm` CLI as a script sees it: a child `node` process running
 * src/cli.ts (through tsx, with the workspace packages resolved to their
 * sources), checked for exit codes, stdout, stderr and --json output.
 */
import { execFile } from 'node:child_process';
import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MobileMultiModalLLM } from './facade.js';

const pkg = fileURLToPath(new URL('..', import.meta.url));
const cli = path.join(pkg, 'src/cli.ts');
const scene = path.join(pkg, 'samples/scene-0.png');
const text = path.join(pkg, 'samples/text-0.png');
let tmp = '';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('MOBILE_MM_')));
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', cli, ...args],
      { cwd: pkg, env: { ...clean, ...env }, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
    );
  });
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'mobile-mm-cli-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

it('vqa --json prints one JSON object with the same answer as the library', async () => {
  const question = 'how many objects are there?';
  const r = await run(['vqa', scene, question, '--json', '--backend', 'wasm', '--variant', 'fp32']);
  expect(r.code, r.stderr).toBe(0);
  const out = JSON.parse(r.stdout) as Record<string, unknown>;
  expect(out).toMatchObject({ task: 'vqa', image: scene, question, backend: 'wasm', variant: 'fp32', profile: 'balanced', finishReason: 'stop' });
  expect((out.timings as { totalMs: number }).totalMs).toBeGreaterThan(0);
  const mm = await MobileMultiModalLLM.create({ backend: 'wasm', variant: 'fp32', env: {} });
  expect(out.text).toBe((await mm.vqa(scene, question)).text);
  mm.dispose();
});

it('caption and ocr print the answer alone on stdout, details on stderr', async () => {
  const cap = await run(['caption', scene, '--variant', 'fp32']);
  expect(cap.code, cap.stderr).toBe(0);
  expect(cap.stdout.trim().split('\n')).toHaveLength(1);
  expect(cap.stdout.trim()).toMatch(/^a (small|large) .*\.$/);
  expect(cap.stderr).toMatch(/\(caption · wasm · fp32 · balanced · [0-9.]+ ms\)/);
  const ocr = await run(['ocr', text], { MOBILE_MM_VARIANT: 'fp32', MOBILE_MM_OPTIMIZATION_PROFILE: 'accuracy' });
  expect(ocr.code, ocr.stderr).toBe(0);
  expect(ocr.stdout).toMatch(/^[A-Z0-9 ]*\n$/);
  expect(ocr.stderr).toContain('ocr · wasm · fp32 · accuracy');
});

it('exit 2 for usage and configuration errors, before loading anything', async () => {
  const cases: [string[], Record<string, string>, RegExp][] = [
    [[], {}, /error \[USAGE\]: No command/],
    [['vqa', scene], {}, /error \[USAGE\]: vqa takes IMAGE "QUESTION"/],
    [['frob'], {}, /error \[USAGE\]: Unknown command "frob"/],
    [['caption', scene, '--bogus'], {}, /error \[USAGE\]: Unknown option '--bogus'/],
    [['caption', scene, '--profile', 'turbo'], {}, /error \[USAGE\]: --profile takes one of fast, balanced, accuracy/],
    [['caption', scene, '--backend', 'gpu'], {}, /error \[USAGE\]: --backend takes one of auto, cpu, wasm, webgl, webgpu\b/],
    [['caption', scene], { MOBILE_MM_BACKEND: 'gpu' }, /error \[INVALID_CONFIG\]: config\.backend \(from MOBILE_MM_BACKEND\)/],
  ];
  for (const [args, env, message] of cases) {
    const r = await run(args, env);
    expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  }
});

it('exit 3 for bad images and prompts, with the error code; exit 1 for a missing model', async () => {
  const junk = path.join(tmp, 'junk.png');
  await writeFile(junk, 'this is not a png');
  const bad = await run(['caption', junk, '--json', '--variant', 'fp32']);
  expect(bad.code).toBe(3);
  expect(bad.stderr).toMatch(/^error \[IMAGE_UNSUPPORTED_FORMAT\]: /m);
  expect(JSON.parse(bad.stdout)).toMatchObject({ error: { code: 'IMAGE_UNSUPPORTED_FORMAT' } });
  const prompt = await run(['vqa', scene, 'what \u202ecolor?', '--variant', 'fp32']);
  expect(prompt.code).toBe(3);
  expect(prompt.stderr).toMatch(/^error \[PROMPT_INVALID\]: .*U\+202E/m);
  const missing = await run(['caption', path.join(tmp, 'nothing.png'), '--variant', 'fp32']);
  expect(missing.code).toBe(3);
  expect(missing.stderr).toMatch(/^error \[FILE_NOT_FOUND\]: /m);
  const model = await run(['caption', scene, '--model-dir', path.join(tmp, 'no-model')]);
  expect(model.code).toBe(1);
  expect(model.stderr).toMatch(/^error \[MODEL_NOT_FOUND\]: The model folder ".*no-model"/m);
  const webgpu = await run(['caption', scene, '--backend', 'webgpu', '--variant', 'fp32']);
  expect(webgpu.code).toBe(1);
  expect(webgpu.stderr).toMatch(/^error \[BACKEND_UNAVAILABLE\]: webgpu: navigator\.gpu is missing.*accepted backends: cpu, wasm, webgl, webgpu or auto/m);
});

it('--help exits 0; demo --json runs the three tasks on every bundled sample', async () => {
  const help = await run(['--help']);
  expect(help.code).toBe(0);
  expect(help.stdout).toContain('mobile-mm vqa IMAGE "QUESTION"');
  expect(help.stdout).toContain('--backend NAME                     tfjs backend: auto, cpu, wasm, webgl, webgpu');
  const demo = await run(['demo', '--json', '--variant', 'fp32', '--profile', 'fast']);
  expect(demo.code, demo.stderr).toBe(0);
  const report = JSON.parse(demo.stdout) as { calls: { task: string; ms: number; truth: string }[]; medianMs: Record<string, number>; variant: string };
  expect(report.variant).toBe('fp32');
  expect(report.calls.map((c) => c.task).sort()).toEqual(['caption', 'caption', 'caption', 'ocr', 'ocr', 'ocr', 'vqa', 'vqa', 'vqa']);
  expect(report.calls.every((c) => c.ms > 0 && c.truth.length > 0)).toBe(true);
  expect(Object.keys(report.medianMs).sort()).toEqual(['caption', 'ocr', 'vqa']);
});

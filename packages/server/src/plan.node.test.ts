import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { plan, PlanError, type ServeResultsLike } from './plan.js';

const results: ServeResultsLike = {
  throughput: [
    { replicas: 1, task: 'caption', reqPerS: 40, latencyMs: { p95: 60 } },
    { replicas: 1, task: 'ocr', reqPerS: 200, latencyMs: { p95: 10 } },
    { replicas: 2, task: 'caption', reqPerS: 75, latencyMs: { p95: 70 } },
  ],
  soak: { replicas: 2, samples: [{ rssMiB: 300 }, { rssMiB: 350 }] },
};

describe('plan', () => {
  it('M/M/1 per replica: utilisation from the p95 target, capped at 0.8, then replicas, pods, HPA targets', () => {
    // S = 25 ms; S·ln 20 = 74.9 ms; p95 ≤ 250 ms → ρ ≤ 0.700; 100/(40·0.7) = 3.57 → 4 replicas → 2 pods.
    const p = plan(results, { rps: 100, p95Ms: 250, task: 'caption', replicasPerPod: 2 });
    expect(p.serviceMs).toBe(25);
    expect(p.utilization).toBeCloseTo(1 - (25 * Math.log(20)) / 250, 10);
    expect(p).toMatchObject({ replicas: 4, pods: 2, cpuRequest: '2' });
    expect(p.hpa).toEqual({ minReplicas: 2, maxReplicas: 4, cpuAverageUtilization: 70, queueDepthAverageValue: Math.ceil((2 * 0.7 ** 2) / 0.3 - 1e-9) });
    // memory: 350 MiB at 2 replicas → ×1.25 = 437.5 → 448Mi; ×1.5 = 672 → 704Mi
    expect([p.memoryRequest, p.memoryLimit]).toEqual(['448Mi', '704Mi']);
    expect(p.steps.join('\n')).toContain('⌈100/(40.0·0.700)⌉');
  });

  it('a loose latency target is capped at 80 % utilisation', () => {
    const p = plan(results, { rps: 1000, p95Ms: 10_000, task: 'ocr', replicasPerPod: 4 });
    expect(p.utilization).toBe(0.8);
    expect(p.replicas).toBe(Math.ceil(1000 / (200 * 0.8)));
    expect(p.pods).toBe(2);
  });

  it('refuses a p95 below what an idle replica gives, and a task without results', () => {
    expect(() => plan(results, { rps: 10, p95Ms: 70, task: 'caption', replicasPerPod: 2 })).toThrow(PlanError);
    expect(() => plan(results, { rps: 10, p95Ms: 70, task: 'vqa', replicasPerPod: 2 })).toThrow(/no 1-replica vqa/);
  });
});

it('mobile-mm plan prints the arithmetic; bad flags exit 2', async () => {
  const bin = path.join(path.dirname(createRequire(import.meta.url).resolve('mobile-mm/package.json')), 'bin/mobile-mm.js');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mobile-mm-plan-'));
  const file = path.join(dir, 'serve.json');
  writeFileSync(file, JSON.stringify(results));
  const run = (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
    new Promise((resolve) => execFile(process.execPath, [bin, 'plan', ...args], { timeout: 60_000 }, (e, stdout, stderr) => resolve({ code: e ? Number(e.code) : 0, stdout, stderr })));
  const ok = await run(['--rps', '100', '--p95-ms', '250', '--results', file]);
  expect(ok.code, ok.stderr).toBe(0);
  expect(ok.stdout).toContain('replicas = ⌈R/(μ·ρ)⌉ = ⌈100/(40.0·0.700)⌉ = ⌈3.57⌉ = 4');
  expect(ok.stdout).toContain('HPA: minReplicas 2, maxReplicas 4, cpu averageUtilization 70');
  const json = await run(['--rps', '100', '--p95-ms', '250', '--results', file, '--json']);
  expect(JSON.parse(json.stdout)).toMatchObject({ replicas: 4, pods: 2 });
  expect((await run(['--rps', 'many', '--p95-ms', '250', '--results', file])).code).toBe(2);
  const far = await run(['--rps', '100', '--p95-ms', '5', '--results', file]);
  expect(far.code).toBe(1);
  expect(far.stderr).toMatch(/^error \[UNREACHABLE\]: a p95 of 5 ms is not reachable/);
});

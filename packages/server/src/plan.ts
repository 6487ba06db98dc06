/**
 * `mobile-mm plan --rps R --p95-ms L`: replicas, pods, CPU and memory
 * requests and HPA targets for a load, from the serve benchmark's results
 * (apps/bench/results/serve.json), with the arithmetic shown.
 *
 * The model: each replica (one worker thread, one core) is an M/M/1 queue
 * with the service rate μ measured for the task at 1 replica. Its response
 * time is then exponential with mean S/(1−ρ) (S = 1/μ, ρ = utilisation),
 * so p95 = S·ln 20/(1−ρ). The highest utilisation that keeps p95 ≤ L is
 * ρ = 1 − S·ln 20/L, capped at 0.8 to leave room for bursts and for a
 * replica being replaced. Replicas = ⌈R/(μ·ρ)⌉.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { msg, type Language } from 'mobile-mm';

export type PlanTask = 'caption' | 'ocr' | 'vqa';
const TASKS: readonly PlanTask[] = ['caption', 'ocr', 'vqa'];
export const MAX_UTILIZATION = 0.8;

/** What plan() reads from serve.json. */
export interface ServeResultsLike {
  throughput: { replicas: number; task: string; reqPerS: number; latencyMs: { p95: number } }[];
  soak?: { replicas: number; samples: { rssMiB: number }[] };
}

export interface PlanInput {
  rps: number;
  p95Ms: number;
  task: PlanTask;
  replicasPerPod: number;
}

export interface Plan extends PlanInput {
  /** Requests/s one replica served in the benchmark (μ). */
  perReplicaRps: number;
  /** 1000/μ. */
  serviceMs: number;
  utilization: number;
  replicas: number;
  pods: number;
  cpuRequest: string;
  memoryRequest: string;
  memoryLimit: string;
  hpa: { minReplicas: number; maxReplicas: number; cpuAverageUtilization: number; queueDepthAverageValue: number };
  /** The arithmetic, one step a line. */
  steps: string[];
}

export class PlanError extends Error {}

const f = (x: number, d = 1): string => x.toFixed(d);

export function plan(results: ServeResultsLike, input: PlanInput): Plan {
  const { rps, p95Ms, task, replicasPerPod } = input;
  const row = results.throughput.find((t) => t.replicas === 1 && t.task === task);
  if (row === undefined || !(row.reqPerS > 0)) throw new PlanError(`the results have no 1-replica ${task} throughput; run \`npm run bench -- serve\`.`);
  const mu = row.reqPerS;
  const s = 1000 / mu;
  const steps: string[] = [];
  steps.push(`μ (${task}, 1 replica, measured) = ${f(mu)} req/s → S = 1000/μ = ${f(s, 2)} ms per request`);
  const floor = s * Math.log(20);
  if (p95Ms <= floor) throw new PlanError(`a p95 of ${p95Ms} ms is not reachable: even an idle replica's p95 is S·ln 20 = ${f(floor)} ms for ${task} (measured at saturation: ${f(row.latencyMs.p95)} ms).`);
  const rhoLatency = 1 - floor / p95Ms;
  const rho = Math.min(MAX_UTILIZATION, rhoLatency);
  steps.push(`p95 = S·ln 20/(1−ρ) ≤ ${p95Ms} ms → ρ ≤ 1 − ${f(floor)}/${p95Ms} = ${f(rhoLatency, 3)}; ρ = min(that, ${MAX_UTILIZATION}) = ${f(rho, 3)}`);
  const replicas = Math.ceil(rps / (mu * rho));
  steps.push(`replicas = ⌈R/(μ·ρ)⌉ = ⌈${rps}/(${f(mu)}·${f(rho, 3)})⌉ = ⌈${f(rps / (mu * rho), 2)}⌉ = ${replicas}`);
  const pods = Math.max(2, Math.ceil(replicas / replicasPerPod));
  steps.push(`pods = max(2, ⌈${replicas}/${replicasPerPod} replicas per pod⌉) = ${pods} (2 at least: one can drain or crash)`);
  steps.push(`CPU request per pod = ${replicasPerPod} (one core per worker thread; tfjs-wasm runs one thread) = limit`);
  let memoryRequest = '512Mi';
  let memoryLimit = '768Mi';
  if (results.soak && results.soak.samples.length > 0) {
    const peak = Math.max(...results.soak.samples.map((q) => q.rssMiB));
    const perPod = (peak * replicasPerPod) / results.soak.replicas;
    const req = Math.ceil((perPod * 1.25) / 64) * 64;
    const lim = Math.ceil((req * 1.5) / 64) * 64;
    memoryRequest = `${req}Mi`;
    memoryLimit = `${lim}Mi`;
    steps.push(`memory: soak peak RSS ${f(peak)} MiB at ${results.soak.replicas} replicas → ${f(perPod)} MiB at ${replicasPerPod}; request = ⌈1.25×⌉ to 64 Mi = ${memoryRequest}, limit = 1.5× = ${memoryLimit}`);
  } else steps.push(`memory: no soak in the results; default request ${memoryRequest}, limit ${memoryLimit}`);
  const cpuTarget = Math.round(rho * 100);
  steps.push(`HPA CPU target = ρ = ${cpuTarget} % of the request (a busy thread is one core)`);
  const lq = (rho * rho) / (1 - rho);
  const queueTarget = Math.max(1, Math.ceil(replicasPerPod * lq));
  steps.push(`HPA queue target: M/M/1 mean queue Lq = ρ²/(1−ρ) = ${f(lq, 2)} per replica → ⌈${replicasPerPod}·Lq⌉ = ${queueTarget} per pod (mobile_mm_queue_depth, averageValue)`);
  const maxReplicas = Math.max(pods + 1, 2 * pods);
  steps.push(`HPA minReplicas = ${pods}, maxReplicas = 2 × ${pods} = ${maxReplicas}`);
  return {
    ...input,
    perReplicaRps: mu,
    serviceMs: s,
    utilization: rho,
    replicas,
    pods,
    cpuRequest: String(replicasPerPod),
    memoryRequest,
    memoryLimit,
    hpa: { minReplicas: pods, maxReplicas, cpuAverageUtilization: cpuTarget, queueDepthAverageValue: queueTarget },
    steps,
  };
}

/** `mobile-mm plan --help` in the CLI's language (catalogue key 'plan.help'). */
export function planHelp(lang?: Language): string {
  return lang === undefined ? msg('plan.help') : msg('plan.help', undefined, lang);
}

/** The help in English. */
export const PLAN_HELP = planHelp('en');

/** The CLI: prints the plan; returns the exit code (2: usage, 1: unreachable target or no results). */
export async function runPlan(argv: string[]): Promise<number> {
  let v: Record<string, string | boolean | undefined>;
  try {
    v = parseArgs({
      args: argv,
      strict: true,
      options: { rps: { type: 'string' }, 'p95-ms': { type: 'string' }, task: { type: 'string' }, 'replicas-per-pod': { type: 'string' }, results: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    }).values;
  } catch (e) {
    process.stderr.write(`${msg('cli.error', { code: 'USAGE', message: msg('cli.badOption', { detail: (e as Error).message }) })}\n${planHelp()}`);
    return 2;
  }
  if (v.help) {
    process.stdout.write(planHelp());
    return 0;
  }
  const num = (flag: string, min: number): number => {
    const n = Number(v[flag]);
    if (v[flag] === undefined || !Number.isFinite(n) || n < min) throw new PlanError(`--${flag} takes a number ≥ ${min}, got ${JSON.stringify(v[flag] ?? null)}.`);
    return n;
  };
  try {
    const task = (v.task as string | undefined) ?? 'caption';
    if (!TASKS.includes(task as PlanTask)) throw new PlanError(`--task takes one of ${TASKS.join(', ')}, got ${JSON.stringify(task)}.`);
    const rps = num('rps', Number.MIN_VALUE);
    const p95Ms = num('p95-ms', Number.MIN_VALUE);
    const replicasPerPod = v['replicas-per-pod'] === undefined ? 2 : num('replicas-per-pod', 1);
    if (!Number.isInteger(replicasPerPod)) throw new PlanError('--replicas-per-pod takes an integer.');
    const file = path.resolve((v.results as string | undefined) ?? 'apps/bench/results/serve.json');
    let results: ServeResultsLike;
    try {
      results = JSON.parse(await readFile(file, 'utf8')) as ServeResultsLike;
    } catch (e) {
      process.stderr.write(`error [NO_RESULTS]: cannot read ${file} (${(e as Error).message}); run \`npm run bench -- serve\` or pass --results FILE.\n`);
      return 1;
    }
    const p = plan(results, { rps, p95Ms, task: task as PlanTask, replicasPerPod });
    if (v.json) {
      process.stdout.write(`${JSON.stringify(p, null, 2)}\n`);
      return 0;
    }
    process.stdout.write(
      `Plan for ${rps} req/s of ${task} at p95 ≤ ${p95Ms} ms (from ${path.relative(process.cwd(), file) || file}):\n\n` +
        p.steps.map((s) => `  ${s}\n`).join('') +
        `\n  pods ${p.pods} × ${replicasPerPod} replicas (MOBILE_MM_REPLICAS=${replicasPerPod}, MOBILE_MM_MAX_CONCURRENT_REQUESTS=${replicasPerPod})\n` +
        `  resources: requests cpu ${p.cpuRequest}, memory ${p.memoryRequest}; limits cpu ${p.cpuRequest}, memory ${p.memoryLimit}\n` +
        `  HPA: minReplicas ${p.hpa.minReplicas}, maxReplicas ${p.hpa.maxReplicas}, cpu averageUtilization ${p.hpa.cpuAverageUtilization}, mobile_mm_queue_depth averageValue ${p.hpa.queueDepthAverageValue}\n`,
    );
    return 0;
  } catch (e) {
    if (!(e instanceof PlanError)) throw e;
    const usage = !/not reachable|no 1-replica/.test(e.message);
    process.stderr.write(`error [${usage ? 'USAGE' : 'UNREACHABLE'}]: ${e.message}\n`);
    return usage ? 2 : 1;
  }
}

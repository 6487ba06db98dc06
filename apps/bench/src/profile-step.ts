/**
 * One decode step, op by op (`npm run bench -- profile [--preset tinyAux]`):
 * tf.profile over TextDecoder.step (one new token after an 8-token prompt,
 * memory of 64 tokens, the KV cache) of a preset's decoder, fp32 and INT2,
 * on cpu and wasm. Per kernel name: calls and summed kernel ms; per step:
 * the kernel count, Σ kernel ms, and the step's wall time measured without
 * the profiler (median of many), so wall − Σ kernel is what dispatch,
 * tidy/engine bookkeeping and JS around the kernels cost.
 *
 * Random weights (shape is all that matters for timing); the shipped model
 * (tinyAux) has the same decoder.
 */
import * as tf from '@tensorflow/tfjs-core';
import { TextDecoder as CoreTextDecoder, type KVCache } from '@mobile-mm/core';
import { setupBackend } from '@mobile-mm/core/backend';
import { linearFormat, registerInt2Kernels } from '@mobile-mm/int2';
import { MOBILE_MM_PRESETS, SceneTokenizer, type PresetName } from '@mobile-mm/vision';
import { summarize } from './stats.js';
import { buildDecoder } from './scale.js';

export interface StepProfile {
  backend: 'cpu' | 'wasm';
  variant: 'fp32' | 'int2';
  preset: string;
  kernels: number;
  kernelMs: number;
  wallMs: number;
  byKernel: { name: string; calls: number; ms: number }[];
}

export async function profileDecodeStep(o: { preset: PresetName; backends: readonly ('cpu' | 'wasm')[]; reps: number }): Promise<StepProfile[]> {
  const vocabSize = new SceneTokenizer().vocabSize;
  const p = MOBILE_MM_PRESETS[o.preset];
  const out: StepProfile[] = [];
  for (const backend of o.backends) {
    await setupBackend(backend);
    registerInt2Kernels(backend);
    for (const variant of ['fp32', 'int2'] as const) {
      // The shipped preset quantized for real; the big presets with random codes (scale.ts: same shapes, same speed, seconds not minutes).
      const scalePreset = o.preset === 'small' || o.preset === 'base';
      const dec = scalePreset
        ? buildDecoder(o.preset as 'small' | 'base', variant, vocabSize, 8, 99).decoder
        : new CoreTextDecoder({ ...p.decoder, vocabSize, memoryDim: p.encoder.dim }, { name: `profile_${variant}` });
      if (variant === 'int2' && !scalePreset) for (const l of Object.values(dec.linears())) l.toQuantized(linearFormat({ bits: 2 }));
      const memory = tf.randomNormal([1, 64, p.encoder.dim], 0, 1, 'float32', 3) as tf.Tensor3D;
      const prompt = tf.tensor2d([[1, 5, 6, 7, 8, 9, 10, 2]], [1, 8], 'int32');
      const next = tf.tensor2d([[11]], [1, 1], 'int32');
      // One step as generation runs it: logits of the last position read back to the host.
      const step = async (cache: KVCache): Promise<void> => {
        const r = dec.step(next, cache, memory);
        await r.logits.data();
        r.logits.dispose();
        r.cache.dispose();
      };
      const fresh = (): KVCache => {
        const r = dec.step(prompt, null, memory);
        r.logits.dispose();
        return r.cache;
      };
      for (let i = 0; i < 5; i++) await step(fresh()); // warm-up
      const wall: number[] = [];
      for (let i = 0; i < o.reps; i++) {
        const cache = fresh();
        const t0 = performance.now();
        await step(cache);
        wall.push(performance.now() - t0);
      }
      // Five profiled steps; per kernel name the median of its summed time (one step alone varies 3–4× on a loaded machine).
      const profiles: Map<string, { calls: number; ms: number }>[] = [];
      let kernelCount = 0;
      for (let i = 0; i < 5; i++) {
        const cache = fresh();
        const info = await tf.profile(() => step(cache));
        kernelCount = info.kernels.length;
        const m = new Map<string, { calls: number; ms: number }>();
        for (const k of info.kernels) {
          const e = m.get(k.name) ?? { calls: 0, ms: 0 };
          e.calls++;
          e.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
          m.set(k.name, e);
        }
        profiles.push(m);
      }
      const by = new Map<string, { calls: number; ms: number }>();
      for (const [name, e] of profiles[0]) by.set(name, { calls: e.calls, ms: summarize(profiles.map((m) => m.get(name)?.ms ?? 0)).median });
      const kernelMs = [...by.values()].reduce((a, e) => a + e.ms, 0);
      out.push({
        backend,
        variant,
        preset: o.preset,
        kernels: kernelCount,
        kernelMs,
        wallMs: summarize(wall).median,
        byKernel: [...by.entries()].map(([name, e]) => ({ name, ...e })).sort((a, b) => b.ms - a.ms),
      });
      tf.dispose([memory, prompt, next]);
      dec.dispose();
    }
  }
  return out;
}

export function profileTables(rows: StepProfile[]): string {
  const f = (x: number, d = 3) => x.toFixed(d);
  const head = [
    '| backend | variant | kernels per step | Σ kernel ms | step wall ms | wall − Σ kernel |',
    '|---|---|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.backend} | ${r.variant} | ${r.kernels} | ${f(r.kernelMs)} | ${f(r.wallMs)} | ${f(r.wallMs - r.kernelMs)} |`),
  ].join('\n');
  const detail = rows
    .map(
      (r) =>
        `### ${r.backend} ${r.variant}\n\n| kernel | calls | Σ ms |\n|---|---:|---:|\n` +
        r.byKernel.map((k) => `| ${k.name} | ${k.calls} | ${f(k.ms)} |`).join('\n'),
    )
    .join('\n\n');
  return `${head}\n\n${detail}`;
}

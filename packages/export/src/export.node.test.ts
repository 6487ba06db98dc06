/**
 * exportModel and `mobile-mm export`: the three formats written to disk and
 * read back (tf.io's own weights loader for tfjs, loadModel for safetensors,
 * config.json's onnx section for onnx), and every bad input refused with a
 * typed error naming the option, nothing left behind.
 */
import { mkdtemp, mkdir, readdir, readFile, rm, writeFile, cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MobileMMError } from '@mobile-mm/core';
import { setupBackend } from '@mobile-mm/core/backend';
import { registerInt2Kernels } from '@mobile-mm/int2';
import { loadModel, type VisionLanguageModel } from '@mobile-mm/vision';
import { runExportCommand } from './cli.js';
import { exportModel, type ExportOptions } from './export.js';
import { floatWeights } from './tfjs/export-tfjs.js';
import { loadTfjsModel, loadTfjsWeights } from './tfjs/load-tfjs.js';

const MODELS = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../mobile-mm/models');
const FP32 = path.join(MODELS, 'tiny-fp32');
const INT2 = path.join(MODELS, 'tiny-int2');
/** tfjs-wasm Int2MatMul vs float matMul of the dequantized kernel (sums in another order). */
const PACKED_ATOL = 1e-2;

let root: string;
beforeAll(async () => {
  await setupBackend('wasm');
  registerInt2Kernels();
  root = await mkdtemp(path.join(tmpdir(), 'mobile-mm-export-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function expectError(p: Promise<unknown>, code: string, ...parts: string[]): Promise<MobileMMError> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(MobileMMError);
  expect((e as MobileMMError).code).toBe(code);
  for (const part of parts) expect((e as MobileMMError).message).toContain(part);
  return e as MobileMMError;
}

/** Nothing of an export named `out` exists: no folder, no temporary sibling. */
async function expectNothingWritten(out: string): Promise<void> {
  const siblings = await readdir(path.dirname(out));
  expect(siblings.filter((f) => f.startsWith(path.basename(out)))).toEqual([]);
}

async function encodeScenes(model: VisionLanguageModel): Promise<Float32Array> {
  const x = tf.randomUniform([2, 64, 64, 3], 0, 1, 'float32', 3) as tf.Tensor4D;
  const m = model.encode(x, 'scene');
  const data = (await m.data()) as Float32Array;
  tf.dispose([x, m]);
  return data;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('exportModel: bad input', () => {
  const opts = (o: Partial<ExportOptions>): ExportOptions => ({ format: 'onnx', checkpoint: FP32, out: path.join(root, 'bad'), ...o });

  it('a checkpoint folder without a model, or no folder at all: FILE_NOT_FOUND naming --checkpoint', async () => {
    const empty = path.join(root, 'empty-checkpoint');
    await mkdir(empty);
    await writeFile(path.join(empty, 'config.json'), '{}');
    await expectError(exportModel(opts({ checkpoint: empty })), 'FILE_NOT_FOUND', '--checkpoint', 'model.safetensors');
    await expectError(exportModel(opts({ checkpoint: path.join(root, 'nowhere') })), 'FILE_NOT_FOUND', '--checkpoint', 'is not a folder');
    await expectNothingWritten(opts({}).out);
  });

  it('an unknown --format: INVALID_ARGUMENT listing the formats', async () => {
    const e = await expectError(exportModel(opts({ format: 'tflite' as never })), 'INVALID_ARGUMENT', '--format', 'onnx, tfjs, safetensors');
    expect(e.details).toMatchObject({ option: 'format' });
  });

  it('--bits a format cannot hold: INVALID_ARGUMENT listing what it can', async () => {
    await expectError(exportModel(opts({ format: 'tfjs', bits: 2 })), 'INVALID_ARGUMENT', '--bits', 'accepted: 8, 16, 32');
    await expectError(exportModel(opts({ format: 'onnx', bits: 3 })), 'INVALID_ARGUMENT', '--bits', 'accepted: 2, 4, 8, 32');
    await expectError(exportModel(opts({ format: 'safetensors', bits: 16 })), 'INVALID_ARGUMENT', '--bits', 'accepted: 2, 4, 8, 32');
    await expectError(exportModel(opts({ format: 'tfjs', accuracyLevel: 4 })), 'INVALID_ARGUMENT', '--accuracy-level', 'onnx only');
    await expectError(exportModel(opts({ quantOp: 'gather' as never })), 'INVALID_ARGUMENT', '--quant-op', 'accepted: matmulnbits, dequantize');
    await expectError(exportModel(opts({ quantOp: 'dequantize', accuracyLevel: 4 })), 'INVALID_ARGUMENT', '--accuracy-level', 'MatMulNBits');
    await expectNothingWritten(opts({}).out);
  });

  it('narrower codes than the checkpoint holds: INVALID_ARGUMENT, nothing written', async () => {
    const int4 = path.join(root, 'int4');
    await exportModel({ format: 'safetensors', checkpoint: FP32, out: int4, bits: 4 });
    const out = path.join(root, 'narrow');
    await expectError(exportModel({ format: 'onnx', checkpoint: int4, out, bits: 2 }), 'INVALID_ARGUMENT', '--bits', 'packed at 4 bits', 'accepted here: 4, 8, 32');
    await expectNothingWritten(out);
  });

  it('an output folder that exists and is not empty needs --force; with it the old one is replaced', async () => {
    const out = path.join(root, 'taken');
    await mkdir(out);
    await writeFile(path.join(out, 'keep.txt'), 'mine');
    await expectError(exportModel({ format: 'safetensors', checkpoint: FP32, out }), 'INVALID_ARGUMENT', '--out', 'not empty', '--force');
    expect(await readdir(out)).toEqual(['keep.txt']);
    const r = await exportModel({ format: 'safetensors', checkpoint: FP32, out, force: true });
    expect(r.files).toEqual(['config.json', 'model.safetensors', 'tokenizer.json']);
    await expectError(exportModel({ format: 'onnx', checkpoint: FP32, out: FP32, force: true }), 'INVALID_ARGUMENT', '--out', 'checkpoint folder');
  });

  it('a checkpoint whose config is broken fails with its typed error and leaves nothing half-written', async () => {
    const broken = path.join(root, 'broken');
    await cp(FP32, broken, { recursive: true });
    const config = JSON.parse(await readFile(path.join(broken, 'config.json'), 'utf8'));
    config.model.encoder.numHeads = 3;
    await writeFile(path.join(broken, 'config.json'), JSON.stringify(config));
    const out = path.join(root, 'from-broken');
    await expectError(exportModel({ format: 'onnx', checkpoint: broken, out }), 'INVALID_CONFIG', 'encoder.numHeads');
    await expectNothingWritten(out);
  });
});

describe('mobile-mm export (command)', () => {
  const run = async (args: string[]) => {
    let out = '';
    let err = '';
    const code = await runExportCommand(args, { out: (s) => (out += s), err: (s) => (err += s) });
    return { code, out, err };
  };

  it('exits 2 on usage errors and bad options, 3 on a missing checkpoint, naming the option', async () => {
    expect(await run(['--format', 'onnx'])).toMatchObject({ code: 2, err: expect.stringContaining('error [INVALID_ARGUMENT]: --checkpoint is required') });
    expect(await run(['--format', 'onnx', '--checkpoint', FP32, '--out', path.join(root, 'x'), '--bits', 'two'])).toMatchObject({ code: 2, err: expect.stringContaining('--bits') });
    expect(await run(['--nope'])).toMatchObject({ code: 2, err: expect.stringContaining('error [USAGE]') });
    expect(await run(['--format', 'onnx', '--checkpoint', path.join(root, 'nowhere'), '--out', path.join(root, 'x')])).toMatchObject({ code: 3, err: expect.stringContaining('FILE_NOT_FOUND') });
    expect((await run(['--help'])).out).toContain('--format onnx|tfjs|safetensors');
  });

  it('writes an ONNX export and prints it as JSON', async () => {
    const out = path.join(root, 'cli-onnx');
    const r = await run(['--format', 'onnx', '--checkpoint', INT2, '--out', out, '--json']);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.out);
    expect(result).toMatchObject({ format: 'onnx', projections: 2 });
    expect(result.files).toEqual(['README.md', 'config.json', 'decoder.onnx', 'encoder_scene.onnx', 'encoder_text.onnx', 'tokenizer.json']);
    const config = JSON.parse(await readFile(path.join(out, 'config.json'), 'utf8'));
    expect(config.onnx).toMatchObject({ irVersion: 8, opset: { 'ai.onnx': 17, 'com.microsoft': 1 }, projections: { kind: 'MatMulNBits', bits: 2, blockSize: 64 } });
    expect(config.onnx.decoder.inputs).toContain('past_key_values.1.encoder.value');
    expect(await readFile(path.join(out, 'README.md'), 'utf8')).toContain('MatMulNBits');
  });
});

describe('--format tfjs: tf.io weights', () => {
  for (const bits of [32, 16, 8] as const) {
    it(`tiny-fp32 at ${bits} bits: tf.io's loader gives the weights back${bits === 32 ? ' exactly' : ' within the quantization step'}`, async () => {
      const out = path.join(root, `tfjs-${bits}`);
      await exportModel({ format: 'tfjs', checkpoint: FP32, out, bits });
      const { model } = await loadModel(FP32);
      const want = await floatWeights(model);
      const { json, tensors } = await loadTfjsWeights(out);
      expect(json.weightsManifest[0].weights.every((w) => (bits === 32 ? !w.quantization : w.quantization?.dtype === (bits === 16 ? 'float16' : 'uint8')))).toBe(true);
      expect(Object.keys(tensors).sort()).toEqual(want.map((w) => w.name));
      for (const w of want) {
        const got = (await tensors[w.name].data()) as Float32Array;
        expect(tensors[w.name].shape).toEqual(w.shape);
        const range = w.values.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
        const tol = bits === 32 ? 0 : bits === 16 ? range * 1e-3 : (2 * range) / 255 / 2 + 1e-7;
        expect(maxAbsDiff(got, w.values)).toBeLessThanOrEqual(tol);
      }
      tf.dispose(Object.values(tensors));
      if (bits === 32) {
        const loaded = await loadTfjsModel(out);
        expect(maxAbsDiff(await encodeScenes(loaded), await encodeScenes(model))).toBe(0);
        loaded.dispose();
      }
      model.dispose();
    });
  }

  it('tiny-int2: the packed kernels are written dequantized, and the float model reads like the int2 one', async () => {
    const out = path.join(root, 'tfjs-int2');
    const r = await exportModel({ format: 'tfjs', checkpoint: INT2, out });
    expect(r.projections).toBe('float');
    const { model } = await loadModel(INT2);
    const loaded = await loadTfjsModel(out);
    expect(maxAbsDiff(await encodeScenes(loaded), await encodeScenes(model))).toBeLessThan(PACKED_ATOL);
    loaded.dispose();
    model.dispose();
  });
});

describe('--format safetensors: our checkpoint', () => {
  it('tiny-int2 widened to 4 bits and dequantized to float load with the same outputs', async () => {
    const { model } = await loadModel(INT2);
    const ref = await encodeScenes(model);
    model.dispose();
    for (const [bits, want] of [
      [4, 4],
      [32, null],
    ] as const) {
      const out = path.join(root, `st-${bits}`);
      await exportModel({ format: 'safetensors', checkpoint: INT2, out, bits });
      const loaded = await loadModel(out);
      expect(loaded.quantization?.bits ?? null).toBe(want);
      expect(maxAbsDiff(await encodeScenes(loaded.model), ref)).toBeLessThan(PACKED_ATOL);
      loaded.model.dispose();
    }
  });

  it('tiny-fp32 quantized to 2 bits (RTN) loads as a packed checkpoint', async () => {
    const out = path.join(root, 'st-fp32-2');
    const r = await exportModel({ format: 'safetensors', checkpoint: FP32, out, bits: 2 });
    expect(r.projections).toBe(2);
    const loaded = await loadModel(out);
    expect(loaded.quantization).toMatchObject({ bits: 2, method: 'rtn', groupSize: 64 });
    expect(loaded.model.packed().size).toBeGreaterThan(20);
    loaded.model.dispose();
  });
});

/**
 * Quantizing the model's linear kernels, against an independent reference:
 * a float model whose kernels hold the scalar reference's dequantized weights
 * (int2 reference.ts, float64). Packed (PTQ) and fake-quantized (QAT) models
 * must give that model's logits; QAT must still train every kernel.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, expect, it } from 'vitest';
import { describeBackends, expectClose, expectNoLeak, randn } from '@mobile-mm/core/test-utils';
import { isMobileMMError, type LinearFormat } from '@mobile-mm/core';
import { backendLayout, codesPerElement, dequantizeReference, quantizeMinMse, quantizeReference, registerInt2Kernels, type Bits, type QuantMethod } from '@mobile-mm/int2';
import { VisionLanguageModel } from './model.js';
import { linearKernelNames } from './checkpoint.js';
import { attachFakeQuant, quantizeModel } from './quantize.js';
import { smallModel } from './__fixtures__/small-model.js';


/** Two models with the same random weights. */
function twins(seed: number): [VisionLanguageModel, VisionLanguageModel] {
  const a = smallModel(true);
  const b = smallModel(true);
  const wb = b.namedWeights();
  let i = 0;
  for (const [name, v] of Object.entries(a.namedWeights())) {
    if (name.endsWith('.kernel')) {
      const t = tf.tensor(Float32Array.from(randn(v.size, seed + i++, 0.15)), v.shape);
      v.assign(t);
      t.dispose();
    }
    wb[name].assign(v); // embeddings, norms, biases: a's initial values
  }
  return [a, b];
}

/** Sets every quantizable kernel of `m` to the reference's dequantized weight. */
function assignDequantized(m: VisionLanguageModel, bits: Bits, method: QuantMethod, scaleDtype: 'float16' | 'float32'): void {
  const w = m.namedWeights();
  for (const name of linearKernelNames(m)) {
    const [k, n] = w[name].shape;
    const v = w[name].dataSync() as Float32Array;
    const opts = { bits, groupSize: 64, scaleDtype };
    const c = method === 'mse' ? quantizeMinMse(v, k, n, opts) : quantizeReference(v, k, n, opts);
    const d = tf.tensor(Float32Array.from(dequantizeReference(c, k, n, opts)), [k, n]);
    w[name].assign(d);
    d.dispose();
  }
}

function logits(m: VisionLanguageModel, seed: number): tf.Tensor3D {
  return tf.tidy(() => {
    const img = tf.tensor4d(Float32Array.from(randn(2 * 64 * 64 * 3, seed, 0.3)).map((x) => Math.min(1, Math.max(0, 0.5 + x))), [2, 64, 64, 3]);
    const ids = tf.tensor2d([m.tokenizer.bosId, 5, 9, 11, 3, 7, m.tokenizer.bosId, 8, 2, 4, 6, 10], [2, 6], 'int32');
    return m.decoder.logits(ids, m.encode(img, 'scene')) as tf.Tensor3D;
  });
}

describeBackends('model quantization', () => {
  beforeAll(() => registerInt2Kernels());

  it('every projection is a Linear in linears(), and every one of them computes in the forward pass', () => {
    const m = smallModel(true);
    const names = linearKernelNames(m);
    // 1 encoder block (q,k,v,out,up,down) + 1 decoder block (2×4 attention + 2 ff) + stem (stage1, conv, stage2)
    expect(names.length).toBe(6 + 10 + 3);
    // Every float kernel of the model belongs to one of them (nothing is left out of quantization by accident).
    const kernels = Object.keys(m.namedWeights()).filter((n) => n.endsWith('.kernel'));
    expect(kernels.sort()).toEqual(names);
    const fired = new Set<string>();
    for (const [path, l] of Object.entries(m.linears())) {
      const spy: LinearFormat = {
        name: 'spy',
        fakeQuantize: (w) => (fired.add(`${path}.kernel`), w),
        pack: () => {
          throw new Error('pack is not used here');
        },
      };
      l.setFakeQuant(spy);
    }
    logits(m, 1).dispose();
    expect([...fired].sort()).toEqual(names);
    for (const l of Object.values(m.linears())) l.setFakeQuant(null);
    m.dispose();
  });

  for (const [bits, method] of [[2, 'rtn'], [2, 'mse'], [4, 'rtn']] as const) {
    it(`a packed model (b=${bits}, ${method}) gives the logits of the dequantized float model`, async () => {
      const [packed, ref] = twins(10 + bits);
      assignDequantized(ref, bits, method, 'float16');
      const before = tf.memory().numTensors;
      const floatKernelBytes = linearKernelNames(packed).reduce((s, n) => s + 4 * packed.namedWeights()[n].size, 0);
      const q = quantizeModel(packed, { bits, method });
      expect(q.kernels).toEqual(linearKernelNames(packed));
      // Each packed kernel: 3 tensors (codes, scales, mins) in, 1 float variable out.
      expect(tf.memory().numTensors).toBe(before + 2 * q.kernels.length);
      for (const n of q.kernels) expect(packed.namedWeights()[n]).toBeUndefined();
      // In memory: 32/c bits per code (c codes per int32 element of the backend's layout) + two
      // float32 per group of 64 (1 bit per weight); 10 % slack for K padded to the group size.
      const bitsPerWeight = 32 / codesPerElement(bits, backendLayout()) + 1;
      expect(packed.weightBytes().packed).toBeLessThanOrEqual(Math.ceil(floatKernelBytes * (bitsPerWeight / 32) * 1.1));
      await expectNoLeak(async () => {
        const a = logits(packed, 3);
        const b = logits(ref, 3);
        const bv = await b.data();
        // int2 matmul kernels round activations (wasm: int16 per group); logits agree to 1e-3 of their range.
        expectClose(await a.data(), bv, 1e-3 * Math.max(...Array.from(bv, Math.abs)), 0, 'logits');
        tf.dispose([a, b]);
      });
      packed.dispose();
      ref.dispose();
    });
  }

  it('fake quantization (QAT) gives the dequantized model’s logits and trains every kernel', async () => {
    const [qat, ref] = twins(30);
    assignDequantized(ref, 2, 'rtn', 'float32');
    const detach = attachFakeQuant(qat, { bits: 2 });
    await expectNoLeak(async () => {
      const a = logits(qat, 4);
      const b = logits(ref, 4);
      const bv = await b.data();
      expectClose(await a.data(), bv, 1e-4 * Math.max(...Array.from(bv, Math.abs)), 0, 'logits');
      tf.dispose([a, b]);
      const vars = linearKernelNames(qat).map((n) => qat.namedWeights()[n]);
      const { value, grads } = tf.variableGrads(() => tf.mean(tf.square(logits(qat, 5))) as tf.Scalar, vars);
      for (const v of vars) {
        const s = tf.tidy(() => tf.sum(tf.abs(grads[v.name])));
        expect((await s.data())[0], v.name).toBeGreaterThan(0);
        s.dispose();
      }
      tf.dispose([value, ...Object.values(grads)]);
    });
    detach();
    expect(Object.values(qat.linears()).every((l) => l.fakeQuantFormat === null)).toBe(true);
    qat.dispose();
    ref.dispose();
  });

  it('rejects bad quantization options with typed errors', () => {
    const m = smallModel();
    const code = (f: () => unknown) => {
      try {
        f();
        return 'none';
      } catch (e) {
        return isMobileMMError(e) ? e.code : 'untyped';
      }
    };
    expect(code(() => quantizeModel(m, { bits: 3 as Bits }))).toBe('INVALID_CONFIG');
    expect(code(() => quantizeModel(m, { bits: 2, groupSize: 16 }))).toBe('INVALID_CONFIG');
    expect(code(() => quantizeModel(m, { bits: 2, method: 'gptq' as QuantMethod }))).toBe('INVALID_CONFIG');
    expect(code(() => quantizeModel(m, { bits: 2, skip: ['no.such.kernel'] }))).toBe('INVALID_CONFIG');
    m.dispose();
  });
});

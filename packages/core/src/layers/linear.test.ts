import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { describeBackends, expectClose, expectNoLeak, randn } from '../test-utils/backends.js';
import { expectCode, f64, matmul, randomizeWeights, readWeights, tensorOf } from './__fixtures__/naive.js';
import { Linear, type LinearFormat, type PackedLinear } from './linear.js';

const [B, T, CIN, COUT] = [2, 8, 24, 16]; // x: 384 elements, y: 256 (over webgl's CPU-forward size)
const STEP = 1 / 8; // the test format's grid

/**
 * A small, real low-bit format for the test: values rounded to multiples of
 * 1/8 (straight-through gradient), packed as int8 multiples held on the host
 * and multiplied back with tfjs ops. Independent of @mobile-mm/int2.
 */
class GridPacked implements PackedLinear {
  disposed = false;
  constructor(readonly codes: Int8Array, readonly inDim: number, readonly outDim: number) {}
  get byteSize(): number {
    return this.codes.byteLength;
  }
  matMul(x: tf.Tensor2D, bias?: tf.Tensor1D): tf.Tensor2D {
    return tf.tidy(() => {
      const w = tf.mul(tf.tensor2d(Float32Array.from(this.codes), [this.inDim, this.outDim]), STEP);
      const y = tf.matMul(x, w) as tf.Tensor2D;
      return bias ? (tf.add(y, bias) as tf.Tensor2D) : y;
    });
  }
  dispose(): void {
    this.disposed = true;
  }
}

const gridFormat: LinearFormat = {
  name: 'grid 1/8',
  fakeQuantize: (kernel) =>
    tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const w = args[0] as tf.Tensor;
      return { value: tf.mul(tf.round(tf.div(w, STEP)), STEP), gradFunc: (dy: tf.Tensor) => dy };
    })(kernel) as tf.Tensor2D,
  pack: (values, inDim, outDim) => new GridPacked(Int8Array.from(values, (v) => Math.round(v / STEP)), inDim, outDim),
};

const round = (w: Float64Array) => w.map((v) => Math.round(v / STEP) * STEP);

describeBackends('Linear', (env) => {
  const ATOL = env.backend === 'webgl' ? 1e-3 : 1e-4;

  for (const useBias of [true, false]) {
    it(`float${useBias ? '' : ' without bias'}: [B, T, Cin] → [B, T, Cout] matches a float64 loop`, async () => {
      await expectNoLeak(async () => {
        const lin = new Linear({ inDim: CIN, outDim: COUT, useBias }).ensureBuilt();
        randomizeWeights(lin.namedWeights(), 31);
        const w = await readWeights(lin.namedWeights());
        expect(Object.keys(w).sort()).toEqual(useBias ? ['bias', 'kernel'] : ['kernel']);
        const x = tensorOf(randn(B * T * CIN, 32), [B, T, CIN]);
        const y = tf.tidy(() => lin.forward(x));
        expect(y.shape).toEqual([B, T, COUT]);
        expectClose(await f64(y), matmul(await f64(x), w.kernel, B * T, CIN, COUT, w.bias ?? null), ATOL);
        tf.dispose([x, y]);
        lin.free();
      });
    });
  }

  it('fake-quant: uses the rounded kernel forward, passes the gradient straight through, and switches off', async () => {
    await expectNoLeak(async () => {
      const lin = new Linear({ inDim: CIN, outDim: COUT }).ensureBuilt();
      randomizeWeights(lin.namedWeights(), 33);
      const w = await readWeights(lin.namedWeights());
      const x = tensorOf(randn(B * T * CIN, 34), [B * T, CIN]) as tf.Tensor2D;
      lin.setFakeQuant(gridFormat);
      expect(lin.fakeQuantFormat).toBe(gridFormat);
      const y = tf.tidy(() => lin.apply2d(x));
      expectClose(await f64(y), matmul(await f64(x), round(w.kernel), B * T, CIN, COUT, w.bias), ATOL);
      // Straight-through: d(Σy)/dW = xᵀ·1, the float layer's gradient.
      const kernel = lin.namedWeights().kernel.read() as tf.Variable;
      const { value, grads } = tf.variableGrads(() => tf.sum(lin.apply2d(x)) as tf.Scalar, [kernel]);
      const xs = await f64(x);
      const want = new Float64Array(CIN * COUT);
      for (let i = 0; i < CIN; i++) for (let j = 0; j < COUT; j++) for (let n = 0; n < B * T; n++) want[i * COUT + j] += xs[n * CIN + i];
      expectClose(await f64(grads[kernel.name]), want, ATOL * 10);
      lin.setFakeQuant(null);
      const yFloat = tf.tidy(() => lin.apply2d(x));
      expectClose(await f64(yFloat), matmul(xs, w.kernel, B * T, CIN, COUT, w.bias), ATOL);
      tf.dispose([x, y, yFloat, value, ...Object.values(grads)]);
      lin.free();
    });
  });

  it('toQuantized packs the kernel, frees the float copy and computes through the packed weight', async () => {
    await expectNoLeak(async () => {
      const lin = new Linear({ inDim: CIN, outDim: COUT }).ensureBuilt();
      randomizeWeights(lin.namedWeights(), 35);
      const w = await readWeights(lin.namedWeights());
      const kernel = lin.namedWeights().kernel;
      const packed = lin.toQuantized(gridFormat) as GridPacked;
      expect(lin.packed).toBe(packed);
      expect(Object.keys(lin.namedWeights())).toEqual(['bias']);
      expect(lin.trainableWeights).toEqual([lin.namedWeights().bias]);
      expect(() => kernel.read()).toThrow(); // the float kernel is gone
      const x = tensorOf(randn(B * T * CIN, 36), [B, T, CIN]);
      const y = tf.tidy(() => lin.forward(x));
      expectClose(await f64(y), matmul(await f64(x), round(w.kernel), B * T, CIN, COUT, w.bias), ATOL);
      expectCode(() => lin.setFakeQuant(gridFormat), 'INVALID_ARGUMENT');
      expectCode(() => lin.toQuantized(gridFormat), 'INVALID_ARGUMENT');
      tf.dispose([x, y]);
      lin.free();
      expect(packed.disposed).toBe(true);
    });
  });

  it('usePacked rejects a packed weight of another shape (WEIGHTS_MISMATCH) and keeps the float kernel', async () => {
    await expectNoLeak(async () => {
      const lin = new Linear({ inDim: CIN, outDim: COUT }).ensureBuilt();
      expectCode(() => lin.usePacked(new GridPacked(new Int8Array(COUT * CIN), COUT, CIN)), 'WEIGHTS_MISMATCH', `[${CIN}, ${COUT}]`);
      expect(lin.packed).toBeNull();
      expect(Object.keys(lin.namedWeights()).sort()).toEqual(['bias', 'kernel']);
      lin.free();
    });
  });
});

it('Linear rejects non-positive widths (INVALID_CONFIG naming the field)', () => {
  expectCode(() => new Linear({ inDim: 0, outDim: 4 }), 'INVALID_CONFIG', 'inDim');
  expectCode(() => new Linear({ inDim: 4, outDim: 2.5 }), 'INVALID_CONFIG', 'outDim');
});

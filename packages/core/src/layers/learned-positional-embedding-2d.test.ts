import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { describeBackends, expectClose, expectNoLeak, randn } from '../test-utils/backends.js';
import { expectCode, expectFiniteGrads, f64, fromRegisteredConfig, randomizeWeights, readWeights, tensorOf } from './__fixtures__/naive.js';
import { LearnedPositionalEmbedding2D } from './learned-positional-embedding-2d.js';

const [B, ROWS, COLS, C] = [2, 4, 5, 16]; // x: 640 elements

describeBackends('LearnedPositionalEmbedding2D', (env) => {
  const ATOL = env.backend === 'webgl' ? 1e-3 : 1e-4; // webgl: SwiftShader in CI

  for (const [rows, cols] of [
    [ROWS, COLS],
    [3, 2],
  ] as [number, number][]) {
    it(`adds row[r] + col[c] to patch (r, c) on a ${rows}×${cols} grid`, async () => {
      await expectNoLeak(async () => {
        const n = rows * cols;
        const x = tensorOf(randn(B * n * C, 51), [B, n, C]);
        const pos = new LearnedPositionalEmbedding2D({ maxRows: ROWS, maxCols: COLS, dim: C });
        tf.dispose(pos.apply(x, { grid: [rows, cols] }) as tf.Tensor);
        randomizeWeights(pos.namedWeights(), 52);
        const w = await readWeights(pos.namedWeights());
        const xs = await f64(x);
        const want = new Float64Array(xs.length);
        for (let b = 0; b < B; b++)
          for (let r = 0; r < rows; r++)
            for (let c = 0; c < cols; c++)
              for (let j = 0; j < C; j++) {
                const i = ((b * rows + r) * cols + c) * C + j;
                want[i] = xs[i] + w.row_embeddings[r * C + j] + w.col_embeddings[c * C + j];
              }
        const y = pos.apply(x, { grid: [rows, cols] }) as tf.Tensor;
        expectClose(await f64(y), want, ATOL);
        tf.dispose([x, y]);
        pos.dispose();
      });
    });
  }

  it('has finite gradients for both tables', async () => {
    await expectNoLeak(async () => {
      const x = tensorOf(randn(B * ROWS * COLS * C, 53), [B, ROWS * COLS, C]);
      const target = tensorOf(randn(B * ROWS * COLS * C, 54), [B, ROWS * COLS, C]);
      const pos = new LearnedPositionalEmbedding2D({ maxRows: ROWS, maxCols: COLS, dim: C });
      tf.dispose(pos.apply(x) as tf.Tensor);
      await expectFiniteGrads(() => tf.sum(tf.mul(pos.apply(x) as tf.Tensor, target)) as tf.Scalar, pos.trainableWeights);
      tf.dispose([x, target]);
      pos.dispose();
    });
  });

  it('rejects a patch count that does not match the grid, and oversized grids', async () => {
    await expectNoLeak(() => {
      const x = tf.ones([1, ROWS * COLS - 1, C]);
      const pos = new LearnedPositionalEmbedding2D({ maxRows: ROWS, maxCols: COLS, dim: C });
      expectCode(() => pos.apply(x), 'INVALID_SHAPE', `${ROWS * COLS} patches`);
      expectCode(() => pos.apply(x, { grid: [ROWS + 1, 1] }), 'INVALID_SHAPE', 'grid');
      x.dispose();
      pos.dispose();
    });
  });

  it('round-trips through getConfig/fromConfig', () => {
    const pos = new LearnedPositionalEmbedding2D({ maxRows: ROWS, maxCols: COLS, dim: C });
    const copy = fromRegisteredConfig<LearnedPositionalEmbedding2D>(pos);
    expect(copy).toBeInstanceOf(LearnedPositionalEmbedding2D);
    expect(copy.getConfig()).toEqual(pos.getConfig());
  });
});

it('LearnedPositionalEmbedding2D rejects bad config with INVALID_CONFIG', () => {
  expectCode(() => new LearnedPositionalEmbedding2D({ maxRows: 0, maxCols: 2, dim: 4 }), 'INVALID_CONFIG', 'config.maxRows');
  expectCode(() => new LearnedPositionalEmbedding2D({ maxRows: 2, maxCols: 1.5, dim: 4 }), 'INVALID_CONFIG', 'config.maxCols');
});

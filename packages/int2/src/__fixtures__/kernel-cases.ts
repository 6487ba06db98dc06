/**
 * The shapes every GPU backend's INT2 kernels are tested on (webgl and
 * webgpu run the same list, as issue 18 asks): K not a multiple of the group,
 * odd N, M of 1, 5 and 16, every bit width, groups of 32–128.
 */
import type { Bits } from '../kernel-names.js';
import type { Case } from '../webgl/__fixtures__/webgl-test-utils.js';

export interface MatMulCase {
  M: number;
  K: number;
  N: number;
  bits: Bits;
  groupSize: number;
  bias: boolean;
}

export const MATMUL_CASES: readonly MatMulCase[] = [
  { M: 5, K: 200, N: 77, bits: 2, groupSize: 64, bias: false }, // K not a multiple of G, odd N
  { M: 1, K: 256, N: 256, bits: 2, groupSize: 64, bias: true },
  { M: 16, K: 256, N: 128, bits: 4, groupSize: 32, bias: false },
  { M: 5, K: 512, N: 256, bits: 2, groupSize: 128, bias: true },
  { M: 16, K: 512, N: 512, bits: 8, groupSize: 64, bias: true },
  { M: 1, K: 384, N: 320, bits: 4, groupSize: 128, bias: false },
  { M: 5, K: 200, N: 77, bits: 8, groupSize: 32, bias: true },
  { M: 16, K: 320, N: 96, bits: 2, groupSize: 32, bias: true },
];

export const UNPACK_CASES: readonly Case[] = [
  { K: 200, N: 77, bits: 2, groupSize: 64 },
  { K: 256, N: 128, bits: 2, groupSize: 32 },
  { K: 130, N: 64, bits: 4, groupSize: 128 },
  { K: 192, N: 80, bits: 8, groupSize: 32 },
  { K: 300, N: 40, bits: 8, groupSize: 64 },
];

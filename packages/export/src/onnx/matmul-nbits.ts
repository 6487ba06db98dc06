/**
 * A packed projection as onnxruntime's com.microsoft MatMulNBits.
 *
 * Our weights (@mobile-mm/int2, format.ts) are asymmetric per group of G
 * rows along K:   ŵ[k, n] = scale[n, g]·q[k, n] + min[n, g]
 * MatMulNBits dequantizes   ŵ[k, n] = (q[k, n] − zp[n, g])·scale[n, g]
 * with an integer zero point, which cannot hold an arbitrary min. So the
 * product is split in two:
 *
 *   y = x·(scale·q) + Σ_g (Σ_{k∈g} x[k])·min[n, g] + b
 *     = MatMulNBits(x; q, scale, zp = 0)               [..., N]
 *     + MatMul(ReduceSum(x by groups), minᵀ) + b       [..., nG]·[nG, N]
 *
 * The second term costs K + nG·N multiply-adds per row (about 1/G of the
 * first). Zero points are given as uint8 zeros, not left out: an absent
 * zero point means 2^(bits−1) in MatMulNBits.
 *
 * Layouts: MatMulNBits B is uint8 [N, nG, G·bits/8], codes along K from the
 * lowest bits, which is byte for byte int2's canonical codes [N, Kp·bits/8];
 * scales [N, nG] (float32 here); packed zero points uint8
 * [N, ⌈nG·bits/8⌉]. K that is not a multiple of G: the codes are zero-padded to Kp;
 * the group indicator has K rows only.
 */
import { MS_DOMAIN } from './proto.js';
import type { GraphBuilder } from './graph.js';
import type { PackedLinearWeights } from './weights.js';

export interface NBitsOptions {
  /** 'matmulnbits' (default): MatMulNBits + the min term; 'dequantize': unpacked in the graph, folded to float at load (dequantizedMatMul). */
  op?: 'matmulnbits' | 'dequantize';
  /**
   * MatMulNBits accuracy_level: 0 (unset: float32 compute, dequantizing
   * where no kernel fits) or 4 (activations quantized to int8 per block;
   * onnxruntime's fast 2- and 4-bit kernels). Default 0.
   */
  accuracyLevel: 0 | 1 | 2 | 3 | 4;
}

export function matMulNBits(g: GraphBuilder, w: PackedLinearWeights, x: string, rank: number, name: string, options: NBitsOptions): string {
  const K = w.inDim;
  const N = w.outDim;
  const G = w.groupSize;
  const nG = Math.ceil(K / G);
  const blob = (G * w.bits) / 8;
  const b = g.weight(`${name}.codes`, w.codes, [N, nG, blob]);
  const scales = g.weight(`${name}.scales`, w.scales, [N, nG]);
  const zeroPoints = g.weight(`${name}.zero_points`, new Uint8Array(N * Math.ceil((nG * w.bits) / 8)), [N, Math.ceil((nG * w.bits) / 8)]);
  const attrs = { K, N, bits: w.bits, block_size: G, accuracy_level: options.accuracyLevel };
  const main = g.op('MatMulNBits', [x, b, scales, zeroPoints], attrs, { domain: MS_DOMAIN, name }); // [..., N]

  // Σ over each group of x (a MatMul with the 0/1 group indicator [K, nG]: no Pad for
  // a partial last group, and empty inputs keep their shape), times the group mins.
  const indicator = new Float32Array(K * nG);
  for (let k = 0; k < K; k++) indicator[k * nG + Math.floor(k / G)] = 1;
  const sums = g.op('MatMul', [x, g.weight(`${name}.groups`, indicator, [K, nG])]); // [..., nG]
  const minsT = new Float32Array(nG * N); // [nG, N]
  for (let n = 0; n < N; n++) for (let j = 0; j < nG; j++) minsT[j * N + n] = w.mins[n * nG + j];
  const minsName = g.weight(`${name}.mins`, minsT, [nG, N]);
  const bias = w.bias ? g.weight(`${name}.bias`, w.bias, [N]) : '';
  const offset =
    rank === 2 ? g.op('Gemm', bias ? [sums, minsName, bias] : [sums, minsName]) : bias ? g.op('Add', [g.op('MatMul', [sums, minsName]), bias]) : g.op('MatMul', [sums, minsName]);
  return g.op('Add', [main, offset], {}, { name: `${name}_out` });
}

/**
 * The other way to run a packed projection: unpack and dequantize the codes
 * inside the graph, then a float MatMul. Every input of the unpacking is an
 * initializer, so onnxruntime's constant folding computes the float W at
 * session creation: the file holds the codes (the packed size), memory and
 * speed are float32's.
 *
 *   q  = Mod(BitShift(codes [N, R, 1], [0, b, 2b, …]), 2^b)      [N, R, 8/b] → [N, Kp]
 *   ŵ  = Cast(q)·scale + min                                      per block: [N, nG, G]
 *   W  = Transpose(ŵ[:, :K])                                      [K, N]
 *   y  = x·W + b
 */
export function dequantizedMatMul(g: GraphBuilder, w: PackedLinearWeights, x: string, rank: number, name: string): string {
  const K = w.inDim;
  const N = w.outDim;
  const G = w.groupSize;
  const nG = Math.ceil(K / G);
  const perByte = 8 / w.bits;
  const codes = g.weight(`${name}.codes`, w.codes, [N, w.codes.length / N, 1]);
  const shifts = g.weight(`${name}.shifts`, Uint8Array.from({ length: perByte }, (_, i) => i * w.bits), [perByte]);
  const modulus = g.weight(`${name}.modulus`, Uint8Array.of(1 << w.bits), []);
  const q = g.op('Mod', [g.op('BitShift', [codes, shifts], { direction: 'RIGHT' }), modulus], { fmod: 0 }); // [N, R, 8/b]
  const blocks = g.op('Reshape', [g.op('Cast', [q], { to: 1 }), g.i64([N, nG, G])]); // [N, nG, G] float32
  const scales = g.weight(`${name}.scales`, w.scales, [N, nG, 1]);
  const mins = g.weight(`${name}.mins`, w.mins, [N, nG, 1]);
  let flat = g.op('Reshape', [g.op('Add', [g.op('Mul', [blocks, scales]), mins]), g.i64([N, nG * G])]); // [N, Kp]
  if (nG * G !== K) flat = g.op('Slice', [flat, g.i64([0]), g.i64([K]), g.i64([1])]); // [N, K]
  const kernel = g.op('Transpose', [flat], { perm: [1, 0] }, { name: `${name}.kernel` }); // [K, N]
  const bias = w.bias ? g.weight(`${name}.bias`, w.bias, [N]) : '';
  if (rank === 2) return g.op('Gemm', bias ? [x, kernel, bias] : [x, kernel], {}, { name });
  const y = g.op('MatMul', [x, kernel], {}, { name });
  return bias ? g.op('Add', [y, bias]) : y;
}

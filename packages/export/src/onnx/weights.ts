/**
 * The projections' weights as host arrays, in the form the ONNX graph writes
 * them: a float kernel [K, N], or packed codes in @mobile-mm/int2's
 * canonical layout (which is MatMulNBits's B layout, see matmul-nbits.ts).
 *
 * Packed weights can be widened without loss (2 → 4 → 8 bits: the same
 * scale·q + min values, codes copied into wider fields) or dequantized to
 * float (bits 32). Narrowing needs the float weights and is refused.
 */
import { MobileMMError, type Linear } from '@mobile-mm/core';
import { canonicalCode, canonicalRowBytes, dequantizeReference, type Bits, type CanonicalQuantizedTensor, type ScaleDtype } from '@mobile-mm/int2';

export interface FloatLinearWeights {
  kind: 'float';
  inDim: number;
  outDim: number;
  /** [K, N] row-major. */
  kernel: Float32Array;
  bias: Float32Array | null;
}

export interface PackedLinearWeights {
  kind: 'packed';
  inDim: number;
  outDim: number;
  bits: Bits;
  groupSize: number;
  /** What the scales and mins were rounded to (they are float32 here either way). */
  scaleDtype: ScaleDtype;
  /** u8 [N, Kp·bits/8]: column n of W along k, lowest k in the lowest bits. */
  codes: Uint8Array;
  /** [N, Kp/G] each. */
  scales: Float32Array;
  mins: Float32Array;
  bias: Float32Array | null;
}

export type LinearWeights = FloatLinearWeights | PackedLinearWeights;

/** What the exported projections hold: 'keep' (each as the model has it), float (32) or packed codes of a bit width. */
export type TargetBits = 'keep' | 32 | Bits;

function hasCanonical(p: unknown): p is { toCanonical(): Promise<CanonicalQuantizedTensor> } {
  return typeof (p as { toCanonical?: unknown })?.toCanonical === 'function';
}

/** Reads one projection (float kernel or packed weight) and converts it to `target`. */
export async function readLinear(l: Linear, target: TargetBits, where: string): Promise<LinearWeights> {
  const named = l.namedWeights();
  const bias = named.bias ? Float32Array.from(await named.bias.read().data()) : null;
  if (!l.packed) {
    const kernel = Float32Array.from(await named.kernel.read().data());
    if (target !== 'keep' && target !== 32) {
      throw new MobileMMError('INVALID_ARGUMENT', `export: ${where} is float; quantize the model before asking for ${target}-bit projections.`);
    }
    return { kind: 'float', inDim: l.inDim, outDim: l.outDim, kernel, bias };
  }
  if (!hasCanonical(l.packed)) {
    throw new MobileMMError('UNSUPPORTED', `export: ${where} is packed in a format other than @mobile-mm/int2's; only QuantizedTensor weights can be exported.`);
  }
  const c = await l.packed.toCanonical();
  const packed: PackedLinearWeights = {
    kind: 'packed',
    inDim: c.inDim,
    outDim: c.outDim,
    bits: c.bits,
    groupSize: c.groupSize,
    scaleDtype: c.scaleDtype,
    codes: c.codes,
    scales: c.scales,
    mins: c.mins,
    bias,
  };
  if (target === 'keep' || target === c.bits) return packed;
  if (target === 32) return dequantizeLinear(packed);
  if (target < c.bits) {
    throw new MobileMMError(
      'INVALID_ARGUMENT',
      `--bits ${target}: ${where} is packed at ${c.bits} bits; narrower codes need the float checkpoint (accepted here: ${c.bits}, ${[4, 8].filter((b) => b > c.bits).join(', ')}${c.bits < 8 ? ', ' : ''}32).`,
      { option: 'bits' },
    );
  }
  return widenCodes(packed, target);
}

/** The same values with `bits`-wide codes (bits ≥ w.bits): q, scale and min unchanged. */
export function widenCodes(w: PackedLinearWeights, bits: Bits): PackedLinearWeights {
  const from = canonicalRowBytes(w.inDim, w.bits, w.groupSize);
  const to = canonicalRowBytes(w.inDim, bits, w.groupSize);
  const kp = (from * 8) / w.bits;
  const codes = new Uint8Array(w.outDim * to);
  const perByte = 8 / bits;
  for (let n = 0; n < w.outDim; n++) {
    for (let k = 0; k < kp; k++) {
      const q = canonicalCode(w.codes, from, n, k, w.bits);
      codes[n * to + Math.floor(k / perByte)] |= q << (bits * (k % perByte));
    }
  }
  return { ...w, bits, codes };
}

/** The float kernel [K, N] a packed weight stands for (float64 reference arithmetic, rounded to float32). */
export function dequantizeLinear(w: PackedLinearWeights): FloatLinearWeights {
  const values = dequantizeReference(w, w.inDim, w.outDim, { bits: w.bits, groupSize: w.groupSize });
  return { kind: 'float', inDim: w.inDim, outDim: w.outDim, kernel: Float32Array.from(values), bias: w.bias };
}

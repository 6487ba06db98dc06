/**
 * Small helpers shared by the layers in this folder: tfjs-layers types that
 * the package does not export by name, input checks that throw typed errors,
 * and weight naming for checkpoints.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { MobileMMError, checkConfig, checkShape } from '../errors.js';

/** Constructor arguments of tfjs-layers' Layer (name, trainable, dtype, ...). */
export type LayerArgs = NonNullable<ConstructorParameters<typeof tfl.layers.Layer>[0]>;
/** Keyword arguments of Layer.call (tfjs-layers does not export its `Kwargs`). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Kwargs = { [key: string]: any };
export type LayerVariable = tfl.LayerVariable;
export type Shape = tfl.Shape;
/** Weights of one layer by dotted name (`q.kernel`); composites prefix them. */
export type NamedLayerWeights = Record<string, LayerVariable>;

/** Serialization package key: registered classes are found as `MobileMM>ClassName`. */
export const SERIALIZATION_PACKAGE = 'MobileMM';

/** One tensor out of Layer.call's `Tensor | Tensor[]` input, with a typed error. */
export function single(inputs: tf.Tensor | tf.Tensor[], layer: string): tf.Tensor {
  if (Array.isArray(inputs)) {
    checkShape(inputs.length === 1, `${layer}: expected one input tensor, got ${inputs.length}.`);
    return inputs[0];
  }
  return inputs;
}

/** Throws INVALID_SHAPE unless x has `rank` dims. */
export function checkRank(x: { shape: readonly (number | null)[] }, rank: number, what: string): void {
  checkShape(x.shape.length === rank, `${what}: expected rank ${rank}, got rank ${x.shape.length} (shape [${x.shape}]).`, {
    expected: rank,
    actual: x.shape.length,
  });
}

/** Throws INVALID_SHAPE unless the last dim of `shape` is `dim` (null = unknown, accepted). */
export function checkLastDim(shape: readonly (number | null)[], dim: number, what: string): void {
  const last = shape[shape.length - 1];
  checkShape(shape.length >= 1 && (last === null || last === dim), `${what}: expected last dim ${dim}, got shape [${shape}].`, {
    expected: dim,
    actual: last,
  });
}

/** Throws INVALID_DTYPE unless x is int32 (token ids). */
export function checkInt32(x: tf.Tensor, what: string): void {
  if (x.dtype !== 'int32') {
    throw new MobileMMError('INVALID_DTYPE', `${what}: expected int32 token ids, got ${x.dtype}.`, {
      expected: 'int32',
      actual: x.dtype,
    });
  }
}

/** Config check: a positive integer. */
export function checkPositiveInt(value: unknown, field: string): asserts value is number {
  checkConfig(Number.isInteger(value) && (value as number) > 0, field, `must be a positive integer, got ${String(value)}.`);
}

/** Config check: a probability in [0, 1). */
export function checkRate(value: unknown, field: string): asserts value is number {
  checkConfig(typeof value === 'number' && value >= 0 && value < 1, field, `must be a number in [0, 1), got ${String(value)}.`);
}

/** Config check: a positive finite number. */
export function checkPositive(value: unknown, field: string): asserts value is number {
  checkConfig(typeof value === 'number' && Number.isFinite(value) && value > 0, field, `must be a positive number, got ${String(value)}.`);
}

/** Config check: one of `accepted`. */
export function checkOneOf<T extends string>(value: unknown, accepted: readonly T[], field: string): asserts value is T {
  checkConfig(accepted.includes(value as T), field, `must be one of ${accepted.map((a) => `'${a}'`).join(', ')}, got ${JSON.stringify(value)}.`);
}

/** Builds a sublayer of a composite from known shapes (tfjs's apply() would do it on first call). */
export function buildSublayer(layer: tfl.layers.Layer, inputShape: Shape | Shape[]): void {
  if (!layer.built) {
    layer.build(inputShape);
    layer.built = true;
  }
}

/** `{a: w}` → `{'prefix.a': w}` (weights, or a composite's linears()). */
export function prefixWeights<T = LayerVariable>(prefix: string, weights: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [name, w] of Object.entries(weights)) out[`${prefix}.${name}`] = w;
  return out;
}

/** Dropout only while training and only when rate > 0. */
export function maybeDropout<T extends tf.Tensor>(x: T, rate: number, training: boolean | undefined): T {
  return training === true && rate > 0 ? (tf.dropout(x, rate) as T) : x;
}

/**
 * Checks x [B, T, C] for an added positional encoding starting at `offset`
 * (C = dim, offset + T ≤ maxLength) and returns T.
 */
export function checkPositionInput(x: tf.Tensor, offset: number, dim: number, maxLength: number, what: string): number {
  checkRank(x, 3, what);
  checkLastDim(x.shape, dim, what);
  const t = x.shape[1] as number;
  checkShape(
    Number.isInteger(offset) && offset >= 0 && offset + t <= maxLength,
    `${what}: positions ${offset}..${offset + t - 1} do not fit maxLength ${maxLength}.`,
    { expected: maxLength, actual: offset + t },
  );
  return t;
}

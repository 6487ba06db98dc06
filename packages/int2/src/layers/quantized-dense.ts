/**
 * QuantizedDense: a tfjs-layers Dense whose kernel is a frozen QuantizedTensor.
 *
 *   y = activation(x · ŵ + bias)      x [B, K] or [B, T, K] → y [B, N] or [B, T, N]
 *
 * Built from a trained Dense with `QuantizedDense.fromDense(dense, {bits})`,
 * or for a whole model with `quantizeLayers(model, {bits})`, which rebuilds
 * the model graph with QuantizedDense in place of every Dense not skipped.
 *
 * Weights: the quantized kernel is not a LayerVariable (its codes live in a
 * backend-specific int32 layout that a tfjs weight file cannot carry): save it
 * with io.ts (`saveQuantized`), restore with `setQuantizedWeight`. The bias is
 * an ordinary LayerVariable; it trains unless the layer is `trainable: false`.
 * The class is registered for tfjs-layers serialization, so a model JSON with
 * QuantizedDense layers deserializes (weights then come from io.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs-core';
import { MobileMMError } from '@mobile-mm/core';
import type { Bits } from '../kernel-names.js';
import { DEFAULT_GROUP_SIZE, type ScaleDtype } from '../format.js';
import { quantize, quantizedMatMul } from '../ops.js';
import type { QuantizedTensor } from '../quantized-tensor.js';

type LayerArgs = NonNullable<ConstructorParameters<typeof tfl.layers.Layer>[0]>;
type LayerVariable = tfl.LayerVariable;
type Kwargs = Parameters<tfl.layers.Layer['call']>[1];

export interface QuantizedDenseArgs extends LayerArgs {
  /** N, output features. */
  units: number;
  /** Any tfjs-layers activation identifier ('linear', 'relu', 'gelu', ...), as Dense takes. Default 'linear'. */
  activation?: string;
  /** Default true, as Dense. */
  useBias?: boolean;
  /** Quantization recorded in the config (the weight itself carries the same values). */
  bits?: Bits;
  groupSize?: number;
  scaleDtype?: ScaleDtype;
  /** The quantized kernel [K, N]; the layer takes ownership. Not serialized. */
  weight?: QuantizedTensor;
}

export interface QuantizeDenseOptions {
  bits: Bits;
  groupSize?: number;
  scaleDtype?: ScaleDtype;
}

export class QuantizedDense extends tfl.layers.Layer {
  static readonly className = 'QuantizedDense';
  readonly units: number;
  readonly activationName: string;
  readonly useBias: boolean;
  readonly bits: Bits;
  readonly groupSize: number;
  readonly scaleDtype: ScaleDtype;
  private quantized: QuantizedTensor | null;
  private bias: LayerVariable | null = null;
  private readonly activationLayer: tfl.layers.Layer;

  constructor(args: QuantizedDenseArgs) {
    super(args);
    if (!Number.isInteger(args.units) || args.units < 1) {
      throw new MobileMMError('INVALID_CONFIG', `QuantizedDense: units must be a positive integer; got ${args.units}.`, {
        field: 'units',
      });
    }
    this.units = args.units;
    this.activationName = args.activation ?? 'linear';
    this.useBias = args.useBias ?? true;
    this.bits = args.weight?.bits ?? args.bits ?? 2;
    this.groupSize = args.weight?.groupSize ?? args.groupSize ?? DEFAULT_GROUP_SIZE;
    this.scaleDtype = args.weight?.scaleDtype ?? args.scaleDtype ?? 'float32';
    this.quantized = null;
    if (args.weight) this.setQuantizedWeight(args.weight);
    // tfjs-layers' own activation functions, so 'gelu' etc. match Dense exactly.
    this.activationLayer = tfl.layers.activation({
      activation: this.activationName as Parameters<typeof tfl.layers.activation>[0]['activation'],
    });
  }

  /** Quantizes a built Dense layer's kernel; copies its bias, activation, name. */
  static fromDense(dense: tfl.layers.Layer, options: QuantizeDenseOptions): QuantizedDense {
    registerInt2Layers();
    if (dense.getClassName() !== 'Dense' || !dense.built) {
      throw new MobileMMError(
        'INVALID_ARGUMENT',
        `QuantizedDense.fromDense: expected a built Dense layer; got ${dense.getClassName()} "${dense.name}"` +
          `${dense.built ? '' : ' (not built: call it on an input or build the model first)'}.`,
      );
    }
    const config = dense.getConfig();
    const [kernel, bias] = dense.getWeights(); // the layer's own variables: read, never dispose
    const weight = quantize(kernel as Tensor2D, options);
    const layer = new QuantizedDense({
      name: config.name as string,
      units: config.units as number,
      activation: config.activation as string,
      useBias: config.useBias as boolean,
      weight,
    });
    layer.build([null, weight.inDim]);
    if (bias !== undefined) layer.setWeights([bias]);
    return layer;
  }

  /** The quantized kernel, or null until one is set. */
  get quantizedWeight(): QuantizedTensor | null {
    return this.quantized;
  }

  /** Installs a quantized kernel [K, units] (e.g. loaded with io.ts); disposes the previous one. */
  setQuantizedWeight(weight: QuantizedTensor): void {
    if (weight.outDim !== this.units) {
      throw new MobileMMError(
        'WEIGHTS_MISMATCH',
        `QuantizedDense "${this.name}": weight is [${weight.shape}] but units is ${this.units}.`,
        { layer: this.name, shape: weight.shape },
      );
    }
    if (this.quantized !== null && this.quantized !== weight) this.quantized.dispose();
    // The layer owns the weight like a variable: no tf.tidy around its creation may free it.
    tf.keep(weight.codes);
    tf.keep(weight.scales);
    tf.keep(weight.mins);
    this.quantized = weight;
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const inDim = shape[shape.length - 1];
    if (this.quantized !== null && inDim != null && inDim !== this.quantized.inDim) {
      throw new MobileMMError(
        'INVALID_SHAPE',
        `QuantizedDense "${this.name}": input has ${inDim} features, the weight expects ${this.quantized.inDim}.`,
      );
    }
    if (this.useBias) {
      this.bias = this.addWeight('bias', [this.units], 'float32', tfl.initializers.zeros());
    }
    this.built = true;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    return [...shape.slice(0, -1), this.units];
  }

  override call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      if (this.quantized === null) {
        throw new MobileMMError(
          'WEIGHTS_MISSING',
          `QuantizedDense "${this.name}" has no quantized weight: build it with fromDense, or load one ` +
            `(io.ts loadQuantized) and call setQuantizedWeight.`,
          { layer: this.name },
        );
      }
      if (x.rank !== 2 && x.rank !== 3) {
        throw new MobileMMError('INVALID_SHAPE', `QuantizedDense "${this.name}": input must be rank 2 or 3; got [${x.shape}].`);
      }
      const bias = this.bias === null ? undefined : (this.bias.read() as Tensor1D);
      const y = quantizedMatMul(x as Tensor2D, this.quantized, bias); // [..., N]
      return this.activationName === 'linear' ? y : (this.activationLayer.apply(y) as Tensor);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      units: this.units,
      activation: this.activationName,
      useBias: this.useBias,
      bits: this.bits,
      groupSize: this.groupSize,
      scaleDtype: this.scaleDtype,
    };
  }

  /** Disposes the bias variable and the quantized weight once no model uses the layer. */
  override dispose(): ReturnType<tfl.layers.Layer['dispose']> {
    if (!this.built) {
      this.quantized?.dispose();
      this.quantized = null;
      return { refCountAfterDispose: 0, numDisposedVariables: 0 };
    }
    // A layer from fromDense used only eagerly has no graph reference yet: it owns itself.
    if (this._refCount === null) this._refCount = 1;
    const result = super.dispose();
    if (result.refCountAfterDispose === 0 && this.quantized !== null) {
      this.quantized.dispose();
      this.quantized = null;
    }
    return result;
  }
}

/**
 * Registers QuantizedDense for tfjs-layers (de)serialization by class name.
 * Idempotent; QuantizedDense.fromDense and quantizeLayers call it, so only
 * loading a saved model in a fresh process needs an explicit call. Not a
 * module side effect: a bundle that never uses QuantizedDense drops it.
 */
export function registerInt2Layers(): void {
  tf.serialization.registerClass(QuantizedDense);
}

/**
 * Linear: the one place a weight matrix meets an activation.
 *
 *   y = x·W + b          W [Cin, Cout] (`kernel`), b [Cout] (`bias`, optional)
 *
 * Every projection of the models (attention q/k/v/out, feed-forward
 * up/gate/down, an untied LM head, a patch stem, a classifier head) is a
 * Linear, so quantization finds them by class, not by name: a model lists its
 * layers with `linears()` and QAT or packing walks that list (mlx's
 * `nn.quantize(model, class_predicate=...)` is the model). A new projection is
 * quantized without touching a name list.
 *
 * Three modes of the same layer:
 *
 *   float        y = x·W + b
 *   fake-quant   y = x·q(W) + b      setFakeQuant(format): QAT; q rounds W to
 *                                     the low-bit grid with a straight-through
 *                                     gradient, W stays float and trains
 *   packed       y = P(x) + b        toQuantized(format) / usePacked(P): W is
 *                                     freed and a packed weight P computes the
 *                                     product (bias fused in its kernel)
 *
 * The formats live outside core (@mobile-mm/int2 implements LinearFormat and
 * PackedLinear), so core stays free of any kernel registration.
 *
 * Shapes: N=rows (any leading dims flattened), Cin=input width, Cout=output width.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { MobileMMError } from '../errors.js';
import { checkLastDim, checkPositiveInt, single, type Kwargs, type LayerArgs, type LayerVariable, type NamedLayerWeights, type Shape } from './common.js';

/** tfjs-layers' Initializer class (not exported by name). */
type Initializer = ReturnType<typeof tfl.initializers.glorotUniform>;

/** A packed [Cin, Cout] weight that computes x·W (+ bias) itself. */
export interface PackedLinear {
  readonly inDim: number;
  readonly outDim: number;
  /** Bytes the packed weight holds (codes, scales, mins). */
  readonly byteSize: number;
  /** x [N, Cin] → [N, Cout], bias [Cout] added when given. */
  matMul(x: tf.Tensor2D, bias?: tf.Tensor1D): tf.Tensor2D;
  /**
   * Optional: gelu(x·W + bias) with gelu(y) = y·σ(1.702y) in one kernel where
   * the backend has it (the feed-forward up projection on the decode path).
   */
  matMulGelu?(x: tf.Tensor2D, bias?: tf.Tensor1D): tf.Tensor2D;
  dispose(): void;
}

/** A low-bit weight format: how to fake-quantize a kernel (QAT) and how to pack one. */
export interface LinearFormat {
  /** Short description for messages and records, e.g. "int2 g64 rtn". */
  readonly name: string;
  /** kernel [Cin, Cout] → the same values rounded to the format's grid (straight-through gradient). */
  fakeQuantize(kernel: tf.Tensor2D): tf.Tensor2D;
  /** Row-major [Cin, Cout] host values → a packed weight on the current backend. */
  pack(values: Float32Array, inDim: number, outDim: number): PackedLinear;
}

export interface LinearArgs extends LayerArgs {
  /** Cin. */
  inDim: number;
  /** Cout. */
  outDim: number;
  /** Add a bias (default true). */
  useBias?: boolean;
  /** Kernel initializer (default Glorot uniform). */
  kernelInitializer?: Initializer;
}

export class Linear extends tfl.layers.Layer {
  static className = 'MobileMMLinear';
  readonly inDim: number;
  readonly outDim: number;
  readonly useBias: boolean;
  private readonly kernelInit: Initializer;
  private kernel!: LayerVariable;
  private bias: LayerVariable | null = null;
  private fakeQuant: LinearFormat | null = null;
  private packedWeight: PackedLinear | null = null;

  constructor(args: LinearArgs) {
    super(args);
    checkPositiveInt(args.inDim, 'inDim');
    checkPositiveInt(args.outDim, 'outDim');
    this.inDim = args.inDim;
    this.outDim = args.outDim;
    this.useBias = args.useBias ?? true;
    this.kernelInit = args.kernelInitializer ?? tfl.initializers.glorotUniform({});
  }

  override build(_inputShape?: Shape | Shape[]): void {
    this.kernel = this.addWeight('kernel', [this.inDim, this.outDim], 'float32', this.kernelInit);
    if (this.useBias) this.bias = this.addWeight('bias', [this.outDim], 'float32', tfl.initializers.zeros());
    this.built = true;
  }

  /** Builds the weights now (composites call this from their own build). */
  ensureBuilt(): this {
    if (!this.built) this.build();
    return this;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = inputShape as Shape;
    return [...s.slice(0, -1), this.outDim];
  }

  /** x [N, Cin] → [N, Cout] in the layer's current mode. Call inside tf.tidy. */
  apply2d(x: tf.Tensor2D): tf.Tensor2D {
    if (this.packedWeight) return this.packedWeight.matMul(x, this.bias ? (this.bias.read() as tf.Tensor1D) : undefined);
    const w = this.kernel.read() as tf.Tensor2D;
    const y = tf.matMul(x, this.fakeQuant ? this.fakeQuant.fakeQuantize(w) : w) as tf.Tensor2D; // [N, Cout]
    return this.bias ? (tf.add(y, this.bias.read()) as tf.Tensor2D) : y;
  }

  /**
   * gelu(x·W + b) (sigmoid form) from a packed weight that fuses it
   * (PackedLinear.matMulGelu), or null: the caller then applies the
   * activation itself. Call inside tf.tidy.
   */
  apply2dGelu(x: tf.Tensor2D): tf.Tensor2D | null {
    if (!this.packedWeight?.matMulGelu) return null;
    return this.packedWeight.matMulGelu(x, this.bias ? (this.bias.read() as tf.Tensor1D) : undefined);
  }

  /** x [..., Cin] → [..., Cout]. Call inside tf.tidy. */
  forward(x: tf.Tensor): tf.Tensor {
    checkLastDim(x.shape, this.inDim, this.name);
    if (x.rank === 2) return this.apply2d(x as tf.Tensor2D);
    const y = this.apply2d(tf.reshape(x, [-1, this.inDim]) as tf.Tensor2D); // [N, Cout]
    return tf.reshape(y, [...x.shape.slice(0, -1), this.outDim]); // [..., Cout]
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => this.forward(single(inputs, this.name)));
  }

  // ------------------------------------------------------------ quantization

  /** The packed weight standing in for the kernel, or null in float / fake-quant mode. */
  get packed(): PackedLinear | null {
    return this.packedWeight;
  }

  /** QAT: use the kernel fake-quantized to `format` (null: back to float). */
  setFakeQuant(format: LinearFormat | null): void {
    this.ensureBuilt();
    if (format && this.packedWeight) throw new MobileMMError('INVALID_ARGUMENT', `${this.name}: fake quantization needs the float kernel; this layer is packed.`);
    this.fakeQuant = format;
  }

  /** The format the kernel is fake-quantized to, if any. */
  get fakeQuantFormat(): LinearFormat | null {
    return this.fakeQuant;
  }

  /** Packs the float kernel to `format` (host-side) and switches to it; the float kernel is freed. */
  toQuantized(format: LinearFormat): PackedLinear {
    this.ensureBuilt();
    if (this.packedWeight) throw new MobileMMError('INVALID_ARGUMENT', `${this.name}: already packed.`);
    const values = this.kernel.read().dataSync() as Float32Array;
    const packed = format.pack(values, this.inDim, this.outDim);
    this.usePacked(packed);
    return packed;
  }

  /** Replaces the float kernel by `packed` (same [Cin, Cout]); takes ownership of it. The float kernel is freed. */
  usePacked(packed: PackedLinear): void {
    this.ensureBuilt();
    if (this.packedWeight) throw new MobileMMError('INVALID_ARGUMENT', `${this.name}: already packed.`);
    if (packed.inDim !== this.inDim || packed.outDim !== this.outDim) {
      throw new MobileMMError('WEIGHTS_MISMATCH', `${this.name}: the kernel is [${this.inDim}, ${this.outDim}]; the packed weight is [${packed.inDim}, ${packed.outDim}].`, {
        shape: [packed.inDim, packed.outDim],
        expected: [this.inDim, this.outDim],
      });
    }
    this.kernel.dispose();
    this.fakeQuant = null;
    this.packedWeight = packed;
  }

  // ----------------------------------------------------------------- weights

  /** `kernel` (absent once packed) and `bias`. */
  namedWeights(): NamedLayerWeights {
    this.ensureBuilt();
    return { ...(this.packedWeight ? {} : { kernel: this.kernel }), ...(this.bias ? { bias: this.bias } : {}) };
  }

  override get trainableWeights(): LayerVariable[] {
    return this.trainable ? Object.values(this.namedWeights()) : [];
  }

  override get nonTrainableWeights(): LayerVariable[] {
    return this.trainable ? [] : Object.values(this.namedWeights());
  }

  /** Frees the weights, float and packed. The layer is unusable afterwards. */
  free(): void {
    for (const w of Object.values(this.namedWeights())) w.dispose();
    this.packedWeight?.dispose();
    this.packedWeight = null;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), inDim: this.inDim, outDim: this.outDim, useBias: this.useBias };
  }
}

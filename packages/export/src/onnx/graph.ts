/**
 * GraphBuilder: collects the nodes, initializers, inputs and outputs of one
 * ONNX graph with unique value names. Each `op` call adds one node and returns
 * the name of its output, so a graph reads like the tfjs code it mirrors:
 *
 *   const h = g.op('Gemm', [x, w, b]);          // one output
 *   const y = g.op('Softmax', [h], { axis: -1 });
 *
 * Constants (shapes, axes, scalars) are initializers, deduplicated by value.
 */
import {
  MS_DOMAIN,
  attribute,
  tensorProto,
  valueInfo,
  type AttrValue,
  type Dim,
  type ElemType,
  type IGraphProto,
  type INodeProto,
  type ITensorProto,
  type IValueInfoProto,
  type TensorData,
} from './proto.js';

export interface OpOptions {
  /** 'com.microsoft' for contrib ops (MatMulNBits). */
  domain?: string;
  /** Prefix of the output name (default the op type, lower-case). */
  name?: string;
}

export class GraphBuilder {
  private readonly nodes: INodeProto[] = [];
  private readonly initializers: ITensorProto[] = [];
  private readonly inputs: IValueInfoProto[] = [];
  private readonly outputs: IValueInfoProto[] = [];
  private readonly used = new Map<string, number>();
  private readonly constants = new Map<string, string>();
  /** Whether a com.microsoft op was added (the model then imports that domain). */
  usesMicrosoftOps = false;

  /** A name not used yet in this graph, from `prefix`. */
  fresh(prefix: string): string {
    const n = this.used.get(prefix) ?? 0;
    this.used.set(prefix, n + 1);
    return n === 0 ? prefix : `${prefix}_${n}`;
  }

  input(name: string, type: ElemType, shape: readonly Dim[]): string {
    this.used.set(name, 1);
    this.inputs.push(valueInfo(name, type, shape));
    return name;
  }

  /** Marks `value` as the graph output `name` (through an Identity when the names differ). */
  output(value: string, name: string, type: ElemType, shape: readonly Dim[]): void {
    if (value !== name) {
      this.used.set(name, 1);
      this.nodes.push({ opType: 'Identity', input: [value], output: [name], name: `${name}_identity` });
    }
    this.outputs.push(valueInfo(name, type, shape));
  }

  /** A weight (or any constant tensor) as an initializer; returns its name. */
  weight(prefix: string, data: TensorData, dims: readonly number[]): string {
    const name = this.fresh(prefix);
    this.initializers.push(tensorProto(name, data, dims));
    return name;
  }

  /** An int64 constant (shapes, axes, indices), shared by value. */
  i64(values: readonly number[], dims: readonly number[] = [values.length]): string {
    const key = `i64:${dims.join('x')}:${values.join(',')}`;
    let name = this.constants.get(key);
    if (!name) {
      name = this.weight('const_i64', BigInt64Array.from(values, (v) => BigInt(v)), dims);
      this.constants.set(key, name);
    }
    return name;
  }

  /** A float32 constant, shared by value (a scalar by default). */
  f32(values: readonly number[], dims: readonly number[] = []): string {
    const key = `f32:${dims.join('x')}:${values.join(',')}`;
    let name = this.constants.get(key);
    if (!name) {
      name = this.weight('const_f32', Float32Array.from(values), dims);
      this.constants.set(key, name);
    }
    return name;
  }

  /** One node with one output; '' in `inputs` is an omitted optional input. */
  op(opType: string, inputs: readonly string[], attrs: Record<string, AttrValue> = {}, options: OpOptions = {}): string {
    return this.opN(opType, inputs, 1, attrs, options)[0];
  }

  /** One node with `count` outputs. */
  opN(opType: string, inputs: readonly string[], count: number, attrs: Record<string, AttrValue> = {}, options: OpOptions = {}): string[] {
    const base = this.fresh(options.name ?? opType.toLowerCase());
    const outputs = Array.from({ length: count }, (_, i) => (count === 1 ? base : `${base}_out${i}`));
    if (options.domain === MS_DOMAIN) this.usesMicrosoftOps = true;
    this.nodes.push({
      opType,
      input: [...inputs],
      output: outputs,
      name: `${base}_node`,
      ...(options.domain ? { domain: options.domain } : {}),
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    });
    return outputs;
  }

  get nodeCount(): number {
    return this.nodes.length;
  }

  /** Initializer bytes (weights and constants). */
  get initializerBytes(): number {
    return this.initializers.reduce((s, t) => s + (t.rawData?.length ?? 0), 0);
  }

  graph(name: string, docString = ''): IGraphProto {
    return { name, docString, node: this.nodes, initializer: this.initializers, input: this.inputs, output: this.outputs };
  }
}

/**
 * The ONNX protobuf messages, from the `onnx-proto` package (protobufjs
 * static code generated from onnx.proto of ONNX 1.10, IR version 8), and the
 * few constructors the graph builder needs: tensors as little-endian
 * `raw_data`, value infos with named (dynamic) or fixed dims, attributes.
 *
 * Nothing here writes bytes by hand: `encodeModel` is protobufjs's encoder.
 */
import onnxProto from 'onnx-proto';

export const onnx = onnxProto.onnx;
export type ModelProto = InstanceType<typeof onnx.ModelProto>;
export type IGraphProto = Parameters<typeof onnx.GraphProto.create>[0] & object;
export type INodeProto = Parameters<typeof onnx.NodeProto.create>[0] & object;
export type ITensorProto = Parameters<typeof onnx.TensorProto.create>[0] & object;
export type IValueInfoProto = Parameters<typeof onnx.ValueInfoProto.create>[0] & object;
export type IAttributeProto = Parameters<typeof onnx.AttributeProto.create>[0] & object;

/** IR version written into every model: 8 (ONNX 1.10–1.12), what opset 17 pairs with. */
export const IR_VERSION = 8;
/** Default-domain opset: 17, the first with LayerNormalization. */
export const OPSET = 17;
/** Opset of the com.microsoft domain (MatMulNBits). */
export const MS_OPSET = 1;
export const MS_DOMAIN = 'com.microsoft';

export type ElemType = 'float32' | 'int64' | 'int32' | 'uint8' | 'bool';
const DT = onnx.TensorProto.DataType;
export const ELEM_TYPES: Readonly<Record<ElemType, number>> = Object.freeze({
  float32: DT.FLOAT,
  int64: DT.INT64,
  int32: DT.INT32,
  uint8: DT.UINT8,
  bool: DT.BOOL,
});

export type TensorData = Float32Array | BigInt64Array | Int32Array | Uint8Array;

function elemTypeOf(data: TensorData): ElemType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof BigInt64Array) return 'int64';
  if (data instanceof Int32Array) return 'int32';
  return 'uint8';
}

/** A tensor with its values as raw little-endian bytes (every platform we run on is little-endian). */
export function tensorProto(name: string, data: TensorData, dims: readonly number[]): ITensorProto {
  const size = dims.reduce((a, b) => a * b, 1);
  if (size !== data.length) throw new Error(`tensorProto ${name}: ${data.length} values for dims [${dims}]`);
  return {
    name,
    dims: [...dims],
    dataType: ELEM_TYPES[elemTypeOf(data)],
    rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
  };
}

/** A dim: a number is fixed, a string is a named dynamic dim (`batch_size`). */
export type Dim = number | string;

export function valueInfo(name: string, type: ElemType, shape: readonly Dim[]): IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: ELEM_TYPES[type],
        shape: { dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

export type AttrValue = number | number[] | string | { float: number } | { floats: number[] } | { graph: IGraphProto } | { tensor: ITensorProto };

const AT = onnx.AttributeProto.AttributeType;

/** Integers (and integer lists) are INT/INTS; floats are given as {float} / {floats} so 1.0 stays a float. */
export function attribute(name: string, v: AttrValue): IAttributeProto {
  if (typeof v === 'number') return { name, type: AT.INT, i: v };
  if (typeof v === 'string') return { name, type: AT.STRING, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) return { name, type: AT.INTS, ints: v };
  if ('float' in v) return { name, type: AT.FLOAT, f: v.float };
  if ('floats' in v) return { name, type: AT.FLOATS, floats: v.floats };
  if ('graph' in v) return { name, type: AT.GRAPH, g: v.graph };
  return { name, type: AT.TENSOR, t: v.tensor };
}

/** A whole model: the graph, opsets (default domain + com.microsoft when used), IR version, metadata. */
export function modelProto(graph: IGraphProto, metadata: Record<string, string>, usesMicrosoftOps: boolean): ModelProto {
  return onnx.ModelProto.create({
    irVersion: IR_VERSION,
    producerName: 'mobile-mm',
    producerVersion: '0.1.0',
    opsetImport: [{ domain: '', version: OPSET }, ...(usesMicrosoftOps ? [{ domain: MS_DOMAIN, version: MS_OPSET }] : [])],
    graph,
    metadataProps: Object.entries(metadata).map(([key, value]) => ({ key, value })),
  });
}

export function encodeModel(model: ModelProto): Uint8Array {
  return onnx.ModelProto.encode(model).finish();
}

export function decodeModel(bytes: Uint8Array): ModelProto {
  return onnx.ModelProto.decode(bytes);
}

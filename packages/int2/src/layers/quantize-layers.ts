/**
 * quantizeLayers(model, {bits}): a new model in which every Dense layer (not
 * skipped) is a QuantizedDense holding its quantized kernel.
 *
 * Approach: the model graph is rebuilt functionally. Walking `model.layers`
 * in their (topological) order, each layer's single inbound node is replayed
 * on the new symbolic tensors: a Dense becomes `QuantizedDense.fromDense`,
 * any other layer is re-created from its config and given a copy of its
 * weights. The result is a `tf.LayersModel` (also for a Sequential input)
 * that shares no layers or variables with the original: dispose either one
 * freely. Layers called more than once (shared layers) are not supported.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { MobileMMError } from '@mobile-mm/core';
import type { Bits } from '../kernel-names.js';
import type { ScaleDtype } from '../format.js';
import { QuantizedDense, registerInt2Layers } from './quantized-dense.js';

type Layer = tfl.layers.Layer;
type SymbolicTensor = tfl.SymbolicTensor;

export interface QuantizeLayersOptions {
  bits: Bits;
  groupSize?: number;
  scaleDtype?: ScaleDtype;
  /** Dense layers to keep in float: a list of layer names, or a predicate. */
  skip?: string[] | ((layer: Layer) => boolean);
}

function cloneLayer(layer: Layer): Layer {
  const ctor = layer.constructor as new (config: unknown) => Layer;
  return new ctor(layer.getConfig());
}

export function quantizeLayers(model: tfl.LayersModel, options: QuantizeLayersOptions): tfl.LayersModel {
  registerInt2Layers();
  const skip = options.skip ?? [];
  const skipped = typeof skip === 'function' ? skip : (layer: Layer) => skip.includes(layer.name);
  const mapped = new Map<number, SymbolicTensor>(); // old symbolic tensor id → new one

  const inputs = model.inputs.map((t) => {
    const input = tfl.input({ batchShape: t.shape, dtype: t.dtype, name: t.sourceLayer.name });
    mapped.set(t.id, input);
    return input;
  });

  for (const layer of model.layers) {
    if (layer.getClassName() === 'InputLayer') continue;
    if (layer.inboundNodes.length !== 1) {
      throw new MobileMMError(
        'UNSUPPORTED',
        `quantizeLayers: layer "${layer.name}" is called ${layer.inboundNodes.length} times (shared layer); ` +
          `only layers called once are supported.`,
        { layer: layer.name },
      );
    }
    const node = layer.inboundNodes[0];
    const newInputs = node.inputTensors.map((t) => {
      const m = mapped.get(t.id);
      if (m === undefined) {
        throw new MobileMMError('UNSUPPORTED', `quantizeLayers: layer "${layer.name}" reads a tensor from outside the model.`);
      }
      return m;
    });
    const quantizeIt = layer.getClassName() === 'Dense' && !skipped(layer);
    const newLayer = quantizeIt ? QuantizedDense.fromDense(layer, options) : cloneLayer(layer);
    const out = newLayer.apply(newInputs.length === 1 ? newInputs[0] : newInputs) as SymbolicTensor | SymbolicTensor[];
    if (!quantizeIt) newLayer.setWeights(layer.getWeights());
    const outs = Array.isArray(out) ? out : [out];
    node.outputTensors.forEach((t, i) => mapped.set(t.id, outs[i]));
  }

  const outputs = model.outputs.map((t) => mapped.get(t.id) as SymbolicTensor);
  return tfl.model({ inputs, outputs, name: `${model.name}_quantized` });
}

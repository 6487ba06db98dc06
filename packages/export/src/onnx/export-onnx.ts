/**
 * The ONNX export of a VisionLanguageModel: the graphs' bytes and the
 * `onnx` section of config.json that tells a runtime how to drive them.
 *
 *   encoder_scene.onnx   pixel_values [B, 64, 64, 3]  → last_hidden_state [B, 64, C]
 *   encoder_text.onnx    pixel_values [B, 32, 128, 3] → last_hidden_state [B, T, C] (+ ctc_log_probs [B, T, K])
 *   decoder.onnx         one step with a KV cache (decoder-graph.ts)
 *
 * Opset 17 (default domain) + com.microsoft 1 when a projection is packed;
 * IR version 8. Float projections are Gemm/MatMul; packed ones MatMulNBits
 * (matmul-nbits.ts). Embeddings, norms, biases and position tables stay float32.
 */
import type { Linear } from '@mobile-mm/core';
import { IMAGE_SIZES, TASK_MAX_NEW_TOKENS, TASK_PROMPTS, type ImageKind, type VisionLanguageModel } from '@mobile-mm/vision';
import { decoderGraph } from './decoder-graph.js';
import { CTC_OUTPUT, ENCODER_INPUT, encoderGraph } from './encoder-graph.js';
import type { GraphBuilder } from './graph.js';
import type { NBitsOptions } from './matmul-nbits.js';
import { IR_VERSION, MS_DOMAIN, MS_OPSET, OPSET, encodeModel, modelProto, type IGraphProto } from './proto.js';
import { readLinear, type LinearWeights, type TargetBits } from './weights.js';

export interface OnnxExportOptions {
  /** Projections as the model holds them ('keep'), float (32), or packed at 2/4/8 bits (widened from narrower codes). */
  bits: TargetBits;
  /** MatMulNBits accuracy_level (matmul-nbits.ts); default 0. */
  accuracyLevel?: NBitsOptions['accuracyLevel'];
  /** How packed projections run: 'matmulnbits' (default) or 'dequantize' (float W folded at load). */
  op?: NBitsOptions['op'];
}

export const ONNX_FILES = { scene: 'encoder_scene.onnx', text: 'encoder_text.onnx', decoder: 'decoder.onnx' } as const;

/** What config.json's `onnx` section holds. */
export interface OnnxConfig {
  irVersion: number;
  opset: { 'ai.onnx': number; 'com.microsoft'?: number };
  encoders: Record<ImageKind, { file: string; input: string; imageSize: [number, number]; outputs: string[]; tokens: number }>;
  decoder: {
    file: string;
    layers: number;
    numHeads: number;
    headDim: number;
    dim: number;
    vocabSize: number;
    maxLength: number;
    inputs: string[];
    outputs: string[];
  };
  /** How the projections are stored. */
  projections:
    | { kind: 'float' }
    | { kind: 'MatMulNBits'; bits: number; blockSize: number; accuracyLevel: number; zeroPoints: 'uint8 zeros'; minTerm: 'MatMul(MatMul(x, block indicator), minsᵀ)' }
    | { kind: 'dequantize'; bits: number; blockSize: number; unpack: 'Mod(BitShift(codes), 2^bits)·scale + min, folded to float32 at load' };
  generation: {
    bosTokenId: number;
    sepTokenId: number;
    eosTokenId: number;
    padTokenId: number;
    /** Decoder prompt: <bos> prompt-words <sep>; answers: words, OCR characters. */
    prompts: Record<string, string>;
    maxNewTokens: Record<string, number>;
    /** OCR through the CTC head of encoder_text (blank = class 0, class c = ocrChars[c − 1]). */
    ctc: { output: string; blank: 0; ocrChars: string[] } | null;
  };
}

export interface OnnxExport {
  files: Map<string, Uint8Array>;
  config: OnnxConfig;
  nodeCounts: Record<string, number>;
}

/** Every projection's weights converted to `bits`, by layer (the scene-cell head is training-only and skipped). */
async function readLinears(model: VisionLanguageModel, bits: TargetBits): Promise<Map<Linear, LinearWeights>> {
  const table = new Map<Linear, LinearWeights>();
  for (const [path, l] of Object.entries(model.linears())) {
    if (path === 'scene_cells') continue;
    table.set(l, await readLinear(l, bits, path));
  }
  return table;
}

export async function exportOnnx(model: VisionLanguageModel, options: OnnxExportOptions): Promise<OnnxExport> {
  const nbits: NBitsOptions = { accuracyLevel: options.accuracyLevel ?? 0, op: options.op ?? 'matmulnbits' };
  const linears = await readLinears(model, options.bits);
  const packed = [...linears.values()].filter((w) => w.kind === 'packed');
  const files = new Map<string, Uint8Array>();
  const nodeCounts: Record<string, number> = {};
  const metadata = { 'mobile_mm.format': 'mobile-mm-vlm-onnx', 'mobile_mm.version': '1' };
  let microsoft = false;
  const write = (file: string, built: { graph: IGraphProto; g: GraphBuilder }) => {
    microsoft ||= built.g.usesMicrosoftOps;
    files.set(file, encodeModel(modelProto(built.graph, metadata, built.g.usesMicrosoftOps)));
    nodeCounts[file] = built.g.nodeCount;
  };

  const encoders = {} as OnnxConfig['encoders'];
  for (const kind of ['scene', 'text'] as const) {
    const built = encoderGraph(model, kind, linears, nbits);
    write(ONNX_FILES[kind], built);
    const outputs = built.graph.output!.map((o) => o.name!);
    const dims = built.graph.output![0].type!.tensorType!.shape!.dim!;
    encoders[kind] = { file: ONNX_FILES[kind], input: ENCODER_INPUT, imageSize: [...IMAGE_SIZES[kind]], outputs, tokens: Number(dims[1].dimValue) };
  }
  const dec = decoderGraph(model, linears, nbits);
  write(ONNX_FILES.decoder, dec);

  const d = model.decoder.config;
  const t = model.tokenizer;
  const bitsUsed = [...new Set(packed.map((w) => w.bits))];
  const config: OnnxConfig = {
    irVersion: IR_VERSION,
    opset: { 'ai.onnx': OPSET, ...(microsoft ? { [MS_DOMAIN]: MS_OPSET } : {}) },
    encoders,
    decoder: {
      file: ONNX_FILES.decoder,
      layers: d.numLayers,
      numHeads: d.numHeads,
      headDim: d.headDim,
      dim: d.dim,
      vocabSize: d.vocabSize,
      maxLength: d.maxLength,
      inputs: dec.graph.input!.map((i) => i.name!),
      outputs: dec.graph.output!.map((o) => o.name!),
    },
    projections:
      packed.length === 0
        ? { kind: 'float' }
        : nbits.op === 'dequantize'
          ? { kind: 'dequantize', bits: Math.max(...bitsUsed), blockSize: packed[0].kind === 'packed' ? packed[0].groupSize : 64, unpack: 'Mod(BitShift(codes), 2^bits)·scale + min, folded to float32 at load' }
          : {
              kind: 'MatMulNBits',
              bits: Math.max(...bitsUsed),
              blockSize: packed[0].kind === 'packed' ? packed[0].groupSize : 64,
              accuracyLevel: nbits.accuracyLevel,
              zeroPoints: 'uint8 zeros',
              minTerm: 'MatMul(MatMul(x, block indicator), minsᵀ)',
            },
    generation: {
      bosTokenId: t.bosId,
      sepTokenId: t.sepId,
      eosTokenId: t.eosId,
      padTokenId: t.padId,
      prompts: { ...TASK_PROMPTS },
      maxNewTokens: { ...TASK_MAX_NEW_TOKENS },
      ctc: model.ctcHead ? { output: CTC_OUTPUT, blank: 0, ocrChars: [...model.ctcHead.chars] } : null,
    },
  };
  return { files, config, nodeCounts };
}

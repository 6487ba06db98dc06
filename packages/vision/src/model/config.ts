/**
 * Config of the vision-language model: a patch encoder over the image and a
 * TextDecoder (core) that cross-attends to it, with the task prompt as the
 * decoder prefix. Typed, with a *why* on each field, named presets, and one
 * validation function that names the bad field.
 */
import { FEED_FORWARD_KINDS, NORM_KINDS, checkConfig, type FeedForwardKind, type NormKind } from '@mobile-mm/core';

/** The two SynthScenes image kinds and their fixed input sizes [H, W]. */
export type ImageKind = 'scene' | 'text';
export const IMAGE_SIZES: Readonly<Record<ImageKind, readonly [number, number]>> = Object.freeze({
  scene: [64, 64] as const,
  text: [32, 128] as const,
});

export interface VisionEncoderConfig {
  /**
   * Side of the first, pixel-level patch (stage 1). 4 px: characters are 8–12 px
   * wide and small objects 8 px, so a stage-1 patch never spans two of them.
   */
  patchSize: number;
  /** Stage-1 width: each p×p×3 patch → this many features through a GELU MLP. */
  stemDim: number;
  /**
   * 3×3 neighbourhood mixing on the stage-1 map before the merge: lets the stem
   * see a whole character or small shape (12–20 px) before tokens form.
   * Optional (absent = false) so older checkpoints load unchanged.
   */
  stemConv?: boolean;
  /**
   * Stage 2 merges merge×merge neighbouring stage-1 patches into one token.
   * 2 → 8×8-pixel tokens: 64 tokens for a 64×64 scene and for a 32×128 line.
   */
  merge: number;
  /**
   * How a text line becomes tokens. 'grid' (absent): the same merge×merge
   * cells as a scene (4×16 tokens). 'columns': one token per patchSize-wide,
   * full-height column (1×32 for 4 px), a left-to-right sequence the decoder
   * reads in order, blind to the glyphs' height and vertical jitter
   * (EXPERIMENTS.md, run 4).
   */
  textTokens?: 'grid' | 'columns';
  /** Init std of the 2-D position tables (absent = 0.5; EXPERIMENTS.md run 1 for why not 0.02). */
  positionInitStd?: number;
  /** Re-add the positions to the memory after the final norm (absent = true). */
  memoryPositions?: boolean;
  /** C: token width through the encoder (and the decoder's memory width). 128 holds a token's shape, colour, size and position with room to spare. */
  dim: number;
  /** Encoder blocks over the image tokens: 2 let every token see the whole 64-token scene twice, enough to relate neighbours (beside, same colour). */
  numLayers: number;
  /** Attention heads per block: 4 heads of 32 dims, so a token can attend by position and by content at once. */
  numHeads: number;
  /** 'layer' or 'rms' (core's block config): LayerNorm trains as well as RMSNorm here and matches the peer models. */
  norm: NormKind;
  /** 'gelu' or 'swiglu': GELU (sigmoid form, fast on wasm) at 4·C; SwiGLU costs a third matmul per block. */
  ff: FeedForwardKind;
}

export interface DecoderConfig {
  /** Decoder width: the same as the encoder's so cross-attention needs no extra projection width. */
  dim: number;
  /** Decoder blocks (self-attention, cross-attention, feed-forward): 2 read a 3-object caption or a line; deeper presets for harder questions. */
  numLayers: number;
  /** Attention heads per block (must divide dim). */
  numHeads: number;
  /** 'layer' or 'rms', as the encoder's. */
  norm: NormKind;
  /** 'gelu' or 'swiglu', as the encoder's. */
  ff: FeedForwardKind;
  /** Prompt + answer tokens: the longest VQA question (8 words) + sep + a 30-word caption fits in 48. */
  maxLength: number;
  /** Tie the LM head to the token embedding: saves V·C weights. */
  tieEmbeddings: boolean;
}

export interface VisionLanguageConfig {
  encoder: VisionEncoderConfig;
  decoder: DecoderConfig;
  /**
   * A CTC head on the text-line memory (needs encoder.textTokens 'columns'):
   * trained next to the decoder (joint CTC/attention), and a one-pass OCR
   * reader. Absent = false.
   */
  ocrCtc?: boolean;
  /**
   * A per-cell classifier on the scene memory (3×3 cells, area-pooled): each
   * cell is empty or one (shape, colour, size), trained against the scene
   * graph. A direct signal for what is where, the facts every caption and
   * answer is made of. Training only; absent = false.
   */
  sceneCells?: boolean;
  /**
   * Append the nine area-pooled cell vectors (the cell head's inputs) to the
   * scene memory: a question that picks "the yellow square" then needs one
   * attention hop to one token that holds one object's attributes, instead
   * of a conjunction over the 8×8 patch tokens (EXPERIMENTS.md, run 7).
   * Needs sceneCells. Absent = false.
   */
  cellMemory?: boolean;
  /** Set from the tokenizer. */
  vocabSize: number;
}

const TINY: Omit<VisionLanguageConfig, 'vocabSize'> = {
  encoder: { patchSize: 4, stemDim: 64, merge: 2, dim: 128, numLayers: 2, numHeads: 4, norm: 'layer', ff: 'gelu' },
  decoder: { dim: 128, numLayers: 2, numHeads: 4, norm: 'layer', ff: 'gelu', maxLength: 48, tieEmbeddings: true },
};

/**
 * Named sizes. `tinyAux` is the shipped one (trained in ≤3 h on 2 cores);
 * `tiny` is the same network without the column text tokens and the two
 * auxiliary heads (the first shipped recipe, EXPERIMENTS.md run 2), and the
 * tiny* variants are the experiments' ablations; `small` and `base` are the
 * tinyAux recipe for bigger budgets. Parameter counts and INT2 sizes are
 * printed by `npm run train -- --preset NAME --dry-run`.
 */
export const MOBILE_MM_PRESETS = {
  tiny: TINY,
  /** tiny with the 3×3 stem mixing (EXPERIMENTS.md, run 3). */
  tinyConv: { encoder: { ...TINY.encoder, stemConv: true }, decoder: TINY.decoder },
  /** tiny with one 8×8-pixel patch per token (stage 1 sees the whole token; no merge): the OCR diagnostic in EXPERIMENTS.md. */
  tinyP8: { encoder: { ...TINY.encoder, patchSize: 8, merge: 1, stemDim: 128 }, decoder: TINY.decoder },
  /** tiny with the calibration's plain positions (std 0.02, added once at the input): the second OCR diagnostic. */
  tinyPlainPos: { encoder: { ...TINY.encoder, positionInitStd: 0.02, memoryPositions: false }, decoder: TINY.decoder },
  /** tiny with text lines read as 32 full-height 4-px columns (EXPERIMENTS.md, run 4). */
  tinyCols: { encoder: { ...TINY.encoder, textTokens: 'columns' }, decoder: TINY.decoder },
  /** tinyCols with the OCR CTC head (EXPERIMENTS.md, run 5). */
  tinyColsCtc: { encoder: { ...TINY.encoder, textTokens: 'columns' }, decoder: TINY.decoder, ocrCtc: true },
  /**
   * The shipped recipe (tiny-fp32 / tiny-int2): tiny with text lines as columns,
   * the OCR CTC head and the scene-cell head (EXPERIMENTS.md, run 6).
   */
  tinyAux: { encoder: { ...TINY.encoder, textTokens: 'columns' }, decoder: TINY.decoder, ocrCtc: true, sceneCells: true },
  /** tinyAux with the cell vectors in the scene memory (EXPERIMENTS.md, run 7). */
  tinyCellMem: { encoder: { ...TINY.encoder, textTokens: 'columns' }, decoder: TINY.decoder, ocrCtc: true, sceneCells: true, cellMemory: true },
  /** tinyAux at width 256, 4+4 blocks. */
  small: {
    encoder: { ...TINY.encoder, dim: 256, stemDim: 96, numLayers: 4, numHeads: 8, textTokens: 'columns' },
    decoder: { ...TINY.decoder, dim: 256, numLayers: 4, numHeads: 8 },
    ocrCtc: true,
    sceneCells: true,
  },
  /** Largest preset under 35 MB at 2 bits (≈2.5 bits/weight on disk with f16 scales); the tinyAux recipe. */
  base: {
    encoder: { ...TINY.encoder, dim: 512, stemDim: 128, numLayers: 14, numHeads: 8, textTokens: 'columns' },
    decoder: { ...TINY.decoder, dim: 512, numLayers: 14, numHeads: 8 },
    ocrCtc: true,
    sceneCells: true,
  },
} satisfies Record<string, Omit<VisionLanguageConfig, 'vocabSize'>>;

export type PresetName = keyof typeof MOBILE_MM_PRESETS;

const isPosInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0;

export function validateVisionLanguageConfig(c: VisionLanguageConfig): void {
  checkConfig(c != null && typeof c === 'object', '', 'must be an object with encoder, decoder and vocabSize.');
  checkConfig(isPosInt(c.vocabSize), 'vocabSize', `must be a positive integer, got ${String(c.vocabSize)}.`);
  const e = c.encoder;
  checkConfig(e != null && typeof e === 'object', 'encoder', 'must be an object.');
  for (const f of ['patchSize', 'stemDim', 'merge', 'dim', 'numLayers', 'numHeads'] as const) {
    checkConfig(isPosInt(e[f]), `encoder.${f}`, `must be a positive integer, got ${String(e[f])}.`);
  }
  checkConfig(e.dim % e.numHeads === 0, 'encoder.numHeads', `must divide encoder.dim (${e.dim}).`);
  checkKinds(e, 'encoder');
  checkConfig(
    e.positionInitStd === undefined || (typeof e.positionInitStd === 'number' && Number.isFinite(e.positionInitStd) && e.positionInitStd > 0),
    'encoder.positionInitStd',
    `must be a positive number when given, got ${String(e.positionInitStd)}.`,
  );
  checkConfig(
    e.textTokens === undefined || e.textTokens === 'grid' || e.textTokens === 'columns',
    'encoder.textTokens',
    `must be 'grid' or 'columns' when given, got ${JSON.stringify(e.textTokens)}.`,
  );
  checkConfig(e.memoryPositions === undefined || typeof e.memoryPositions === 'boolean', 'encoder.memoryPositions', `must be true or false when given, got ${String(e.memoryPositions)}.`);
  for (const kind of ['scene', 'text'] as const) {
    const [h, w] = IMAGE_SIZES[kind];
    const cell = e.patchSize * e.merge;
    checkConfig(h % cell === 0 && w % cell === 0, 'encoder.patchSize', `patchSize·merge = ${cell} must divide the ${kind} size ${h}×${w}.`);
  }
  checkConfig(c.ocrCtc === undefined || typeof c.ocrCtc === 'boolean', 'ocrCtc', `must be true or false when given, got ${String(c.ocrCtc)}.`);
  checkConfig(!c.ocrCtc || e.textTokens === 'columns', 'ocrCtc', "needs encoder.textTokens 'columns' (CTC reads a line as a left-to-right sequence).");
  checkConfig(c.sceneCells === undefined || typeof c.sceneCells === 'boolean', 'sceneCells', `must be true or false when given, got ${String(c.sceneCells)}.`);
  checkConfig(c.cellMemory === undefined || typeof c.cellMemory === 'boolean', 'cellMemory', `must be true or false when given, got ${String(c.cellMemory)}.`);
  checkConfig(!c.cellMemory || c.sceneCells === true, 'cellMemory', "needs sceneCells (the cell vectors are the cell head's inputs).");
  const d = c.decoder;
  checkConfig(d != null && typeof d === 'object', 'decoder', 'must be an object.');
  for (const f of ['dim', 'numLayers', 'numHeads', 'maxLength'] as const) {
    checkConfig(isPosInt(d[f]), `decoder.${f}`, `must be a positive integer, got ${String(d[f])}.`);
  }
  checkConfig(d.dim % d.numHeads === 0, 'decoder.numHeads', `must divide decoder.dim (${d.dim}).`);
  checkKinds(d, 'decoder');
  checkConfig(typeof d.tieEmbeddings === 'boolean', 'decoder.tieEmbeddings', `must be true or false, got ${String(d.tieEmbeddings)}.`);
}

/** norm and ff of the encoder or decoder: one of core's kinds, named with the nesting (`encoder.norm`). */
function checkKinds(c: { norm: unknown; ff: unknown }, where: 'encoder' | 'decoder'): void {
  const list = (xs: readonly string[]) => xs.map((x) => `'${x}'`).join(', ');
  checkConfig(NORM_KINDS.includes(c.norm as NormKind), `${where}.norm`, `must be one of ${list(NORM_KINDS)}, got ${JSON.stringify(c.norm)}.`);
  checkConfig(FEED_FORWARD_KINDS.includes(c.ff as FeedForwardKind), `${where}.ff`, `must be one of ${list(FEED_FORWARD_KINDS)}, got ${JSON.stringify(c.ff)}.`);
}

/** Scene cells of the spec's grid, and the cell classes: empty + 3 shapes × 4 colours × 2 sizes. */
export const SCENE_GRID = 3;
export const SCENE_CELL_CLASSES = 1 + 3 * 4 * 2;

/**
 * Area pooling from scene tokens to the 3×3 cells: P [9, R·Q], row c holds
 * the fraction of cell c's area that each token covers (rows sum to 1).
 */
export function scenePoolMatrix(e: VisionEncoderConfig): Float32Array {
  const [rows, cols] = tokenGrid(e, 'scene');
  const [h, w] = IMAGE_SIZES.scene;
  const overlap = (a0: number, a1: number, b0: number, b1: number) => Math.max(0, Math.min(a1, b1) - Math.max(a0, b0));
  const p = new Float32Array(SCENE_GRID * SCENE_GRID * rows * cols);
  const ch = h / SCENE_GRID;
  const cw = w / SCENE_GRID;
  const th = h / rows;
  const tw = w / cols;
  for (let ci = 0; ci < SCENE_GRID; ci++)
    for (let cj = 0; cj < SCENE_GRID; cj++)
      for (let ti = 0; ti < rows; ti++)
        for (let tj = 0; tj < cols; tj++) {
          const area = overlap(ci * ch, (ci + 1) * ch, ti * th, (ti + 1) * th) * overlap(cj * cw, (cj + 1) * cw, tj * tw, (tj + 1) * tw);
          p[(ci * SCENE_GRID + cj) * rows * cols + ti * cols + tj] = area / (ch * cw);
        }
  return p;
}

/** Token grid [rows, cols] of an image kind under a config. */
export function tokenGrid(e: VisionEncoderConfig, kind: ImageKind): [number, number] {
  const [h, w] = IMAGE_SIZES[kind];
  if (kind === 'text' && e.textTokens === 'columns') return [1, w / e.patchSize];
  const cell = e.patchSize * e.merge;
  return [h / cell, w / cell];
}

/**
 * The tokenizer contract. CharTokenizer implements it today; a word-level or
 * BPE tokenizer can implement the same interface later and drop into every
 * caller (training data pipeline, generation, evaluation) unchanged.
 *
 * Ids 0–4 are the special tokens in every tokenizer of this project, so a
 * model's embedding rows for them never move when the vocabulary changes.
 */

/** Names of the special tokens, in id order. */
export const SPECIAL_TOKEN_NAMES = ['pad', 'bos', 'eos', 'sep', 'unk'] as const;
export type SpecialTokenName = (typeof SPECIAL_TOKEN_NAMES)[number];

/** Fixed ids of the special tokens (shared by every tokenizer here). */
export const SPECIAL_TOKEN_IDS: Readonly<Record<SpecialTokenName, number>> = Object.freeze({
  pad: 0,
  bos: 1,
  eos: 2,
  sep: 3,
  unk: 4,
});

/** How each special token is written when decoded with skipSpecial: false. */
export const DEFAULT_SPECIAL_TOKEN_TEXT: Readonly<Record<SpecialTokenName, string>> = Object.freeze({
  pad: '<pad>',
  bos: '<bos>',
  eos: '<eos>',
  sep: '<sep>',
  unk: '<unk>',
});

export interface EncodeOptions {
  /** Prepend the bos token. Default false. */
  addBos?: boolean;
  /** Append the eos token. Default false. */
  addEos?: boolean;
}

export interface DecodeOptions {
  /**
   * Drop special tokens (pad, bos, eos, sep, unk) from the text. Default true:
   * the usual caller decodes generated tokens for display or scoring.
   */
  skipSpecial?: boolean;
}

export interface EncodeBatchOptions extends EncodeOptions {
  /**
   * 'longest' pads every row to the longest row of the batch (default); a
   * number pads every row to exactly that length.
   */
  padTo?: 'longest' | number;
  /**
   * With a fixed padTo: cut rows that are too long (keeping bos/eos when
   * requested) instead of throwing INVALID_ARGUMENT. Default false.
   */
  truncate?: boolean;
  /** Where pad tokens go. Default 'right'; 'left' suits batched decoder prompts. */
  paddingSide?: 'right' | 'left';
}

export interface EncodedBatch {
  /** [batch][length] token ids, padded with the pad id. */
  ids: number[][];
  /** [batch][length]: 1 for a real token, 0 for padding. */
  attentionMask: number[][];
  /** Unpadded length of each row (after truncation). */
  lengths: number[];
}

/** The JSON form every tokenizer serialises to; `type` selects the class. */
export interface TokenizerJSONBase {
  type: string;
  version: number;
}

export interface Tokenizer {
  /** Number of ids, special tokens included. */
  readonly vocabSize: number;
  readonly padId: number;
  readonly bosId: number;
  readonly eosId: number;
  readonly sepId: number;
  readonly unkId: number;
  /** True for the ids of pad, bos, eos, sep and unk. */
  isSpecial(id: number): boolean;
  encode(text: string, options?: EncodeOptions): number[];
  decode(ids: ArrayLike<number>, options?: DecodeOptions): string;
  encodeBatch(texts: readonly string[], options?: EncodeBatchOptions): EncodedBatch;
  /** A plain JSON object from which the matching fromJSON rebuilds this tokenizer. */
  toJSON(): TokenizerJSONBase;
}

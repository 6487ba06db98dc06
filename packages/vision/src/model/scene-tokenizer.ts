/**
 * SceneTokenizer: words for prompts, captions and VQA answers; characters for
 * OCR answers. One vocabulary, ids 0–4 the shared special tokens.
 *
 * Why two granularities: a caption is ~27 words but ~110 characters, and
 * every decoded token costs one decoder step, so words make captions ~4×
 * cheaper to generate and to train on. OCR output is arbitrary strings of
 * A–Z, 0–9 and spaces, so it stays character-level (≤14 characters).
 *
 *   encode('what color is the circle?')  → [what, color, is, the, circle, ?]
 *   encodeChars('AB 12')                 → [c:A, c:B, c:␠, c:1, c:2]
 *   decode(ids)                          → words joined by spaces (no space
 *                                          before , . ?), characters verbatim
 */
import {
  DEFAULT_SPECIAL_TOKEN_TEXT,
  MobileMMError,
  SPECIAL_TOKEN_IDS,
  SPECIAL_TOKEN_NAMES,
  encodeBatchWith,
  type DecodeOptions,
  type EncodeBatchOptions,
  type EncodeOptions,
  type EncodedBatch,
  type Tokenizer,
  type TokenizerJSONBase,
} from '@mobile-mm/core';

/** Every word the SynthScenes v1 prompts and answers use, plus the task prompts. */
export const SCENE_WORDS: readonly string[] = Object.freeze([
  'caption', 'ocr',
  'a', 'large', 'small', 'red', 'green', 'blue', 'yellow', 'circle', 'square', 'triangle',
  'circles', 'squares', 'triangles', 'at', 'the', 'top', 'bottom', 'left', 'right', 'center',
  'and', ',', '.', '?', 'what', 'color', 'is', 'shape', 'how', 'many', 'are', 'there', 'objects',
  'where', 'size', 'nothing', 'yes', 'no', '0', '1', '2', '3',
]);

/** OCR alphabet: A–Z, 0–9 and the space. */
export const OCR_CHARS: readonly string[] = Object.freeze([
  ...'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ',
]);

const CHAR_PREFIX = 'c:';
const WORD_RE = /[a-z0-9]+|[,.?]/g;

export interface SceneTokenizerJSON extends TokenizerJSONBase {
  type: 'scene';
  words: string[];
  chars: string[];
}

export class SceneTokenizer implements Tokenizer {
  readonly padId = SPECIAL_TOKEN_IDS.pad;
  readonly bosId = SPECIAL_TOKEN_IDS.bos;
  readonly eosId = SPECIAL_TOKEN_IDS.eos;
  readonly sepId = SPECIAL_TOKEN_IDS.sep;
  readonly unkId = SPECIAL_TOKEN_IDS.unk;
  private readonly tokens: string[];
  private readonly wordIds = new Map<string, number>();
  private readonly charIds = new Map<string, number>();

  constructor(
    readonly words: readonly string[] = SCENE_WORDS,
    readonly chars: readonly string[] = OCR_CHARS,
  ) {
    this.tokens = SPECIAL_TOKEN_NAMES.map((n) => DEFAULT_SPECIAL_TOKEN_TEXT[n]);
    for (const w of words) {
      if (this.wordIds.has(w)) throw new MobileMMError('INVALID_CONFIG', `SceneTokenizer: duplicate word "${w}".`, { field: 'words' });
      this.wordIds.set(w, this.tokens.length);
      this.tokens.push(w);
    }
    for (const c of chars) {
      if ([...c].length !== 1 || this.charIds.has(c)) {
        throw new MobileMMError('INVALID_CONFIG', `SceneTokenizer: chars must be distinct single characters, got "${c}".`, { field: 'chars' });
      }
      this.charIds.set(c, this.tokens.length);
      this.tokens.push(CHAR_PREFIX + c);
    }
  }

  get vocabSize(): number {
    return this.tokens.length;
  }

  isSpecial(id: number): boolean {
    return id >= 0 && id < SPECIAL_TOKEN_NAMES.length;
  }

  isChar(id: number): boolean {
    return id >= SPECIAL_TOKEN_NAMES.length + this.words.length && id < this.tokens.length;
  }

  /** Word-level: lower-cases, splits into words and `, . ?`; unknown words → unk. */
  encode(text: string, options: EncodeOptions = {}): number[] {
    const body = (text.toLowerCase().match(WORD_RE) ?? []).map((w) => this.wordIds.get(w) ?? this.unkId);
    return [...(options.addBos ? [this.bosId] : []), ...body, ...(options.addEos ? [this.eosId] : [])];
  }

  /** Character-level (OCR answers): each character its own token; unknown → unk. */
  encodeChars(text: string, options: EncodeOptions = {}): number[] {
    const body = [...text].map((c) => this.charIds.get(c) ?? this.unkId);
    return [...(options.addBos ? [this.bosId] : []), ...body, ...(options.addEos ? [this.eosId] : [])];
  }

  decode(ids: ArrayLike<number>, options: DecodeOptions = {}): string {
    const skip = options.skipSpecial ?? true;
    let out = '';
    let prevWord = false;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (!Number.isInteger(id) || id < 0 || id >= this.tokens.length) {
        throw new MobileMMError('INVALID_TOKEN', `SceneTokenizer.decode: id ${id} outside [0, ${this.tokens.length}).`, { id });
      }
      if (this.isSpecial(id)) {
        if (!skip) out += this.tokens[id];
        prevWord = false;
        continue;
      }
      const tok = this.tokens[id];
      if (this.isChar(id)) {
        out += tok.slice(CHAR_PREFIX.length);
        prevWord = false;
      } else {
        const punct = tok === ',' || tok === '.' || tok === '?';
        out += prevWord && !punct ? ` ${tok}` : tok;
        prevWord = true;
      }
    }
    return out;
  }

  encodeBatch(texts: readonly string[], options: EncodeBatchOptions = {}): EncodedBatch {
    return encodeBatchWith((t) => this.encode(t), this, texts, options);
  }

  toJSON(): SceneTokenizerJSON {
    return { type: 'scene', version: 1, words: [...this.words], chars: [...this.chars] };
  }

  static fromJSON(json: unknown): SceneTokenizer {
    const j = json as Partial<SceneTokenizerJSON> | null;
    if (!j || j.type !== 'scene') {
      throw new MobileMMError('INVALID_CONFIG', 'SceneTokenizer.fromJSON: expected {"type":"scene", ...}.', { field: 'type' });
    }
    if (j.version !== 1) throw new MobileMMError('INVALID_CONFIG', `SceneTokenizer.fromJSON: version ${j.version} unsupported; accepted: 1.`, { field: 'version' });
    if (!Array.isArray(j.words) || !j.words.every((w) => typeof w === 'string')) {
      throw new MobileMMError('INVALID_CONFIG', 'SceneTokenizer.fromJSON: words must be an array of strings.', { field: 'words' });
    }
    if (!Array.isArray(j.chars) || !j.chars.every((c) => typeof c === 'string')) {
      throw new MobileMMError('INVALID_CONFIG', 'SceneTokenizer.fromJSON: chars must be an array of strings.', { field: 'chars' });
    }
    return new SceneTokenizer(j.words, j.chars);
  }
}

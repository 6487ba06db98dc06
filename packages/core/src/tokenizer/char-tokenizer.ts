/**
 * Character-level tokenizer: one id per Unicode code point.
 *
 *   ids 0..4   pad, bos, eos, sep, unk (fixed, see tokenizer.ts)
 *   ids 5..    the charset, in the order given
 *
 *   const tok = new CharTokenizer();                 // SynthScenes charset
 *   const ids = tok.encode('a red circle.', { addBos: true, addEos: true });
 *   tok.decode(ids);                                 // 'a red circle.'
 *   const same = CharTokenizer.fromJSON(JSON.stringify(tok));
 */
import { MobileMMError, checkConfig } from '../errors.js';
import { encodeBatchWith } from './batch.js';
import {
  DEFAULT_SPECIAL_TOKEN_TEXT,
  SPECIAL_TOKEN_IDS,
  SPECIAL_TOKEN_NAMES,
  type DecodeOptions,
  type EncodeBatchOptions,
  type EncodedBatch,
  type EncodeOptions,
  type SpecialTokenName,
  type Tokenizer,
  type TokenizerJSONBase,
} from './tokenizer.js';

/**
 * Every character SynthScenes v1 can put in a prompt or an answer: captions
 * and questions are lower case with `.`, `,`, `?`; OCR lines are A–Z and 0–9.
 */
export const SYNTHSCENES_CHARSET: readonly string[] = Object.freeze([
  ...' .,?',
  ...'0123456789',
  ...'abcdefghijklmnopqrstuvwxyz',
  ...'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
]);

export interface CharTokenizerConfig {
  /**
   * The vocabulary after the 5 special tokens, in id order: a string (split
   * into code points) or an array of single code points. Default
   * SYNTHSCENES_CHARSET. Order matters: it fixes the ids a model was trained on.
   */
  charset?: string | readonly string[];
  /**
   * false (default): a character outside the charset encodes to unk, so noisy
   * input never crashes inference. true: throw INVALID_TOKEN instead, for data
   * pipelines where an unknown character is a bug.
   */
  strict?: boolean;
  /** How special tokens read when decoded with skipSpecial: false. */
  specialTokens?: Partial<Record<SpecialTokenName, string>>;
}

/** The JSON form of a CharTokenizer (toJSON / fromJSON). */
export interface CharTokenizerJSON extends TokenizerJSONBase {
  type: 'char';
  version: 1;
  charset: string[];
  strict: boolean;
  specialTokens: Record<SpecialTokenName, string>;
}

const JSON_VERSION = 1;

function isSingleCodePoint(s: unknown): s is string {
  if (typeof s !== 'string' || s.length === 0) return false;
  const cp = s.codePointAt(0)!;
  return s.length === (cp > 0xffff ? 2 : 1);
}

function validateCharset(charset: readonly unknown[]): void {
  checkConfig(charset.length > 0, 'charset', 'must hold at least one character.');
  const seen = new Map<string, number>();
  charset.forEach((c, i) => {
    checkConfig(
      isSingleCodePoint(c),
      `charset[${i}]`,
      `must be a string of exactly one character (code point), got ${JSON.stringify(c)}.`,
    );
    const first = seen.get(c);
    checkConfig(
      first === undefined,
      `charset[${i}]`,
      `duplicate character ${JSON.stringify(c)} (first at index ${first}); each character may appear once.`,
    );
    seen.set(c, i);
  });
}

function validateSpecialTokens(special: Record<string, unknown>): void {
  const seen = new Set<string>();
  for (const name of SPECIAL_TOKEN_NAMES) {
    const text = special[name];
    checkConfig(
      typeof text === 'string' && text.length > 0,
      `specialTokens.${name}`,
      `must be a non-empty string, got ${JSON.stringify(text)}.`,
    );
    checkConfig(!seen.has(text), `specialTokens.${name}`, `text ${JSON.stringify(text)} is used by another special token.`);
    seen.add(text);
  }
  for (const key of Object.keys(special)) {
    checkConfig(
      (SPECIAL_TOKEN_NAMES as readonly string[]).includes(key),
      `specialTokens.${key}`,
      `unknown special token; accepted: ${SPECIAL_TOKEN_NAMES.join(', ')}.`,
    );
  }
}

export class CharTokenizer implements Tokenizer {
  readonly padId = SPECIAL_TOKEN_IDS.pad;
  readonly bosId = SPECIAL_TOKEN_IDS.bos;
  readonly eosId = SPECIAL_TOKEN_IDS.eos;
  readonly sepId = SPECIAL_TOKEN_IDS.sep;
  readonly unkId = SPECIAL_TOKEN_IDS.unk;
  readonly vocabSize: number;
  readonly strict: boolean;
  /** The charset in id order (id = index + 5). */
  readonly charset: readonly string[];
  readonly specialTokens: Readonly<Record<SpecialTokenName, string>>;

  private readonly charToId: Map<string, number>;
  /** id → text, special tokens included. */
  private readonly idToText: string[];

  constructor(config: CharTokenizerConfig = {}) {
    const raw = config.charset ?? SYNTHSCENES_CHARSET;
    checkConfig(
      typeof raw === 'string' || Array.isArray(raw),
      'charset',
      'must be a string or an array of single characters.',
    );
    const charset = typeof raw === 'string' ? Array.from(raw) : [...raw];
    validateCharset(charset);
    checkConfig(
      config.strict === undefined || typeof config.strict === 'boolean',
      'strict',
      `must be a boolean, got ${JSON.stringify(config.strict)}.`,
    );
    const special = { ...DEFAULT_SPECIAL_TOKEN_TEXT, ...(config.specialTokens ?? {}) };
    validateSpecialTokens(special);

    this.charset = Object.freeze(charset);
    this.strict = config.strict ?? false;
    this.specialTokens = Object.freeze(special);
    this.idToText = [...SPECIAL_TOKEN_NAMES.map((n) => special[n]), ...charset];
    this.charToId = new Map(charset.map((c, i) => [c, i + SPECIAL_TOKEN_NAMES.length]));
    this.vocabSize = this.idToText.length;
  }

  isSpecial(id: number): boolean {
    return Number.isInteger(id) && id >= 0 && id < SPECIAL_TOKEN_NAMES.length;
  }

  /** The id of one character, or undefined when it is not in the charset. */
  tokenToId(char: string): number | undefined {
    return this.charToId.get(char);
  }

  /** The text of one id (a special token's text for ids 0–4). */
  idToToken(id: number): string {
    this.checkId(id, 0);
    return this.idToText[id];
  }

  encode(text: string, options: EncodeOptions = {}): number[] {
    const ids = this.encodePlain(text);
    if (options.addBos) ids.unshift(this.bosId);
    if (options.addEos) ids.push(this.eosId);
    return ids;
  }

  decode(ids: ArrayLike<number>, options: DecodeOptions = {}): string {
    const skipSpecial = options.skipSpecial ?? true;
    let out = '';
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      this.checkId(id, i);
      if (skipSpecial && this.isSpecial(id)) continue;
      out += this.idToText[id];
    }
    return out;
  }

  encodeBatch(texts: readonly string[], options: EncodeBatchOptions = {}): EncodedBatch {
    return encodeBatchWith((t) => this.encodePlain(t), this, texts, options);
  }

  toJSON(): CharTokenizerJSON {
    return {
      type: 'char',
      version: JSON_VERSION,
      charset: [...this.charset],
      strict: this.strict,
      specialTokens: { ...this.specialTokens },
    };
  }

  /**
   * Rebuilds a tokenizer from toJSON() output (object or JSON string).
   * Throws INVALID_CONFIG naming the bad field.
   */
  static fromJSON(json: string | unknown): CharTokenizer {
    let obj: unknown = json;
    if (typeof json === 'string') {
      try {
        obj = JSON.parse(json);
      } catch (e) {
        throw new MobileMMError('INVALID_CONFIG', `config.(json): not valid JSON (${(e as Error).message}).`, {
          field: '(json)',
        });
      }
    }
    checkConfig(
      typeof obj === 'object' && obj !== null && !Array.isArray(obj),
      '(root)',
      'a CharTokenizer JSON must be an object.',
    );
    const o = obj as Record<string, unknown>;
    checkConfig(o.type === 'char', 'type', `must be "char", got ${JSON.stringify(o.type)}.`);
    checkConfig(o.version === JSON_VERSION, 'version', `must be ${JSON_VERSION}, got ${JSON.stringify(o.version)}.`);
    checkConfig(Array.isArray(o.charset), 'charset', 'must be an array of single characters.');
    checkConfig(
      o.strict === undefined || typeof o.strict === 'boolean',
      'strict',
      `must be a boolean, got ${JSON.stringify(o.strict)}.`,
    );
    checkConfig(
      o.specialTokens === undefined ||
        (typeof o.specialTokens === 'object' && o.specialTokens !== null && !Array.isArray(o.specialTokens)),
      'specialTokens',
      'must be an object mapping pad, bos, eos, sep, unk to their text.',
    );
    return new CharTokenizer({
      charset: o.charset as string[],
      strict: o.strict as boolean | undefined,
      specialTokens: o.specialTokens as Record<SpecialTokenName, string> | undefined,
    });
  }

  private encodePlain(text: string): number[] {
    if (typeof text !== 'string') {
      throw new MobileMMError('INVALID_ARGUMENT', `encode: text must be a string, got ${typeof text}.`);
    }
    const ids: number[] = [];
    let pos = 0;
    for (const ch of text) {
      const id = this.charToId.get(ch);
      if (id !== undefined) {
        ids.push(id);
      } else if (this.strict) {
        throw new MobileMMError(
          'INVALID_TOKEN',
          `encode: character ${JSON.stringify(ch)} (U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}) ` +
            `at position ${pos} is not in the charset; strict mode accepts only: ${JSON.stringify(this.charset.join(''))}.`,
          { char: ch, position: pos },
        );
      } else {
        ids.push(this.unkId);
      }
      pos++;
    }
    return ids;
  }

  private checkId(id: number, position: number): void {
    if (!Number.isInteger(id) || id < 0 || id >= this.vocabSize) {
      throw new MobileMMError(
        'INVALID_TOKEN',
        `decode: id ${id} at position ${position} is outside the vocabulary; accepted: integers 0..${this.vocabSize - 1}.`,
        { id, position },
      );
    }
  }
}

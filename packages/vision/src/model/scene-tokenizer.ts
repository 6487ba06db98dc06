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
 *   encode('円は何色ですか？')            → [円, は, 何色, ですか, ？]   (v2: fewest words)
 *   encodeChars('AB 12')                 → [c:A, c:B, c:␠, c:1, c:2]
 *   decode(ids)                          → words joined by spaces, none before
 *                                          , . ? nor after ¿ nor next to a
 *                                          Japanese/Chinese token; characters verbatim
 *
 * Ids: specials, then `words` (v1's SCENE_WORDS), then the OCR characters,
 * then `extraWords` (v2: the other five languages and the language tags
 * <en> … <zh>), so every v1 id keeps its meaning in a v2 vocabulary.
 * Matching is case-insensitive; decoding gives each word's own case (German
 * nouns are capitalised). Text in scripts without spaces is cut into the
 * fewest vocabulary words; what matches nothing becomes <unk>.
 */
import {
  DEFAULT_SPECIAL_TOKEN_TEXT,
  LANGUAGES,
  MobileMMError,
  SPECIAL_TOKEN_IDS,
  SPECIAL_TOKEN_NAMES,
  encodeBatchWith,
  type DecodeOptions,
  type EncodeBatchOptions,
  type EncodeOptions,
  type EncodedBatch,
  type Language,
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

/** The language tags a v2 prompt starts with (after <bos>). */
export const LANGUAGE_TAGS: Readonly<Record<Language, string>> = Object.freeze({ en: '<en>', es: '<es>', fr: '<fr>', de: '<de>', ja: '<ja>', zh: '<zh>' });

/**
 * SynthScenes v2's words beyond v1 (docs/synthscenes-v2.md): every word of
 * the es/fr/de grammars, the Japanese and Chinese units the grammars are
 * built from, and the language tags. Frozen: the ids of a trained model.
 */
export const SCENE_WORDS_V2: readonly string[] = Object.freeze([
  ...Object.values(LANGUAGE_TAGS),
  // es, fr, de
  'un', 'círculo', 'rojo', 'pequeño', 'arriba', 'la', 'izquierda', 'derecha', 'en', 'el', 'centro', 'abajo', 'grande', 'verde', 'azul',
  'amarillo', 'cuadrado', 'triángulo', 'y', '¿', 'de', 'qué', 'es', 'figura', 'hay', 'cuántos', 'círculos', 'cuadrados', 'triángulos',
  'cuántas', 'figuras', 'dónde', 'está', 'tamaño', 'nada', 'sí',
  'petit', 'cercle', 'rouge', 'haut', 'à', 'gauche', 'droite', 'au', 'centre', 'bas', 'grand', 'vert', 'bleu', 'jaune', 'carré', 'et',
  'quelle', 'couleur', 'est', 'le', 'forme', 'a-t-il', 'combien', 'cercles', 'carrés', 'formes', 'où', 'taille', 'du', 'rien', 'oui', 'non',
  'ein', 'kleiner', 'roter', 'Kreis', 'oben', 'links', 'rechts', 'in', 'der', 'Mitte', 'unten', 'großer', 'grüner', 'blauer', 'gelber',
  'kleines', 'rotes', 'Quadrat', 'großes', 'grünes', 'blaues', 'gelbes', 'Dreieck', 'und', 'welche', 'Farbe', 'hat', 'das', 'Form', 'ist',
  'wie', 'viele', 'Kreise', 'gibt', 'Quadrate', 'Dreiecke', 'Formen', 'einen', 'roten', 'grünen', 'blauen', 'gelben', 'wo', 'rote', 'grüne',
  'blaue', 'gelbe', 'groß', 'rot', 'grün', 'blau', 'gelb', 'nichts', 'ja', 'nein', 'klein',
  // ja
  '左上', '上', '右上', '左', '中央', '右', '左下', '下', '右下', 'に', '大きい', '小さい', '赤い', '緑', 'の', '青い', '黄色い', '円', '正方形',
  '三角形', '、', 'があります', '。', 'は', '何色', 'ですか', '？', 'にある', '図形', '何', 'いくつ', 'ありますか', '全部で', 'どこに', '大きさ',
  'どのくらい', '赤', '青', '黄色', 'なし', '個', 'はい', 'いいえ',
  // zh (正方形, 三角形, 黄色, 。 and ？ are shared with ja)
  '左上角', '上方', '右上角', '左边', '中间', '右边', '左下角', '下方', '右下角', '有', '一个', '大', '的', '小', '红色', '绿色', '蓝色',
  '圆形', '，', '是', '什么', '颜色', '形状', '几个', '一共', '图形', '吗', '在', '哪里', '还是', '没有', '个',
]);

const CHAR_PREFIX = 'c:';
/** Word chunks (letters and digits, hyphen-joined as in « a-t-il ») and punctuation. */
const CHUNK_RE = /[\p{L}\p{N}]+(?:-[\p{L}\p{N}]+)*|[,.?¿？、。，]/gu;
const PUNCT = new Set([',', '.', '?', '¿', '？', '、', '。', '，']);
/** Japanese and Chinese: kana, CJK ideographs, full-width forms. */
const CJK_RE = /[\u3000-\u30ff\u3400-\u9fff\uff00-\uffef]/u;

export interface SceneTokenizerJSON extends TokenizerJSONBase {
  type: 'scene';
  words: string[];
  chars: string[];
  /** v2 words (ids after the characters); absent in v1 vocabularies. */
  extraWords?: string[];
}

export class SceneTokenizer implements Tokenizer {
  readonly padId = SPECIAL_TOKEN_IDS.pad;
  readonly bosId = SPECIAL_TOKEN_IDS.bos;
  readonly eosId = SPECIAL_TOKEN_IDS.eos;
  readonly sepId = SPECIAL_TOKEN_IDS.sep;
  readonly unkId = SPECIAL_TOKEN_IDS.unk;
  private readonly tokens: string[];
  /** Lower-cased word → id. */
  private readonly wordIds = new Map<string, number>();
  private readonly charIds = new Map<string, number>();
  private readonly charIdSet = new Set<number>();
  /** Longest word of a script without spaces, in characters (bounds the longest-match search). */
  private readonly maxCjkWord: number;

  /** The v2 vocabulary: v1's words and characters, then SCENE_WORDS_V2. */
  static v2(): SceneTokenizer {
    return new SceneTokenizer(SCENE_WORDS, OCR_CHARS, SCENE_WORDS_V2);
  }

  constructor(
    readonly words: readonly string[] = SCENE_WORDS,
    readonly chars: readonly string[] = OCR_CHARS,
    readonly extraWords: readonly string[] = [],
  ) {
    this.tokens = SPECIAL_TOKEN_NAMES.map((n) => DEFAULT_SPECIAL_TOKEN_TEXT[n]);
    const addWord = (w: string, field: string) => {
      const key = w.toLowerCase();
      if (this.wordIds.has(key)) throw new MobileMMError('INVALID_CONFIG', `SceneTokenizer: duplicate word "${w}" (words match case-insensitively).`, { field });
      this.wordIds.set(key, this.tokens.length);
      this.tokens.push(w);
    };
    for (const w of words) addWord(w, 'words');
    for (const c of chars) {
      if ([...c].length !== 1 || this.charIds.has(c)) {
        throw new MobileMMError('INVALID_CONFIG', `SceneTokenizer: chars must be distinct single characters, got "${c}".`, { field: 'chars' });
      }
      this.charIds.set(c, this.tokens.length);
      this.charIdSet.add(this.tokens.length);
      this.tokens.push(CHAR_PREFIX + c);
    }
    for (const w of extraWords) addWord(w, 'extraWords');
    this.maxCjkWord = Math.max(1, ...[...words, ...extraWords].filter((w) => CJK_RE.test(w)).map((w) => [...w].length));
  }

  /** The languages this vocabulary has a tag for (v1: none, English implied). */
  get languages(): Language[] {
    return LANGUAGES.filter((l) => this.wordIds.has(LANGUAGE_TAGS[l]));
  }

  /** The id of a language tag, or null when the vocabulary has none for `lang`. */
  languageId(lang: Language): number | null {
    return this.wordIds.get(LANGUAGE_TAGS[lang]) ?? null;
  }

  get vocabSize(): number {
    return this.tokens.length;
  }

  isSpecial(id: number): boolean {
    return id >= 0 && id < SPECIAL_TOKEN_NAMES.length;
  }

  isChar(id: number): boolean {
    return this.charIdSet.has(id);
  }

  /**
   * Word-level, case-insensitive: word chunks and punctuation; a chunk of a
   * script without spaces is cut into the fewest vocabulary words; a hyphenated chunk not in
   * the vocabulary is read part by part; unknown words → unk; punctuation
   * the vocabulary lacks is dropped.
   */
  encode(text: string, options: EncodeOptions = {}): number[] {
    const body: number[] = [];
    for (const chunk of text.normalize('NFC').toLowerCase().match(CHUNK_RE) ?? []) {
      const id = this.wordIds.get(chunk);
      if (id !== undefined) body.push(id);
      else if (PUNCT.has(chunk)) continue;
      else if (CJK_RE.test(chunk)) body.push(...this.segment(chunk));
      else if (chunk.includes('-')) for (const part of chunk.split('-')) body.push(this.wordIds.get(part) ?? this.unkId);
      else body.push(this.unkId);
    }
    return [...(options.addBos ? [this.bosId] : []), ...body, ...(options.addEos ? [this.eosId] : [])];
  }

  /**
   * A chunk with Japanese/Chinese in it, cut into vocabulary words: the cut
   * with the fewest tokens, an unknown character costing as much as ten
   * words (dynamic programming over positions, so 「はいくつ」 is は + いくつ,
   * not はい + an unknown); a run of unknown characters is one unk.
   */
  private segment(chunk: string): number[] {
    const cs = [...chunk];
    const UNKNOWN = 10;
    const cost = new Float64Array(cs.length + 1).fill(Infinity);
    const step = new Int32Array(cs.length + 1); // > 0: a word of that length ends here; 0: one unknown character
    cost[0] = 0;
    for (let i = 1; i <= cs.length; i++) {
      cost[i] = cost[i - 1] + UNKNOWN;
      for (let n = 1; n <= Math.min(this.maxCjkWord, i); n++) {
        if (cost[i - n] + 1 < cost[i] && this.wordIds.has(cs.slice(i - n, i).join(''))) {
          cost[i] = cost[i - n] + 1;
          step[i] = n;
        }
      }
    }
    const out: number[] = [];
    for (let i = cs.length; i > 0; ) {
      const n = step[i];
      if (n > 0) {
        out.push(this.wordIds.get(cs.slice(i - n, i).join(''))!);
        i -= n;
      } else {
        if (out[out.length - 1] !== this.unkId) out.push(this.unkId);
        i -= 1;
      }
    }
    return out.reverse();
  }

  /** Character-level (OCR answers): each character its own token; unknown → unk. */
  encodeChars(text: string, options: EncodeOptions = {}): number[] {
    const body = [...text].map((c) => this.charIds.get(c) ?? this.unkId);
    return [...(options.addBos ? [this.bosId] : []), ...body, ...(options.addEos ? [this.eosId] : [])];
  }

  /**
   * What encode() does not understand in `text`, each once in order: words
   * (or runs of Japanese/Chinese) it reads as <unk>, and characters it drops
   * (punctuation and symbols outside the vocabulary).
   */
  unknownWords(text: string): string[] {
    const out = new Set<string>();
    const lower = text.normalize('NFC').toLowerCase();
    for (const chunk of lower.match(CHUNK_RE) ?? []) {
      if (this.wordIds.has(chunk)) continue;
      if (PUNCT.has(chunk)) out.add(chunk);
      else if (CJK_RE.test(chunk)) {
        // The unknown runs of the cut, by walking the same segmentation.
        let run = '';
        const cs = [...chunk];
        const ids = this.segment(chunk);
        let i = 0;
        for (const id of ids) {
          if (id === this.unkId) {
            run = '';
            while (i < cs.length && !this.startsKnown(cs, i)) run += cs[i++];
            if (run) out.add(run);
          } else {
            i += [...this.tokens[id].toLowerCase()].length;
          }
        }
      } else if (chunk.includes('-')) {
        for (const part of chunk.split('-')) if (!this.wordIds.has(part)) out.add(part);
      } else out.add(chunk);
    }
    for (const c of lower.replace(CHUNK_RE, '')) if (!/\s/u.test(c)) out.add(c);
    return [...out];
  }

  /** Whether a vocabulary word starts at cs[i] (used to find unknown runs). */
  private startsKnown(cs: string[], i: number): boolean {
    for (let n = Math.min(this.maxCjkWord, cs.length - i); n >= 1; n--) if (this.wordIds.has(cs.slice(i, i + n).join(''))) return true;
    return false;
  }

  decode(ids: ArrayLike<number>, options: DecodeOptions = {}): string {
    const skip = options.skipSpecial ?? true;
    let out = '';
    let prevWord = false;
    let prevCjk = false;
    let prevOpen = false;
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
        const glued = tok === ',' || tok === '.' || tok === '?' || CJK_RE.test(tok) || prevCjk || prevOpen;
        out += prevWord && !glued ? ` ${tok}` : tok;
        prevWord = true;
        prevCjk = CJK_RE.test(tok);
        prevOpen = tok === '¿';
      }
    }
    return out;
  }

  encodeBatch(texts: readonly string[], options: EncodeBatchOptions = {}): EncodedBatch {
    return encodeBatchWith((t) => this.encode(t), this, texts, options);
  }

  toJSON(): SceneTokenizerJSON {
    return { type: 'scene', version: 1, words: [...this.words], chars: [...this.chars], ...(this.extraWords.length ? { extraWords: [...this.extraWords] } : {}) };
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
    if (j.extraWords !== undefined && (!Array.isArray(j.extraWords) || !j.extraWords.every((w) => typeof w === 'string'))) {
      throw new MobileMMError('INVALID_CONFIG', 'SceneTokenizer.fromJSON: extraWords must be an array of strings when given.', { field: 'extraWords' });
    }
    return new SceneTokenizer(j.words, j.chars, j.extraWords ?? []);
  }
}

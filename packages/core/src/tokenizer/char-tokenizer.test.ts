import { describe, expect, it } from 'vitest';
import { isMobileMMError, type MobileMMError } from '../errors.js';
import { CharTokenizer, SYNTHSCENES_CHARSET } from './char-tokenizer.js';
import { SPECIAL_TOKEN_IDS, type Tokenizer } from './tokenizer.js';

function thrown(fn: () => unknown): MobileMMError {
  try {
    fn();
  } catch (e) {
    if (isMobileMMError(e)) return e;
    throw new Error(`expected a MobileMMError, got ${String(e)}`);
  }
  throw new Error('expected a throw');
}

// Every word SynthScenes v1 (shared/spec/synthscenes-v1.md) can produce.
const SPEC_STRINGS = [
  'caption',
  'ocr',
  'a large red circle at the top left, a small blue square at the center and a small yellow triangle at the bottom right.',
  'a small green square at the bottom.',
  'what color is the triangle?',
  'what shape is at the bottom left?',
  'how many squares are there?',
  'how many objects are there?',
  'is there a yellow circle?',
  'where is the green square?',
  'what size is the blue circle?',
  'top right',
  'nothing',
  'yes',
  'no',
  '0',
  '3',
  'ABCDEF 1234 XYZ',
  'QW 7 GHJKLM',
  'NOPRSTUV 5690',
];

describe('CharTokenizer', () => {
  const tok = new CharTokenizer();

  it('fixes the special ids 0-4 and puts the charset after them', () => {
    expect([tok.padId, tok.bosId, tok.eosId, tok.sepId, tok.unkId]).toEqual([0, 1, 2, 3, 4]);
    expect(SPECIAL_TOKEN_IDS).toEqual({ pad: 0, bos: 1, eos: 2, sep: 3, unk: 4 });
    expect(tok.vocabSize).toBe(5 + 4 + 10 + 26 + 26);
    expect(tok.tokenToId(' ')).toBe(5);
    expect(tok.tokenToId('.')).toBe(6);
    expect(tok.tokenToId('0')).toBe(9);
    expect(tok.tokenToId('a')).toBe(19);
    expect(tok.tokenToId('Z')).toBe(tok.vocabSize - 1);
    expect(tok.idToToken(2)).toBe('<eos>');
    for (let id = 0; id < tok.vocabSize; id++) expect(tok.isSpecial(id)).toBe(id < 5);
  });

  it('covers every SynthScenes string without unk and round-trips it', () => {
    for (const s of SPEC_STRINGS) {
      const ids = tok.encode(s);
      expect(ids).not.toContain(tok.unkId);
      expect(ids.length).toBe(s.length);
      expect(tok.decode(ids)).toBe(s);
    }
  });

  it('encodes character by character against a hand-built table', () => {
    const table = new Map(SYNTHSCENES_CHARSET.map((c, i) => [c, i + 5]));
    const s = 'how many circles are there? 12 AB.';
    expect(tok.encode(s)).toEqual([...s].map((c) => table.get(c)));
  });

  it('adds bos/eos on request and skips specials when decoding by default', () => {
    const ids = tok.encode('ab', { addBos: true, addEos: true });
    expect(ids).toEqual([1, 19, 20, 2]);
    expect(tok.decode(ids)).toBe('ab');
    expect(tok.decode(ids, { skipSpecial: false })).toBe('<bos>ab<eos>');
    expect(tok.decode([0, 3, 4, 19], { skipSpecial: false })).toBe('<pad><sep><unk>a');
    expect(tok.decode(new Int32Array([19, 2, 0, 0]))).toBe('a');
    expect(tok.encode('')).toEqual([]);
  });

  it('maps unknown characters to unk, by code point, and throws INVALID_TOKEN in strict mode', () => {
    expect(tok.encode('a!b')).toEqual([19, 4, 20]);
    // One astral-plane code point (surrogate pair) is one unknown character.
    expect(tok.encode('a\u{1F600}b')).toEqual([19, 4, 20]);
    const strict = new CharTokenizer({ strict: true });
    const e = thrown(() => strict.encode('ab!'));
    expect(e.code).toBe('INVALID_TOKEN');
    expect(e.message).toContain('"!"');
    expect(e.message).toContain('position 2');
    expect(e.details).toMatchObject({ char: '!', position: 2 });
  });

  it('rejects ids outside the vocabulary when decoding', () => {
    for (const bad of [-1, tok.vocabSize, 1.5, Number.NaN]) {
      const e = thrown(() => tok.decode([19, bad]));
      expect(e.code).toBe('INVALID_TOKEN');
      expect(e.details).toMatchObject({ position: 1 });
    }
  });

  it('accepts a custom charset as a string or an array', () => {
    const t = new CharTokenizer({ charset: 'xyzé\u{1F600}' });
    expect(t.vocabSize).toBe(10);
    expect(t.encode('zé\u{1F600}q')).toEqual([7, 8, 9, 4]);
    expect(t.decode([5, 9])).toBe('x\u{1F600}');
    const u = new CharTokenizer({ charset: ['b', 'a'], specialTokens: { unk: '?' } });
    expect(u.encode('abc')).toEqual([6, 5, 4]);
    expect(u.decode([6, 4], { skipSpecial: false })).toBe('a?');
  });

  it('rejects bad configs with INVALID_CONFIG naming the field', () => {
    const cases: [() => unknown, string][] = [
      [() => new CharTokenizer({ charset: '' }), 'charset'],
      [() => new CharTokenizer({ charset: 'abca' }), 'charset[3]'],
      [() => new CharTokenizer({ charset: ['a', 'bc'] }), 'charset[1]'],
      [() => new CharTokenizer({ charset: ['a', 7 as unknown as string] }), 'charset[1]'],
      [() => new CharTokenizer({ strict: 'yes' as unknown as boolean }), 'strict'],
      [() => new CharTokenizer({ specialTokens: { eos: '' } }), 'specialTokens.eos'],
      [() => new CharTokenizer({ specialTokens: { eos: '<pad>' } }), 'specialTokens.eos'],
    ];
    for (const [fn, field] of cases) {
      const e = thrown(fn);
      expect(e.code).toBe('INVALID_CONFIG');
      expect(e.details?.field).toBe(field);
      expect(e.message).toContain(field);
    }
  });

  describe('encodeBatch', () => {
    it('pads to the longest row with a mask', () => {
      const b = tok.encodeBatch(['ab', 'abcd', ''], { addBos: true });
      expect(b.ids).toEqual([
        [1, 19, 20, 0, 0],
        [1, 19, 20, 21, 22],
        [1, 0, 0, 0, 0],
      ]);
      expect(b.attentionMask).toEqual([
        [1, 1, 1, 0, 0],
        [1, 1, 1, 1, 1],
        [1, 0, 0, 0, 0],
      ]);
      expect(b.lengths).toEqual([3, 5, 1]);
    });

    it('pads to a fixed length, on the left on request', () => {
      const b = tok.encodeBatch(['ab', 'a'], { padTo: 4, addEos: true, paddingSide: 'left' });
      expect(b.ids).toEqual([
        [0, 19, 20, 2],
        [0, 0, 19, 2],
      ]);
      expect(b.attentionMask).toEqual([
        [0, 1, 1, 1],
        [0, 0, 1, 1],
      ]);
    });

    it('throws INVALID_ARGUMENT for a row longer than padTo unless truncate is set', () => {
      const e = thrown(() => tok.encodeBatch(['abcdef'], { padTo: 4, addBos: true }));
      expect(e.code).toBe('INVALID_ARGUMENT');
      expect(e.details).toMatchObject({ row: 0, length: 7, padTo: 4 });
      const b = tok.encodeBatch(['abcdef', 'a'], { padTo: 4, addBos: true, addEos: true, truncate: true });
      expect(b.ids).toEqual([
        [1, 19, 20, 2],
        [1, 19, 2, 0],
      ]);
      expect(b.lengths).toEqual([4, 3]);
      expect(tok.encodeBatch([], {}).ids).toEqual([]);
    });

    it('rejects bad batch options', () => {
      expect(thrown(() => tok.encodeBatch(['a'], { padTo: -1 })).code).toBe('INVALID_ARGUMENT');
      expect(thrown(() => tok.encodeBatch(['a'], { padTo: 2.5 })).code).toBe('INVALID_ARGUMENT');
      expect(thrown(() => tok.encodeBatch(['a'], { paddingSide: 'up' as 'left' })).code).toBe('INVALID_ARGUMENT');
    });
  });

  describe('JSON', () => {
    it('round-trips through toJSON / JSON.stringify / fromJSON', () => {
      const t = new CharTokenizer({ charset: 'cab ', strict: true, specialTokens: { sep: '|' } });
      const json = JSON.stringify(t);
      const back = CharTokenizer.fromJSON(json);
      expect(back.toJSON()).toEqual(t.toJSON());
      expect(back.strict).toBe(true);
      expect(back.encode('a b c')).toEqual(t.encode('a b c'));
      expect(back.decode([3, 5], { skipSpecial: false })).toBe('|c');
      const fromObj = CharTokenizer.fromJSON(tok.toJSON());
      expect(fromObj.encode(SPEC_STRINGS[2])).toEqual(tok.encode(SPEC_STRINGS[2]));
      expect(tok.toJSON()).toMatchObject({ type: 'char', version: 1, strict: false });
    });

    it('rejects bad JSON with INVALID_CONFIG naming the field', () => {
      const good = tok.toJSON();
      const cases: [unknown, string][] = [
        ['{not json', '(json)'],
        ['[1,2]', '(root)'],
        [null, '(root)'],
        [{ ...good, type: 'word' }, 'type'],
        [{ ...good, version: 2 }, 'version'],
        [{ ...good, charset: 'abc' }, 'charset'],
        [{ ...good, charset: [] }, 'charset'],
        [{ ...good, charset: ['a', 'a'] }, 'charset[1]'],
        [{ ...good, charset: ['a', ''] }, 'charset[1]'],
        [{ ...good, strict: 1 }, 'strict'],
        [{ ...good, specialTokens: [] }, 'specialTokens'],
        [{ ...good, specialTokens: { ...good.specialTokens, bos: 3 } }, 'specialTokens.bos'],
        [{ ...good, specialTokens: { ...good.specialTokens, cls: '<cls>' } }, 'specialTokens.cls'],
      ];
      for (const [json, field] of cases) {
        const e = thrown(() => CharTokenizer.fromJSON(json));
        expect(e.code, JSON.stringify(json)).toBe('INVALID_CONFIG');
        expect(e.details?.field).toBe(field);
        expect(e.message).toContain(field);
      }
    });
  });

  it('is usable through the Tokenizer interface', () => {
    const t: Tokenizer = tok;
    const b = t.encodeBatch(['yes', 'no'], { addBos: true, addEos: true });
    expect(b.ids.map((r) => t.decode(r))).toEqual(['yes', 'no']);
    expect(t.toJSON().type).toBe('char');
  });
});

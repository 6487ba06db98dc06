/**
 * The v2 vocabulary covers every string SynthScenes v2 can produce in six
 * languages (no <unk>), decoding gives the strings back (French's no-break
 * space before « ? » aside, which prompts carry and answers never do), every
 * v1 id keeps its meaning, matching ignores case, and a v1 tokenizer encodes
 * exactly as before.
 */
import { describe, expect, it } from 'vitest';
import { COLORS, LANGUAGES, POSITIONS, SHAPES, SIZES, TEMPLATE_IDS, VQA_VALUES, answerIn, phraseIn, vqaIn, captionIn, sampleSpec, type SceneGraph } from '@mobile-mm/synth';
import { LANGUAGE_TAGS, OCR_CHARS, SCENE_WORDS, SCENE_WORDS_V2, SceneTokenizer } from './scene-tokenizer.js';

const v2 = SceneTokenizer.v2();
const v1 = new SceneTokenizer();

const VALUES = VQA_VALUES;

/** Every phrase, question and answer a language can produce, plus 300 drawn captions. */
function strings(lang: (typeof LANGUAGES)[number]): string[] {
  const out: string[] = VALUES.map((v) => answerIn(v, lang));
  for (const shape of SHAPES) for (const color of COLORS) for (const size of SIZES) for (const position of POSITIONS) out.push(phraseIn({ shape, color, size, position }, lang));
  for (const id of TEMPLATE_IDS) for (const shape of SHAPES) for (const color of COLORS) for (const position of POSITIONS) out.push(vqaIn({ templateId: id, slots: { shape, color, position }, value: VALUES[0] }, lang).question);
  for (let k = 0; k < 300; k++) out.push(captionIn(sampleSpec('val', 2 * k).scene as SceneGraph, lang));
  return out;
}

describe('SceneTokenizer v2', () => {
  for (const lang of LANGUAGES) {
    it(`${lang}: every SynthScenes v2 string encodes without <unk> and decodes back; prompt + answer fit the 48-token decoder`, () => {
      let longest = 0;
      for (const s of strings(lang)) {
        const ids = v2.encode(s);
        expect(ids.includes(v2.unkId), s).toBe(false);
        expect(v2.decode(ids), s).toBe(s.replace('\u00a0?', '?'));
        longest = Math.max(longest, ids.length);
      }
      // <bos> <lang> question <sep> answer <eos> and <bos> <lang> caption <sep> caption-words <eos>
      expect(longest + 5).toBeLessThanOrEqual(48);
    });
  }

  it('keeps every v1 id, adds the language tags, matches case-insensitively and keeps each word’s own case', () => {
    for (let id = 0; id < v1.vocabSize; id++) expect(v2.decode([id], { skipSpecial: false })).toBe(v1.decode([id], { skipSpecial: false }));
    expect(v2.vocabSize).toBe(5 + SCENE_WORDS.length + OCR_CHARS.length + SCENE_WORDS_V2.length);
    expect(v2.languages).toEqual([...LANGUAGES]);
    expect(v1.languages).toEqual([]);
    expect(v1.languageId('ja')).toBeNull();
    expect(v2.decode([v2.languageId('de')!], { skipSpecial: false })).toBe(LANGUAGE_TAGS.de);
    expect(v2.encode('wo ist das rote quadrat?')).toEqual(v2.encode('wo ist das rote Quadrat?'));
    expect(v2.decode(v2.encode('WO IST DAS ROTE QUADRAT?'))).toBe('wo ist das rote Quadrat?');
    expect(v2.encode('<zh>')).toEqual([v2.unkId]); // tags are never read from text
  });

  it('Japanese and Chinese are cut into the fewest words (は + いくつ, not はい + ?); unmatched runs become one <unk>; hyphenated unknowns are read part by part', () => {
    const words = (t: string) => v2.encode(t).map((id) => v2.decode([id], { skipSpecial: false }));
    expect(words('左上にある図形は何ですか？')).toEqual(['左上', 'にある', '図形', 'は', '何', 'ですか', '？']);
    expect(words('一共有几个图形？')).toEqual(['一共', '有', '几个', '图形', '？']);
    expect(words('円はいくつありますか？')).toEqual(['円', 'は', 'いくつ', 'ありますか', '？']);
    expect(words('猫は何色ですか')).toEqual(['<unk>', 'は', '何色', 'ですか']);
    expect(words('top-left')).toEqual(['top', 'left']);
    expect(words('a-t-il')).toEqual(['a-t-il']);
  });

  it('a v1 tokenizer encodes as before: unknown words are <unk>, unknown punctuation is dropped', () => {
    expect(v1.encode('What colour is the circle?!')).toEqual([...v1.encode('what'), v1.unkId, ...v1.encode('is the circle?')]);
    expect(v1.encode("what's there")).toEqual([...v1.encode('what'), v1.unkId, ...v1.encode('there')]);
    expect(v1.encode('¿')).toEqual([]);
  });

  it('round-trips through JSON (with and without extraWords) and rejects bad JSON', () => {
    expect(SceneTokenizer.fromJSON(JSON.parse(JSON.stringify(v2.toJSON()))).vocabSize).toBe(v2.vocabSize);
    expect(v1.toJSON()).not.toHaveProperty('extraWords');
    expect(() => SceneTokenizer.fromJSON({ ...v2.toJSON(), extraWords: [1] })).toThrow(/extraWords/);
    expect(() => new SceneTokenizer(['a', 'A'])).toThrow(/case-insensitively/);
  });
});

it('unknownWords lists what encode reads as <unk> or drops, in order, each once', () => {
  expect(v2.unknownWords('what colour is the círcle!')).toEqual(['colour', 'círcle', '!']);
  expect(v2.unknownWords('猫は何色ですか？')).toEqual(['猫']);
  expect(v2.unknownWords('wo ist das rote Quadrat?')).toEqual([]);
  expect(v1.unknownWords('¿de qué color es?')).toEqual(['¿', 'de', 'qué', 'es']);
  for (const w of v2.unknownWords('what colour is the círcle')) expect(v2.encode(w)).toEqual([v2.unkId]);
});

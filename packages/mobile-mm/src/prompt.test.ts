import { expect, it } from 'vitest';
import { isMobileMMError } from '@mobile-mm/core';
import { SceneTokenizer } from '@mobile-mm/vision';
import { outOfVocabulary, validatePrompt } from './prompt.js';

function codeOf(prompt: unknown, max = 64): { code: string; reason?: unknown; index?: unknown } {
  try {
    validatePrompt(prompt, max);
    return { code: 'ok' };
  } catch (e) {
    if (!isMobileMMError(e)) throw e;
    return { code: e.code, reason: e.details?.reason, index: e.details?.index };
  }
}

it('accepts ordinary questions, TAB/LF/CR, and characters outside the BMP', () => {
  for (const p of ['what color is the circle?', 'how many\tobjects\nare there?\r', 'is there a 🟥 square?', 'où est le cercle ?']) {
    expect(validatePrompt(p, 64)).toBe(p);
  }
});

it('rejects empty and whitespace-only prompts with PROMPT_EMPTY', () => {
  for (const p of ['', ' ', '\t\n  \r']) expect(codeOf(p).code).toBe('PROMPT_EMPTY');
});

it('counts code points against maxPromptChars (PROMPT_TOO_LONG), cheaply for huge strings', () => {
  expect(codeOf('a'.repeat(64)).code).toBe('ok');
  expect(codeOf('a'.repeat(65))).toMatchObject({ code: 'PROMPT_TOO_LONG', reason: 'chars' });
  expect(codeOf('🟥'.repeat(64)).code).toBe('ok'); // 128 UTF-16 units, 64 characters
  expect(codeOf('🟥'.repeat(65)).code).toBe('PROMPT_TOO_LONG');
  expect(codeOf('x'.repeat(10_000_000)).code).toBe('PROMPT_TOO_LONG');
});

it('rejects control characters (C0 except TAB/LF/CR, DEL, C1) with their index', () => {
  for (const [p, index] of [['a\u0000b', 1], ['\u0007bell', 0], ['esc \u001b[2J', 4], ['del\u007f', 3], ['c1 \u0085', 3], ['\u009b1m', 0]] as const) {
    expect(codeOf(p)).toMatchObject({ code: 'PROMPT_INVALID', reason: 'control-char', index });
  }
});

it('rejects bidi overrides and isolates (U+202A–U+202E, U+2066–U+2069)', () => {
  for (const cp of [0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069]) {
    expect(codeOf(`what ${String.fromCharCode(cp)}color?`)).toMatchObject({ code: 'PROMPT_INVALID', reason: 'bidi-control', index: 5 });
  }
  expect(codeOf('left\u200fright').code).toBe('ok'); // RLM is a mark, not an override
});

it('rejects lone surrogates, high or low, anywhere', () => {
  for (const [p, index] of [['\ud800', 0], ['ab\udc00', 2], ['x\ud83d', 1], ['\udfff\ud800', 0]] as const) {
    expect(codeOf(p)).toMatchObject({ code: 'PROMPT_INVALID', reason: 'lone-surrogate', index });
  }
});

it('rejects non-strings with PROMPT_INVALID', () => {
  for (const p of [undefined, null, 42, ['what'], { toString: () => 'what' }]) expect(codeOf(p)).toMatchObject({ code: 'PROMPT_INVALID', reason: 'type' });
});

it('lists words the tokenizer reads as <unk> and characters it drops', () => {
  const t = new SceneTokenizer();
  expect(outOfVocabulary(t, 'What color is the circle?')).toEqual([]);
  // Accented letters are letters (v2's six languages): 'círcle' is one unknown word.
  expect(outOfVocabulary(t, 'what colour is the círcle!')).toEqual(['colour', 'círcle', '!']);
  // Consistent with the tokenizer itself: each listed word encodes to <unk>.
  expect(t.encode('colour')).toEqual([t.unkId]);
});

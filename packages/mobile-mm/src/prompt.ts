/**
 * Prompt checks, before any tokenization or tensor work. In order:
 *
 *   not a string                          PROMPT_INVALID   (reason 'type')
 *   a lone surrogate (broken UTF-16)      PROMPT_INVALID   (reason 'lone-surrogate')
 *   a control character                   PROMPT_INVALID   (reason 'control-char')
 *     C0 U+0000–U+001F except TAB, LF, CR (read as spaces), DEL U+007F, C1 U+0080–U+009F
 *   a bidi override or isolate            PROMPT_INVALID   (reason 'bidi-control')
 *     U+202A–U+202E (LRE RLE PDF LRO RLO), U+2066–U+2069 (LRI RLI FSI PDI):
 *     invisible characters that make displayed text differ from what the
 *     model reads ("Trojan Source", CVE-2021-42574)
 *   empty or whitespace only              PROMPT_EMPTY
 *   over maxPromptChars code points       PROMPT_TOO_LONG  (reason 'chars')
 *
 * Details carry `reason`, and `index` (UTF-16 offset) and `codePoint` where
 * one character is at fault.
 *
 * Words outside the model's vocabulary are not an error: the tokenizer maps
 * them to <unk> and drops characters other than a–z, 0–9, `,` `.` `?`
 * (case is folded) — exactly how the model was trained. outOfVocabulary()
 * lists them so a caller can tell the answer is a guess.
 */
import { localText } from '@mobile-mm/core';
import type { SceneTokenizer } from '@mobile-mm/vision';
import { PROMPT_EMPTY, PROMPT_INVALID, PROMPT_TOO_LONG, mmError } from './errors.js';

const hex = (cp: number): string => `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;

function isControl(cp: number): boolean {
  if (cp === 0x09 || cp === 0x0a || cp === 0x0d) return false;
  return cp <= 0x1f || (cp >= 0x7f && cp <= 0x9f);
}

function isBidiControl(cp: number): boolean {
  return (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

/** Returns the prompt unchanged when it passes every check above. */
export function validatePrompt(prompt: unknown, maxChars: number): string {
  if (typeof prompt !== 'string') {
    const got = prompt === null ? 'null' : Array.isArray(prompt) ? 'an array' : typeof prompt;
    throw mmError(PROMPT_INVALID, localText('prompt.notString', { got }), { reason: 'type' });
  }
  // A quick bound before counting code points: each code point is 1 or 2 UTF-16 units.
  if (prompt.length > 2 * maxChars) {
    throw mmError(PROMPT_TOO_LONG, localText('prompt.tooLong', { chars: prompt.length, max: maxChars }), {
      reason: 'chars',
      maxChars,
    });
  }
  let chars = 0;
  for (let i = 0; i < prompt.length; i++) {
    const u = prompt.charCodeAt(i);
    if (u >= 0xd800 && u <= 0xdbff) {
      const next = i + 1 < prompt.length ? prompt.charCodeAt(i + 1) : -1;
      if (next < 0xdc00 || next > 0xdfff) {
        throw mmError(PROMPT_INVALID, localText('prompt.loneSurrogate', { char: hex(u), index: i }), {
          reason: 'lone-surrogate',
          index: i,
          codePoint: u,
        });
      }
      i++; // a valid pair: one character
    } else if (u >= 0xdc00 && u <= 0xdfff) {
      throw mmError(PROMPT_INVALID, localText('prompt.loneSurrogate', { char: hex(u), index: i }), {
        reason: 'lone-surrogate',
        index: i,
        codePoint: u,
      });
    } else if (isControl(u)) {
      throw mmError(PROMPT_INVALID, localText('prompt.controlChar', { char: hex(u), index: i }), {
        reason: 'control-char',
        index: i,
        codePoint: u,
      });
    } else if (isBidiControl(u)) {
      throw mmError(PROMPT_INVALID, localText('prompt.bidiControl', { char: hex(u), index: i }), {
        reason: 'bidi-control',
        index: i,
        codePoint: u,
      });
    }
    chars++;
  }
  if (prompt.trim() === '') throw mmError(PROMPT_EMPTY, localText('prompt.empty'), { reason: 'empty' });
  if (chars > maxChars) {
    throw mmError(PROMPT_TOO_LONG, localText('prompt.tooLong', { chars, max: maxChars }), { reason: 'chars', chars, maxChars });
  }
  return prompt;
}

/**
 * What the tokenizer will not understand in `prompt`: words it maps to <unk>,
 * then characters it drops, each once, in order of appearance.
 */
export function outOfVocabulary(tokenizer: SceneTokenizer, prompt: string): string[] {
  return tokenizer.unknownWords(prompt);
}

/**
 * Answer languages through the facade: a v1 (English-only) model answers in
 * English with a note when asked for another language; an unknown code is a
 * typed error; a v2-vocabulary model (random weights: this checks the
 * plumbing, not the answers) gets the asked language's tag in its prompt and
 * reports the language it answered in; the locale comes from
 * create({locale}) / MOBILE_MM_LOCALE / LANG. The shipped model (v2) answers
 * a Japanese question in Japanese.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { isMobileMMError } from '@mobile-mm/core';
import { setupBackend } from '@mobile-mm/core/backend';
import { MOBILE_MM_PRESETS, SceneTokenizer, VisionLanguageModel, saveModel } from '@mobile-mm/vision';
import { MobileMultiModalLLM } from './facade.js';
import { bundledModelUrl } from './model-dir.js';

const SCENE = fileURLToPath(new URL('../samples/scene-0.png', import.meta.url));
let dir = '';
let v1 = '';

beforeAll(async () => {
  await setupBackend('wasm');
  dir = await mkdtemp(path.join(os.tmpdir(), 'mm-v2-'));
  const t = SceneTokenizer.v2();
  const model = new VisionLanguageModel({ ...structuredClone(MOBILE_MM_PRESETS.tinyAux), vocabSize: t.vocabSize }, t);
  await saveModel(model, dir);
  model.dispose();
  v1 = await mkdtemp(path.join(os.tmpdir(), 'mm-v1-'));
  const t1 = new SceneTokenizer();
  const english = new VisionLanguageModel({ ...structuredClone(MOBILE_MM_PRESETS.tinyAux), vocabSize: t1.vocabSize }, t1);
  await saveModel(english, v1);
  english.dispose();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await rm(v1, { recursive: true, force: true });
});

it('an English-only (v1) model: lang ja answers in en with a note; lang it is INVALID_ARGUMENT naming the codes', async () => {
  const mm = await MobileMultiModalLLM.create({ backend: 'wasm', modelDir: v1, variant: 'fp32', env: {} });
  try {
    expect(mm.languages).toEqual(['en']);
    const en = await mm.vqa(SCENE, 'how many objects are there?');
    expect(en).toMatchObject({ lang: 'en', notes: [] });
    const ja = await mm.vqa(SCENE, 'how many objects are there?', { lang: 'ja' });
    expect(ja.lang).toBe('en');
    expect(ja.text).toBe(en.text);
    expect(ja.notes[0]).toMatch(/answers in en; answering in en instead of ja/);
    const e = await mm.vqa(SCENE, 'how many objects are there?', { lang: 'it' as 'en' }).catch((x: unknown) => x);
    expect(isMobileMMError(e, 'INVALID_ARGUMENT') && /accepted: en, es, fr, de, ja, zh/.test((e as Error).message)).toBe(true);
  } finally {
    mm.dispose();
  }
});

it('a v2 model answers in the locale (create or MOBILE_MM_LOCALE), a call lang overrides it, OCR stays en', async () => {
  const mm = await MobileMultiModalLLM.create({ backend: 'wasm', modelDir: dir, locale: 'fr-CA', env: {} });
  try {
    expect(mm.languages).toEqual(['en', 'es', 'fr', 'de', 'ja', 'zh']);
    expect(mm.health()).toMatchObject({ locale: 'fr', languages: ['en', 'es', 'fr', 'de', 'ja', 'zh'] });
    expect((await mm.caption(SCENE)).lang).toBe('fr');
    const ja = await mm.vqa(SCENE, '円は何色ですか？', { lang: 'ja' });
    expect(ja).toMatchObject({ lang: 'ja', notes: [], outOfVocabulary: [] });
    expect((await mm.ocr(SCENE)).lang).toBe('en');
  } finally {
    mm.dispose();
  }
  const fromEnv = await MobileMultiModalLLM.create({ backend: 'wasm', modelDir: dir, env: { MOBILE_MM_LOCALE: 'zh-CN' } });
  expect(fromEnv.health().locale).toBe('zh');
  expect((await fromEnv.vqa(SCENE, '有几个圆形？')).lang).toBe('zh');
  fromEnv.dispose();
  const fromLang = await MobileMultiModalLLM.create({ backend: 'wasm', modelDir: dir, env: { LANG: 'de_DE.UTF-8' } });
  expect(fromLang.health().locale).toBe('de');
  fromLang.dispose();
});

it('the shipped model speaks all six: the same scene counted in each language', async () => {
  const mm = await MobileMultiModalLLM.create({ backend: 'wasm', modelDir: fileURLToPath(bundledModelUrl('fp32')), env: {} });
  try {
    expect(mm.languages).toEqual(['en', 'es', 'fr', 'de', 'ja', 'zh']);
    const en = await mm.vqa(SCENE, 'how many objects are there?');
    const ja = await mm.vqa(SCENE, '図形は全部でいくつありますか？', { lang: 'ja' });
    expect(ja).toMatchObject({ lang: 'ja', notes: [], outOfVocabulary: [] });
    // SynthScenes v2 counts in Japanese with the counter 個 (docs/synthscenes-v2.md).
    expect(ja.text).toBe(`${en.text}個`);
    const caption = await mm.caption(SCENE, { lang: 'de' });
    expect(caption.lang).toBe('de');
    expect(caption.text).toMatch(/^(ein|eine) /);
  } finally {
    mm.dispose();
  }
});

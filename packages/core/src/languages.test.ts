import { expect, it } from 'vitest';
import { LANGUAGES, isLanguage, languageOfLocale } from './languages.js';

it('languageOfLocale maps locale tags to the six languages, and anything else to null', () => {
  expect(LANGUAGES).toEqual(['en', 'es', 'fr', 'de', 'ja', 'zh']);
  for (const [tag, want] of [['ja-JP', 'ja'], ['zh_Hant_TW', 'zh'], ['fr-CA.UTF-8', 'fr'], ['DE', 'de'], ['es_MX@euro', 'es'], ['en', 'en'], ['C', null], ['it-IT', null], ['', null], ['pt_BR.UTF-8', null]] as const) {
    expect(languageOfLocale(tag), tag).toBe(want);
  }
  expect(isLanguage('zh')).toBe(true);
  expect(isLanguage('ZH')).toBe(false);
});

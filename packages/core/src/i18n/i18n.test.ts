import { IntlMessageFormat } from 'intl-messageformat';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LANGUAGES, type Language } from '../languages.js';
import { MOBILE_MM_ERROR_CODES, MobileMMError, localizeError } from '../errors.js';
import { loadAllMessages, messagesLoaded, msg, negotiateLanguage, setMessageLanguage, technicalMessage, type MessageKey } from './index.js';
import { en } from './messages/en.js';
import { es } from './messages/es.js';
import { fr } from './messages/fr.js';
import { de } from './messages/de.js';
import { ja } from './messages/ja.js';
import { zh } from './messages/zh.js';

const CATALOGS = { en, es, fr, de, ja, zh } as const;
const KEYS = Object.keys(en) as MessageKey[];

/** The ICU arguments of a message and their kind (plain, number, plural, select), nested ones included. */
function argumentsOf(text: string, lang: Language): Map<string, number> {
  const out = new Map<string, number>();
  const walk = (els: readonly unknown[]): void => {
    for (const el of els as { type: number; value?: string; options?: Record<string, { value: unknown[] }> }[]) {
      // intl-messageformat's AST: 0 literal, 1 argument, 2 number, 3 date, 4 time, 5 select, 6 plural, 7 pound, 8 tag
      if (el.type >= 1 && el.type <= 6 && typeof el.value === 'string') out.set(el.value, el.type === 1 ? 1 : el.type);
      if (el.options) for (const o of Object.values(el.options)) walk(o.value);
    }
  };
  walk(new IntlMessageFormat(text, lang, undefined, { ignoreTag: true }).getAst());
  return out;
}

/** Values that satisfy any message: numbers for numeric arguments, 'yes' for the select. */
function sampleValues(key: MessageKey): Record<string, string | number> {
  const v: Record<string, string | number> = {};
  for (const [name, kind] of argumentsOf(en[key], 'en')) v[name] = kind === 2 || kind === 6 ? 1234 : name === 'quoteHint' ? 'yes' : `‹${name}›`;
  return v;
}

beforeAll(loadAllMessages);
afterEach(() => setMessageLanguage('en'));

describe('catalogues', () => {
  it('every locale has exactly the English keys', () => {
    for (const lang of LANGUAGES) expect(Object.keys(CATALOGS[lang]).sort(), lang).toEqual([...KEYS].sort());
  });

  it('every message parses, with the same ICU arguments (name and kind) as in English', () => {
    for (const key of KEYS) {
      const want = argumentsOf(en[key], 'en');
      for (const lang of LANGUAGES) expect(argumentsOf(CATALOGS[lang][key], lang), `${lang} ${key}`).toEqual(want);
    }
  });

  it('every error code has its sentence in every locale, and no code is described twice in one language', () => {
    for (const lang of LANGUAGES) {
      const seen = new Set<string>();
      for (const code of MOBILE_MM_ERROR_CODES) {
        const text = CATALOGS[lang][`code.${code}` as MessageKey];
        expect(text, `${lang} code.${code}`).toBeTruthy();
        expect(seen.has(text), `${lang} code.${code} repeats another code's sentence`).toBe(false);
        seen.add(text);
      }
    }
    const codeKeys = KEYS.filter((k) => k.startsWith('code.')).map((k) => k.slice(5));
    expect(codeKeys.sort()).toEqual([...MOBILE_MM_ERROR_CODES].sort());
  });

  it('every message formats in every locale with every argument replaced', () => {
    for (const lang of LANGUAGES) {
      expect(messagesLoaded(lang)).toBe(true);
      for (const key of KEYS) {
        const text = msg(key, sampleValues(key), lang);
        const withoutLiteral = text.replace('{data, width, height}', '');
        expect(withoutLiteral, `${lang} ${key}`).not.toMatch(/[{}]/);
        for (const name of Object.keys(sampleValues(key))) if (name !== 'quoteHint' && !/^[0-9]/.test(name)) expect(text).not.toContain(`{${name}`);
      }
    }
  });

  it('the translations are not English copies (apart from lines that are code)', () => {
    const same = (lang: Language) => KEYS.filter((k) => CATALOGS[lang][k] === en[k] && !['cli.summary', 'error.technical'].includes(k) && !/^(cli\.error)$/.test(k));
    for (const lang of ['es', 'fr', 'de', 'ja', 'zh'] as const) {
      // 'error [CODE]: …' is spelled the same in Spanish; nothing else may be.
      expect(same(lang).filter((k) => !(lang === 'es' && k === 'cli.error')), lang).toEqual([]);
    }
  });

  it('French typography: a no-break space before : and inside guillemets, a narrow one before ; ? and !', () => {
    for (const key of KEYS) {
      const text = fr[key].replace(/, ::[^}]*\}/g, '}'); // an ICU number skeleton is not prose
      expect(text, key).not.toMatch(/ [:;?!»]/);
      expect(text, key).not.toMatch(/« /);
      // Prose colons and semicolons are preceded by a no-break space (code such as data: or https: has no space at all).
      for (const m of text.matchAll(/[\u00a0\u202f]([:;?!])/g)) expect(m[0][0] === '\u00a0' ? ':' : ';?!', key).toContain(m[1]);
    }
    expect(msg('file.notFound', { file: 'a.png' }, 'fr')).toBe('Impossible de lire a.png\u00a0: ce fichier n’existe pas.');
  });

  it('Japanese and Chinese: full-width punctuation with no space next to it, no ASCII sentence punctuation after CJK', () => {
    for (const lang of ['ja', 'zh'] as const) {
      for (const key of KEYS) {
        const text = CATALOGS[lang][key];
        expect(text, `${lang} ${key}`).not.toMatch(/ [。、，：；（）「」“”]|[。、，；（「“] /);
        expect(text, `${lang} ${key}`).not.toMatch(/[\u3040-\u30ff\u4e00-\u9fff][.,;!?]/);
      }
    }
  });

  it('numbers, plurals and lists follow the locale (Intl)', () => {
    const values = { width: 4000, height: 3000, pixels: 12_000_000, max: 4_194_304, option: 'maxImagePixels' };
    expect(msg('image.tooManyPixels', values, 'en')).toContain('12,000,000 pixels');
    expect(msg('image.tooManyPixels', values, 'de')).toContain('12.000.000 Pixel');
    expect(msg('image.tooManyPixels', values, 'fr')).toMatch(/12\u202f000\u202f000 pixels/);
    expect(msg('prompt.tooLong', { chars: 1, max: 256 }, 'en')).toContain('1 character long');
    expect(msg('prompt.tooLong', { chars: 300, max: 256 }, 'en')).toContain('300 characters long');
    expect(msg('prompt.tooLong', { chars: 1, max: 256 }, 'fr')).toContain('1 caractère');
    expect(msg('prompt.tooLong', { chars: 2, max: 256 }, 'fr')).toContain('2 caractères');
    expect(msg('cli.arity', { command: 'vqa', want: 'IMAGE "QUESTION"', n: 1, quoteHint: 'yes' }, 'es')).toContain('se recibió 1 argumento (ponga');
    expect(msg('cli.arity', { command: 'vqa', want: 'IMAGE "QUESTION"', n: 3, quoteHint: 'no' }, 'es')).toMatch(/se recibieron 3 argumentos\.$/);
    expect(msg('call.lang', { task: 'caption', value: '"xx"', accepted: ['en', 'es', 'fr'] }, 'en')).toContain('en, es, or fr');
    expect(msg('call.lang', { task: 'caption', value: '"xx"', accepted: ['en', 'es', 'fr'] }, 'es')).toContain('en, es o fr');
    expect(msg('call.lang', { task: 'caption', value: '"xx"', accepted: ['en', 'es', 'fr'] }, 'ja')).toContain('en、es、またはfr');
  });
});

describe('negotiateLanguage (Accept-Language)', () => {
  it.each([
    [undefined, 'en'],
    ['', 'en'],
    ['ja', 'ja'],
    ['fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5', 'fr'],
    ['pt-BR, de;q=0.5', 'de'],
    ['en;q=0.2, zh-Hans-CN;q=0.8', 'zh'],
    ['es;q=0, de', 'de'],
    ['ko, pt', 'en'],
    ['*', 'en'],
    ['de;q=0.5, ja;q=0.5', 'de'],
    ['garbage;;q=abc, ja', 'ja'],
  ])('%j → %s', (header, want) => {
    expect(negotiateLanguage(header)).toBe(want);
  });
});

describe('localized errors', () => {
  it('an error from a key is written in the active language and keeps its English message', () => {
    setMessageLanguage('ja');
    const e = new MobileMMError('FILE_NOT_FOUND', { key: 'file.notFound', values: { file: 'missing.png' } }, { file: 'missing.png' });
    expect(e.message).toBe('missing.png を読み込めません：ファイルが存在しません。');
    expect(e.messageEn).toBe('Cannot read missing.png: there is no such file.');
    expect(e.code).toBe('FILE_NOT_FOUND');
    expect(e.text).toEqual({ key: 'file.notFound', values: { file: 'missing.png' } });
    expect(e.details).toEqual({ file: 'missing.png' });
  });

  it('localizeError rewrites the message, keeps class, code, details and the English text', () => {
    class Sub extends MobileMMError {
      readonly status = 404;
    }
    const e = new Sub('MODEL_NOT_FOUND', { key: 'model.notFound', values: { dir: '"m"', int2: 'no' } }, { dir: 'm' });
    for (const lang of LANGUAGES) {
      const l = localizeError(e, lang);
      expect(l.message).toBe(msg('model.notFound', { dir: '"m"', int2: 'no' }, lang));
      expect(l).toBeInstanceOf(Sub);
      expect(l).toBeInstanceOf(MobileMMError);
      expect(l.status).toBe(404);
      expect(l.code).toBe('MODEL_NOT_FOUND');
      expect(l.details).toEqual({ dir: 'm' });
      expect(l.messageEn).toBe(e.messageEn);
      expect(l.stack?.split('\n')[0]).toBe(`MobileMMError: ${l.message}`);
    }
    expect(e.message).toBe(e.messageEn); // the original is untouched
    const plain = new Error('x');
    expect(localizeError(plain, 'de')).toBe(plain);
  });

  it('a plain English message reads as the code sentence + the English detail in another language', () => {
    const e = new MobileMMError('INVALID_SHAPE', 'matmul: x is [2, 3], w is [4, 5]');
    expect(e.message).toBe('matmul: x is [2, 3], w is [4, 5]');
    expect(localizeError(e, 'de').message).toBe('Ein Tensor hat die falsche Form. Einzelheiten (auf Englisch): matmul: x is [2, 3], w is [4, 5]');
    expect(localizeError(e, 'zh').message).toBe('张量的形状不正确。详细信息（英文）：matmul: x is [2, 3], w is [4, 5]');
    expect(technicalMessage('INVALID_SHAPE', 'd', 'en')).toBe('d');
    setMessageLanguage('fr');
    expect(new MobileMMError('INVALID_SHAPE', 'd').message).toBe('Un tenseur n’a pas la bonne forme. Détail (en anglais)\u00a0: d');
  });
});

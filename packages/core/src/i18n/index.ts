/**
 * Messages in six languages.
 *
 *   await loadMessages('ja')            fetch one catalogue (a lazy chunk in a bundle)
 *   setMessageLanguage('ja')            the language errors are written in from now on
 *   msg('prompt.empty')                 a message in the active language
 *   msg('prompt.empty', {}, 'fr')       …or in a given one (English until 'fr' is loaded)
 *   localizeError(e, 'de')              the same error, its message in German
 *   negotiateLanguage('fr-CH, de;q=0.8') 'fr' (an HTTP Accept-Language header)
 *
 * English is always present (it is the source catalogue and the fallback);
 * the other five are loaded on demand, so a browser bundle carries only the
 * catalogue of the language in use. Formatting is FormatJS's
 * intl-messageformat: ICU MessageFormat with Intl's plural rules and number
 * formats, ESM, no locale data of its own (Node 20 and browsers ship Intl).
 *
 * There is one active language per JavaScript realm (process, worker, page).
 * Code serving several users (the server, facade instances with different
 * locales) does not switch it: it calls localizeError(e, lang) or
 * msg(key, values, lang) with the language of the request.
 */
import { IntlMessageFormat } from 'intl-messageformat';
import { LANGUAGES, isLanguage, languageOfLocale, type Language } from '../languages.js';
import { en, type Catalog, type MessageKey } from './messages/en.js';

export type { Catalog, MessageKey } from './messages/en.js';

/**
 * Values for a message's ICU arguments. Arrays are joined as a locale's list
 * ("a, b or c"); a nested LocalText is written in the same language.
 */
export type MessageValues = Readonly<Record<string, string | number | readonly (string | number)[] | LocalText>>;

/** A message by key, to be written in whatever language the reader has. */
export interface LocalText {
  readonly key: MessageKey;
  readonly values?: MessageValues;
}

/** A message by key (the argument of `new MobileMMError(code, localText(...))`). */
export function localText(key: MessageKey, values?: MessageValues): LocalText {
  return values === undefined ? { key } : { key, values };
}

const catalogs: Partial<Record<Language, Catalog>> = { en };
const pending = new Map<Language, Promise<void>>();
let active: Language = 'en';

/**
 * Each import is spelled out so that bundlers make one chunk per language
 * (a template-string import would pull all five into one).
 */
function importCatalog(lang: Exclude<Language, 'en'>): Promise<Catalog> {
  switch (lang) {
    case 'es':
      return import('./messages/es.js').then((m) => m.es);
    case 'fr':
      return import('./messages/fr.js').then((m) => m.fr);
    case 'de':
      return import('./messages/de.js').then((m) => m.de);
    case 'ja':
      return import('./messages/ja.js').then((m) => m.ja);
    case 'zh':
      return import('./messages/zh.js').then((m) => m.zh);
  }
}

/** Loads a language's catalogue (once; concurrent calls share the load). Unknown codes load nothing. */
export function loadMessages(lang: Language): Promise<void> {
  if (!isLanguage(lang) || catalogs[lang]) return Promise.resolve();
  let p = pending.get(lang);
  if (!p) {
    p = importCatalog(lang as Exclude<Language, 'en'>).then((c) => {
      catalogs[lang] = c;
      pending.delete(lang);
    });
    pending.set(lang, p);
  }
  return p;
}

/** Loads all six (a server answers each request in its own language). */
export async function loadAllMessages(): Promise<void> {
  await Promise.all(LANGUAGES.map((l) => loadMessages(l)));
}

/** Whether a language's catalogue is in memory. */
export function messagesLoaded(lang: Language): boolean {
  return catalogs[lang] !== undefined;
}

/**
 * The language errors are written in from now on. It takes effect for
 * messages once the catalogue is loaded (`await useMessageLanguage(x)` does both).
 */
export function setMessageLanguage(lang: Language): void {
  active = isLanguage(lang) ? lang : 'en';
}

export function messageLanguage(): Language {
  return active;
}

/** Loads the language of a locale tag and makes it active; returns it ('en' for a tag that is none of the six). */
export async function useMessageLanguage(locale: string | Language): Promise<Language> {
  const lang = languageOfLocale(locale) ?? 'en';
  await loadMessages(lang);
  setMessageLanguage(lang);
  return lang;
}

const formatters = new Map<string, IntlMessageFormat>();

function formatter(lang: Language, key: MessageKey): { f: IntlMessageFormat; lang: Language } {
  const source = catalogs[lang] ? lang : 'en';
  const id = `${source}\u0000${key}`;
  let f = formatters.get(id);
  if (!f) {
    // ignoreTag: messages are plain text; '<key>' in a message is not markup.
    f = new IntlMessageFormat((catalogs[source] as Catalog)[key], source, undefined, { ignoreTag: true });
    formatters.set(id, f);
  }
  return { f, lang: source };
}

const listFormats = new Map<Language, Intl.ListFormat>();

function formatValues(values: MessageValues | undefined, lang: Language): Record<string, string | number> | undefined {
  if (!values) return undefined;
  const out: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(values)) {
    if (typeof v === 'object' && v !== null && 'key' in v) {
      out[k] = msg((v as LocalText).key, (v as LocalText).values, lang);
    } else if (Array.isArray(v)) {
      let lf = listFormats.get(lang);
      if (!lf) listFormats.set(lang, (lf = new Intl.ListFormat(lang, { type: 'disjunction' })));
      out[k] = lf.format(v.map(String));
    } else out[k] = v as string | number;
  }
  return out;
}

/** A message in `lang` (default: the active language); English when that catalogue is not loaded. */
export function msg(key: MessageKey, values?: MessageValues, lang: Language = active): string {
  const { f, lang: used } = formatter(lang, key);
  try {
    return String(f.format(formatValues(values, used)));
  } catch {
    // A value missing for an argument (a caller's bug): the message is still worth more than a second error.
    return `${(catalogs[used] as Catalog)[key]} ${JSON.stringify(values ?? {})}`;
  }
}

/**
 * A message known only in English (a technical detail), shown to a reader of
 * `lang`: in English as it is, otherwise the code's sentence in `lang`
 * followed by the English detail.
 */
export function technicalMessage(code: string, english: string, lang: Language = active): string {
  if (lang === 'en' || !catalogs[lang]) return english;
  const leadKey = `code.${code}` as MessageKey;
  const lead = leadKey in en ? msg(leadKey, undefined, lang) : '';
  return msg('error.technical', { lead, detail: english }, lang);
}

/**
 * The best of the six for an HTTP Accept-Language header ('en' when none
 * fits). Quality values are honoured; '*' means any, i.e. 'en'.
 */
export function negotiateLanguage(header: string | undefined | null): Language {
  if (!header) return 'en';
  let best: Language = 'en';
  let bestQ = -1;
  for (const part of header.split(',')) {
    const [tag, ...params] = part.trim().split(';');
    if (!tag) continue;
    let q = 1;
    for (const p of params) {
      const m = /^\s*q\s*=\s*([0-9.]+)\s*$/i.exec(p);
      if (m) q = Number(m[1]);
    }
    if (!Number.isFinite(q) || q <= 0) continue;
    const lang = tag.trim() === '*' ? 'en' : languageOfLocale(tag);
    // Ties keep the first listed: the header's order is the user's order.
    if (lang && q > bestQ) {
      best = lang;
      bestQ = q;
    }
  }
  return best;
}

export { en as englishCatalog };

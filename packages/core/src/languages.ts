/**
 * The six languages the project speaks: model answers (SynthScenes v2) and,
 * later, every user-facing message. BCP 47 primary language subtags.
 */
export const LANGUAGES = ['en', 'es', 'fr', 'de', 'ja', 'zh'] as const;
export type Language = (typeof LANGUAGES)[number];

export function isLanguage(x: unknown): x is Language {
  return typeof x === 'string' && (LANGUAGES as readonly string[]).includes(x);
}

/**
 * The project language of a locale tag ('ja-JP', 'zh_Hant_TW', 'fr-CA.UTF-8',
 * 'C') or null when it is none of the six.
 */
export function languageOfLocale(tag: string): Language | null {
  const primary = tag.trim().split(/[-_.@]/)[0].toLowerCase();
  return isLanguage(primary) ? primary : null;
}

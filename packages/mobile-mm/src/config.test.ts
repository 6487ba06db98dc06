import { expect, it } from 'vitest';
import { isMobileMMError, isNode } from '@mobile-mm/core';
import { DEFAULT_MAX_PIXELS } from '@mobile-mm/vision';
import { DEFAULT_MAX_PROMPT_CHARS, ENV_VARS, MAX_IMAGE_PIXELS_LIMIT, processEnv, resolveConfig, type MobileMMOptions } from './config.js';

function failure(options: unknown): { code: string; field: unknown; message: string } {
  try {
    resolveConfig(options as MobileMMOptions);
  } catch (e) {
    if (!isMobileMMError(e)) throw e;
    return { code: e.code, field: e.details?.field, message: e.message };
  }
  throw new Error(`resolveConfig(${JSON.stringify(options)}) did not throw`);
}

it('defaults: auto backend, variant chosen at load time, balanced profile, bundled model, documented limits', () => {
  const c = resolveConfig({ env: {} });
  expect(c).toMatchObject({ backend: 'auto', variant: null, profile: 'balanced', modelDir: null, maxImagePixels: DEFAULT_MAX_PIXELS, maxPromptChars: DEFAULT_MAX_PROMPT_CHARS });
  expect(Object.values(c.sources).every((s) => s === 'default')).toBe(true);
});

it('reads every MOBILE_MM_* variable, trimmed; empty ones count as unset', () => {
  const c = resolveConfig({
    env: {
      MOBILE_MM_BACKEND: ' wasm ',
      MOBILE_MM_VARIANT: 'fp32',
      MOBILE_MM_OPTIMIZATION_PROFILE: 'fast',
      MOBILE_MM_MODEL_DIR: '/models/x',
      MOBILE_MM_MAX_IMAGE_PIXELS: '4096',
      MOBILE_MM_MAX_PROMPT_CHARS: '80',
      MOBILE_MM_LOCALE: 'ja-JP',
    },
  });
  expect(c).toMatchObject({ backend: 'wasm', variant: 'fp32', profile: 'fast', modelDir: '/models/x', maxImagePixels: 4096, maxPromptChars: 80, locale: 'ja' });
  expect(Object.values(c.sources).every((s) => s === 'env')).toBe(true);
  expect(resolveConfig({ env: { MOBILE_MM_BACKEND: '' } }).backend).toBe('auto');
});

it('options win over the environment', () => {
  const c = resolveConfig({ backend: 'cpu', maxPromptChars: 10, env: { MOBILE_MM_BACKEND: 'wasm', MOBILE_MM_MAX_PROMPT_CHARS: '99', MOBILE_MM_VARIANT: 'int2' } });
  expect(c).toMatchObject({ backend: 'cpu', maxPromptChars: 10, variant: 'int2' });
  expect(c.sources).toMatchObject({ backend: 'option', maxPromptChars: 'option', variant: 'env' });
  const url = new URL('https://example.com/models/tiny-int2/');
  expect(resolveConfig({ modelDir: url, env: {} }).modelDir).toBe(url);
});

it('rejects bad values with INVALID_CONFIG naming the field, the source and what is accepted', () => {
  const bad: [unknown, string, RegExp][] = [
    [{ backend: 'gpu', env: {} }, 'backend', /accepted: auto, cpu, wasm, webgl, webgpu\b/],
    [{ variant: 'int3', env: {} }, 'variant', /accepted: int2, fp32/],
    [{ profile: 'turbo', env: {} }, 'profile', /accepted: fast, balanced, accuracy/],
    [{ maxImagePixels: 0, env: {} }, 'maxImagePixels', /integer from 1/],
    [{ maxImagePixels: 1.5, env: {} }, 'maxImagePixels', /integer from 1/],
    [{ maxImagePixels: MAX_IMAGE_PIXELS_LIMIT + 1, env: {} }, 'maxImagePixels', /integer from 1/],
    [{ maxPromptChars: '80', env: {} }, 'maxPromptChars', /integer from 1/],
    [{ modelDir: '', env: {} }, 'modelDir', /folder path or a URL/],
    [{ modelDir: 42, env: {} }, 'modelDir', /folder path or a URL/],
    [{ backnd: 'cpu', env: {} }, 'backnd', /unknown option; accepted: backend/],
    [{ env: { MOBILE_MM_BACKEND: 'GPU' } }, 'backend', /\(from MOBILE_MM_BACKEND\)/],
    [{ env: { MOBILE_MM_OPTIMIZATION_PROFILE: 'speed' } }, 'profile', /\(from MOBILE_MM_OPTIMIZATION_PROFILE\)/],
    [{ env: { MOBILE_MM_MAX_IMAGE_PIXELS: '1e6' } }, 'maxImagePixels', /\(from MOBILE_MM_MAX_IMAGE_PIXELS\).*integer/],
    [{ env: { MOBILE_MM_MAX_PROMPT_CHARS: '-3' } }, 'maxPromptChars', /\(from MOBILE_MM_MAX_PROMPT_CHARS\)/],
  ];
  for (const [options, field, message] of bad) {
    const f = failure(options);
    expect(f.code, JSON.stringify(options)).toBe('INVALID_CONFIG');
    expect(f.field).toBe(field);
    expect(f.message).toMatch(message);
    expect(f.message).toContain(`config.${field}`);
  }
  expect(failure(null).code).toBe('INVALID_CONFIG');
  expect(failure({ env: 'MOBILE_MM_BACKEND=cpu' }).field).toBe('env');
});

it('reads process.env only where there is a process (Node), never failing in a browser', () => {
  if (isNode()) {
    expect(processEnv()).toBe(process.env);
  } else {
    expect(processEnv()).toEqual({});
    expect(resolveConfig().backend).toBe('auto');
  }
  expect(Object.keys(ENV_VARS).sort()).toEqual(['backend', 'locale', 'maxImagePixels', 'maxPromptChars', 'modelDir', 'profile', 'variant']);
});

it('locale: option, then MOBILE_MM_LOCALE, then LC_ALL / LC_MESSAGES / LANG; tags the project does not speak fall back to en with a note', () => {
  expect(resolveConfig({ env: {} })).toMatchObject({ locale: 'en', notes: [] });
  expect(resolveConfig({ locale: 'de-AT', env: { MOBILE_MM_LOCALE: 'fr' } })).toMatchObject({ locale: 'de', sources: { locale: 'option' } });
  expect(resolveConfig({ env: { MOBILE_MM_LOCALE: 'fr', LANG: 'es_ES.UTF-8' } })).toMatchObject({ locale: 'fr', sources: { locale: 'env' } });
  expect(resolveConfig({ env: { LANG: 'es_ES.UTF-8' } })).toMatchObject({ locale: 'es', sources: { locale: 'system' } });
  expect(resolveConfig({ env: { LC_ALL: 'zh_CN.UTF-8', LANG: 'de_DE.UTF-8' } }).locale).toBe('zh');
  expect(resolveConfig({ env: { LANG: 'C.UTF-8' } })).toMatchObject({ locale: 'en', notes: [] });
  const it_ = resolveConfig({ locale: 'it-IT', env: {} });
  expect(it_.locale).toBe('en');
  expect(it_.notes[0]).toMatch(/"it-IT" is not one of en, es, fr, de, ja, zh; using en/);
  expect(failure({ locale: 7, env: {} })).toMatchObject({ code: 'INVALID_CONFIG', field: 'locale' });
});

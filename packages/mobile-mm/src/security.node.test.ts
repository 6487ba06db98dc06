/**
 * MOBILE_MM_SECURITY_MODE=strict, as each package applies it: the facade's
 * image and prompt caps (defaults and ceilings), telemetry's content capture,
 * the server's API-key requirement. Checked against SECURITY.md's numbers.
 */
import { describe, expect, it } from 'vitest';
import { SECURITY_LIMITS, isMobileMMError, resolveSecurityMode } from '@mobile-mm/core';
import { resolveCaptureContent } from '@mobile-mm/telemetry';
import { resolveConfig } from './config.js';
import { MobileMultiModalLLM } from './facade.js';

const STRICT = { MOBILE_MM_SECURITY_MODE: 'strict' };

function failure(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

describe('resolveSecurityMode', () => {
  it('standard by default, strict from the option or the variable (any case), anything else refused', () => {
    expect(resolveSecurityMode(undefined, {})).toBe('standard');
    expect(resolveSecurityMode(undefined, { MOBILE_MM_SECURITY_MODE: ' ' })).toBe('standard');
    expect(resolveSecurityMode(undefined, { MOBILE_MM_SECURITY_MODE: 'STRICT' })).toBe('strict');
    expect(resolveSecurityMode('standard', STRICT)).toBe('standard'); // the option wins
    const e = failure(() => resolveSecurityMode(undefined, { MOBILE_MM_SECURITY_MODE: 'paranoid' }));
    expect(isMobileMMError(e, 'INVALID_CONFIG')).toBe(true);
    expect((e as Error).message).toBe('config.securityMode (from MOBILE_MM_SECURITY_MODE): "paranoid" is not accepted; accepted: standard, strict.');
  });

  it('strict halves the image side and the prompt length', () => {
    expect(SECURITY_LIMITS.strict.maxImagePixels * 4).toBe(SECURITY_LIMITS.standard.maxImagePixels);
    expect(SECURITY_LIMITS.strict.maxPromptChars * 2).toBe(SECURITY_LIMITS.standard.maxPromptChars);
  });
});

describe('the facade configuration under strict', () => {
  it('lowers the defaults, accepts lower settings and refuses higher ones', () => {
    const strict = resolveConfig({ env: STRICT });
    expect(strict).toMatchObject({ securityMode: 'strict', maxImagePixels: 1024 * 1024, maxPromptChars: 128 });
    expect(resolveConfig({ env: {} })).toMatchObject({ securityMode: 'standard', maxImagePixels: 2048 * 2048, maxPromptChars: 256 });
    expect(resolveConfig({ env: STRICT, maxPromptChars: 64 }).maxPromptChars).toBe(64);
    const high = failure(() => resolveConfig({ env: STRICT, maxImagePixels: 2048 * 2048 }));
    expect(isMobileMMError(high, 'INVALID_CONFIG')).toBe(true);
    expect((high as Error).message).toContain('an integer from 1 to 1,048,576');
    const fromEnv = failure(() => resolveConfig({ env: { ...STRICT, MOBILE_MM_MAX_PROMPT_CHARS: '1000' } }));
    expect((fromEnv as Error).message).toMatch(/^config\.maxPromptChars \(from MOBILE_MM_MAX_PROMPT_CHARS\): "1000" is not accepted; accepted: an integer from 1 to 128\.$/);
  });

  it('a running instance enforces them: a 1025×1024 image and a 129-character question are refused', async () => {
    const mm = await MobileMultiModalLLM.create({ backend: 'cpu', variant: 'fp32', env: STRICT });
    try {
      const big = { data: new Uint8Array(1025 * 1024 * 4), width: 1025, height: 1024 };
      await expect(mm.caption(big)).rejects.toMatchObject({ code: 'IMAGE_TOO_LARGE', details: { maxImagePixels: 1024 * 1024 } });
      const small = { data: new Uint8Array(64 * 64 * 4).fill(255), width: 64, height: 64 };
      await expect(mm.vqa(small, 'x'.repeat(129))).rejects.toMatchObject({ code: 'PROMPT_TOO_LONG', details: { maxChars: 128 } });
      expect((await mm.vqa(small, 'how many objects are there?')).text).toMatch(/^[0-9]$/);
    } finally {
      mm.dispose();
    }
  });

  it('keeps no image features between calls, even with the fast profile (which caches them in standard mode)', async () => {
    const strict = await MobileMultiModalLLM.create({ backend: 'cpu', variant: 'fp32', profile: 'fast', env: STRICT });
    const standard = await MobileMultiModalLLM.create({ backend: 'cpu', variant: 'fp32', profile: 'fast', env: {} });
    try {
      expect(strict.health().featureCache).toBeNull();
      expect(standard.health().featureCache).toMatchObject({ capacity: 16 });
    } finally {
      strict.dispose();
      standard.dispose();
    }
  });
});

describe('telemetry content capture under strict', () => {
  it('is refused whether asked for by option or by variable; off is fine', () => {
    expect(resolveCaptureContent(true, {})).toBe(true);
    expect(resolveCaptureContent(false, STRICT)).toBe(false);
    expect(resolveCaptureContent(undefined, STRICT)).toBe(false);
    for (const [option, env] of [
      [true, STRICT],
      [undefined, { ...STRICT, MOBILE_MM_TELEMETRY_CAPTURE_CONTENT: 'true' }],
    ] as const) {
      const e = failure(() => resolveCaptureContent(option, env));
      expect(isMobileMMError(e, 'INVALID_CONFIG')).toBe(true);
      expect((e as Error).message).toContain('MOBILE_MM_SECURITY_MODE=strict does not allow content capture');
    }
  });
});

import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  MOBILE_MM_ERROR_BRAND,
  MOBILE_MM_ERROR_CODES,
  MobileMMError,
  isMobileMMError,
  isMobileMMErrorCode,
  type MobileMMErrorCode,
} from './errors.js';

/** A second, separately evaluated copy of this module: what a second installed @mobile-mm/core is. */
async function secondCopy(): Promise<typeof import('./errors.js')> {
  // The query string makes the module loader treat it as another module (own class, own prototype).
  const url = new URL('./errors.ts?copy=2', import.meta.url).href;
  return (await import(/* @vite-ignore */ url)) as typeof import('./errors.js');
}

describe('MobileMMError brand', () => {
  it('is Symbol.for("mobile-mm.error"), on every instance', () => {
    const e = new MobileMMError('INVALID_ARGUMENT', 'bad');
    expect(MOBILE_MM_ERROR_BRAND).toBe(Symbol.for('mobile-mm.error'));
    expect((e as unknown as Record<symbol, unknown>)[Symbol.for('mobile-mm.error')]).toBe(true);
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('MobileMMError');
  });

  it('is recognised across two copies of the module, both ways', async () => {
    const copy = await secondCopy();
    expect(copy.MobileMMError).not.toBe(MobileMMError); // really another class
    const theirs = new copy.MobileMMError('WEIGHTS_MISSING', 'from the other copy');
    const ours = new MobileMMError('WEIGHTS_MISSING', 'from this copy');
    expect(Object.getPrototypeOf(theirs)).not.toBe(MobileMMError.prototype);

    expect(MobileMMError.isInstance(theirs)).toBe(true);
    expect(isMobileMMError(theirs)).toBe(true);
    expect(isMobileMMError(theirs, 'WEIGHTS_MISSING')).toBe(true);
    expect(isMobileMMError(theirs, 'WEIGHTS_MISMATCH')).toBe(false);
    expect(theirs instanceof MobileMMError).toBe(true);

    expect(copy.MobileMMError.isInstance(ours)).toBe(true);
    expect(copy.isMobileMMError(ours, 'WEIGHTS_MISSING')).toBe(true);
    expect(ours instanceof copy.MobileMMError).toBe(true);
  });

  it('recognises a plain Error carrying the brand, and nothing without it', () => {
    const plain = Object.assign(new Error('serialised elsewhere'), { code: 'INTERNAL', [Symbol.for('mobile-mm.error')]: true });
    expect(isMobileMMError(plain, 'INTERNAL')).toBe(true);
    expect(MobileMMError.isInstance(plain)).toBe(true);

    const lookalike = Object.assign(new Error('no brand'), { name: 'MobileMMError', code: 'INTERNAL' });
    for (const e of [lookalike, null, undefined, 'INTERNAL', 42, {}, { [Symbol.for('mobile-mm.error')]: 'yes' }]) {
      expect(isMobileMMError(e), String(e)).toBe(false);
      expect(MobileMMError.isInstance(e)).toBe(false);
    }
  });

  it('keeps instanceof a prototype test for subclasses', () => {
    class Special extends MobileMMError {}
    const special = new Special('UNSUPPORTED', 'sub');
    expect(special instanceof MobileMMError).toBe(true);
    expect(special instanceof Special).toBe(true);
    expect(new MobileMMError('UNSUPPORTED', 'base') instanceof Special).toBe(false);
  });
});

describe('MOBILE_MM_ERROR_CODES', () => {
  it('is the MobileMMErrorCode union, each code once', () => {
    expectTypeOf<(typeof MOBILE_MM_ERROR_CODES)[number]>().toEqualTypeOf<MobileMMErrorCode>();
    // A closed union: an arbitrary string is not a code.
    expectTypeOf<string>().not.toMatchTypeOf<MobileMMErrorCode>();
    expect(new Set(MOBILE_MM_ERROR_CODES).size).toBe(MOBILE_MM_ERROR_CODES.length);
    for (const code of MOBILE_MM_ERROR_CODES) expect(code).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/);
  });

  it('isMobileMMErrorCode accepts exactly the listed codes', () => {
    for (const code of MOBILE_MM_ERROR_CODES) expect(isMobileMMErrorCode(code)).toBe(true);
    for (const other of ['', 'invalid_config', 'IMAGE_SOMETHING_NEW', 1, null]) expect(isMobileMMErrorCode(other)).toBe(false);
  });
});

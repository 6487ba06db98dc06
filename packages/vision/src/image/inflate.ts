/**
 * zlib inflate (RFC 1950) with a hard cap on the output, on the platform's
 * DecompressionStream('deflate') (browsers, web workers, Node ≥ 18). The cap
 * makes a deflate bomb (≈1000:1) fail after `expected` bytes instead of
 * filling memory.
 */
import { MobileMMError } from '@mobile-mm/core';
import { IMAGE_CORRUPT, imageError } from './errors.js';

/** Inflates `data`, which must produce exactly `expected` bytes. */
export async function inflateExact(data: Uint8Array, expected: number, what: string): Promise<Uint8Array> {
  if (typeof DecompressionStream === 'undefined') {
    throw new MobileMMError('UNSUPPORTED', `${what}: this platform has no DecompressionStream to inflate PNG data`);
  }
  const stream = new DecompressionStream('deflate');
  const writer = stream.writable.getWriter();
  // Not awaited: the reader below drives the stream; their failures surface there.
  writer.write(data as Uint8Array<ArrayBuffer>).catch(() => {});
  writer.close().catch(() => {});
  const reader = stream.readable.getReader();
  const out = new Uint8Array(expected);
  let filled = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (filled + value.length > expected) {
        await reader.cancel().catch(() => {});
        throw imageError(IMAGE_CORRUPT, `${what}: image data inflates to more than the ${expected} bytes the header implies`, {
          reason: 'inflate-overflow',
          expected,
        });
      }
      out.set(value, filled);
      filled += value.length;
    }
  } catch (e) {
    if (e instanceof MobileMMError) throw e;
    throw imageError(IMAGE_CORRUPT, `${what}: image data does not inflate: ${e instanceof Error ? e.message : String(e)}`, {
      reason: 'inflate',
    });
  }
  if (filled !== expected) {
    throw imageError(IMAGE_CORRUPT, `${what}: image data inflates to ${filled} bytes, the header implies ${expected}`, {
      reason: 'inflate-short',
      expected,
      actual: filled,
    });
  }
  return out;
}

import { describe, expect, it } from 'vitest';
import { isMobileMMError, type MobileMMError } from '../errors.js';
import { fixtureBytes, fixtureJson } from './__fixtures__/load-fixture.js';
import type { SafetensorsDType } from './dtypes.js';
import { parseSafetensors, serializeSafetensors, type SafetensorsEntry } from './safetensors.js';

function thrown(fn: () => unknown): MobileMMError {
  try {
    fn();
  } catch (e) {
    if (isMobileMMError(e)) return e;
    throw new Error(`expected a MobileMMError, got ${String(e)}`);
  }
  throw new Error('expected a throw');
}

/**
 * A safetensors file assembled by hand: u64 LE header length, the header text
 * (optionally padded with spaces), then `data` — no code under test involved.
 */
function assemble(header: unknown, data: Uint8Array, options: { padTo8?: boolean; headerLength?: bigint } = {}): Uint8Array {
  let text = typeof header === 'string' ? header : JSON.stringify(header);
  const raw = new TextEncoder().encode(text);
  let n = raw.length;
  if (options.padTo8) n = Math.ceil(n / 8) * 8;
  text = '';
  const out = new Uint8Array(8 + n + data.length);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, options.headerLength ?? BigInt(n), true);
  out.set(raw, 8);
  for (let i = 8 + raw.length; i < 8 + n; i++) out[i] = 0x20;
  out.set(data, 8 + n);
  return out;
}

/** The data section of the hand-built file, written with DataView. */
function handData(): { data: Uint8Array; header: Record<string, unknown> } {
  const data = new Uint8Array(63);
  const v = new DataView(data.buffer);
  v.setBigInt64(0, -5n, true); // big: I64 [2] at [0, 16)
  v.setBigInt64(8, 2n ** 40n, true);
  [1.5, -2, 0.25, 1e-3].forEach((x, i) => v.setFloat32(16 + 4 * i, x, true)); // w: F32 [2,2] at [16, 32)
  [-7, 0, 2147483647].forEach((x, i) => v.setInt32(32 + 4 * i, x, true)); // ids: I32 [3] at [32, 44)
  [0x3c00, 0xc000, 0x0001, 0x7c00].forEach((x, i) => v.setUint16(44 + 2 * i, x, true)); // h: F16 [4] at [44, 52)
  [0x3f80, 0xc040].forEach((x, i) => v.setUint16(52 + 2 * i, x, true)); // b: BF16 [2, 1] at [52, 56)
  [0, 3, 128, 255, 17].forEach((x, i) => v.setUint8(56 + i, x)); // codes: U8 [5] at [56, 61)
  [-128, 127].forEach((x, i) => v.setInt8(61 + i, x)); // s: I8 [2] at [61, 63)
  // Header order differs from data order on purpose.
  const header = {
    codes: { dtype: 'U8', shape: [5], data_offsets: [56, 61] },
    w: { dtype: 'F32', shape: [2, 2], data_offsets: [16, 32] },
    __metadata__: { author: 'hand', 'key with space': 'välue ✓' },
    s: { dtype: 'I8', shape: [2], data_offsets: [61, 63] },
    h: { dtype: 'F16', shape: [4], data_offsets: [44, 52] },
    big: { dtype: 'I64', shape: [2], data_offsets: [0, 16] },
    ids: { dtype: 'I32', shape: [3], data_offsets: [32, 44] },
    b: { dtype: 'BF16', shape: [2, 1], data_offsets: [52, 56] },
  };
  return { data, header };
}

describe('parseSafetensors on hand-assembled bytes', () => {
  for (const padTo8 of [true, false]) {
    it(`reads every dtype, shape and the metadata (header ${padTo8 ? 'padded' : 'unpadded, so views are unaligned'})`, () => {
      const { data, header } = handData();
      const file = assemble(header, data, { padTo8 });
      const { tensors, metadata, headerLength } = parseSafetensors(file);
      expect(headerLength % 8 === 0).toBe(padTo8);
      expect(metadata).toEqual({ author: 'hand', 'key with space': 'välue ✓' });
      expect([...tensors.keys()]).toEqual(['big', 'w', 'ids', 'h', 'b', 'codes', 's']); // file order
      const get = (n: string) => tensors.get(n)!;
      expect(get('w')).toMatchObject({ dtype: 'F32', shape: [2, 2] });
      expect(Array.from(get('w').data as Float32Array)).toEqual([1.5, -2, 0.25, Math.fround(1e-3)]);
      expect(get('w').data).toBeInstanceOf(Float32Array);
      expect(Array.from(get('ids').data as Int32Array)).toEqual([-7, 0, 2147483647]);
      expect(get('ids').data).toBeInstanceOf(Int32Array);
      expect(Array.from(get('h').data as Float32Array)).toEqual([1, -2, 2 ** -24, Infinity]);
      expect(get('h').data).toBeInstanceOf(Float32Array);
      expect(Array.from(get('b').data as Float32Array)).toEqual([1, -3]);
      expect(get('b').shape).toEqual([2, 1]);
      expect(Array.from(get('codes').data as Uint8Array)).toEqual([0, 3, 128, 255, 17]);
      expect(Array.from(get('s').data as Int8Array)).toEqual([-128, 127]);
      expect(Array.from(get('big').data as BigInt64Array)).toEqual([-5n, 2n ** 40n]);
      // `bytes` are the raw stored bytes.
      expect(Array.from(get('h').bytes)).toEqual([0x00, 0x3c, 0x00, 0xc0, 0x01, 0x00, 0x00, 0x7c]);
    });
  }

  it('gives zero-copy views when aligned and copies when not (or when asked)', () => {
    const { data, header } = handData();
    const aligned = assemble(header, data, { padTo8: true });
    const a = parseSafetensors(aligned);
    expect(a.tensors.get('w')!.data.buffer).toBe(aligned.buffer);
    expect(a.tensors.get('big')!.data.buffer).toBe(aligned.buffer);
    expect(a.tensors.get('codes')!.data.buffer).toBe(aligned.buffer);
    expect(a.tensors.get('h')!.data.buffer).not.toBe(aligned.buffer); // decoded
    const c = parseSafetensors(aligned, { copy: true });
    expect(c.tensors.get('w')!.data.buffer).not.toBe(aligned.buffer);
    expect(Array.from(c.tensors.get('w')!.data as Float32Array)).toEqual(Array.from(a.tensors.get('w')!.data as Float32Array));

    // The same file at byte offset 3 of a bigger buffer: nothing is aligned.
    const shifted = new Uint8Array(aligned.length + 3);
    shifted.set(aligned, 3);
    const s = parseSafetensors(shifted.subarray(3));
    expect(s.tensors.get('w')!.data.buffer).not.toBe(shifted.buffer);
    for (const name of a.tensors.keys()) {
      expect(Array.from(s.tensors.get(name)!.data as ArrayLike<number>), name).toEqual(
        Array.from(a.tensors.get(name)!.data as ArrayLike<number>),
      );
    }
    // An ArrayBuffer works too.
    expect(parseSafetensors(aligned.slice().buffer).tensors.size).toBe(7);
  });

  it('accepts an empty file ({} header) and zero-size tensors', () => {
    expect(parseSafetensors(assemble({}, new Uint8Array(0))).tensors.size).toBe(0);
    const t = parseSafetensors(
      assemble(
        {
          e: { dtype: 'F32', shape: [0, 4], data_offsets: [0, 0] },
          x: { dtype: 'U8', shape: [], data_offsets: [0, 1] },
          __metadata__: null,
        },
        new Uint8Array([9]),
      ),
    );
    expect(t.tensors.get('e')!.data.length).toBe(0);
    expect(t.tensors.get('x')).toMatchObject({ shape: [] });
    expect(Array.from(t.tensors.get('x')!.data as Uint8Array)).toEqual([9]);
  });
});

describe('serializeSafetensors output, read back by hand', () => {
  const entries: Record<string, SafetensorsEntry> = {
    'layer.0.w': { dtype: 'F32', shape: [2, 3], data: [0.5, -1, 3.25, 1e10, -0, 7] },
    half: { dtype: 'F16', shape: [4], data: [1, -2, 65504, 2 ** -24] },
    bhalf: { dtype: 'BF16', shape: [2], data: [1, -3] },
    ids: { dtype: 'I32', shape: [3], data: new Int32Array([-1, 0, 2147483647]) },
    codes: { dtype: 'U8', shape: [2, 2], data: [0, 255, 128, 1] },
    big: { dtype: 'I64', shape: [2], data: [-3, 2 ** 40] },
    one: { dtype: 'I8', shape: [], data: [-100] },
  };

  it('writes the documented layout: u64 LE length, space-padded JSON, aligned little-endian data', () => {
    const file = serializeSafetensors(entries, { source: 'test', empty: '' });
    const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
    const n = Number(view.getBigUint64(0, true));
    expect(n % 8).toBe(0);
    const headerBytes = file.subarray(8, 8 + n);
    const text = new TextDecoder().decode(headerBytes);
    const trimmed = text.trimEnd();
    expect(trimmed.endsWith('}')).toBe(true);
    expect(text.slice(trimmed.length)).toMatch(/^ *$/);
    expect(n - new TextEncoder().encode(trimmed).length).toBeLessThan(8);
    const header = JSON.parse(text) as Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
    expect(header.__metadata__).toEqual({ source: 'test', empty: '' });

    const dataStart = 8 + n;
    const names = Object.keys(header).filter((k) => k !== '__metadata__');
    expect(names.sort()).toEqual(Object.keys(entries).sort());
    // The tensors tile the data exactly, each aligned to its element size.
    const spans = names.map((k) => header[k].data_offsets).sort((a, b) => a[0] - b[0]);
    let at = 0;
    for (const [b, e] of spans) {
      expect(b).toBe(at);
      at = e;
    }
    expect(dataStart + at).toBe(file.length);
    const size: Record<string, number> = { F32: 4, F16: 2, BF16: 2, I32: 4, U8: 1, I64: 8, I8: 1 };
    for (const k of names) {
      expect(header[k].dtype).toBe(entries[k].dtype);
      expect(header[k].shape).toEqual(entries[k].shape);
      expect(header[k].data_offsets[0] % size[header[k].dtype]).toBe(0);
      expect((dataStart + header[k].data_offsets[0]) % size[header[k].dtype]).toBe(0);
    }
    const read = (k: string, get: (off: number) => number | bigint, bytes: number): (number | bigint)[] => {
      const [b, e] = header[k].data_offsets;
      const out = [];
      for (let off = b; off < e; off += bytes) out.push(get(dataStart + off));
      return out;
    };
    expect(read('layer.0.w', (o) => view.getFloat32(o, true), 4)).toEqual([0.5, -1, 3.25, 1e10, -0, 7]);
    expect(read('half', (o) => view.getUint16(o, true), 2)).toEqual([0x3c00, 0xc000, 0x7bff, 0x0001]);
    expect(read('bhalf', (o) => view.getUint16(o, true), 2)).toEqual([0x3f80, 0xc040]);
    expect(read('ids', (o) => view.getInt32(o, true), 4)).toEqual([-1, 0, 2147483647]);
    expect(read('codes', (o) => view.getUint8(o), 1)).toEqual([0, 255, 128, 1]);
    expect(read('big', (o) => view.getBigInt64(o, true), 8)).toEqual([-3n, 2n ** 40n]);
    expect(read('one', (o) => view.getInt8(o), 1)).toEqual([-100]);
  });

  it('round-trips through parseSafetensors for every dtype', () => {
    const all: Record<string, SafetensorsEntry> = {
      ...entries,
      f64: { dtype: 'F64', shape: [2], data: [Math.PI, -1e-300] },
      u64: { dtype: 'U64', shape: [2], data: [2n ** 64n - 1n, 5n] },
      u32: { dtype: 'U32', shape: [2], data: [0, 4294967295] },
      i16: { dtype: 'I16', shape: [2], data: [-32768, 32767] },
      u16: { dtype: 'U16', shape: [2], data: [0, 65535] },
      flags: { dtype: 'BOOL', shape: [3], data: [1, 0, 1] },
    };
    const parsed = parseSafetensors(serializeSafetensors(all));
    expect(parsed.metadata).toEqual({});
    for (const [k, e] of Object.entries(all)) {
      const t = parsed.tensors.get(k)!;
      expect(t.dtype, k).toBe(e.dtype);
      expect(t.shape, k).toEqual(e.shape);
      const want = Array.from(e.data as ArrayLike<number | bigint>).map((x) =>
        e.dtype === 'I64' || e.dtype === 'U64' ? BigInt(x) : e.dtype === 'F32' ? Math.fround(Number(x)) : x,
      );
      expect(Array.from(t.data as ArrayLike<number | bigint>), k).toEqual(want);
    }
  });

  it('keeps awkward tensor names exactly', () => {
    const names = ['__proto__', '12', 'a"b\\c', 'ünïcødé ✓', 'constructor'];
    const e = Object.fromEntries(names.map((n, i) => [n, { dtype: 'I32' as const, shape: [1], data: [i] }]));
    const map = new Map(names.map((n, i) => [n, { dtype: 'I32' as const, shape: [1], data: [i] }]));
    const parsed = parseSafetensors(serializeSafetensors(map));
    expect([...parsed.tensors.keys()].sort()).toEqual([...names].sort());
    names.forEach((n, i) => expect(Array.from(parsed.tensors.get(n)!.data as Int32Array)).toEqual([i]));
    // Object.fromEntries makes an own "__proto__" key; it must survive too.
    expect([...parseSafetensors(serializeSafetensors(e)).tensors.keys()].sort()).toEqual([...names].sort());
  });

  it('rejects bad entries with a typed error naming the tensor', () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [{ x: { dtype: 'F17', shape: [1], data: [1] } }, 'INVALID_DTYPE', 'unknown dtype'],
      [{ x: { dtype: 'F32', shape: [2, 2], data: [1, 2, 3] } }, 'INVALID_SHAPE', 'holds 4 values'],
      [{ x: { dtype: 'F32', shape: [-1], data: [] } }, 'INVALID_SHAPE', 'non-negative'],
      [{ x: { dtype: 'U8', shape: [2], data: [1, 256] } }, 'INVALID_ARGUMENT', 'index 1'],
      [{ x: { dtype: 'I32', shape: [1], data: [1.5] } }, 'INVALID_ARGUMENT', 'not an integer'],
      [{ x: { dtype: 'I8', shape: [1], data: [-129] } }, 'INVALID_ARGUMENT', '[-128, 127]'],
      [{ x: { dtype: 'F32', shape: [1], data: ['1'] } }, 'INVALID_ARGUMENT', 'not a number'],
      [{ x: { dtype: 'I64', shape: [1], data: [2 ** 60] } }, 'INVALID_ARGUMENT', 'safe integer'],
      [{ x: { dtype: 'U64', shape: [1], data: [-1n] } }, 'INVALID_ARGUMENT', 'outside the U64 range'],
      [{ __metadata__: { dtype: 'F32', shape: [1], data: [1] } }, 'INVALID_ARGUMENT', 'not allowed'],
    ];
    for (const [e, code, text] of cases) {
      const err = thrown(() => serializeSafetensors(e as Record<string, SafetensorsEntry>));
      expect(err.code, text).toBe(code);
      expect(err.message).toContain(text);
      expect(err.details?.tensor).toBe(Object.keys(e)[0]);
    }
    const m = thrown(() => serializeSafetensors({}, { a: 1 as unknown as string }));
    expect(m.code).toBe('INVALID_ARGUMENT');
    expect(m.message).toContain('metadata["a"]');
  });
});

describe('parseSafetensors on corrupt files', () => {
  const f32 = (n: number): Uint8Array => new Uint8Array(4 * n);
  const good = (): Uint8Array => {
    const { data, header } = handData();
    return assemble(header, data, { padTo8: true });
  };
  const cases: [string, () => Uint8Array, string][] = [
    ['5-byte file', () => new Uint8Array(5), 'too short'],
    ['header length beyond the file', () => assemble({}, new Uint8Array(0), { headerLength: 1000n }), 'larger than'],
    ['huge header length (high word set)', () => assemble({}, new Uint8Array(0), { headerLength: 2n ** 40n }), 'exceeds'],
    ['file cut inside the header', () => good().subarray(0, 40), 'larger than'],
    ['header not an object', () => assemble('[1, 2]', new Uint8Array(0)), 'starting with "{"'],
    ['invalid JSON', () => assemble('{"a": {"dtype": ', new Uint8Array(0)), 'not valid UTF-8 JSON'],
    ['invalid UTF-8', () => {
      const f = assemble('{"a":"xx"}', new Uint8Array(0));
      f[14] = 0xff;
      return f;
    }, 'not valid UTF-8 JSON'],
    ['entry not an object', () => assemble({ a: [1, 2] }, new Uint8Array(0)), 'entry must be an object'],
    ['unknown dtype', () => assemble({ a: { dtype: 'F17', shape: [1], data_offsets: [0, 4] } }, f32(1)), 'unknown dtype "F17"'],
    ['bad shape', () => assemble({ a: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, f32(1)), 'shape [-1]'],
    ['shape not an array', () => assemble({ a: { dtype: 'F32', shape: 3, data_offsets: [0, 12] } }, f32(3)), 'shape 3'],
    ['begin > end', () => assemble({ a: { dtype: 'F32', shape: [0], data_offsets: [4, 0] } }, f32(1)), '0 ≤ begin ≤ end'],
    ['offsets not integers', () => assemble({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 'x'] } }, f32(1)), 'data_offsets'],
    ['offsets past the data', () => assemble({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, f32(1)), 'run past the end'],
    ['byte length ≠ shape × dtype', () => assemble({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, f32(2)), 'needs 12 bytes but data_offsets give 8'],
    ['overlapping tensors', () =>
      assemble(
        {
          a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
          b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] },
        },
        f32(3),
      ), 'overlap tensor "a"'],
    ['a gap between tensors', () =>
      assemble(
        {
          a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] },
          b: { dtype: 'F32', shape: [1], data_offsets: [8, 12] },
        },
        f32(3),
      ), '4 bytes unaccounted'],
    ['data not starting at 0', () => assemble({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, f32(2)), 'unaccounted'],
    ['trailing bytes after the last tensor', () => assemble({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, f32(2)), 'cover 4 bytes'],
    ['file truncated inside the data', () => good().subarray(0, good().length - 3), 'run past the end'],
    ['metadata not strings', () => assemble({ __metadata__: { a: 1 } }, new Uint8Array(0)), '__metadata__'],
    ['metadata an array', () => assemble({ __metadata__: ['a'] }, new Uint8Array(0)), '__metadata__'],
  ];
  for (const [what, make, text] of cases) {
    it(`${what} → SAFETENSORS_CORRUPT`, () => {
      const e = thrown(() => parseSafetensors(make()));
      expect(e.code).toBe('SAFETENSORS_CORRUPT');
      expect(e.message).toContain(text);
      expect(e.message.startsWith('safetensors: ')).toBe(true);
    });
  }

  it('a valid but undecodable dtype (F8_E4M3) → UNSUPPORTED naming the tensor', () => {
    const e = thrown(() => parseSafetensors(assemble({ q: { dtype: 'F8_E4M3', shape: [2], data_offsets: [0, 2] } }, new Uint8Array(2))));
    expect(e.code).toBe('UNSUPPORTED');
    expect(e.details).toMatchObject({ tensor: 'q', dtype: 'F8_E4M3' });
  });

  it('rejects input that is not bytes', () => {
    expect(thrown(() => parseSafetensors('abc' as unknown as Uint8Array)).code).toBe('INVALID_ARGUMENT');
  });
});

describe('the reference file written by the Python safetensors package', () => {
  interface Ref {
    metadata: Record<string, string>;
    shapes: Record<string, number[]>;
    dtypes: Record<string, SafetensorsDType>;
    f32_bits: number[];
    f64: number[];
    f16_bits: number[];
    i64: string[];
    u64: string[];
    i32: number[];
    u32: number[];
    i16: number[];
    u16: number[];
    i8: number[];
    u8: number[];
    bool: number[];
    weird: number[];
  }

  it('parses it exactly, and our re-serialisation parses to the same tensors', async () => {
    const [bytes, ref] = await Promise.all([fixtureBytes('reference.safetensors'), fixtureJson<Ref>('reference.json')]);
    const halfValue = (h: number): number => {
      const s = h & 0x8000 ? -1 : 1;
      const e = (h >> 10) & 31;
      const m = h & 1023;
      if (e === 0) return s * m * 2 ** -24;
      if (e === 31) return m ? Number.NaN : s * Infinity;
      return s * 2 ** (e - 15) * (1 + m / 1024);
    };
    for (const round of [0, 1]) {
      const parsed =
        round === 0
          ? parseSafetensors(bytes)
          : parseSafetensors(serializeSafetensors(parseSafetensors(bytes).tensors, parseSafetensors(bytes).metadata));
      expect(parsed.metadata).toEqual(ref.metadata);
      expect(Object.fromEntries([...parsed.tensors].map(([k, t]) => [k, t.shape]))).toEqual(ref.shapes);
      expect(Object.fromEntries([...parsed.tensors].map(([k, t]) => [k, t.dtype]))).toEqual(ref.dtypes);
      const arr = (k: string): (number | bigint)[] => Array.from(parsed.tensors.get(k)!.data as ArrayLike<number | bigint>);
      expect(Array.from(new Uint32Array(new Float32Array(arr('f32') as number[]).buffer))).toEqual(ref.f32_bits);
      expect(arr('f64')).toEqual(ref.f64);
      const f16 = arr('f16') as number[];
      expect(f16.length).toBe(ref.f16_bits.length);
      ref.f16_bits.forEach((h, i) => {
        const want = halfValue(h);
        if (!(Object.is(f16[i], want) || (Number.isNaN(want) && Number.isNaN(f16[i])))) {
          throw new Error(`f16[${i}] 0x${h.toString(16)}: got ${f16[i]}, want ${want}`);
        }
      });
      expect(arr('i64')).toEqual(ref.i64.map(BigInt));
      expect(arr('u64')).toEqual(ref.u64.map(BigInt));
      for (const k of ['i32', 'u32', 'i16', 'u16', 'i8', 'u8', 'bool'] as const) expect(arr(k), k).toEqual(ref[k]);
      expect(arr('scalar')).toEqual([3.25]);
      expect(arr('empty')).toEqual([]);
      expect(arr('weird name/with.dots é')).toEqual(ref.weird);
      if (round === 1) {
        // F16 bits survive decode → float32 → encode unchanged.
        expect(Array.from(parsed.tensors.get('f16')!.bytes)).toEqual(
          Array.from(parseSafetensors(bytes).tensors.get('f16')!.bytes),
        );
      }
    }
  });
});

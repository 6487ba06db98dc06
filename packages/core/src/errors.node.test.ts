/**
 * The code list is closed and complete: every error code the sources of any
 * package or app throw (or test for) is in MOBILE_MM_ERROR_CODES, and every
 * listed code is thrown somewhere. Reads the sources with fs (Node only).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MOBILE_MM_ERROR_CODES } from './errors.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const SOURCE_DIRS = ['src', 'scripts', 'bin', 'browser'];
const SKIP = new Set(['node_modules', 'dist', '__fixtures__']);

function sourceFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (SKIP.has(e.name)) continue;
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(ts|mts|js|mjs)$/.test(e.name) && !/\.test\.|\.generated\./.test(e.name)) out.push(p);
    }
  };
  for (const group of ['packages', 'apps']) {
    for (const pkg of fs.readdirSync(path.join(repo, group))) {
      for (const d of SOURCE_DIRS) {
        const dir = path.join(repo, group, pkg, d);
        if (fs.existsSync(dir)) walk(dir);
      }
    }
  }
  return out;
}

const CODE = /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/;
const literals = (text: string): string[] => [...text.matchAll(/'([A-Z][A-Z0-9_]*)'/g)].map((m) => m[1]).filter((c) => CODE.test(c));

/** The first argument of each call `name(` in `src` (up to its top-level comma). */
function firstArgs(src: string, callee: RegExp): string[] {
  const args: string[] = [];
  for (const m of src.matchAll(callee)) {
    let depth = 0;
    let i = m.index + m[0].length;
    const start = i;
    for (; i < src.length; i++) {
      const ch = src[i];
      if ('([{'.includes(ch)) depth++;
      else if (')]}'.includes(ch)) {
        if (depth === 0) break;
        depth--;
      } else if (ch === ',' && depth === 0) break;
    }
    args.push(src.slice(start, i).trim());
  }
  return args;
}

/** Codes the sources use: thrown, declared as code constants, or tested for. */
function codesInSources(): { codes: Map<string, string>; calls: number } {
  const files = sourceFiles().map((f) => ({ f: path.relative(repo, f), src: fs.readFileSync(f, 'utf8') }));
  // `export const PROMPT_EMPTY = 'PROMPT_EMPTY'`: code constants (their name is their value).
  const constants = new Map<string, string>();
  for (const { src } of files) {
    for (const m of src.matchAll(/\bconst\s+([A-Z][A-Z0-9_]*)\s*=\s*'([A-Z][A-Z0-9_]*)'/g)) {
      if (m[1] === m[2]) constants.set(m[1], m[2]);
    }
  }
  const codes = new Map<string, string>();
  const add = (code: string, where: string): void => void (codes.has(code) || codes.set(code, where));
  let calls = 0;
  for (const { f, src } of files) {
    for (const arg of firstArgs(src, /\b(?:new\s+MobileMMError|mmError|imageError|serverError)\(/g)) {
      calls++;
      for (const c of literals(arg)) add(c, f);
      for (const id of arg.match(/\b[A-Z][A-Z0-9_]*\b/g) ?? []) if (constants.has(id)) add(constants.get(id)!, f);
      // `new MobileMMError(code, …)` with a local `code = …` (a ternary, a default parameter).
      if (/^code$/.test(arg)) for (const m of src.matchAll(/\bcode(?:\s*:\s*[\w.]+)?\s*=\s*([^;\n)]+)/g)) for (const c of literals(m[1])) add(c, f);
    }
    for (const m of src.matchAll(/isMobileMMError\([^,()]+,\s*'([A-Z][A-Z0-9_]*)'/g)) add(m[1], f);
    for (const m of src.matchAll(/\.code\s*[!=]==?\s*'([A-Z][A-Z0-9_]*)'/g)) if (!m[1].startsWith('ERR_')) add(m[1], f); // ERR_*: Node's own codes
    if (/\berrors\.ts$/.test(f)) for (const m of src.matchAll(/\bconst\s+([A-Z][A-Z0-9_]*)\s*=\s*'([A-Z][A-Z0-9_]*)'/g)) if (m[1] === m[2]) add(m[2], f);
  }
  return { codes, calls };
}

describe('MOBILE_MM_ERROR_CODES against the sources', () => {
  const { codes, calls } = codesInSources();
  const listed = new Set<string>(MOBILE_MM_ERROR_CODES);

  it('finds the throw sites (the scan itself works)', () => {
    expect(calls).toBeGreaterThan(100);
    expect(codes.size).toBeGreaterThan(20);
  });

  it('lists every code the sources use', () => {
    const unlisted = [...codes].filter(([c]) => !listed.has(c)).map(([c, f]) => `${c} (${f})`);
    expect(unlisted).toEqual([]);
  });

  it('lists no code that nothing throws', () => {
    expect(MOBILE_MM_ERROR_CODES.filter((c) => !codes.has(c))).toEqual([]);
  });
});

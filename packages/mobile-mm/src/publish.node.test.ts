/**
 * What each publishable package puts in its tarball (`npm pack --dry-run
 * --json`, on the built dist/): only what a user needs — dist/ without
 * tests or fixtures (test-utils only where package.json exports it), README,
 * CHANGELOG, LICENSE, package.json, and the umbrella's bin/, models/ and
 * samples/. Also checks each `exports` map: `types` first, `import` last,
 * every target packed, `./package.json` exported. Sizes are logged (README
 * "Package sizes").
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

interface PackageJson {
  name: string;
  private?: boolean;
  exports: Record<string, string | Record<string, string>>;
  sideEffects?: boolean | string[];
  bin?: Record<string, string>;
}

interface Packed {
  name: string;
  version: string;
  size: number;
  unpackedSize: number;
  entryCount: number;
  files: { path: string; size: number }[];
}

const publishable = readdirSync(path.join(repo, 'packages'))
  .map((dir) => ({ dir: path.join(repo, 'packages', dir), pkg: JSON.parse(readFileSync(path.join(repo, 'packages', dir, 'package.json'), 'utf8')) as PackageJson }))
  .filter(({ pkg }) => pkg.private !== true);

const ALWAYS = ['package.json', 'README.md', 'CHANGELOG.md', 'LICENSE'];
/** Test files, fixtures, sources, scripts, build leftovers. */
const FORBIDDEN = /\.test\.|__fixtures__|(^|\/)src\/|(^|\/)scripts\/|\.tsbuildinfo$|\.d\.ts\.map$/;

function pack(dir: string): Packed {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return (JSON.parse(out) as Packed[])[0];
}

describe('npm pack contents', () => {
  it('finds the publishable packages', () => {
    expect(publishable.map((p) => p.pkg.name).sort()).toEqual(
      ['@mobile-mm/core', '@mobile-mm/export', '@mobile-mm/int2', '@mobile-mm/resilience', '@mobile-mm/server', '@mobile-mm/synth', '@mobile-mm/telemetry', '@mobile-mm/vision', 'mobile-mm'].sort(),
    );
  });

  const sizes: string[] = [];
  for (const { dir, pkg } of publishable) {
    it(`${pkg.name} packs only what a user needs`, () => {
      expect(existsSync(path.join(dir, 'dist', 'index.js')), `${pkg.name}: run \`npm run build\` first (npm test does)`).toBe(true);
      const packed = pack(dir);
      const files = packed.files.map((f) => f.path);
      sizes.push(`${pkg.name}@${packed.version}: ${packed.size} B packed, ${packed.unpackedSize} B unpacked, ${packed.entryCount} files`);

      for (const f of ALWAYS) expect(files, `${pkg.name} lacks ${f}`).toContain(f);
      const extraDirs = pkg.name === 'mobile-mm' ? ['bin/', 'models/', 'samples/'] : [];
      const unexpected = files.filter((f) => !ALWAYS.includes(f) && !f.startsWith('dist/') && !extraDirs.some((d) => f.startsWith(d)));
      expect(unexpected, `${pkg.name}: files outside dist/`).toEqual([]);
      expect(files.filter((f) => FORBIDDEN.test(f)), `${pkg.name}: test/fixture/script files`).toEqual([]);
      if (!('./test-utils' in pkg.exports)) expect(files.filter((f) => f.includes('test-utils'))).toEqual([]);

      // Every exports target (and every listed side-effect module in dist/) is in the tarball.
      expect(pkg.exports['./package.json']).toBe('./package.json');
      for (const [sub, target] of Object.entries(pkg.exports)) {
        if (typeof target === 'string') continue;
        const conditions = Object.keys(target);
        expect(conditions[0], `${pkg.name} ${sub}: 'types' first`).toBe('types');
        expect(conditions[conditions.length - 1], `${pkg.name} ${sub}: 'import' last`).toBe('import');
        for (const c of ['types', 'import']) expect(files, `${pkg.name} ${sub} → ${target[c]}`).toContain(target[c].replace(/^\.\//, ''));
      }
      const sideEffects = Array.isArray(pkg.sideEffects) ? pkg.sideEffects.filter((s) => s.startsWith('./dist/')) : [];
      for (const s of sideEffects) expect(files, `${pkg.name} sideEffects ${s}`).toContain(s.slice(2));
      for (const bin of Object.values(pkg.bin ?? {})) expect(files).toContain(bin.replace(/^\.\//, ''));
    });
  }

  afterAll(() => console.log(sizes.join('\n')));
});

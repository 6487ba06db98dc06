/**
 * The CLI in each of the six languages: the same exit code and error code,
 * the message in the user's language (MOBILE_MM_LOCALE, LANG, --locale), the
 * English one kept in --json. Child processes, as a user runs it.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { LANGUAGES, loadAllMessages, msg } from '@mobile-mm/core';

const pkg = fileURLToPath(new URL('..', import.meta.url));
const cli = path.join(pkg, 'src/cli.ts');
const scene = path.join(pkg, 'samples/scene-0.png');

function run(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('MOBILE_MM_') && !/^(LANG|LC_ALL|LC_MESSAGES|LANGUAGE)$/.test(k)));
  return new Promise((resolve) => {
    execFile(process.execPath, ['--conditions=source', '--import', 'tsx', cli, ...args], { cwd: pkg, env: { ...clean, ...env }, timeout: 60_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
    );
  });
}

beforeAll(loadAllMessages);

describe('mobile-mm caption missing.png, in every language', () => {
  it.each(LANGUAGES)('MOBILE_MM_LOCALE=%s: exit 3, FILE_NOT_FOUND, the message in that language', async (lang) => {
    const r = await run(['caption', 'missing.png', '--variant', 'fp32'], { MOBILE_MM_LOCALE: lang });
    expect(r.code, r.stderr).toBe(3);
    const message = msg('image.fileNotFound', { path: '"missing.png"' }, lang);
    expect(r.stderr).toContain(`${msg('cli.error', { code: 'FILE_NOT_FOUND', message }, lang)}\n`);
    expect(r.stdout).toBe('');
  });

  it('the texts a Japanese, French and German user reads (spelled out, not taken from the catalogue)', async () => {
    const ja = await run(['caption', 'missing.png', '--variant', 'fp32'], { MOBILE_MM_LOCALE: 'ja' });
    expect(ja.stderr).toContain('エラー [FILE_NOT_FOUND]：画像ファイル "missing.png"：ファイルが存在しません。');
    const fr = await run(['caption', 'missing.png', '--variant', 'fp32'], { LANG: 'fr_CA.UTF-8' });
    expect(fr.stderr).toContain('erreur [FILE_NOT_FOUND]\u00a0: Fichier image "missing.png"\u00a0: ce fichier n’existe pas.');
    const de = await run(['caption', 'missing.png', '--variant', 'fp32', '--locale', 'de-AT'], { MOBILE_MM_LOCALE: 'ja' });
    expect(de.stderr).toContain('Fehler [FILE_NOT_FOUND]: Bilddatei "missing.png": Die Datei existiert nicht.');
  });

  it('--json keeps the code and the English message next to the localized one', async () => {
    const r = await run(['caption', 'missing.png', '--variant', 'fp32', '--json'], { MOBILE_MM_LOCALE: 'zh' });
    expect(r.code).toBe(3);
    const out = JSON.parse(r.stdout) as { error: { code: string; message: string; messageEn: string } };
    expect(out.error).toMatchObject({
      code: 'FILE_NOT_FOUND',
      message: '图像文件 "missing.png"：文件不存在。',
      messageEn: 'Image file "missing.png": there is no such file.',
    });
  });

  it('an unknown locale answers in English with a one-line notice, never an error', async () => {
    const r = await run(['caption', 'missing.png', '--variant', 'fp32'], { MOBILE_MM_LOCALE: 'ko-KR' });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('error [FILE_NOT_FOUND]: Image file "missing.png": there is no such file.');
    expect(r.stderr.split('\n').filter((l) => l.includes('ko-KR'))).toEqual(['note: The locale "ko-KR" is not one of en, es, fr, de, ja, zh; using en.']);
  });
});

describe('usage errors and help in the user language', () => {
  it.each(['es', 'ja'] as const)('%s: a wrong argument count is exit 2 with a localized USAGE message', async (lang) => {
    const r = await run(['vqa', scene], { MOBILE_MM_LOCALE: lang });
    expect(r.code).toBe(2);
    const message = msg('cli.arity', { command: 'vqa', want: 'IMAGE "QUESTION"', n: 1, quoteHint: 'yes' }, lang);
    expect(r.stderr).toContain(msg('cli.error', { code: 'USAGE', message }, lang));
    expect(r.stderr).toContain(msg('cli.seeHelp', undefined, lang));
  });

  it('demo labels are written in the locale', async () => {
    const r = await run(['demo', '--variant', 'fp32'], { MOBILE_MM_LOCALE: 'de' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^mobile-mm-Demo · Backend wasm · Variante fp32/);
    expect(r.stdout).toMatch(/\n  Antwort:  /);
    expect(r.stdout).toMatch(/Median in ms pro Aufruf: caption [0-9]+,[0-9] /);
  });

  it('--help is printed in the locale', async () => {
    const r = await run(['--help'], { MOBILE_MM_LOCALE: 'de' });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^mobile-mm: Bildbeschreibung/);
    expect(r.stdout).toContain('4.194.304'); // the default pixel cap, in German digits
    const serve = await run(['serve', '--help'], { LANG: 'ja_JP.UTF-8' });
    expect(serve.code).toBe(0);
    expect(serve.stdout).toMatch(/^mobile-mm serve：モデルの HTTP サーバー/);
    expect(serve.stdout).toContain('MOBILE_MM_API_KEYS=key1,key2');
    const exp = await run(['export', '--help'], { MOBILE_MM_LOCALE: 'es' });
    expect(exp.code).toBe(0);
    expect(exp.stdout).toMatch(/^mobile-mm export: escribe un checkpoint/);
    expect(exp.stdout).toContain('onnx 2|4|8|32'); // the computed bits line survives translation
    const plan = await run(['plan', '--help'], { MOBILE_MM_LOCALE: 'zh' });
    expect(plan.code).toBe(0);
    expect(plan.stdout).toMatch(/^mobile-mm plan：根据服务器基准测试/);
  });
});

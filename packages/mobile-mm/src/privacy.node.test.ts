/**
 * PRIVACY.md's first claim, checked: captioning, OCR and VQA run with every
 * way out of the process blocked. A child process replaces node's socket,
 * TLS, UDP, DNS, http(s) and fetch entry points with functions that record
 * the attempt and throw, then loads the bundled model and answers the three
 * tasks on the bundled samples. Any network use would show as an attempt
 * (or as a failed task).
 */
import { execFile } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const pkg = fileURLToPath(new URL('..', import.meta.url));

const SCRIPT = String.raw`
import module from 'node:module';
import net from 'node:net';
import tls from 'node:tls';
import dgram from 'node:dgram';
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';

const attempts = [];
const blocked = (what) => function () {
  attempts.push(what);
  throw new Error('network blocked: ' + what);
};
net.Socket.prototype.connect = blocked('net.Socket.connect');
net.connect = net.createConnection = blocked('net.connect');
tls.connect = blocked('tls.connect');
dgram.createSocket = blocked('dgram.createSocket');
dns.lookup = blocked('dns.lookup');
dns.resolve = blocked('dns.resolve');
dns.promises.lookup = blocked('dns.promises.lookup');
http.request = http.get = blocked('http.request');
https.request = https.get = blocked('https.request');
globalThis.fetch = blocked('fetch');
globalThis.WebSocket = blocked('WebSocket');
module.syncBuiltinESMExports();

const { MobileMultiModalLLM } = await import('mobile-mm');
const samples = new URL('./samples/', import.meta.url);
const answers = {};
for (const variant of ['fp32', 'int2']) {
  const mm = await MobileMultiModalLLM.create({ backend: 'wasm', variant, env: {} });
  answers[variant] = {
    caption: (await mm.caption(new URL('scene-0.png', samples).pathname)).text,
    ocr: (await mm.ocr(new URL('text-0.png', samples).pathname)).text,
    vqa: (await mm.vqa(new URL('scene-0.png', samples).pathname, 'how many objects are there?')).text,
  };
  mm.dispose();
}
const duringTasks = attempts.length;
// The control: the block is really in place.
let fetchBlocked = false;
try { await fetch('http://127.0.0.1:9/'); } catch { fetchBlocked = true; }
let socketBlocked = false;
try { net.connect(9, '127.0.0.1'); } catch { socketBlocked = true; }
process.stdout.write(JSON.stringify({ duringTasks, attempts, answers, fetchBlocked, socketBlocked }));
`;

it('caption, OCR and VQA run with all network access blocked, and attempt none', async () => {
  const file = path.join(pkg, `.offline-check-${process.pid}.mts`);
  await writeFile(file, SCRIPT);
  try {
    const out = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('MOBILE_MM_')));
      execFile(process.execPath, ['--conditions=source', '--import', 'tsx', file], { cwd: pkg, env, timeout: 120_000 }, (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
      );
    });
    expect(out.code, out.stderr).toBe(0);
    const r = JSON.parse(out.stdout) as {
      duringTasks: number;
      attempts: string[];
      answers: Record<string, { caption: string; ocr: string; vqa: string }>;
      fetchBlocked: boolean;
      socketBlocked: boolean;
    };
    expect(r.duringTasks, `network attempts while answering: ${r.attempts.join(', ')}`).toBe(0);
    expect(r.fetchBlocked && r.socketBlocked).toBe(true);
    expect(r.attempts).toEqual(['fetch', 'net.connect']); // only the control's two
    for (const variant of ['fp32', 'int2']) {
      expect(r.answers[variant].caption).toMatch(/^a (small|large) /);
      expect(r.answers[variant].ocr).toMatch(/^[A-Z0-9 ]+$/);
      expect(r.answers[variant].vqa).toMatch(/^[0-9]$/);
    }
  } finally {
    await rm(file, { force: true });
  }
});

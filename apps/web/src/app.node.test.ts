/**
 * The built web app (apps/web/dist, from `npm run web:build`; `npm test`
 * builds it through turbo) in real headless Chromium (Playwright with the
 * Debian chromium, the flags of vitest.config.ts), served by a small static
 * server that also counts the bytes it sends.
 *
 * Checked: every task on every bundled sample gives the answer the facade
 * gives in Node on the same file (an independent run here, wasm, from the
 * package's folder); a streamed answer grows token by token; bad files and
 * an empty question show their error codes; the backend switch (webgl on
 * SwiftShader, wasm, cpu) and the INT2/fp32 switch answer as Node does;
 * a PNG over the pixel limit and a WebP are decoded by the browser and answered;
 * after one visit the app answers with the network off (service worker);
 * at 360×640 with touch there is no horizontal scroll and every control is
 * on screen. Bytes of the first visit and the time to the first answer are
 * logged (README), not asserted. With MOBILE_MM_WEB_SCREENSHOTS=1 the
 * desktop and phone screenshots are written to apps/web/screenshots/.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, stat } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MobileMultiModalLLM } from 'mobile-mm';

const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(appDir, 'dist');
const mmDir = path.resolve(appDir, '../../packages/mobile-mm');
const SHOTS = process.env.MOBILE_MM_WEB_SCREENSHOTS === '1';

interface Sample {
  file: string;
  kind: 'scene' | 'text';
  vqa?: { question: string };
}
type Expected = { caption?: string; vqa?: string; ocr?: string };

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.png': 'image/png',
  '.wasm': 'application/wasm',
};

let server: http.Server;
let origin: string;
/** Bytes sent per path since the last reset (what a first visit downloads). */
let sent = new Map<string, number>();
let browser: Browser;
let samples: Sample[];
const expected = new Map<string, Expected>();
let fp32Vqa: string;

beforeAll(async () => {
  if (!existsSync(path.join(dist, 'index.html')) || !existsSync(path.join(dist, 'sw.js'))) {
    throw new Error('apps/web/dist is missing: run `npm run web:build` first (npm test builds it through turbo).');
  }
  server = http.createServer((req, res) => {
    void (async () => {
      let p = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
      if (p.endsWith('/')) p += 'index.html';
      const file = path.join(dist, path.normalize(p));
      if (!file.startsWith(dist) || !(await stat(file).catch(() => null))?.isFile()) {
        res.writeHead(404).end();
        return;
      }
      const bytes = await readFile(file);
      sent.set(p, (sent.get(p) ?? 0) + bytes.length);
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'content-length': bytes.length, 'cache-control': 'no-cache' });
      res.end(bytes);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  // The reference: the facade in Node on the same files (wasm, the package's own model folders).
  samples = (JSON.parse(await readFile(path.join(mmDir, 'samples/samples.json'), 'utf8')) as { samples: Sample[] }).samples;
  const int2 = await MobileMultiModalLLM.create({ backend: 'wasm', variant: 'int2' });
  const fp32 = await MobileMultiModalLLM.create({ backend: 'wasm', variant: 'fp32' });
  try {
    for (const s of samples) {
      const png = await readFile(path.join(mmDir, 'samples', s.file));
      if (s.kind === 'text') expected.set(s.file, { ocr: (await int2.ocr(png)).text });
      else expected.set(s.file, { caption: (await int2.caption(png)).text, vqa: (await int2.vqa(png, s.vqa!.question)).text });
    }
    fp32Vqa = (await fp32.vqa(await readFile(path.join(mmDir, 'samples/scene-0.png')), samples[0].vqa!.question)).text;
  } finally {
    int2.dispose();
    fp32.dispose();
  }

  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--use-angle=swiftshader',
      '--enable-unsafe-swiftshader',
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  if (server) await new Promise((resolve) => server.close(resolve));
});

async function ready(page: Page): Promise<void> {
  await page.waitForSelector('body[data-state="ready"]', { timeout: 60_000 });
}

/** Picks a sample and a task, runs it, and returns the answer shown. */
async function runTask(page: Page, file: string, task: 'caption' | 'ocr' | 'vqa', question?: string): Promise<string> {
  await page.click(`button.sample[data-file="${file}"]`);
  await page.check(`input[name="task"][value="${task}"]`);
  if (question !== undefined) await page.fill('#question', question);
  return runShown(page);
}

async function runShown(page: Page): Promise<string> {
  await page.evaluate(() => {
    document.body.dataset.state = 'ready';
    delete document.getElementById('answer')!.dataset.task;
  });
  await page.click('#run');
  await page.waitForFunction(() => document.getElementById('answer')!.dataset.task !== undefined || !document.getElementById('error')!.hidden, null, { timeout: 60_000 });
  await ready(page);
  return (await page.textContent('#answer')) ?? '';
}

/** Waits for the model to be ready with the given backend/variant, and says what the page shows if it is not. */
async function loadedWith(page: Page, what: { backend?: string; variant?: string }): Promise<void> {
  try {
    await page.waitForFunction(
      (w) =>
        document.body.dataset.state === 'ready' &&
        (w.backend === undefined || document.getElementById('active-backend')!.textContent === w.backend) &&
        (w.variant === undefined || (document.getElementById('active-variant')!.textContent ?? '').startsWith(w.variant)),
      what,
      { timeout: 60_000 },
    );
  } catch (e) {
    const shown = await page.evaluate(() => ({
      state: document.body.dataset.state,
      backend: document.getElementById('active-backend')!.textContent,
      variant: document.getElementById('active-variant')!.textContent,
      progress: document.getElementById('progress-text')!.textContent,
      note: document.getElementById('switch-note')!.textContent,
      error: document.getElementById('error')!.textContent?.replace(/\s+/g, ' '),
    }));
    throw new Error(`not loaded with ${JSON.stringify(what)}: ${JSON.stringify(shown)} (${(e as Error).message})`);
  }
}

async function shot(page: Page, name: string): Promise<void> {
  if (!SHOTS) return;
  await mkdir(path.join(appDir, 'screenshots'), { recursive: true });
  await page.screenshot({ path: path.join(appDir, 'screenshots', name), fullPage: true });
}

describe('the web app in Chromium', () => {
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
  });
  afterAll(async () => context?.close());

  it('first visit on wasm: answers every task on every sample as the facade does in Node; the answer streams; bad input shows its code', async () => {
    sent = new Map();
    const pageGot = new Set<string>();
    const onRequest = (r: { url(): string }): void => void pageGot.add(decodeURIComponent(new URL(r.url()).pathname));
    page.on('request', onRequest);
    await page.goto(`${origin}/?backend=wasm`);
    await loadedWith(page, { backend: 'wasm' });
    expect(await page.textContent('#active-variant')).toMatch(/^int2 \(tiny-int2/);
    const first = await runTask(page, 'scene-0.png', 'caption');
    expect(first).toBe(expected.get('scene-0.png')!.caption);
    const readyMs = Number(await page.getAttribute('body', 'data-ready-ms'));
    const firstMs = Number(await page.textContent('#t-first'));
    const firstCall = { total: await page.textContent('#t-total'), pre: await page.textContent('#t-pre'), enc: await page.textContent('#t-enc'), dec: await page.textContent('#t-dec'), load: await page.textContent('#t-load') };
    const bytes = [...sent].reduce((a, [, n]) => a + n, 0);
    const by = (re: RegExp) => [...sent].filter(([p]) => re.test(p)).reduce((a, [, n]) => a + n, 0);
    console.log(
      `[web] first visit (wasm, int2): ${bytes} B sent: app JS/CSS/HTML ${by(/\.(js|css|html|webmanifest)$/)} B, wasm ${by(/\.wasm$/)} B, model ${by(/\/models\//)} B, ` +
        `samples/icons ${by(/\.(png|json)$/) - by(/\/models\/.*\.json$/)} B; model ready ${readyMs} ms after navigation, first answer ${firstMs} ms (the test's clicks included); model load ${firstCall.load} ms; first call (caption) ${JSON.stringify(firstCall)} ms`,
    );
    console.log(`[web] first visit per file: ${JSON.stringify(Object.fromEntries(sent))}`);
    page.off('request', onRequest);
    const sizes = await Promise.all([...pageGot].map(async (p) => [p, (await stat(path.join(dist, p.endsWith('/') ? `${p}index.html` : p)).catch(() => null))?.size ?? 0] as const));
    const pageBy = (re: RegExp) => sizes.filter(([p]) => re.test(p.endsWith('/') ? `${p}index.html` : p)).reduce((a, [, n]) => a + n, 0);
    console.log(
      `[web] the page itself fetched (to its first answer): app JS/CSS/HTML ${pageBy(/\.(js|css|html|webmanifest)$/)} B, wasm ${pageBy(/\.wasm$/)} B, model ${pageBy(/\/models\//)} B; files: ${sizes.map(([p]) => p).join(' ')}`,
    );
    expect(await page.textContent('#memory')).toMatch(/in \d+ tensors/);
    expect(Number(await page.textContent('#t-total'))).toBeGreaterThan(0);

    for (const s of samples) {
      const want = expected.get(s.file)!;
      if (s.kind === 'text') {
        expect(await runTask(page, s.file, 'ocr'), s.file).toBe(want.ocr);
      } else {
        expect(await runTask(page, s.file, 'caption'), s.file).toBe(want.caption);
        expect(await runTask(page, s.file, 'vqa', s.vqa!.question), s.file).toBe(want.vqa);
      }
    }

    // Streaming: each token lands as its own text node in the live region; record the states the DOM went through.
    await page.evaluate(() => {
      const w = window as unknown as { __states: string[] };
      w.__states = [];
      const answer = document.getElementById('answer')!;
      let cur = '';
      new MutationObserver((records) => {
        for (const r of records) {
          if (r.removedNodes.length > 0) w.__states.push((cur = '')); // cleared: the run starts, or the final text replaces the streamed one
          for (const n of r.addedNodes) if (n.nodeType === Node.TEXT_NODE) w.__states.push((cur += n.textContent));
        }
      }).observe(answer, { childList: true });
    });
    const caption = await runTask(page, 'scene-1.png', 'caption');
    const states = await page.evaluate(() => (window as unknown as { __states: string[] }).__states);
    // [...'' (cleared), token states growing..., '' (replaced), final text]
    const lastClear = states.lastIndexOf('');
    const streamed = states.slice(states.indexOf('') + 1, lastClear).filter((x) => x !== '');
    expect(streamed.length).toBeGreaterThanOrEqual(5);
    for (let i = 1; i < streamed.length; i++) expect(streamed[i].length).toBeGreaterThan(streamed[i - 1].length);
    expect(streamed.at(-1)!.trim()).toBe(caption);
    expect(states.at(-1)).toBe(caption);
    expect(await page.getAttribute('#answer', 'aria-live')).toBe('polite');
    expect(await page.getAttribute('#answer', 'aria-busy')).toBe('false');

    // Bad input: not an image, a PNG cut short, an empty question.
    await page.setInputFiles('#file', { name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from('these are not image bytes') });
    await page.check('input[name="task"][value="caption"]');
    await runShown(page);
    expect(await page.getAttribute('#error', 'data-code')).toBe('IMAGE_UNSUPPORTED_FORMAT');
    expect(await page.textContent('#error-message')).not.toBe('');
    const png = await readFile(path.join(mmDir, 'samples/scene-0.png'));
    await page.setInputFiles('#file', { name: 'cut.png', mimeType: 'image/png', buffer: png.subarray(0, 200) });
    await runShown(page);
    expect(await page.getAttribute('#error', 'data-code')).toBe('IMAGE_CORRUPT');
    await page.click('button.sample[data-file="scene-0.png"]');
    await page.check('input[name="task"][value="vqa"]');
    await page.fill('#question', '   ');
    await runShown(page);
    expect(await page.getAttribute('#error', 'data-code')).toBe('PROMPT_EMPTY');
    // Pictures the library refuses but the browser reads — a PNG over maxImagePixels (a phone photo), a WebP —
    // are decoded and scaled by the browser, and answered.
    for (const [type, side] of [['image/png', 2049], ['image/webp', 640]] as const) {
      await page.evaluate(
        async ({ type, side }) => {
          const img = new Image();
          img.src = 'samples/scene-0.png';
          await img.decode();
          const c = document.createElement('canvas');
          c.width = c.height = side;
          const ctx = c.getContext('2d')!;
          ctx.imageSmoothingEnabled = false;
          ctx.drawImage(img, 0, 0, side, side);
          const blob = await new Promise<Blob>((resolve) => c.toBlob((b) => resolve(b!), type, 1));
          const dt = new DataTransfer();
          dt.items.add(new File([blob], `big.${type.split('/')[1]}`, { type }));
          const input = document.getElementById('file') as HTMLInputElement;
          input.files = dt.files;
          input.dispatchEvent(new Event('change'));
        },
        { type, side },
      );
      await page.waitForFunction((n) => (document.getElementById('image-name')!.textContent ?? '').includes(n), `big.${type.split('/')[1]}`);
      await page.check('input[name="task"][value="vqa"]');
      await page.fill('#question', samples[0].vqa!.question);
      const answer = await runShown(page);
      expect(await page.isHidden('#error'), type).toBe(true);
      expect(answer, type).not.toBe('');
      expect(await page.textContent('#call-notes'), type).toContain(`Decoded and scaled to ${Math.min(side, 512)}×${Math.min(side, 512)} by the browser (${type === 'image/png' ? 'IMAGE_TOO_LARGE' : 'IMAGE_UNSUPPORTED_FORMAT'}`);
    }
    // The next good run clears the error.
    expect(await runTask(page, 'scene-0.png', 'vqa', samples[0].vqa!.question)).toBe(expected.get('scene-0.png')!.vqa);
    expect(await page.isHidden('#error')).toBe(true);
    await shot(page, 'desktop.png');
  });

  it('switches backends (webgl on SwiftShader, cpu, wasm) and weights (fp32), each answering as Node does', async () => {
    const q = samples[0].vqa!.question;
    for (const backend of ['webgl', 'cpu', 'wasm']) {
      await page.selectOption('#backend', backend);
      await loadedWith(page, { backend });
      expect(await runTask(page, 'scene-0.png', 'vqa', q), backend).toBe(expected.get('scene-0.png')!.vqa);
      expect(await page.textContent('#call-notes')).toMatch(new RegExp(`^${backend}, int2`));
    }
    await page.selectOption('#variant', 'fp32');
    await loadedWith(page, { variant: 'fp32' });
    expect(await runTask(page, 'scene-0.png', 'vqa', q)).toBe(fp32Vqa);
  });

  it('works offline after one visit: the service worker serves the app, the wasm binaries and both models', async () => {
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30_000 });
    await page.waitForSelector('#offline[data-state="ready"]', { timeout: 60_000 });
    await context.setOffline(true);
    try {
      sent = new Map();
      await page.reload();
      await ready(page);
      console.log(`[web] offline reload (int2, wasm): model ready ${await page.getAttribute('body', 'data-ready-ms')} ms after navigation`);
      expect(await runTask(page, 'text-0.png', 'ocr')).toBe(expected.get('text-0.png')!.ocr);
      await page.selectOption('#variant', 'fp32'); // the other weights were cached too
      await loadedWith(page, { variant: 'fp32' });
      expect(await runTask(page, 'scene-0.png', 'vqa', samples[0].vqa!.question)).toBe(fp32Vqa);
      expect(sent.size).toBe(0); // nothing reached the server
    } finally {
      await context.setOffline(false);
    }
  });
});

it('in a Japanese browser: captions and error messages in Japanese, error codes unchanged', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'ja-JP' });
  const page = await context.newPage();
  try {
    await page.goto(`${origin}/?backend=wasm`);
    await ready(page);
    const caption = await runTask(page, 'scene-0.png', 'caption');
    // SynthScenes v2's Japanese captions: no spaces, 。 at the end, the colour words in kanji or kana.
    expect(caption).toMatch(/。$/);
    expect(caption).not.toMatch(/[A-Za-z ]/);
    await page.check('input[name="task"][value="vqa"]');
    await page.fill('#question', '   ');
    await page.click('#run');
    await page.waitForFunction(() => !document.getElementById('error')!.hidden, null, { timeout: 60_000 });
    expect(await page.textContent('#error-code')).toBe('PROMPT_EMPTY');
    expect(await page.textContent('#error-message')).toBe('質問が空です（または空白だけです）。「what color is the circle?」のように質問してください。');
  } finally {
    await context.close();
  }
});

it('at phone size (360×640, touch) there is no horizontal scroll and every control is on screen and usable', async () => {
  const context = await browser.newContext({ viewport: { width: 360, height: 640 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  const page = await context.newPage();
  try {
    await page.goto(`${origin}/?backend=wasm`);
    await ready(page);
    const layout = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
    expect(layout.scroll).toBeLessThanOrEqual(layout.client);
    // Every control (file inputs through their visible labels) lies inside the 360 px width, is visible and at least 24 px tall.
    const boxes = await page.evaluate(() => {
      const els = [...document.querySelectorAll<HTMLElement>('select, button, input:not([type="file"]), label.button, a, #drop')];
      return els.map((el) => {
        const r = el.getBoundingClientRect();
        const s = getComputedStyle(el);
        return { id: el.id || el.outerHTML.slice(0, 60), left: r.left, right: r.right + window.scrollX, height: r.height, visible: s.visibility !== 'hidden' && s.display !== 'none' && r.width > 0, skip: el.classList.contains('skip') };
      });
    });
    expect(boxes.length).toBeGreaterThan(15);
    for (const b of boxes.filter((x) => !x.skip)) {
      expect(b.visible, b.id).toBe(true);
      expect(b.left, b.id).toBeGreaterThanOrEqual(0);
      expect(b.right, b.id).toBeLessThanOrEqual(360);
      expect(b.height, b.id).toBeGreaterThanOrEqual(20);
    }
    await page.tap('button.sample[data-file="scene-2.png"]');
    await page.tap('input[name="task"][value="vqa"]');
    await page.tap('#run');
    await page.waitForFunction(() => document.getElementById('answer')!.dataset.task === 'vqa', null, { timeout: 60_000 });
    expect(await page.textContent('#answer')).toBe(expected.get('scene-2.png')!.vqa);
    // Keyboard: Tab reaches the Run button.
    await page.focus('#question');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('run');
    await shot(page, 'phone.png');
  } finally {
    await context.close();
  }
});

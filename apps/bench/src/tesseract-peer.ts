/**
 * tesseract.js 7 as an offline OCR peer (Node).
 *
 * Everything comes from node_modules, nothing from the network:
 * - the engine: tesseract.js-core's wasm build, which tesseract.js's Node
 *   worker `require`s itself (it picks the relaxed-SIMD, SIMD or plain LSTM
 *   build by feature detection; `corePath` is not read in Node);
 * - the worker script: tesseract.js's own `src/worker-script/node/index.js`,
 *   run in a worker thread;
 * - the language data: `@tesseract.js-data/eng/<traineddata>/eng.traineddata.gz`,
 *   read from disk because `langPath` is a local folder (tesseract.js only
 *   fetches when langPath is a URL or unset), gunzipped in the worker;
 * - `cacheMethod: 'none'`: no cache is read or written (the default writes
 *   `./eng.traineddata` into the working directory).
 * The data file is checked before the worker starts, and the start has a
 * deadline, so a missing file or a stuck start fails fast with a message.
 *
 * Settings (the "best settings", measured again in ocr-peer.md):
 * single-line page segmentation, an A–Z 0–9 + space whitelist, and the
 * 32×128 line upscaled 3× (bilinear) to a 96×384 8-bit grey PGM.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import Tesseract from 'tesseract.js';

const require = createRequire(import.meta.url);

export interface TesseractSettings {
  /** 'LSTM_ONLY' is tesseract.js's default engine (the neural recogniser; no legacy classifier). */
  oem: 'LSTM_ONLY';
  /** Folder of @tesseract.js-data/eng: '4.0.0_best_int' is what tesseract.js loads for LSTM_ONLY by default; '4.0.0' also holds the legacy model. */
  traineddata: '4.0.0_best_int' | '4.0.0';
  /** Page segmentation mode 7: treat the image as one text line (no layout analysis). */
  psm: Tesseract.PSM;
  /** Characters tesseract may output: SynthScenes lines hold only these. */
  whitelist: string;
  /** Integer upscale factor: tesseract's LSTM reads x-heights of ~20–30 px best; the 14–20 px font has x-heights near 10. */
  upscale: number;
  /** Resampling for the upscale: bilinear beat nearest by ~6 points of exact lines on 200 held-out lines. */
  interpolation: 'bilinear' | 'nearest';
  /** Resolution declared to tesseract (the PGM carries none; avoids its resolution guess and warning). */
  dpi: number;
}

export const TESSERACT_SETTINGS: TesseractSettings = {
  oem: 'LSTM_ONLY',
  traineddata: '4.0.0_best_int',
  psm: Tesseract.PSM.SINGLE_LINE,
  whitelist: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ',
  upscale: 3,
  interpolation: 'bilinear',
  dpi: 300,
};

export interface RgbaImage {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
}

/**
 * The line as tesseract gets it: BT.601 luma, upscaled by an integer factor
 * (bilinear with pixel centres at +0.5, edges clamped; or nearest), as a
 * binary PGM (P5), which Leptonica decodes without any codec.
 */
export function toUpscaledPgm(img: RgbaImage, scale: number, interpolation: 'bilinear' | 'nearest' = 'bilinear'): Uint8Array {
  const { data, width: w, height: h } = img;
  if (!Number.isInteger(scale) || scale < 1) throw new Error(`toUpscaledPgm: scale must be a positive integer, got ${scale}`);
  if (data.length !== w * h * 4) throw new Error(`toUpscaledPgm: expected ${w}×${h}×4 RGBA bytes, got ${data.length}`);
  const luma = new Float32Array(w * h);
  for (let i = 0; i < w * h; i++) luma[i] = 0.299 * data[4 * i] + 0.587 * data[4 * i + 1] + 0.114 * data[4 * i + 2];
  const W = w * scale;
  const H = h * scale;
  const header = new TextEncoder().encode(`P5\n${W} ${H}\n255\n`);
  const out = new Uint8Array(header.length + W * H);
  out.set(header);
  const px = out.subarray(header.length);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      let v: number;
      if (interpolation === 'nearest') {
        v = luma[Math.floor(y / scale) * w + Math.floor(x / scale)];
      } else {
        const fy = Math.min(h - 1, Math.max(0, (y + 0.5) / scale - 0.5));
        const fx = Math.min(w - 1, Math.max(0, (x + 0.5) / scale - 0.5));
        const y0 = Math.floor(fy);
        const x0 = Math.floor(fx);
        const y1 = Math.min(h - 1, y0 + 1);
        const x1 = Math.min(w - 1, x0 + 1);
        const dy = fy - y0;
        const dx = fx - x0;
        const top = (1 - dx) * luma[y0 * w + x0] + dx * luma[y0 * w + x1];
        const bottom = (1 - dx) * luma[y1 * w + x0] + dx * luma[y1 * w + x1];
        v = (1 - dy) * top + dy * bottom;
      }
      px[y * W + x] = Math.round(v);
    }
  }
  return out;
}

/** What ran: versions and the exact data file, for the report. */
export interface TesseractInfo {
  tesseractJs: string;
  tesseractJsCore: string;
  /** The wasm build tesseract.js's Node worker loads on this machine. */
  coreBuild: string;
  dataPackage: string;
  /** Path relative to node_modules. */
  traineddata: string;
  traineddataBytes: number;
  traineddataGzip: boolean;
  traineddataSha256: string;
}

export interface TesseractPeer {
  info: TesseractInfo;
  settings: TesseractSettings;
  /** RGBA line in, text out (trimmed); includes the upscale and the round trip to the worker thread. */
  recognize(img: RgbaImage): Promise<string>;
  terminate(): Promise<void>;
}

function packageVersion(name: string): string {
  return (require(`${name}/package.json`) as { version: string }).version;
}

/** Mirrors tesseract.js-core selection in tesseract.js/src/worker-script/node/getCore.js (LSTM-only engine). */
async function coreBuild(): Promise<string> {
  const fromTesseract = createRequire(require.resolve('tesseract.js'));
  const detect = fromTesseract('wasm-feature-detect') as { simd(): Promise<boolean>; relaxedSimd(): Promise<boolean> };
  if (await detect.relaxedSimd()) return 'tesseract-core-relaxedsimd-lstm.wasm';
  if (await detect.simd()) return 'tesseract-core-simd-lstm.wasm';
  return 'tesseract-core-lstm.wasm';
}

async function withDeadline<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`ocr-peer: ${what} took over ${ms / 1000} s; tesseract.js may be trying the network, which this suite never uses`)), ms);
  });
  try {
    return await Promise.race([p, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Starts one tesseract.js worker on local files only and applies the settings. */
export async function createTesseractPeer(settings: TesseractSettings = TESSERACT_SETTINGS, startDeadlineMs = 60_000): Promise<TesseractPeer> {
  const dataRoot = path.dirname(require.resolve('@tesseract.js-data/eng/package.json'));
  const langPath = path.join(dataRoot, settings.traineddata);
  const file = path.join(langPath, 'eng.traineddata.gz');
  let bytes: Buffer;
  try {
    await stat(file);
    bytes = await readFile(file);
  } catch {
    throw new Error(`ocr-peer: the tesseract language data ${file} is missing; run npm ci (apps/bench depends on @tesseract.js-data/eng). The suite never downloads it.`);
  }
  const gzip = bytes[0] === 0x1f && bytes[1] === 0x8b;
  const info: TesseractInfo = {
    tesseractJs: packageVersion('tesseract.js'),
    tesseractJsCore: packageVersion('tesseract.js-core'),
    coreBuild: await coreBuild(),
    dataPackage: `@tesseract.js-data/eng@${packageVersion('@tesseract.js-data/eng')}`,
    traineddata: path.relative(path.dirname(path.dirname(dataRoot)), file),
    traineddataBytes: bytes.length,
    traineddataGzip: gzip,
    traineddataSha256: createHash('sha256').update(bytes).digest('hex'),
  };
  if (!gzip) throw new Error(`ocr-peer: ${file} is not gzip-compressed; expected the .gz file @tesseract.js-data/eng ships`);

  const worker = await withDeadline(
    Tesseract.createWorker('eng', Tesseract.OEM[settings.oem], {
      langPath,
      gzip: true,
      cacheMethod: 'none',
      workerPath: require.resolve('tesseract.js/src/worker-script/node/index.js'),
    }),
    startDeadlineMs,
    `starting the tesseract.js worker with ${info.traineddata}`,
  );
  await worker.setParameters({
    tessedit_pageseg_mode: settings.psm,
    tessedit_char_whitelist: settings.whitelist,
    user_defined_dpi: String(settings.dpi),
  });
  return {
    info,
    settings,
    async recognize(img) {
      const pgm = toUpscaledPgm(img, settings.upscale, settings.interpolation);
      const { data } = await worker.recognize(Buffer.from(pgm.buffer, pgm.byteOffset, pgm.byteLength));
      return data.text.trim();
    },
    async terminate() {
      await worker.terminate();
    },
  };
}

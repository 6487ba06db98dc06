/**
 * Vite config of the web app. Besides the page it ships, as static files:
 *   /models/<hash>/tiny-int2/, /models/<hash>/tiny-fp32/  the bundled checkpoints (from the mobile-mm package);
 *                                                         <hash> is of their bytes, so a new model gets new URLs
 *   /wasm/                                                tfjs-backend-wasm's .wasm binaries
 *   /samples/                                             the bundled sample images and samples.json
 * In dev they are served from the packages in place; in a build they are
 * emitted into dist/. vite-plugin-pwa (injectManifest, src/sw.ts) precaches
 * the app, the wasm binaries and the samples; the model files are cached by
 * the service worker on first download (see src/sw.ts and src/offline.ts).
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const mmDir = path.dirname(require.resolve('mobile-mm/package.json'));
const wasmDir = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');

const VARIANTS = ['tiny-int2', 'tiny-fp32'];
const MODEL_FILES = ['config.json', 'tokenizer.json', 'model.safetensors'];
/** Without COOP/COEP headers a page is not cross-origin isolated, so tfjs never asks for the threaded binary. */
const WASM_FILES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm'];

function modelHash(): string {
  const h = createHash('sha256');
  for (const v of VARIANTS) for (const f of MODEL_FILES) h.update(`${v}/${f}\0`).update(readFileSync(path.join(mmDir, 'models', v, f)));
  return h.digest('hex').slice(0, 12);
}
const MODEL_HASH = modelHash();

/** URL path (no leading slash) → file on disk. */
function staticFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const v of VARIANTS) for (const f of MODEL_FILES) files.set(`models/${MODEL_HASH}/${v}/${f}`, path.join(mmDir, 'models', v, f));
  for (const f of WASM_FILES) files.set(`wasm/${f}`, path.join(wasmDir, f));
  for (const f of readdirSync(path.join(mmDir, 'samples'))) if (/\.(png|json)$/.test(f)) files.set(`samples/${f}`, path.join(mmDir, 'samples', f));
  return files;
}

const TYPES: Record<string, string> = { '.json': 'application/json', '.png': 'image/png', '.wasm': 'application/wasm', '.safetensors': 'application/octet-stream' };

function mobileMMFiles(): Plugin {
  const files = staticFiles();
  return {
    name: 'mobile-mm-files',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const url = new URL(req.url ?? '/', 'http://x');
        const file = files.get(decodeURIComponent(url.pathname).replace(/^\/+/, ''));
        if (file === undefined) return next();
        res.setHeader('content-type', TYPES[path.extname(file)] ?? 'application/octet-stream');
        res.setHeader('content-length', String(statSync(file).size));
        res.end(readFileSync(file));
      });
    },
    generateBundle() {
      for (const [fileName, file] of files) this.emitFile({ type: 'asset', fileName, source: readFileSync(file) });
    },
  };
}

export default defineConfig({
  root: here,
  base: './',
  define: {
    __MODEL_BASE__: JSON.stringify(`models/${MODEL_HASH}/`),
  },
  // Dev server: pre-bundle what the packages import, so Vite does not discover them mid-session and reload the page.
  optimizeDeps: {
    include: [
      '@tensorflow/tfjs-core',
      '@tensorflow/tfjs-layers',
      '@tensorflow/tfjs-backend-cpu',
      '@tensorflow/tfjs-backend-wasm',
      '@tensorflow/tfjs-backend-webgl',
      'jpeg-js',
      'pngjs/browser.js',
      '@opentelemetry/api',
    ],
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 1500,
  },
  plugins: [
    mobileMMFiles(),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src',
      filename: 'sw.ts',
      injectRegister: false,
      registerType: 'autoUpdate',
      manifest: {
        name: 'mobile-mm: caption, OCR and VQA on your device',
        short_name: 'mobile-mm',
        description: 'Captions, reads text and answers questions about images with a 2-bit vision-language model, in the browser, offline.',
        start_url: './',
        scope: './',
        display: 'standalone',
        background_color: '#101418',
        theme_color: '#101418',
        icons: [
          { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      injectManifest: {
        // The app, the wasm binaries and the samples (the plugin adds the manifest and its icons); not the models (src/sw.ts caches those on first download).
        globPatterns: ['**/*.{html,js,css,wasm}', 'samples/*.{png,json}'],
        maximumFileSizeToCacheInBytes: 4 * 1024 * 1024,
        rollupFormat: 'iife',
      },
      devOptions: { enabled: false },
    }),
  ],
});

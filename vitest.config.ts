import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { defineConfig } from 'vitest/config';
import { playwright } from '@vitest/browser-playwright';

const root = path.dirname(fileURLToPath(import.meta.url));
const pkgs = ['core', 'int2', 'vision', 'synth', 'resilience', 'telemetry', 'mobile-mm', 'export'];

// Tests run against sources: @mobile-mm/<pkg> resolves to packages/<pkg>/src.
const alias = [
  { find: '@mobile-mm/core/test-utils', replacement: path.join(root, 'packages/core/src/test-utils/index.ts') },
  { find: /^@mobile-mm\/core\/backend$/, replacement: path.join(root, 'packages/core/src/backend/index.ts') },
  { find: /^@mobile-mm\/core\/backend\/(cpu|wasm|webgl|webgpu)$/, replacement: path.join(root, 'packages/core/src/backend/$1/index.ts') },
  { find: /^@mobile-mm\/core\/gradients$/, replacement: path.join(root, 'packages/core/src/gradients.ts') },
  { find: /^@mobile-mm\/core\/register-layers$/, replacement: path.join(root, 'packages/core/src/layers/register.ts') },
  { find: '@mobile-mm/telemetry/test-utils', replacement: path.join(root, 'packages/telemetry/src/test-utils/index.ts') },
  { find: '@mobile-mm/vision/quantize', replacement: path.join(root, 'packages/vision/src/quantize.ts') },
  { find: '@mobile-mm/vision/register-layers', replacement: path.join(root, 'packages/vision/src/register-layers.ts') },
  { find: '@mobile-mm/telemetry/prometheus', replacement: path.join(root, 'packages/telemetry/src/prometheus.ts') },
  { find: '@mobile-mm/export/cli', replacement: path.join(root, 'packages/export/src/cli.ts') },
  { find: '@mobile-mm/export/onnx-runtime', replacement: path.join(root, 'packages/export/src/runtime/index.ts') },
  ...pkgs.map((p) => ({
    // The umbrella is published as plain `mobile-mm`.
    find: new RegExp(`^${p === 'mobile-mm' ? '' : '@mobile-mm/'}${p}$`),
    replacement: path.join(root, `packages/${p}/src/index.ts`),
  })),
];

const wasmDir = path.join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist/');

export default defineConfig({
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'node',
          environment: 'node',
          include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts'],
          exclude: ['**/node_modules/**', '**/*.browser.test.ts', '**/*.webgpu.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          pool: 'forks',
        },
      },
      browserProject('browser', ['packages/*/src/**/*.test.ts'], ['**/*.node.test.ts', '**/*.webgpu.test.ts']),
      // WebGPU: Chromium on Linux exposes navigator.gpu only with these flags; headless it then offers
      // SwiftShader's Vulkan as the adapter (vitest serves from localhost: a secure context).
      browserProject('browser-webgpu', ['packages/*/src/**/*.webgpu.test.ts'], [], ['--enable-unsafe-webgpu', '--enable-features=Vulkan']),
    ],
  },
});

/** A project that runs test files in headless Chromium (vitest browser mode, Playwright). */
function browserProject(name: string, include: string[], exclude: string[], extraArgs: string[] = []) {
  return {
    resolve: { alias },
    define: { 'globalThis.MOBILE_MM_WASM_PATH': JSON.stringify(`/@fs${wasmDir}`) },
    optimizeDeps: {
      include: [
        '@tensorflow/tfjs-core',
        '@tensorflow/tfjs-layers',
        '@tensorflow/tfjs-backend-cpu',
        '@tensorflow/tfjs-backend-wasm',
        '@tensorflow/tfjs-backend-webgl',
        '@tensorflow/tfjs-backend-webgpu',
        'jpeg-js',
        'opentype.js',
        'pngjs/browser.js',
        '@opentelemetry/api',
        '@opentelemetry/sdk-metrics',
        '@opentelemetry/sdk-trace-base',
      ],
    },
    server: { fs: { allow: [root] } },
    test: {
      name,
      include,
      exclude: ['**/node_modules/**', ...exclude],
      testTimeout: 120_000,
      hookTimeout: 120_000,
      browser: {
        enabled: true,
        headless: true,
        screenshotFailures: false,
        provider: playwright({
          launchOptions: {
            executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
            args: [
              '--no-sandbox',
              '--disable-dev-shm-usage',
              '--disable-background-networking',
              '--disable-component-update',
              '--disable-sync',
              '--no-first-run',
              '--use-angle=swiftshader',
              '--enable-unsafe-swiftshader',
              ...extraArgs,
            ],
          },
        }),
        instances: [{ browser: 'chromium' as const }],
      },
    },
  };
}

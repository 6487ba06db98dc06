#!/usr/bin/env node
/**
 * npm run quantize -- --checkpoint DIR --out DIR [--bits 2] [--method rtn|mse] [--group 64]
 *                     [--float-dtype F32|F16] [--skip name,name] [--label qat]
 *
 * Packs a float checkpoint's linear kernels (post-training quantization, or
 * the export step after --qat training) into a packed checkpoint that
 * loadModel() loads straight into int2 kernels. Prints the bytes per part.
 */
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { MobileMMError } from '@mobile-mm/core';
import { setupBackend } from '@mobile-mm/core/backend';
import { loadModel, saveModel } from '@mobile-mm/vision';
import { quantizeModel, type QuantMethod } from '@mobile-mm/vision/quantize';
import type { Bits } from '@mobile-mm/int2';

function fail(msg: string, code = 2): never {
  console.error(
    `error: ${msg}\nusage: npm run quantize -- --checkpoint DIR --out DIR [--bits 2|4|8] [--method rtn|mse] [--group 32|64|128] [--float-dtype F32|F16] [--skip a,b] [--label qat]`,
  );
  process.exit(code);
}

const argv = process.argv.slice(2);
let checkpoint = '';
let out = '';
let bits = 2;
let method: QuantMethod = 'rtn';
let groupSize = 64;
let floatDType: 'F32' | 'F16' = 'F32';
let skip: string[] = [];
let label = '';
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  const v = argv[++i];
  if (a === '--checkpoint') checkpoint = v ?? '';
  else if (a === '--out') out = v ?? '';
  else if (a === '--bits') bits = Number(v);
  else if (a === '--method') method = v as QuantMethod;
  else if (a === '--group') groupSize = Number(v);
  else if (a === '--float-dtype') floatDType = v as 'F32' | 'F16';
  else if (a === '--skip') skip = (v ?? '').split(',').filter(Boolean);
  else if (a === '--label') label = v ?? '';
  else fail(`unknown option "${a}"`);
}
if (!checkpoint || !out) fail('--checkpoint and --out are required');
if (floatDType !== 'F32' && floatDType !== 'F16') fail(`--float-dtype: accepted F32, F16`);
if (label && label !== 'qat') fail(`--label: accepted qat (the weights come from --qat training)`);

try {
  await setupBackend('wasm');
  const { model, config } = await loadModel(checkpoint);
  const before = model.weightBytes();
  const q = quantizeModel(model, { bits: bits as Bits, method, groupSize, skip });
  await mkdir(out, { recursive: true });
  const { model: _m, quantization: _q, ...extra } = config;
  await saveModel(model, out, { ...extra, quantizedFrom: path.relative(process.cwd(), path.resolve(checkpoint)) }, { floatDType, quantization: { ...q, method: label === 'qat' ? 'qat' : q.method } });
  const after = model.weightBytes();
  const file = (await stat(path.join(out, 'model.safetensors'))).size;
  const src = (await stat(path.join(checkpoint, 'model.safetensors'))).size;
  console.log(
    `int${bits} ${label || method} g${groupSize}: ${q.kernels.length} kernels packed · weights in memory ${before.total.toLocaleString('en-US')} → ${after.total.toLocaleString('en-US')} bytes ` +
      `(packed ${after.packed.toLocaleString('en-US')}, float ${after.float.toLocaleString('en-US')}) · file ${src.toLocaleString('en-US')} → ${file.toLocaleString('en-US')} bytes · ${out}`,
  );
  model.dispose();
} catch (e) {
  if (e instanceof MobileMMError) fail(`${e.code}: ${e.message}`, 1);
  throw e;
}

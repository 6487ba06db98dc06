/** Command-line options of `npm run train` and `npm run eval`, validated with clear errors. */
import { LANGUAGES, isLanguage, type Language } from '@mobile-mm/core';
import { MOBILE_MM_PRESETS, type PresetName } from '@mobile-mm/vision';
import type { TaskWeights } from './data.js';

export interface TrainArgs {
  preset: PresetName;
  out: string;
  resume: boolean;
  steps: number;
  minutes: number;
  batch: number;
  lr: number;
  warmup: number;
  weightDecay: number;
  clip: number;
  mix: TaskWeights;
  lossWeights: TaskWeights;
  curriculumSteps: number;
  evalEvery: number;
  evalN: number;
  checkpointEvery: number;
  seedOffset: number;
  dryRun: boolean;
  workers: number;
  backend: 'wasm' | 'cpu';
  /** Start from this checkpoint's weights (fresh optimizer and schedule): fine-tuning. */
  init: string;
  /** With --init: switch on `cellMemory` (the 9 pooled cell vectors join the scene memory; no new weights). */
  cellMemory: boolean;
  /** Quantization-aware training: the linear kernels' bit width (0 = off). */
  qat: 0 | 2 | 4 | 8;
  qatGroupSize: number;
  /**
   * Caption/VQA language mix (SynthScenes v2), e.g. {en: 1, ja: 1}; null:
   * English with the v1 vocabulary (no language tags). Given, the model gets
   * the v2 vocabulary and a language tag in every prompt.
   */
  languages: Partial<Record<Language, number>> | null;
  /** Probability of each image augmentation (@mobile-mm/synth augment(): stroke, shift, blur, aliasing, resample, tone, noise, jpeg); 0 = off. */
  augment: number;
}

/** The shipped recipe (EXPERIMENTS.md run 6): `npm run train` alone trains tiny-fp32. */
export const TRAIN_DEFAULTS: TrainArgs = {
  preset: 'tinyAux',
  out: 'checkpoints/tiny-aux',
  resume: false,
  steps: 12000,
  minutes: 170,
  batch: 32,
  lr: 2e-3,
  warmup: 200,
  weightDecay: 0.01,
  clip: 1,
  // Equal task mix: with the CTC head OCR no longer needs extra samples (EXPERIMENTS.md runs 5–6).
  mix: { caption: 1, ocr: 1, vqa: 1 },
  lossWeights: { caption: 1, ocr: 1, vqa: 1 },
  curriculumSteps: 0,
  evalEvery: 500,
  evalN: 100,
  checkpointEvery: 250,
  seedOffset: 0,
  dryRun: false,
  // Both cores: the main thread and one gradient worker.
  workers: 2,
  backend: 'wasm',
  init: '',
  cellMemory: false,
  qat: 0,
  qatGroupSize: 64,
  languages: null,
  augment: 0,
};

export class UsageError extends Error {}

function num(name: string, v: string | undefined, { int = false, min = -Infinity } = {}): number {
  const x = Number(v);
  if (v === undefined || !Number.isFinite(x) || (int && !Number.isInteger(x)) || x < min) {
    throw new UsageError(`--${name}: expected ${int ? 'an integer' : 'a number'} ≥ ${min}, got ${v ?? '(nothing)'}`);
  }
  return x;
}

function weights(name: string, v: string | undefined): TaskWeights {
  const out: TaskWeights = {};
  for (const part of (v ?? '').split(',').filter(Boolean)) {
    const [k, w] = part.split('=');
    if (k !== 'caption' && k !== 'ocr' && k !== 'vqa') throw new UsageError(`--${name}: unknown task "${k}"; accepted: caption, ocr, vqa`);
    out[k] = num(name, w, { min: 0 });
  }
  if (Object.keys(out).length === 0) throw new UsageError(`--${name}: expected e.g. caption=1,ocr=2,vqa=1`);
  return out;
}

export function parseTrainArgs(argv: string[]): TrainArgs {
  const a: TrainArgs = { ...TRAIN_DEFAULTS };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const next = () => argv[++i];
    switch (flag) {
      case '--preset': {
        const p = next();
        if (!(p in MOBILE_MM_PRESETS)) throw new UsageError(`--preset: unknown "${p}"; accepted: ${Object.keys(MOBILE_MM_PRESETS).join(', ')}`);
        a.preset = p as PresetName;
        break;
      }
      case '--out': a.out = next() ?? ''; if (!a.out) throw new UsageError('--out needs a folder'); break;
      case '--resume': a.resume = true; break;
      case '--steps': a.steps = num('steps', next(), { int: true, min: 1 }); break;
      case '--minutes': a.minutes = num('minutes', next(), { min: 0 }); break;
      case '--batch': a.batch = num('batch', next(), { int: true, min: 2 }); break;
      case '--lr': a.lr = num('lr', next(), { min: 0 }); break;
      case '--warmup': a.warmup = num('warmup', next(), { int: true, min: 1 }); break;
      case '--weight-decay': a.weightDecay = num('weight-decay', next(), { min: 0 }); break;
      case '--clip': a.clip = num('clip', next(), { min: 0 }); break;
      case '--mix': a.mix = weights('mix', next()); break;
      case '--loss-weights': a.lossWeights = weights('loss-weights', next()); break;
      case '--curriculum-steps': a.curriculumSteps = num('curriculum-steps', next(), { int: true, min: 0 }); break;
      case '--eval-every': a.evalEvery = num('eval-every', next(), { int: true, min: 0 }); break;
      case '--eval-n': a.evalN = num('eval-n', next(), { int: true, min: 1 }); break;
      case '--checkpoint-every': a.checkpointEvery = num('checkpoint-every', next(), { int: true, min: 1 }); break;
      case '--seed-offset': a.seedOffset = num('seed-offset', next(), { int: true, min: 0 }); break;
      case '--workers': a.workers = num('workers', next(), { int: true, min: 1 }); break;
      case '--backend': {
        const b = next();
        if (b !== 'wasm' && b !== 'cpu') throw new UsageError(`--backend: "${b}" is not for training; accepted: wasm, cpu`);
        a.backend = b;
        break;
      }
      case '--languages': {
        const out: Partial<Record<Language, number>> = {};
        const v = next() ?? '';
        for (const part of v.split(',').filter(Boolean)) {
          const [k, w] = part.split('=');
          if (!isLanguage(k)) throw new UsageError(`--languages: unknown language "${k}"; accepted: ${LANGUAGES.join(', ')}`);
          out[k] = w === undefined ? 1 : num('languages', w, { min: 0 });
        }
        if (!Object.values(out).some((w) => w! > 0)) throw new UsageError('--languages: expected e.g. en=1,es=1,fr=1,de=1,ja=1,zh=1 (or en,ja)');
        a.languages = out;
        break;
      }
      case '--augment': {
        a.augment = num('augment', next(), { min: 0 });
        if (a.augment > 1) throw new UsageError(`--augment: a probability per augmentation in [0, 1], got ${a.augment}`);
        break;
      }
      case '--dry-run': a.dryRun = true; break;
      case '--cell-memory': a.cellMemory = true; break;
      case '--init': a.init = next() ?? ''; if (!a.init) throw new UsageError('--init needs a checkpoint folder'); break;
      case '--qat': {
        const q = next();
        const bits = { int2: 2, int4: 4, int8: 8 }[q ?? ''];
        if (!bits) throw new UsageError(`--qat: "${q}" unknown; accepted: int2, int4, int8`);
        a.qat = bits as 2 | 4 | 8;
        break;
      }
      case '--qat-group': {
        a.qatGroupSize = num('qat-group', next(), { int: true, min: 1 });
        if (![32, 64, 128].includes(a.qatGroupSize)) throw new UsageError(`--qat-group: accepted 32, 64, 128`);
        break;
      }
      default: throw new UsageError(`unknown option "${flag}"`);
    }
  }
  return a;
}

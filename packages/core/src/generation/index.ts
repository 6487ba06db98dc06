export type { LayerKV, KVCache, CausalDecoder } from './types.js';
export {
  type GenerationStrategy,
  type FinishReason,
  type TokenEvent,
  type GenerateOptions,
} from './options.js';
export { generate, generateStream, type GenerateResult } from './generate.js';
export type { Hypothesis } from './beam-search.js';
export {
  argmax,
  logSoftmax,
  samplingDistribution,
  sampleToken,
  createRandom,
  rowSeed,
  type Random,
  type SamplingParams,
} from './sampling.js';

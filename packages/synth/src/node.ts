/** Node-only parts of @mobile-mm/synth: fixed splits as PNG files + samples.jsonl. */
export { writeSplit, readSplit, encodePng, decodePng, SAMPLES_FILE, META_FILE } from './splits.js';
export type { SplitLine, SplitMeta, SplitSample, WriteSplitOptions } from './splits.js';

/**
 * Graceful degradation by profile. The rule, in full:
 *
 *   profile 'accuracy' decodes with beam search (3 beams, ≈3× the decoder
 *   work per token). When the requests running plus queued — this one
 *   included — reach `atLoad` (default: the bulkhead's concurrency, i.e.
 *   every slot busy), a new request decodes greedily instead, and its result
 *   says so (`degraded: true`). 'fast' and 'balanced' already decode
 *   greedily and are never changed. Requests already running keep their
 *   decoding; the rule is checked when a request starts.
 */
export type DegradableProfile = 'fast' | 'balanced' | 'accuracy';

export interface DegradeOptions {
  /** Load (running + queued, this request included) at which 'accuracy' drops to greedy. false: never. */
  atLoad?: number | false;
}

/** 'greedy' when the request should be degraded, else undefined (the profile's own decoding). */
export function degradedDecoding(profile: DegradableProfile, load: number, atLoad: number | false): 'greedy' | undefined {
  if (atLoad === false || profile !== 'accuracy') return undefined;
  return load >= atLoad ? 'greedy' : undefined;
}

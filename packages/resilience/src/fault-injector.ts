/**
 * Deterministic fault injection for tests and chaos drills: an Interceptor
 * (fallback.ts) that makes a fraction of the calls on chosen backends fail,
 * decided by a seeded generator, so a run fails the same calls every time.
 * The real call is not mocked: a call that is not faulted runs as is, and
 * with `when: 'after'` a faulted call runs to the end before failing.
 */
import { MobileMMError, createRandom, type BackendName } from '@mobile-mm/core';
import type { Interceptor } from './fallback.js';

export interface FaultInjectorOptions {
  /** Fraction of calls that fail, 0..1. */
  rate: number;
  /** Seed of the generator (mulberry32). Default 1. */
  seed?: number;
  /** Backends it applies to; default all. */
  backends?: readonly BackendName[];
  /** 'before' (default): fail instead of running; 'after': run, discard the answer, fail. */
  when?: 'before' | 'after';
  /** The error thrown; default an INTERNAL MobileMMError saying it was injected. */
  error?: (backend: BackendName, call: number) => Error;
}

export interface FaultInjector {
  intercept: Interceptor;
  /** Calls seen on the chosen backends, and how many failed. */
  calls: number;
  injected: number;
  /** Indices (among `calls`) of the faulted calls. */
  faulted: number[];
  /** Changes the fault rate from now on (e.g. to let a backend recover). */
  setRate(rate: number): void;
}

export function faultInjector(options: FaultInjectorOptions): FaultInjector {
  const random = createRandom(options.seed ?? 1); // core's seeded mulberry32
  let rate = options.rate;
  const fail = (backend: BackendName, call: number): Error =>
    options.error?.(backend, call) ?? new MobileMMError('INTERNAL', `${backend}: injected fault (call ${call}).`, { injected: true, backend });
  const inj: FaultInjector = {
    calls: 0,
    injected: 0,
    faulted: [],
    setRate(r: number) {
      rate = r;
    },
    intercept: async <T>(ctx: { backend: BackendName }, next: () => Promise<T>): Promise<T> => {
      if (options.backends && !options.backends.includes(ctx.backend)) return next();
      const call = inj.calls++;
      if (!(random() < rate)) return next();
      inj.injected++;
      inj.faulted.push(call);
      if (options.when === 'after') await next();
      throw fail(ctx.backend, call);
    },
  };
  return inj;
}

/**
 * ResilientMobileMM: MobileMultiModalLLM behind @mobile-mm/resilience —
 * backend fallback (one model instance per backend, created on first use),
 * WebGL context-loss recovery, per-backend circuit breakers, retry, a
 * bulkhead, deadlines, per-client rate limits, a tensor-leak guard and
 * degradation by profile. The plain facade is untouched; this wraps it.
 *
 *   const mm = await ResilientMobileMM.create({ variant: 'int2', resilience: { deadlineMs: 2000, rateLimit: { capacity: 10, refillPerSecond: 5 } } });
 *   mm.events.addEventListener('backendswitch', (e) => console.log((e as BackendSwitchEvent).detail));
 *   const { text, backend } = await mm.caption(png, { clientId: 'user-42' });
 *
 * Telemetry: each backend's instance records its calls as the plain facade
 * does (the `telemetry` option is passed to each), and backend switches are
 * counted through ModelTelemetry.recordBackendSwitches.
 *
 * Streaming: onToken sees the tokens of every attempt; an attempt that fails
 * over starts again at index 0 on the next backend. generateStream() is not
 * offered here (a stream cannot be taken back once yielded).
 */
import { DEFAULT_BACKEND_ORDER, Resilience, type AttemptContext, type BackendSwitch, type ProbeResult, type RequestOptions, type ResilienceOptions } from '@mobile-mm/resilience';
import type { BackendName } from '@mobile-mm/core';
import { MobileMMError } from '@mobile-mm/core';
import { detectWebgpu } from '@mobile-mm/core/backend';
import type { ImageInput } from '@mobile-mm/vision';
import { resolveConfig, type Profile } from './config.js';
import { MobileMultiModalLLM, takeProgressOption, type CallOptions, type CallResult, type GenerateCallOptions, type Health, type MobileMMCreateOptions } from './facade.js';
import { takeTelemetryOption } from './instrument.js';

export interface ResilientMobileMMOptions extends MobileMMCreateOptions {
  /** The policies; see @mobile-mm/resilience ResilienceOptions. A `backend` other than 'auto' goes first in the fallback order. */
  resilience?: ResilienceOptions;
}

export type ResilientCallOptions = CallOptions & RequestOptions;
export type ResilientGenerateOptions = GenerateCallOptions & RequestOptions;

export interface ResilientResult extends CallResult {
  /** Decoded greedily instead of the profile's beam search because of load (degradation rule). */
  degraded: boolean;
}

export interface ResilientHealth {
  /** At least one backend has a healthy model instance or has not been tried yet and is not broken. */
  ok: boolean;
  /** The backend that answered the last request. */
  active: BackendName;
  order: readonly BackendName[];
  backends: { backend: BackendName; breaker: 'closed' | 'open' | 'half-open' | 'isolated'; instance: Health | null }[];
  webglContext: 'ok' | 'lost' | 'restored';
  switches: number;
  load: number;
  degraded: number;
  leaks: number;
}

const BREAKER_STATES = ['closed', 'open', 'half-open', 'isolated'] as const;

export class ResilientMobileMM {
  private readonly instances = new Map<BackendName, MobileMultiModalLLM>();

  private constructor(
    readonly resilience: Resilience<MobileMultiModalLLM>,
    readonly profile: Profile,
  ) {}

  /** Validates the options, then loads the model on the first backend that starts (the others load when first needed). */
  static async create(options: ResilientMobileMMOptions = {}): Promise<ResilientMobileMM> {
    const { resilience: policy = {}, ...mmOptions } = options ?? {};
    const [, withoutProgress] = takeProgressOption(mmOptions); // onProgress goes to each backend's create()
    const [telemetry, configOptions] = takeTelemetryOption(withoutProgress);
    const config = resolveConfig(configOptions); // INVALID_CONFIG before anything starts
    await detectWebgpu(); // so the fallback leaves out a webgpu that has navigator.gpu but no adapter
    const first = config.backend === 'auto' ? [] : [config.backend];
    const order = policy.backends ?? [...first, ...DEFAULT_BACKEND_ORDER.filter((b) => !first.includes(b))];
    let self: ResilientMobileMM | null = null;
    const cacheEntries = (): number => {
      let n = 0;
      for (const mm of self?.instances.values() ?? []) n += mm.health().featureCache?.size ?? 0;
      return n;
    };
    const r = new Resilience<MobileMultiModalLLM>(
      {
        ...policy,
        backends: order,
        // The fast profile's feature cache keeps one tensor per image between requests (bytes vary by image kind: not compared).
        leakGuard: { ...policy.leakGuard, retained: config.profile === 'fast' ? () => ({ tensors: cacheEntries() }) : undefined },
      },
      {
        create: async (backend) => {
          const mm = await MobileMultiModalLLM.create({ ...mmOptions, backend });
          self?.instances.set(backend, mm);
          return mm;
        },
        dispose: (mm, backend) => {
          if (self?.instances.get(backend) === mm) self.instances.delete(backend);
          mm.dispose();
        },
      },
    );
    self = new ResilientMobileMM(r, config.profile);
    telemetry?.recordBackendSwitches(r.events); // mobile_mm.backend.switches{from, to, reason}
    await r.fallback.warmUp();
    return self;
  }

  /** 'backendswitch' events (BackendSwitchEvent, detail: BackendSwitch). */
  get events(): EventTarget {
    return this.resilience.events;
  }

  caption(image: ImageInput, options: ResilientCallOptions = {}): Promise<ResilientResult> {
    return this.call(options, (mm, o) => mm.caption(image, o));
  }

  ocr(image: ImageInput, options: ResilientCallOptions = {}): Promise<ResilientResult> {
    // Degradation swaps beam search for greedy; a model that reads lines with its CTC head has no beam to drop.
    return this.call(options, (mm, o) => mm.ocr(image, o), (mm) => mm.model.ctcHead === null);
  }

  vqa(image: ImageInput, question: string, options: ResilientCallOptions = {}): Promise<ResilientResult> {
    return this.call(options, (mm, o) => mm.vqa(image, question, o));
  }

  generate(image: ImageInput, prompt: string, options: ResilientGenerateOptions = {}): Promise<ResilientResult> {
    return this.call(options, (mm, o) => mm.generate(image, prompt, o));
  }

  /** Runs the health probe on every backend in the order (tiny matMul checked against a loop). */
  probe(): Promise<ProbeResult[]> {
    return this.resilience.fallback.probeAll();
  }

  health(): ResilientHealth {
    const f = this.resilience.fallback;
    const backends = f.backends.map((backend) => {
      const instance = this.instances.get(backend);
      return { backend, breaker: BREAKER_STATES[f.breakerOf(backend).state], instance: instance ? instance.health() : null };
    });
    return {
      ok: backends.some((b) => b.breaker !== 'open' && b.breaker !== 'isolated' && (b.instance === null || b.instance.ok)),
      active: f.active,
      order: f.backends,
      backends,
      webglContext: f.webglContext,
      switches: f.switches,
      load: this.resilience.load,
      degraded: this.resilience.degraded,
      leaks: this.resilience.leakGuard.leaks,
    };
  }

  /** Frees every model instance. */
  dispose(): Promise<void> {
    return this.resilience.dispose();
  }

  private async call<O extends CallOptions>(
    options: O & RequestOptions,
    fn: (mm: MobileMultiModalLLM, o: O) => Promise<CallResult>,
    degradable: (mm: MobileMultiModalLLM) => boolean = () => true,
  ): Promise<ResilientResult> {
    if (options === null || typeof options !== 'object') throw new MobileMMError('INVALID_ARGUMENT', 'options must be an object.', { option: 'options' });
    const { signal, deadlineMs, clientId, ...callOptions } = options;
    return this.resilience.execute(
      async (mm: MobileMultiModalLLM, ctx: AttemptContext) => {
        const degrade = ctx.decoding !== undefined && degradable(mm);
        const o = { ...callOptions, signal: ctx.signal, ...(degrade ? { decoding: ctx.decoding } : {}) } as unknown as O;
        return { ...(await fn(mm, o)), degraded: degrade };
      },
      { signal, deadlineMs, clientId, profile: this.profile, partial: (r) => r.finishReason === 'abort' },
    );
  }
}

export type { BackendSwitch };

import { describe, expect, it } from 'vitest';
import { isMobileMMError } from 'mobile-mm';
import { resolveServerConfig, type ServerOptions } from './config.js';

function fails(o: ServerOptions): { field: string; message: string; source: string } {
  try {
    resolveServerConfig(o);
  } catch (e) {
    if (!isMobileMMError(e, 'INVALID_CONFIG')) throw e;
    return { field: e.details!.field as string, message: e.message, source: e.details!.source as string };
  }
  throw new Error('resolveServerConfig accepted it');
}

describe('resolveServerConfig', () => {
  it('defaults: one replica per core, max-concurrent = replicas, queue 4× that, no auth, no rate limit', () => {
    const c = resolveServerConfig({ env: {}, replicas: 3 });
    expect(c).toMatchObject({ port: 8080, host: '127.0.0.1', replicas: 3, maxConcurrent: 3, maxQueue: 12, requestTimeoutMs: 30_000, dispatch: 'least-loaded', replicaWeights: [1, 1, 1], apiKeys: [], rateLimitRps: 0 });
    expect(resolveServerConfig({ env: {} }).replicas).toBeGreaterThanOrEqual(1);
  });

  it('reads MOBILE_MM_* and lets options win', () => {
    const env = { MOBILE_MM_PORT: '9000', MOBILE_MM_REPLICAS: '2', MOBILE_MM_MAX_CONCURRENT_REQUESTS: '4', MOBILE_MM_MAX_QUEUE: '0', MOBILE_MM_REQUEST_TIMEOUT_MS: '500', MOBILE_MM_API_KEYS: 'key-one-1, key-two-2', MOBILE_MM_RATE_LIMIT_RPS: '5', MOBILE_MM_DISPATCH: 'weighted', MOBILE_MM_REPLICA_WEIGHTS: '2,1' };
    const c = resolveServerConfig({ env, port: 7000 });
    expect(c).toMatchObject({ port: 7000, replicas: 2, maxConcurrent: 4, maxQueue: 0, requestTimeoutMs: 500, apiKeys: ['key-one-1', 'key-two-2'], rateLimitRps: 5, rateLimitBurst: 10, dispatch: 'weighted', replicaWeights: [2, 1] });
    expect(c.sources).toMatchObject({ port: 'option', replicas: 'env', host: 'default' });
  });

  it('INVALID_CONFIG names the field and the variable it came from', () => {
    expect(fails({ env: { MOBILE_MM_REPLICAS: 'two' } })).toMatchObject({ field: 'replicas', source: 'env' });
    expect(fails({ env: { MOBILE_MM_REPLICAS: 'two' } }).message).toMatch(/^config\.replicas \(from MOBILE_MM_REPLICAS\): "two" is not accepted; accepted: an integer from 1 to 256\.$/);
    expect(fails({ env: {}, replicas: 0 }).field).toBe('replicas');
    expect(fails({ env: {}, port: 70000 }).field).toBe('port');
    expect(fails({ env: { MOBILE_MM_MAX_QUEUE: '-1' } }).field).toBe('maxQueue');
    expect(fails({ env: { MOBILE_MM_MAX_CONCURRENT_REQUESTS: '1.5' } }).field).toBe('maxConcurrent');
    expect(fails({ env: { MOBILE_MM_REQUEST_TIMEOUT_MS: '0' } }).field).toBe('requestTimeoutMs');
    expect(fails({ env: { MOBILE_MM_DISPATCH: 'random' } }).message).toContain('accepted: least-loaded, round-robin, weighted');
    expect(fails({ env: {}, replicas: 2, replicaWeights: [1] }).field).toBe('replicaWeights');
    expect(fails({ env: {}, host: 'a b' }).field).toBe('host');
    expect(fails({ env: {}, port: 1, bogus: 1 } as ServerOptions).field).toBe('bogus');
  });

  it('never shows an API key in its error', () => {
    const e = fails({ env: { MOBILE_MM_API_KEYS: 'short' } });
    expect(e.field).toBe('apiKeys');
    expect(e.message).not.toContain('short');
  });

  it('MOBILE_MM_SECURITY_MODE=strict refuses to start without API keys, and starts with one', () => {
    const e = fails({ env: { MOBILE_MM_SECURITY_MODE: 'strict' } });
    expect(e.field).toBe('apiKeys');
    expect(e.message).toBe('MOBILE_MM_SECURITY_MODE=strict requires an API key: set MOBILE_MM_API_KEYS.');
    expect(resolveServerConfig({ env: { MOBILE_MM_SECURITY_MODE: 'strict', MOBILE_MM_API_KEYS: 'a-long-key-1' } }).apiKeys).toEqual(['a-long-key-1']);
  });
});

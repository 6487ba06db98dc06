import { describe, expect, it } from 'vitest';
import { newDispatchState, pickReplica, type ReplicaLoad } from './dispatch.js';

const loads = (inFlight: number[], ready = inFlight.map(() => true), weight = inFlight.map(() => 1)): ReplicaLoad[] => inFlight.map((n, i) => ({ inFlight: n, ready: ready[i], weight: weight[i] }));

describe('pickReplica', () => {
  it('least-loaded takes the replica with the fewest requests in flight, rotating among ties', () => {
    const s = newDispatchState(3);
    expect(pickReplica('least-loaded', loads([2, 0, 1]), s)).toBe(1);
    expect(pickReplica('least-loaded', loads([1, 1, 1]), s)).toBe(2);
    expect(pickReplica('least-loaded', loads([1, 1, 1]), s)).toBe(0);
    expect(pickReplica('least-loaded', loads([0, 0, 0], [false, false, true]), s)).toBe(2);
  });

  it('round-robin cycles over the ready replicas whatever their load', () => {
    const s = newDispatchState(3);
    const picks = Array.from({ length: 6 }, () => pickReplica('round-robin', loads([5, 0, 0], [true, false, true]), s));
    expect(picks).toEqual([0, 2, 0, 2, 0, 2]);
  });

  it('weighted gives each replica its share, spread out (smooth weighted round-robin)', () => {
    const s = newDispatchState(3);
    const picks = Array.from({ length: 12 }, () => pickReplica('weighted', loads([0, 0, 0], undefined, [3, 2, 1]), s));
    expect(picks.filter((p) => p === 0)).toHaveLength(6);
    expect(picks.filter((p) => p === 1)).toHaveLength(4);
    expect(picks.filter((p) => p === 2)).toHaveLength(2);
    expect(picks.slice(0, 6)).toEqual([0, 1, 0, 2, 1, 0]); // never three of one in a row
  });

  it('-1 when no replica is ready', () => {
    for (const strategy of ['least-loaded', 'round-robin', 'weighted'] as const) expect(pickReplica(strategy, loads([0, 0], [false, false]), newDispatchState(2))).toBe(-1);
  });
});

/**
 * Which replica runs the next request. Pure: the pool passes what it knows
 * of each replica (ready or not, requests in flight, weight) and keeps the
 * returned state for the next pick.
 *
 *   least-loaded  the ready replica with the fewest requests in flight; ties go round-robin
 *   round-robin   the next ready replica after the last one picked
 *   weighted      smooth weighted round-robin (nginx's): over any run of picks, replica i gets
 *                 weight_i / Σ weights of them, spread out rather than in bursts
 */
import type { DispatchStrategy } from './config.js';

export interface ReplicaLoad {
  ready: boolean;
  inFlight: number;
  weight: number;
}

export interface DispatchState {
  /** The replica picked last. */
  last: number;
  /** Smooth weighted round-robin's running scores, one per replica. */
  current: number[];
}

export function newDispatchState(replicas: number): DispatchState {
  return { last: -1, current: new Array<number>(replicas).fill(0) };
}

/** The index of the replica to use, or -1 when none is ready. Updates `state`. */
export function pickReplica(strategy: DispatchStrategy, loads: readonly ReplicaLoad[], state: DispatchState): number {
  const n = loads.length;
  let pick = -1;
  if (strategy === 'weighted') {
    let total = 0;
    for (let i = 0; i < n; i++) {
      if (!loads[i].ready) continue;
      state.current[i] += loads[i].weight;
      total += loads[i].weight;
      if (pick < 0 || state.current[i] > state.current[pick]) pick = i;
    }
    if (pick >= 0) state.current[pick] -= total;
  } else {
    // Scan from the one after the last pick, so ties (and round-robin) rotate.
    for (let k = 1; k <= n; k++) {
      const i = (state.last + k + n) % n;
      if (!loads[i].ready) continue;
      if (strategy === 'round-robin') {
        pick = i;
        break;
      }
      if (pick < 0 || loads[i].inFlight < loads[pick].inFlight) pick = i;
    }
  }
  if (pick >= 0) state.last = pick;
  return pick;
}

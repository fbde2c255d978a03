/**
 * Claim arrivals of agent-sandbox warm pools (docs/agent-sandbox.md). The agent-sandbox controller
 * counts every Sandbox it creates or adopts for a SandboxClaim in `agent_sandbox_claim_creation_total`
 * (labels warmpool_name, launch_type, …); the controller reads the sum per pool once per tick, and the
 * increase since the previous reading is that many claim arrivals, folded into the same arrival model
 * the session forecast uses (models/arrivals.ts). A claim takes one warm sandbox, so a pool's forecast
 * need is the upper-quantile claims within the horizon (`scaleRecommendations` with one session per
 * replica and nothing in flight: a claimed sandbox has left the pool).
 */
import { foldArrivals, newArrivalStats } from '../../../models/arrivals.js';
import type { ResolvedPredictiveOptions } from './options.js';
import type { ClassArrivals } from './scale.js';

/** Per pool: the last counter sum read and the arrival model it feeds. */
export interface PoolClaims {
  lastTotal: number;
  readonly arrivals: ClassArrivals;
}

/** Arrivals are read once per tick; the dispersion buckets are that long at the least. */
const MIN_BUCKET_S = 15;

/**
 * Folds one reading of the claim counters (pool → total) at `tMs`. The first reading of a pool only
 * sets its baseline (claims made before the controller looked are no arrivals). A total below the
 * previous one is a counter reset (the agent-sandbox controller restarted): it becomes the new baseline
 * and counts nothing, so a reset can only under-count a burst, never invent one. A pool absent from the
 * reading keeps its model (its series may simply be late) and decays with time.
 */
export function foldClaimTotals(state: Map<string, PoolClaims>, totals: ReadonlyMap<string, number>, tMs: number, o: ResolvedPredictiveOptions, bucketS: number): void {
  const mo = { fastTauS: o.arrivalFastTauS, slowTauS: Math.max(o.arrivalSlowTauS, o.arrivalFastTauS), bucketS: Math.max(MIN_BUCKET_S, bucketS) };
  for (const [pool, total] of totals) {
    if (!Number.isFinite(total) || total < 0) continue;
    const pc = state.get(pool);
    if (!pc) {
      state.set(pool, { lastTotal: total, arrivals: { stats: newArrivalStats(tMs), seen: new Map(), lastScrapeMs: tMs, inFlight: 0, prunedAtMs: tMs } });
      continue;
    }
    const n = total >= pc.lastTotal ? Math.round(total - pc.lastTotal) : 0;
    pc.lastTotal = total;
    foldArrivals(pc.arrivals.stats, n, tMs, mo);
    pc.arrivals.lastScrapeMs = tMs;
  }
}

/** The claim models by pool name, as scaleRecommendations reads arrivals by class. */
export function claimArrivalsByPool(state: ReadonlyMap<string, PoolClaims>): Map<string, ClassArrivals> {
  return new Map([...state].map(([pool, pc]) => [pool, pc.arrivals]));
}

import { MiB } from '../../src/core/resources.js';
import type { PodView } from '../../src/core/types.js';
import { staleBoundS, type EngineConfig } from '../../src/engine/engine-config.js';
import type { Policy, PolicyContext, Recommendation } from '../../src/policy/policy.js';
import type { SimSettings } from './replay-types.js';
import type { DemandAhead } from '../sim/session.js';

export type { DemandAhead } from '../sim/session.js';

/** What the simulator tells the oracle: a pod's true demand over its next seconds of work. */
export interface Lookahead {
  demandAhead(podKey: string, horizonS: number): DemandAhead | undefined;
}

export interface OracleOptions {
  /** How far ahead the limits must hold: until the next decision can land (oracleHorizonS). */
  readonly horizonS: number;
  /**
   * How far ahead the requests look. Requests are what the node reserves and what slack is measured
   * against; the engine lowers them only after its cooldown, so they follow the mean demand over about
   * that long rather than every burst. Default: max(horizonS, 300).
   */
  readonly requestWindowS?: number;
  /** Headroom above the true peak (0: exactly the peak; the engine rounds up to whole MiB / millicores). */
  readonly marginFraction: number;
  /**
   * The engine's hysteresis (GuardConfig.minChangeFraction): a needed raise smaller than this would be
   * dropped as not worth a resize, so the oracle raises by at least this much. Default 0.05, the
   * ConfigMap's default; `oracleOptions` takes it from the engine config.
   */
  readonly minRaiseFraction?: number;
  /**
   * The engine's staleAfterS: while a pod has no recent sample the engine will not lower anything, and
   * any change it makes starts the decrease cooldown. So the oracle leaves a stale pod alone unless its
   * limit must rise. Default 60 (the ConfigMap's default).
   */
  readonly staleAfterS?: number;
}

/** What the oracle remembers: when it last saw a sample of each pod (to know what the engine calls stale). */
export interface OracleState {
  readonly lastSampleMs: Map<string, number>;
}

/** A policy that needs the simulator's lookahead before its first tick. */
export interface LookaheadPolicy<S = unknown> extends Policy<S> {
  connect(lookahead: Lookahead): void;
}

/** True for policies that want the lookahead (the oracle). */
export function wantsLookahead(p: Policy): p is LookaheadPolicy {
  return typeof (p as Partial<LookaheadPolicy>).connect === 'function';
}

/**
 * The actuation horizon: a limit chosen now lands after the resize latency and must hold until the next
 * tick's decision lands; the scrape lag is added because a causal policy also has to bridge it, and
 * the oracle is meant as the floor those policies are measured against.
 */
export function oracleHorizonS(sim: SimSettings, engine: EngineConfig): number {
  return engine.tickIntervalS + sim.scrapeLagS + sim.resizeLatencyS;
}

/** Oracle options for a simulator and engine: limits over the actuation horizon, requests over the cooldown. */
export function oracleOptions(sim: SimSettings, engine: EngineConfig): OracleOptions {
  const horizonS = oracleHorizonS(sim, engine);
  return {
    horizonS,
    requestWindowS: Math.max(horizonS, engine.guards.downscaleCooldownS),
    marginFraction: 0,
    minRaiseFraction: engine.guards.minChangeFraction,
    // The bound the engine applies to a pod sampled every scrape interval (the simulator's spacing).
    staleAfterS: staleBoundS(engine, sim.scrapeIntervalS),
  };
}

/**
 * `oracle`, bench only: it knows the future. Every tick it sets each pod's limits to the pod's true peak
 * demand over the actuation horizon (so nothing is OOM-killed or throttled that any policy could have
 * saved) and its requests to the true mean demand ahead, never more than the node has free beside the
 * other pods (a request that does not fit is Deferred and would hold the limit back with it). It goes
 * through the same engine tick and guards as every other policy, so it is the floor no causal policy
 * can beat under the same rails, and the gap to it is the number to shrink.
 */
export function createOraclePolicy(opts: OracleOptions): LookaheadPolicy<OracleState> {
  let lookahead: Lookahead | undefined;
  const staleMs = (opts.staleAfterS ?? 60) * 1000;
  return {
    name: 'oracle',
    connect(l: Lookahead): void {
      lookahead = l;
    },
    init: () => ({ lastSampleMs: new Map() }),
    observe(st, samples): void {
      for (const x of samples) if (x.tMs > (st.lastSampleMs.get(x.pod) ?? Number.NEGATIVE_INFINITY)) st.lastSampleMs.set(x.pod, x.tMs);
    },
    forget: (st, key) => void st.lastSampleMs.delete(key),
    recommend(st, ctx): Recommendation[] {
      if (lookahead === undefined) return [];
      const requestWindowS = opts.requestWindowS ?? Math.max(opts.horizonS, 300);
      const room = freeRoom(ctx);
      const out: Recommendation[] = [];
      const f = 1 + opts.marginFraction;
      for (const pod of ctx.pods) {
        const near = lookahead.demandAhead(pod.key, opts.horizonS);
        const far = lookahead.demandAhead(pod.key, requestWindowS);
        if (near === undefined || far === undefined || near.peakMemBytes <= 0) continue;
        const last = st.lastSampleMs.get(pod.key);
        const stale = last === undefined || ctx.nowMs - last > staleMs;
        if (stale && near.peakMemBytes * f <= pod.limits.memBytes) continue;
        const free = room.free(pod);
        const memLimit = raised(near.peakMemBytes * f, pod.limits.memBytes, opts.minRaiseFraction ?? DEFAULT_MIN_RAISE);
        const cpuLimit = Math.max(0.001, near.peakCpuCores * f);
        const memRequest = Math.min(Math.min(near.meanMemBytes, far.meanMemBytes) * f, memLimit, free.memBytes);
        const cpuRequest = Math.max(0.001, Math.min(Math.min(near.meanCpuCores, far.meanCpuCores) * f, cpuLimit, free.cpuCores));
        // A stale pod's requests stay: the engine would not lower them, and raising them is not urgent.
        const requests = stale ? pod.requests : { memBytes: memRequest, cpuCores: cpuRequest };
        room.take(pod, requests.memBytes, requests.cpuCores);
        out.push({
          kind: 'resize',
          pod: pod.key,
          requests,
          limits: { memBytes: memLimit, cpuCores: pod.limits.cpuCores > 0 ? cpuLimit : 0 },
          reason: `oracle: true peak over the next ${opts.horizonS}s is ${Math.round(near.peakMemBytes / MiB)}Mi / ${Math.round(near.peakCpuCores * 1000)}m`,
          inputs: { horizonS: opts.horizonS, peakMemBytes: near.peakMemBytes, peakCpuCores: near.peakCpuCores, meanMemBytes: far.meanMemBytes },
        });
      }
      return out;
    },
  };
}

const DEFAULT_MIN_RAISE = 0.05;

/** A limit above the current one is raised by at least the engine's hysteresis, or the raise would be dropped. */
function raised(want: number, current: number, minRaise: number): number {
  return want > current ? Math.max(want, current * (1 + minRaise)) : want;
}

interface NodeRoom {
  /** Requests the pod can have on its node beside the other pods' (spec) requests; unbounded when unbound. */
  free(pod: PodView): { memBytes: number; cpuCores: number };
  /** Books the pod's new requests, so the next pod on the node sees what is left. */
  take(pod: PodView, memBytes: number, cpuCores: number): void;
}

/** The requests booked on each node (from the pods' specs), so the oracle never asks for a Deferred resize. */
function freeRoom(ctx: PolicyContext): NodeRoom {
  const used = new Map<string, { memBytes: number; cpuCores: number }>();
  for (const p of ctx.pods) {
    if (p.nodeName === undefined) continue;
    const u = used.get(p.nodeName) ?? { memBytes: 0, cpuCores: 0 };
    u.memBytes += p.requests.memBytes;
    u.cpuCores += p.requests.cpuCores;
    used.set(p.nodeName, u);
  }
  const unbounded = { memBytes: Number.POSITIVE_INFINITY, cpuCores: Number.POSITIVE_INFINITY };
  return {
    free(pod) {
      const cap = pod.nodeAllocatable;
      const u = pod.nodeName === undefined ? undefined : used.get(pod.nodeName);
      if (cap === undefined || u === undefined) return unbounded;
      // 1 MiB / 1 m below the edge: the engine rounds requests up.
      return { memBytes: cap.memBytes - (u.memBytes - pod.requests.memBytes) - MiB, cpuCores: cap.cpuCores - (u.cpuCores - pod.requests.cpuCores) - 0.001 };
    },
    take(pod, memBytes, cpuCores) {
      const u = pod.nodeName === undefined ? undefined : used.get(pod.nodeName);
      if (u === undefined) return;
      // Decreases may be held back by the engine's guards: book only increases.
      u.memBytes += Math.max(0, Math.ceil(memBytes / MiB) * MiB - pod.requests.memBytes);
      u.cpuCores += Math.max(0, Math.ceil(cpuCores * 1000) / 1000 - pod.requests.cpuCores);
    },
  };
}

import { MiB } from '../../src/core/resources.js';
import type { PodView, Resources } from '../../src/core/types.js';
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
  /** How far ahead requests and limits must hold: until the next decision can land (oracleHorizonS). */
  readonly horizonS: number;
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
 * The actuation horizon: a size chosen now lands after the resize latency and must hold until the next
 * tick's decision lands; the scrape lag is added because a causal policy also has to bridge it, and
 * the oracle is meant as the reference those policies are measured against.
 */
export function oracleHorizonS(sim: SimSettings, engine: EngineConfig): number {
  return engine.tickIntervalS + sim.scrapeLagS + sim.resizeLatencyS;
}

/** Oracle options for a simulator and engine: the actuation horizon and the engine's own rails. */
export function oracleOptions(sim: SimSettings, engine: EngineConfig): OracleOptions {
  return {
    horizonS: oracleHorizonS(sim, engine),
    marginFraction: 0,
    minRaiseFraction: engine.guards.minChangeFraction,
    // The bound the engine applies to a pod sampled every scrape interval (the simulator's spacing).
    staleAfterS: staleBoundS(engine, sim.scrapeIntervalS),
  };
}

/**
 * `oracle`, bench only: the safe oracle. It knows the future, and every tick it sets each pod's
 * requests *and* limits to the pod's true peak demand over the actuation horizon. Requests equal to the
 * peak mean the node reserves everything the pod will use, so the oracle never relies on overcommit:
 * a node holding only oracle pods cannot run out of memory, and nothing is OOM-killed that any policy
 * could have saved. It goes through the same engine tick, latency and guards as every other policy (the
 * guards slow its decreases and keep the QoS class, a request that does not fit its node is Deferred as
 * anyone's), so it is the best a policy can do *without overcommit*. CPU is compressible: where the
 * node's free CPU cannot hold the CPU peak, the CPU request takes what is free (over it, CPU is only
 * throttled), so a CPU request never holds a memory raise back in a Deferred resize. It is not the physical floor: that
 * is the trace's `floorNodeHours`, and a policy that overcommits safely may beat the oracle on nodes.
 */
export function createOraclePolicy(opts: OracleOptions): LookaheadPolicy<OracleState> {
  let lookahead: Lookahead | undefined;
  const staleMs = (opts.staleAfterS ?? 60) * 1000;
  const f = 1 + opts.marginFraction;
  const minRaise = opts.minRaiseFraction ?? DEFAULT_MIN_RAISE;
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
      const out: Recommendation[] = [];
      const cpuRoom = freeCpu(ctx);
      for (const pod of ctx.pods) {
        const near = lookahead.demandAhead(pod.key, opts.horizonS);
        if (near === undefined || near.peakMemBytes <= 0) continue;
        const last = st.lastSampleMs.get(pod.key);
        const stale = last === undefined || ctx.nowMs - last > staleMs;
        // A stale pod is left alone unless its limit must rise: the engine would not lower anything,
        // and any change would start the decrease cooldown.
        if (stale && near.peakMemBytes * f <= pod.limits.memBytes) continue;
        const size = peakSize(pod, near, f, minRaise, cpuRoom);
        out.push({
          kind: 'resize',
          pod: pod.key,
          requests: size.requests,
          limits: size.limits,
          reason: `oracle: true peak over the next ${opts.horizonS}s is ${Math.round(near.peakMemBytes / MiB)}Mi / ${Math.round(near.peakCpuCores * 1000)}m; requested and limited at it`,
          inputs: { horizonS: opts.horizonS, peakMemBytes: near.peakMemBytes, peakCpuCores: near.peakCpuCores },
        });
      }
      return out;
    },
  };
}

const DEFAULT_MIN_RAISE = 0.05;

/**
 * Request = limit = the true peak (times the margin). A memory limit above the current one is raised
 * by at least the engine's hysteresis, or the raise would be dropped; the request follows it, so the
 * reservation always covers the limit. A memory request never exceeds the node's allocatable (such a
 * request can never be admitted); a CPU request never exceeds what the node has free; a pod without a
 * CPU limit keeps none.
 */
function peakSize(pod: PodView, near: DemandAhead, f: number, minRaise: number, cpuRoom: CpuRoom): { requests: Resources; limits: Resources } {
  const memLimit = raised(near.peakMemBytes * f, pod.limits.memBytes, minRaise);
  const cpuPeak = Math.max(0.001, near.peakCpuCores * f);
  const cap = pod.nodeAllocatable;
  const cpuRequest = Math.max(0.001, Math.min(cpuPeak, cpuRoom.free(pod)));
  cpuRoom.take(pod, cpuRequest);
  const requests = { memBytes: cap === undefined ? memLimit : Math.min(memLimit, cap.memBytes), cpuCores: cpuRequest };
  return { requests, limits: { memBytes: memLimit, cpuCores: pod.limits.cpuCores > 0 ? cpuPeak : 0 } };
}

interface CpuRoom {
  /** CPU the pod can request on its node beside the other pods' (spec) requests; unbounded when unbound. */
  free(pod: PodView): number;
  /** Books the pod's new CPU request, so the next pod on the node sees what is left. */
  take(pod: PodView, cpuCores: number): void;
}

/** The CPU requests booked on each node (from the pods' specs). */
function freeCpu(ctx: PolicyContext): CpuRoom {
  const used = new Map<string, number>();
  for (const p of ctx.pods) if (p.nodeName !== undefined) used.set(p.nodeName, (used.get(p.nodeName) ?? 0) + p.requests.cpuCores);
  return {
    free(pod) {
      const u = pod.nodeName === undefined ? undefined : used.get(pod.nodeName);
      if (pod.nodeAllocatable === undefined || u === undefined) return Number.POSITIVE_INFINITY;
      // 1 m below the edge: the engine rounds requests up.
      return pod.nodeAllocatable.cpuCores - (u - pod.requests.cpuCores) - 0.001;
    },
    take(pod, cpuCores) {
      if (pod.nodeName === undefined || !used.has(pod.nodeName)) return;
      // Decreases may be held back by the engine's guards: book only increases.
      used.set(pod.nodeName, (used.get(pod.nodeName) ?? 0) + Math.max(0, Math.ceil(cpuCores * 1000) / 1000 - pod.requests.cpuCores));
    },
  };
}

/** A limit above the current one is raised by at least the engine's hysteresis, or the raise would be dropped. */
function raised(want: number, current: number, minRaise: number): number {
  return want > current ? Math.max(want, current * (1 + minRaise)) : want;
}

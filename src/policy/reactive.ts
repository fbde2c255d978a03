/**
 * The `reactive` policy: the naive in-place approach. It waits for usage to cross a threshold of the
 * limit and then grows the limit by a factor; after usage has stayed low for a while it shrinks the
 * limit toward what was used plus headroom. It never looks ahead, so a burst that outruns one resize
 * latency still kills the pod: that is the gap a predictive policy has to close.
 */
import { MiB, RESOURCE_NAMES, type ResourceName } from '../core/resources.js';
import type { AgentSample, PodView, Resources } from '../core/types.js';
import type { Policy, Recommendation } from './policy.js';

type Res = ResourceName;
const RESOURCES = RESOURCE_NAMES;

/** Options of the `reactive` policy. */
export interface ReactiveOptions {
  /** Usage above this fraction of the limit triggers a raise (0.9 = 90 %). */
  readonly thresholdFraction: number;
  /** A raise multiplies the limit by this factor (1.5). An OOM kill raises memory the same way. */
  readonly growFactor: number;
  /** Usage below this fraction of the limit counts as low (0.5). */
  readonly lowFraction: number;
  /** Usage must stay low this long before a shrink (300 s, like HPA's scale-down stabilisation). */
  readonly lowForS: number;
  /** A shrink sets the limit to the peak of the low period times this factor (1.3). */
  readonly shrinkHeadroom: number;
}

/** Defaults: raise ×1.5 past 90 % of the limit; after 5 min under 50 %, shrink to peak ×1.3. */
export const DEFAULT_REACTIVE_OPTIONS: ReactiveOptions = {
  thresholdFraction: 0.9,
  growFactor: 1.5,
  lowFraction: 0.5,
  lowForS: 300,
  shrinkHeadroom: 1.3,
};

interface PodTrack {
  /** Peak usage in the samples since the last recommend. */
  tickPeak?: { memBytes: number; cpuCores: number };
  /** Per resource: since when usage has been low, and its peak over that time. */
  lowSinceMs: Partial<Record<Res, number>>;
  lowPeak: Record<Res, number>;
  lastOomMs?: number;
}

/** Per-pod usage tracks. */
export interface ReactiveState {
  readonly pods: Map<string, PodTrack>;
}

/** Builds the `reactive` policy. Missing options fall back to DEFAULT_REACTIVE_OPTIONS. */
export function createReactivePolicy(opts: ReactiveOptions): Policy<ReactiveState> {
  const o: ReactiveOptions = { ...DEFAULT_REACTIVE_OPTIONS, ...opts };
  return {
    name: 'reactive',
    init: () => ({ pods: new Map() }),
    observe(state, samples) {
      for (const s of samples) foldSample(state, s);
    },
    recommend(state, ctx) {
      const out: Recommendation[] = [];
      for (const p of ctx.pods) {
        const t = state.pods.get(p.key);
        if (!t) continue;
        const r = decide(p, t, ctx.nowMs, o);
        t.tickPeak = undefined;
        if (r) out.push(r);
      }
      // Bound the tracks by the live pods; prune only when they have clearly outgrown them.
      if (state.pods.size > 2 * ctx.pods.length + 64) {
        const live = new Set(ctx.pods.map((p) => p.key));
        for (const k of state.pods.keys()) if (!live.has(k)) state.pods.delete(k);
      }
      return out;
    },
    forget(state, podKey) {
      state.pods.delete(podKey);
    },
  };
}

function foldSample(state: ReactiveState, s: AgentSample): void {
  let t = state.pods.get(s.pod);
  if (!t) state.pods.set(s.pod, (t = { lowSinceMs: {}, lowPeak: { memBytes: 0, cpuCores: 0 } }));
  if (!t.tickPeak) t.tickPeak = { memBytes: s.memBytes, cpuCores: s.cpuCores };
  else {
    if (s.memBytes > t.tickPeak.memBytes) t.tickPeak.memBytes = s.memBytes;
    if (s.cpuCores > t.tickPeak.cpuCores) t.tickPeak.cpuCores = s.cpuCores;
  }
}

/** One pod's verdict: new limits (requests scaled alongside) with the reasons, or nothing. */
function decide(p: PodView, t: PodTrack, nowMs: number, o: ReactiveOptions): Recommendation | undefined {
  const limits: Record<Res, number> = { ...p.limits };
  const why: string[] = [];
  if (p.lastOomAtMs !== undefined && p.lastOomAtMs !== t.lastOomMs) {
    t.lastOomMs = p.lastOomAtMs;
    if (p.limits.memBytes > 0) {
      limits.memBytes = p.limits.memBytes * o.growFactor;
      why.push(`OOM-killed: memory limit ×${o.growFactor}`);
    }
  }
  const peak = t.tickPeak;
  if (peak) {
    for (const r of RESOURCES) {
      const note = judge(r, { used: peak[r], limit: p.limits[r] }, t, nowMs, o);
      if (note && limits[r] === p.limits[r]) {
        limits[r] = note.limit;
        why.push(note.why);
      }
    }
  }
  if (why.length === 0) return undefined;
  const requests: Resources = {
    memBytes: scaledRequest(p.requests.memBytes, p.limits.memBytes, limits.memBytes),
    cpuCores: scaledRequest(p.requests.cpuCores, p.limits.cpuCores, limits.cpuCores),
  };
  return {
    kind: 'resize',
    pod: p.key,
    requests,
    limits,
    reason: `reactive: ${why.join('; ')}`,
    inputs: { peakMemBytes: peak?.memBytes ?? 0, peakCpuCores: peak?.cpuCores ?? 0, limitMemBytes: p.limits.memBytes, limitCpuCores: p.limits.cpuCores },
  };
}

/** Threshold logic for one resource; keeps the low-period bookkeeping. */
function judge(r: Res, at: { used: number; limit: number }, t: PodTrack, nowMs: number, o: ReactiveOptions): { limit: number; why: string } | undefined {
  const { used, limit } = at;
  if (limit <= 0) return undefined;
  const share = used / limit;
  if (share > o.thresholdFraction) {
    delete t.lowSinceMs[r];
    return { limit: limit * o.growFactor, why: `${name(r)} at ${pct(share)} of its limit (> ${pct(o.thresholdFraction)}): limit ×${o.growFactor}` };
  }
  if (share >= o.lowFraction) {
    delete t.lowSinceMs[r];
    return undefined;
  }
  const since = t.lowSinceMs[r];
  if (since === undefined) {
    t.lowSinceMs[r] = nowMs;
    t.lowPeak[r] = used;
    return undefined;
  }
  t.lowPeak[r] = Math.max(t.lowPeak[r], used);
  if (nowMs - since < o.lowForS * 1000) return undefined;
  delete t.lowSinceMs[r];
  const target = t.lowPeak[r] * o.shrinkHeadroom;
  if (target >= limit) return undefined;
  return { limit: target, why: `${name(r)} under ${pct(o.lowFraction)} of its limit for ${o.lowForS} s: limit to peak ${fmt(r, t.lowPeak[r])} ×${o.shrinkHeadroom}` };
}

/** Requests move with their limit (same ratio), never above it. */
function scaledRequest(request: number, oldLimit: number, newLimit: number): number {
  if (oldLimit <= 0 || request <= 0) return request;
  return Math.min(newLimit, (request * newLimit) / oldLimit);
}

function name(r: Res): string {
  return r === 'memBytes' ? 'memory' : 'cpu';
}

function pct(f: number): string {
  return `${Math.round(f * 100)}%`;
}

function fmt(r: Res, v: number): string {
  return r === 'memBytes' ? `${Math.round(v / MiB)}Mi` : `${Math.round(v * 1000)}m`;
}

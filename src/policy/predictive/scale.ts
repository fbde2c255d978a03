/**
 * KEDA pre-warm: the predictive policy's `scale` branch. Every scraped sample names a pod (a session);
 * a key seen for the first time is an arrival. Per agent class an arrival model (models/arrivals.ts)
 * forecasts the sessions starting within the horizon at an upper quantile, and each ScaledObject of a
 * class the policy has seen gets
 *     minReplicaCount = clamp(⌈(in flight + upper arrivals) / sessionsPerReplica⌉, original, max)
 * while a burst is forecast (burst index ≥ prewarmBurstIndex), and its original value once none has
 * been for `scaleCooldownS` (raises are immediate, lowering waits: no flapping).
 */
import type { AgentSample, ScaledObjectView } from '../../core/types.js';
import type { ScaleRecommendation } from '../policy.js';
import { foldArrivals, forecastArrivals, newArrivalStats, type ArrivalForecast, type ArrivalModelOptions, type ArrivalStats } from '../../../models/arrivals.js';
import type { ResolvedPredictiveOptions } from './options.js';

/** What the policy knows of one class's sessions. */
export interface ClassArrivals {
  readonly stats: ArrivalStats;
  /** Session keys seen, with the last scrape that showed them (pruned after SEEN_TTL_MS). */
  readonly seen: Map<string, number>;
  /** The latest scrape that showed any session of the class, and how many it showed. */
  lastScrapeMs: number;
  inFlight: number;
  prunedAtMs: number;
}

/** A ScaledObject's pre-warm target and when the forecast last asked for it. */
export interface ScaleHold {
  target: number;
  heldAtMs: number;
}

/** A session unseen for this long has ended; if it shows again it counts as a new arrival. */
export const SEEN_TTL_MS = 10 * 60_000;
/** With no scrape of a class for this long, none of its sessions is in flight any more. */
export const IN_FLIGHT_STALE_MS = 60_000;
/** Arrivals are visible once per scrape: the dispersion buckets are the usual scrape interval. */
const BUCKET_S = 15;

function modelOptions(o: ResolvedPredictiveOptions): ArrivalModelOptions {
  return { fastTauS: o.arrivalFastTauS, slowTauS: Math.max(o.arrivalSlowTauS, o.arrivalFastTauS), bucketS: BUCKET_S };
}

/**
 * Folds a batch of samples into the arrival models (`podClass`: the class of a pod in the cluster view). The first batch a class shows is the sessions
 * already running when the controller started: they set the in-flight count but are not arrivals.
 */
export function observeArrivals(
  arrivals: Map<string, ClassArrivals>,
  samples: readonly AgentSample[],
  nowMs: number,
  o: ResolvedPredictiveOptions,
  podClass: (key: string) => string | undefined = () => undefined,
): void {
  // Per class, per scrape time: sessions shown and how many of them are new.
  const scrapes = new Map<string, Map<number, { shown: number; fresh: number }>>();
  const primed = new Set<string>();
  for (const s of samples) {
    // A sample names its class, or its pod's label does (the controller's Prometheus series often lack it).
    const cls = s.agentClass ?? podClass(s.pod) ?? 'default';
    let ca = arrivals.get(cls);
    if (!ca) {
      arrivals.set(cls, (ca = { stats: newArrivalStats(s.tMs), seen: new Map(), lastScrapeMs: s.tMs, inFlight: 0, prunedAtMs: nowMs }));
      primed.add(cls);
    }
    let byT = scrapes.get(cls);
    if (!byT) scrapes.set(cls, (byT = new Map<number, { shown: number; fresh: number }>()));
    let at = byT.get(s.tMs);
    if (!at) byT.set(s.tMs, (at = { shown: 0, fresh: 0 }));
    const last = ca.seen.get(s.pod);
    if (last === undefined) at.fresh++;
    if (last === undefined || s.tMs > last) {
      ca.seen.set(s.pod, s.tMs);
      at.shown++;
    } else if (s.tMs === last) at.shown++;
  }
  const mo = modelOptions(o);
  for (const [cls, byT] of scrapes) {
    const ca = arrivals.get(cls) as ClassArrivals;
    const times = [...byT.keys()].sort((a, b) => a - b);
    times.forEach((t, i) => {
      const at = byT.get(t) as { shown: number; fresh: number };
      foldArrivals(ca.stats, primed.has(cls) && i === 0 ? 0 : at.fresh, t, mo);
      if (t >= ca.lastScrapeMs) {
        ca.lastScrapeMs = t;
        ca.inFlight = at.shown;
      }
    });
  }
  for (const ca of arrivals.values()) prune(ca, nowMs);
}

function prune(ca: ClassArrivals, nowMs: number): void {
  if (nowMs - ca.prunedAtMs < 60_000) return;
  ca.prunedAtMs = nowMs;
  for (const [key, t] of ca.seen) if (t < nowMs - SEEN_TTL_MS) ca.seen.delete(key);
}

/** minReplicaCount targets for the ScaledObjects of the classes the policy has seen. */
export function scaleRecommendations(
  arrivals: ReadonlyMap<string, ClassArrivals>,
  holds: Map<string, ScaleHold>,
  scaledObjects: readonly ScaledObjectView[],
  nowMs: number,
  o: ResolvedPredictiveOptions,
): ScaleRecommendation[] {
  const out: ScaleRecommendation[] = [];
  for (const so of scaledObjects) {
    const ca = arrivals.get(so.agentClass);
    if (!ca) continue;
    const rec = scaleOne(so, ca, holds, nowMs, o);
    if (rec) out.push(rec);
  }
  return out;
}

/** Sessions a class will run within the horizon (in flight + upper arrivals) and the replicas they need. */
export interface ClassDemand {
  readonly inFlight: number;
  readonly horizonS: number;
  readonly forecast: ArrivalForecast;
  /** inFlight + forecast.upper. */
  readonly sessions: number;
  /** ⌈sessions / sessionsPerReplica⌉, before any ScaledObject bound. */
  readonly replicas: number;
}

/**
 * The demand forecast both KEDA paths share: the minReplicaCount patch (below) and the external
 * scaler's metric (src/adapters/keda/external-scaler.ts), so the two modes cannot disagree.
 */
export function classDemand(ca: ClassArrivals, nowMs: number, o: ResolvedPredictiveOptions): ClassDemand {
  const ageMs = Math.max(0, nowMs - ca.lastScrapeMs);
  const inFlight = ageMs > IN_FLIGHT_STALE_MS ? 0 : ca.inFlight;
  // Sessions that arrived since the last visible scrape are as unknown as future ones.
  const horizonS = ageMs / 1000 + o.scaleHorizonS;
  const forecast = forecastArrivals(ca.stats, nowMs, horizonS, o.arrivalQuantile, modelOptions(o));
  const sessions = inFlight + forecast.upper;
  return { inFlight, horizonS, forecast, sessions, replicas: Math.ceil(sessions / o.sessionsPerReplica) };
}

function scaleOne(so: ScaledObjectView, ca: ClassArrivals, holds: Map<string, ScaleHold>, nowMs: number, o: ResolvedPredictiveOptions): ScaleRecommendation | undefined {
  const lo = Math.min(so.originalMinReplicas, so.maxReplicas);
  // Never above maxReplicaCount (KEDA would fight it), nor above what the operator allows to pre-warm.
  const hi = Math.max(lo, Math.min(so.maxReplicas, so.prewarmCap ?? so.maxReplicas));
  const capName = hi < so.maxReplicas ? `maxPrewarmReplicas ${hi}` : `maxReplicas ${so.maxReplicas}`;
  const clamp = (v: number): number => Math.min(hi, Math.max(lo, v));
  const { inFlight, horizonS, forecast: f, replicas: need } = classDemand(ca, nowMs, o);
  const burst = f.burstIndex >= o.prewarmBurstIndex && ca.stats.arrivals > 0;
  const desired = clamp(burst ? need : lo);
  const key = `${so.ref.namespace}/${so.ref.name}`;
  let hold = holds.get(key);
  if (!hold) holds.set(key, (hold = { target: clamp(so.minReplicas), heldAtMs: nowMs }));
  if (desired >= hold.target) {
    hold.target = desired;
    if (burst) hold.heldAtMs = nowMs;
  } else if (nowMs - hold.heldAtMs >= o.scaleCooldownS * 1000) {
    hold.target = desired;
  }
  hold.target = clamp(hold.target);
  if (hold.target === so.minReplicas) return undefined;
  const q = `p${Math.round(o.arrivalQuantile * 100)}`;
  const numbers =
    `${fmt(f.rate * 60)} sessions/min, ${f.upper} arrivals at ${q} over ${Math.round(horizonS)} s, ${inFlight} in flight, ` +
    `burst index ${fmt(f.burstIndex)}, dispersion ${fmt(f.dispersion)}`;
  const capped = need > hi && hold.target === hi ? ` (capped at ${capName})` : '';
  const reason =
    hold.target > lo
      ? `pre-warm ${hold.target} replicas${capped}: ${numbers}`
      : `restore minReplicaCount ${lo}: no burst forecast for ${o.scaleCooldownS} s (${numbers})`;
  return {
    kind: 'scale',
    scaledObject: so.ref,
    minReplicas: hold.target,
    reason,
    inputs: {
      agentClass: so.agentClass,
      ratePerMin: f.rate * 60,
      fastRatePerMin: f.fastRate * 60,
      slowRatePerMin: f.slowRate * 60,
      upperArrivals: f.upper,
      expectedArrivals: f.mean,
      horizonS,
      inFlight,
      burstIndex: Number.isFinite(f.burstIndex) ? f.burstIndex : 1e9,
      dispersion: f.dispersion,
      quantile: o.arrivalQuantile,
      need,
    },
  };
}

function fmt(x: number): string {
  return Number.isFinite(x) ? x.toFixed(1) : '∞';
}

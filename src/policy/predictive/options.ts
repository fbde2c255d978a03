import { BUNDLED_PRIORS, type AgentClassPrior } from '../../../models/priors/index.js';

/**
 * Options of the `predictive` policy (burst models + risk-budget headroom). Only `riskBudget` is
 * required; everything else defaults to DEFAULT_PREDICTIVE_OPTIONS.
 */
export interface PredictiveOptions {
  /**
   * ε: the accepted probability that memory passes the limit before the next action can land, per pod
   * and horizon. Expected OOM kills ≈ ε × pod-horizons, so the default 6e-5 with a 45 s horizon is at
   * most 0.5 kills per 100 pod-hours (0.005 × 45 s / 3600 s), the disruption target of the bench
   * (docs/models.md, "Choosing ε"). Limits cost no node (the scheduler packs by requests), so a small ε
   * is cheap.
   */
  readonly riskBudget: number;
  /** ε for CPU (over the limit CPU is throttled, not killed, so the budget is looser). */
  readonly cpuRiskBudget?: number;
  /** Seconds from a scrape until an action based on it is in force and until the next one lands: lag + tick + resize latency. */
  readonly horizonS?: number;
  /** Requests sit this fraction above the expected usage (slack is measured against requests). */
  readonly requestMarginFraction?: number;
  readonly cpuRequestMarginFraction?: number;
  /** Limits never go below the last observed usage plus this fraction. */
  readonly usageMarginFraction?: number;
  /** A raised limit decays back towards the model's target with this half-life (lower slowly). */
  readonly limitHoldHalfLifeS?: number;
  /** The prior's burst tails keep at least this weight against scraped history, which misses sub-scrape bursts. */
  readonly priorFloorWeight?: number;
  /** Forecast residuals kept per class for calibration. */
  readonly residualWindow?: number;
  /** Re-solve a class's tails after this many new outcomes (occasional refit). */
  readonly refreshEvery?: number;
  /** Pseudo-count that shrinks the calibration correction while few residuals exist. */
  readonly calibrationPriorN?: number;
  /**
   * KEDA pre-warm (scale recommendations): seconds ahead the arrivals forecast looks, i.e. how long
   * before a session arrives its replica must be asked for (KEDA polling + HPA + cold start).
   */
  readonly scaleHorizonS?: number;
  /** Quantile of the arrivals forecast the pre-warm covers (1 − the pre-warm's risk budget). */
  readonly arrivalQuantile?: number;
  /** Sessions one worker replica runs at once. */
  readonly sessionsPerReplica?: number;
  /** A raised minReplicaCount is held this long after the forecast last asked for it (no flapping). */
  readonly scaleCooldownS?: number;
  /**
   * Pre-warm only while the burst index (fast / slow arrival rate) is at least this; 0 keeps a
   * forecast-sized buffer of warm replicas at all times.
   */
  readonly prewarmBurstIndex?: number;
  /** Time constants of the fast and slow arrival rates (models/arrivals.ts). */
  readonly arrivalFastTauS?: number;
  readonly arrivalSlowTauS?: number;
  /**
   * ε_node: the accepted probability that a node filled to 100 % of memory requests overflows within
   * the horizon. Memory requests are each pod's effective memory at this ε (models/effective-memory.ts).
   */
  readonly nodeRiskBudget?: number;
  /** The same for CPU: a node's CPU demand passing its capacity is contention (throttling), not a kill. */
  readonly cpuNodeRiskBudget?: number;
  /**
   * A node's allocatable memory and CPU, used when the cluster view does not report the pod's node
   * (the controller reads pods only, in its namespace; the bench reports every node). 0: unknown, and
   * requests then follow expected usage without the node budget.
   */
  readonly nodeMemBytes?: number;
  readonly nodeCpuCores?: number;
  /**
   * Resizes one pod may get per hour on average (a token bucket); raises that protect the pod always go.
   * Each resize also sends an Event, so 3 resizes are 6 API writes.
   */
  readonly maxWritesPerPodHour?: number;
  /** Resizes a pod may save up in its bucket. */
  readonly writeBurst?: number;
  /** Resizes one tick may send, protecting raises first, then the largest changes. */
  readonly maxWritesPerTick?: number;
  /**
   * The exchange rate between writes and nodes: a request decrease is written only when the node share
   * it frees times the pod's expected time left (≈ its age) reaches this many node-seconds.
   */
  readonly writeWorthNodeSeconds?: number;
  /** Priors by agent class; the bundled ones when absent. */
  readonly priors?: ReadonlyMap<string, AgentClassPrior>;
}

/** Every option resolved. */
export type ResolvedPredictiveOptions = Required<PredictiveOptions>;

/**
 * The defaults, with the reasoning in docs/models.md. Plain numbers only: the ConfigMap schema is
 * derived from this object (src/config/policies-schema.ts); priors come from models/priors.
 */
export const DEFAULT_PREDICTIVE_OPTIONS: Required<Omit<PredictiveOptions, 'priors'>> = {
  riskBudget: 0.00006,
  cpuRiskBudget: 0.05,
  horizonS: 45,
  requestMarginFraction: 0.05,
  cpuRequestMarginFraction: 0.1,
  usageMarginFraction: 0.1,
  limitHoldHalfLifeS: 600,
  priorFloorWeight: 0.5,
  residualWindow: 512,
  refreshEvery: 64,
  calibrationPriorN: 50,
  scaleHorizonS: 90,
  arrivalQuantile: 0.95,
  sessionsPerReplica: 1,
  scaleCooldownS: 300,
  prewarmBurstIndex: 1.5,
  arrivalFastTauS: 60,
  arrivalSlowTauS: 900,
  nodeRiskBudget: 0.001,
  cpuNodeRiskBudget: 0.05,
  nodeMemBytes: 0,
  nodeCpuCores: 0,
  maxWritesPerPodHour: 3,
  writeBurst: 3,
  maxWritesPerTick: 100,
  writeWorthNodeSeconds: 5,
};

/** Fills absent options with the defaults; out-of-range numbers are clamped into range. */
export function resolvePredictiveOptions(o: PredictiveOptions): ResolvedPredictiveOptions {
  const d = DEFAULT_PREDICTIVE_OPTIONS;
  const pick = (v: number | undefined, dv: number, lo: number, hi: number): number => (v === undefined || !Number.isFinite(v) ? dv : Math.min(hi, Math.max(lo, v)));
  return {
    riskBudget: pick(o.riskBudget, d.riskBudget, 1e-6, 0.5),
    cpuRiskBudget: pick(o.cpuRiskBudget, d.cpuRiskBudget, 1e-6, 0.5),
    horizonS: pick(o.horizonS, d.horizonS, 1, 3600),
    requestMarginFraction: pick(o.requestMarginFraction, d.requestMarginFraction, 0, 10),
    cpuRequestMarginFraction: pick(o.cpuRequestMarginFraction, d.cpuRequestMarginFraction, 0, 10),
    usageMarginFraction: pick(o.usageMarginFraction, d.usageMarginFraction, 0, 10),
    limitHoldHalfLifeS: pick(o.limitHoldHalfLifeS, d.limitHoldHalfLifeS, 0, 86400),
    priorFloorWeight: pick(o.priorFloorWeight, d.priorFloorWeight, 0, 1),
    residualWindow: Math.round(pick(o.residualWindow, d.residualWindow, 16, 65536)),
    refreshEvery: Math.round(pick(o.refreshEvery, d.refreshEvery, 1, 1e6)),
    calibrationPriorN: pick(o.calibrationPriorN, d.calibrationPriorN, 0, 1e6),
    scaleHorizonS: pick(o.scaleHorizonS, d.scaleHorizonS, 1, 3600),
    arrivalQuantile: pick(o.arrivalQuantile, d.arrivalQuantile, 0.5, 0.9999),
    sessionsPerReplica: pick(o.sessionsPerReplica, d.sessionsPerReplica, 0.01, 1e6),
    scaleCooldownS: pick(o.scaleCooldownS, d.scaleCooldownS, 0, 86400),
    prewarmBurstIndex: pick(o.prewarmBurstIndex, d.prewarmBurstIndex, 0, 100),
    arrivalFastTauS: pick(o.arrivalFastTauS, d.arrivalFastTauS, 1, 86400),
    arrivalSlowTauS: pick(o.arrivalSlowTauS, d.arrivalSlowTauS, 1, 86400),
    nodeRiskBudget: pick(o.nodeRiskBudget, d.nodeRiskBudget, 1e-9, 0.5),
    cpuNodeRiskBudget: pick(o.cpuNodeRiskBudget, d.cpuNodeRiskBudget, 1e-9, 0.5),
    nodeMemBytes: pick(o.nodeMemBytes, d.nodeMemBytes, 0, 2 ** 50),
    nodeCpuCores: pick(o.nodeCpuCores, d.nodeCpuCores, 0, 1e5),
    maxWritesPerPodHour: pick(o.maxWritesPerPodHour, d.maxWritesPerPodHour, 0, 3600),
    writeBurst: pick(o.writeBurst, d.writeBurst, 1, 1000),
    maxWritesPerTick: Math.round(pick(o.maxWritesPerTick, d.maxWritesPerTick, 1, 1e6)),
    writeWorthNodeSeconds: pick(o.writeWorthNodeSeconds, d.writeWorthNodeSeconds, 0, 1e6),
    priors: o.priors instanceof Map ? o.priors : BUNDLED_PRIORS,
  };
}

import { err, ok, type Result } from '../../src/core/result.js';
import type { Action, ActuationError, Applied, ScaledObjectView } from '../../src/core/types.js';
import type { EngineConfig } from '../../src/engine/engine-config.js';
import type { Actuator, ClusterSnapshot, ClusterView, Logger, SourceError } from '../../src/engine/ports.js';
import { newEngineState, tick, type TickDeps } from '../../src/engine/tick.js';
import type { Policy } from '../../src/policy/policy.js';
import type { TraceHeader, TraceSample } from '../../src/trace/types.js';
import type { ReplicasPolicyRow, TraceSummary } from '../score/result-types.js';
import { round } from '../score/scoring.js';
import { VirtualClock } from '../sim/clock.js';
import { DEFAULT_SIM_SETTINGS, DEFAULT_SIM_TUNING } from '../sim/defaults.js';
import { TraceFeed } from '../sim/feed.js';
import type { SessionData } from '../sim/session.js';
import { ReplicaPool } from './pool.js';
import { SessionScrapes } from './session-scrapes.js';
import type { ReplicasSettings } from './settings.js';

export interface ReplicasInput {
  readonly header: TraceHeader;
  readonly open: () => AsyncIterable<TraceSample>;
  /** The burstguard policy ticking beside KEDA (a do-nothing policy for the `keda` baseline). */
  readonly policy: Policy;
  /** `keda`: KEDA + HPA scale the pool; `fixed`: a fixed pool (the `static` policy). */
  readonly autoscaler: 'keda' | 'fixed';
  readonly settings: ReplicasSettings;
  readonly engine: EngineConfig;
  readonly warmupS: number;
  /** Row name (defaults to the policy's name). */
  readonly name?: string;
  readonly onProgress?: (traceSeconds: number) => void;
  /** Scrape interval and lag of the per-session metrics the policy sees (default: the resize simulator's). */
  readonly scrape?: { readonly intervalS: number; readonly lagS: number };
}

export interface ReplicasOutcome {
  readonly row: ReplicasPolicyRow;
  readonly trace: TraceSummary;
  /** Pool size, queue and minReplicaCount every 30 s, for the report. */
  readonly timeline: ReadonlyArray<{ readonly tS: number; readonly replicas: number; readonly queued: number; readonly running: number; readonly minReplicas: number }>;
}

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };
const SCALED_OBJECT = 'agent-workers';

/**
 * Replays a trace in the `replicas` scenario: each session arrives at its first sample and queues for a
 * worker replica; KEDA polls the queue and the HPA formula scales the pool, while the engine tick runs
 * the policy, whose scale actions move the ScaledObject's minReplicaCount (pre-warming). The policy sees
 * one lagged sample per queued or running session per scrape (SessionScrapes), so arrivals show as new
 * keys, as they would to a controller. Deterministic: no randomness at all.
 */
export async function replayReplicas(input: ReplicasInput, wall: () => number = () => performance.now()): Promise<ReplicasOutcome> {
  const wallStart = wall();
  const engine = input.engine.dryRun ? { ...input.engine, dryRun: false } : input.engine;
  const dt = 1;
  const horizonS = input.settings.coldStartS + input.settings.pollingIntervalS + engine.tickIntervalS;
  const lookaheadS = Math.max(DEFAULT_SIM_TUNING.lookaheadS, horizonS + dt);
  const feed = new TraceFeed(input.open(), DEFAULT_SIM_TUNING.reorderWindowS, lookaheadS);
  const pool = new ReplicaPool(input.settings, input.autoscaler === 'keda', input.warmupS);
  let T = 0;
  const connectable = input.policy as Partial<{ connect(l: { demandAhead(h: number): number }): void }>;
  connectable.connect?.({ demandAhead: (h) => pool.demandAhead(feed.countStarting(T, T + h)) });

  const clock = new VirtualClock();
  const scrape = input.scrape ?? { intervalS: DEFAULT_SIM_SETTINGS.scrapeIntervalS, lagS: DEFAULT_SIM_SETTINGS.scrapeLagS };
  const scrapes = new SessionScrapes(scrape.intervalS, scrape.lagS);
  // The worker pool serves the trace's (first) agent class: the ScaledObject is labelled with it.
  const so = { agentClass: 'default' };
  const deps: TickDeps = { clock, source: scrapes, view: poolView(pool, input.settings, so), actuator: poolActuator(pool, input.settings), policy: input.policy, log: quiet };
  const state = newEngineState(input.policy);
  const signal = new AbortController().signal;
  const timeline: Array<ReplicasOutcome['timeline'][number]> = [];

  await feed.fillTo(Number.MIN_SAFE_INTEGER);
  if (Number.isFinite(feed.nextStart)) {
    const T0 = Math.floor(feed.nextStart);
    let nextTickT = Math.ceil(T0 / engine.tickIntervalS) * engine.tickIntervalS;
    let nextScrapeT = Math.ceil(T0 / scrape.intervalS) * scrape.intervalS;
    let classed = false;
    const scrapeAt = (t: number): void => {
      if (t < nextScrapeT) return;
      scrapes.record(t, pool.sessions());
      nextScrapeT += scrape.intervalS;
    };
    const label = (arriving: readonly SessionData[]): void => {
      if (classed || arriving.length === 0) return;
      so.agentClass = (arriving[0] as SessionData).agentClass;
      classed = true;
    };
    const arriving: SessionData[] = [];
    for (let k = 0; ; k++) {
      T = T0 + k * dt;
      if (feed.head < T + lookaheadS) await feed.fillTo(T + lookaheadS);
      arriving.length = 0;
      feed.takeDue(T, arriving);
      label(arriving);
      pool.arrive(arriving, T);
      pool.step(T, dt);
      scrapeAt(T);
      if (T >= nextTickT) {
        clock.setTraceSeconds(T);
        await tick(deps, state, engine, signal);
        nextTickT += engine.tickIntervalS;
      }
      if (T % 30 === 0) timeline.push({ tS: T, replicas: pool.replicas.length, queued: pool.queued, running: pool.inFlight, minReplicas: pool.minReplicas });
      if (T % 60 === 0) input.onProgress?.(T);
      if (feed.drained && pool.idle) break;
    }
  }
  const s = pool.score;
  const waits = [...s.queueWaits].sort((a, b) => a - b);
  const row: ReplicasPolicyRow = {
    policy: input.name ?? input.policy.name,
    queueWaitP50Seconds: quantile(waits, 0.5),
    queueWaitP95Seconds: quantile(waits, 0.95),
    replicaHours: round(s.replicaSeconds / 3600, 6),
    coldStarts: s.coldStarts,
    sessionsFailed: s.sessionsFailed,
    replaySeconds: round((wall() - wallStart) / 1000, 3),
    sessionsCompleted: s.sessionsCompleted,
    peakReplicas: s.peakReplicas,
  };
  return { row, trace: { name: input.header.name, sessions: feed.sessions, samples: feed.samples, podSeconds: round(feed.podSeconds, 3) }, timeline };
}

/** Nearest-rank quantile of sorted values; 0 when there are none. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;
}

function poolView(pool: ReplicaPool, cfg: ReplicasSettings, labels: { readonly agentClass: string }): ClusterView {
  return {
    snapshot(namespace: string): Promise<Result<ClusterSnapshot, SourceError>> {
      const so: ScaledObjectView = { ref: { namespace, name: SCALED_OBJECT }, agentClass: labels.agentClass, minReplicas: pool.minReplicas, maxReplicas: cfg.maxReplicas, originalMinReplicas: cfg.minReplicas };
      return Promise.resolve(ok({ pods: [], scaledObjects: [so] }));
    },
  };
}

function poolActuator(pool: ReplicaPool, cfg: ReplicasSettings): Actuator {
  return {
    apply(action: Action, opts: { readonly dryRun: boolean }): Promise<Result<Applied, ActuationError>> {
      if (action.kind !== 'scale' || action.scaledObject.name !== SCALED_OBJECT) {
        return Promise.resolve(err({ action, code: 'not-found', message: 'the replicas scenario has one ScaledObject and no resizable pods', retryable: false }));
      }
      if (!Number.isInteger(action.minReplicas) || action.minReplicas < 0 || action.minReplicas > cfg.maxReplicas) {
        return Promise.resolve(err({ action, code: 'invalid', message: `minReplicaCount must be an integer in [0, ${cfg.maxReplicas}]`, retryable: false }));
      }
      if (!opts.dryRun) pool.minReplicas = action.minReplicas;
      return Promise.resolve(ok({ outcome: opts.dryRun ? 'dry-run' : 'applied', action }));
    },
  };
}

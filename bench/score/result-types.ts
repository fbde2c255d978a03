/**
 * The bench's result JSON v2 (what `--json` writes). Field names are binding (shared design BENCH.md);
 * extra fields are allowed. `--json` always writes an array, one `BenchResult` per (trace, scenario).
 */
export interface TraceSummary {
  readonly name: string;
  readonly sessions: number;
  readonly samples: number;
  readonly podSeconds: number;
}

/** The version of the result JSON this build writes. */
export const RESULT_SCHEMA_VERSION = 2;

/** One policy's row in a `resize` replay: the headline first, diagnostics after. */
export interface ResizePolicyRow {
  readonly policy: string;
  /** Nodes alive while the trace has live sessions (first arrival to last session end). */
  readonly nodeHours: number;
  readonly peakNodes: number;
  /** oomKills + evictions + nodeOomKills. */
  readonly disruptions: number;
  readonly disruptionsPer100PodHours: number;
  readonly oomKills: number;
  readonly evictions: number;
  readonly nodeOomKills: number;
  readonly sessionsFailed: number;
  readonly lostWorkSeconds: number;
  /** ∫ max(0, used − request) over pod-time. */
  readonly unreservedGiBHours: number;
  /** Share of pod-seconds with memory usage above the request. */
  readonly overRequestShare: number;
  /** Every write the controller would send: resize PATCHes and Events. */
  readonly apiWrites: number;
  readonly apiWritesPerPodHour: number;
  readonly memSlack: number;
  readonly cpuSlack: number;
  readonly cpuThrottledCoreSeconds: number;
  readonly memRequestedGiBHours: number;
  readonly memUsedGiBHours: number;
  readonly cpuRequestedCoreHours: number;
  readonly resizes: number;
  readonly resizesDeferred: number;
  readonly resizesInfeasible: number;
  /** Wall-clock seconds the replay took: the only field allowed to differ between runs of one seed. */
  readonly replaySeconds: number;
  readonly [extra: string]: unknown;
}

/** One policy's row in a `replicas` replay. */
export interface ReplicasPolicyRow {
  readonly policy: string;
  readonly queueWaitP50Seconds: number;
  readonly queueWaitP95Seconds: number;
  readonly replicaHours: number;
  readonly coldStarts: number;
  readonly sessionsFailed: number;
  readonly replaySeconds: number;
  readonly [extra: string]: unknown;
}

/**
 * Every knob of one bench run (`settings` in the JSON): enough to reproduce it. The simulator's
 * settings, the trace transform (scale, duration), the seed and warm-up; scenarios add their own.
 */
export interface ResultSettings {
  /** A node's allocatable (resize scenario; the replicas scenario has no nodes). */
  readonly nodeShape?: { readonly cpuCores: number; readonly memBytes: number };
  readonly scale: number;
  /** Trace seconds the arrivals were continued to (`--duration`), or null for the trace's own span. */
  readonly durationSeconds: number | null;
  readonly seed: number;
  readonly warmupSeconds: number;
  readonly [knob: string]: unknown;
}

/**
 * Where each agent class's prior was fitted (`priors` in the JSON): class name → a sentence naming the
 * data and the sessions. Filled by whoever builds the priors for the run; empty when none were used.
 */
export type PriorsProvenance = Readonly<Record<string, string>>;

export interface BenchResult {
  readonly schemaVersion: typeof RESULT_SCHEMA_VERSION;
  readonly scenario: 'resize' | 'replicas';
  readonly trace: TraceSummary;
  /** The physical limit: ∫ ceil(max(Σ mem used / node mem, Σ cpu used / node cpu)) dt, in hours (resize only). */
  readonly floorNodeHours?: number;
  readonly settings: ResultSettings;
  readonly priors: PriorsProvenance;
  readonly policies: ReadonlyArray<ResizePolicyRow | ReplicasPolicyRow>;
  readonly [extra: string]: unknown;
}

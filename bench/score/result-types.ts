/**
 * The bench's result JSON (what `--json` writes). Field names are binding (shared design BENCH.md);
 * extra fields are allowed. One object per (trace, scenario); several traces give an array of them.
 */
export interface TraceSummary {
  readonly name: string;
  readonly sessions: number;
  readonly samples: number;
  readonly podSeconds: number;
}

/** One policy's row in a `resize` replay. */
export interface ResizePolicyRow {
  readonly policy: string;
  readonly oomKills: number;
  readonly evictions: number;
  readonly sessionsFailed: number;
  readonly lostWorkSeconds: number;
  readonly memSlack: number;
  readonly cpuSlack: number;
  readonly cpuThrottledCoreSeconds: number;
  readonly memRequestedGiBHours: number;
  readonly memUsedGiBHours: number;
  readonly cpuRequestedCoreHours: number;
  readonly resizes: number;
  readonly resizesDeferred: number;
  readonly resizesInfeasible: number;
  readonly peakNodes: number;
  readonly nodeHours: number;
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

export interface BenchResult {
  readonly scenario: 'resize' | 'replicas';
  readonly trace: TraceSummary;
  readonly policies: ReadonlyArray<ResizePolicyRow | ReplicasPolicyRow>;
  readonly [extra: string]: unknown;
}

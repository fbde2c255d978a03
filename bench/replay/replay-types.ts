import type { EngineConfig } from '../../src/engine/engine-config.js';
import type { Policy } from '../../src/policy/policy.js';
import type { Resources } from '../../src/core/types.js';
import type { TraceHeader, TraceSample } from '../../src/trace/types.js';
import type { ResizePolicyRow, TraceSummary } from '../score/result-types.js';
import type { HintSettings } from '../sim/hints.js';

/** The simulated cluster's knobs (shared design BENCH.md, "must behave like Kubernetes"). */
export interface SimSettings {
  readonly scrapeIntervalS: number;
  readonly scrapeLagS: number;
  readonly resizeLatencyS: number;
  /** Shape of a node in the elastic pool. */
  readonly nodeAllocatable: Resources;
  readonly nodeProvisionDelayS: number;
  readonly nodeRemoveDelayS: number;
  readonly maxNodes: number;
  /** First restart back-off after an OOM kill; doubles per kill up to the max (CrashLoopBackOff). */
  readonly oomBackoffS: { readonly initial: number; readonly max: number };
  /** Always: a killed container restarts, without a cap (CrashLoopBackOff); Never: the session fails. */
  readonly restartPolicy: 'Always' | 'Never';
  /** The kubelet's hard eviction threshold on memory.available (`--eviction-hard`, default 100Mi). */
  readonly evictionHardBytes: number;
  /** How often the kubelet's eviction manager checks the node (its housekeeping period, 10 s). */
  readonly evictionIntervalS: number;
  /** Whether CPU throttling stretches the session (true) or is only counted (false). */
  readonly throttleStretches: boolean;
  /** Resources every pod starts with (the static policy keeps them). */
  readonly initial: { readonly requests: Resources; readonly limits: Resources };
}

/** One point of a sample session's usage against its allocation, for the report's time-series charts. */
export interface TimelinePoint {
  readonly session: string;
  readonly tS: number;
  readonly memUsed: number;
  readonly memRequest: number;
  readonly memLimit: number;
  readonly cpuUsed: number;
  readonly cpuLimit: number;
  readonly event?: 'oom' | 'evicted' | 'resize';
}

export interface ReplayInput {
  readonly header: TraceHeader;
  /** Opens the trace anew (streamed; called once per replay). */
  readonly open: () => AsyncIterable<TraceSample>;
  readonly policy: Policy;
  readonly sim: SimSettings;
  readonly engine: EngineConfig;
  readonly seed: number;
  /** Seconds replayed without scoring, so history-hungry policies are judged warm. */
  readonly warmupS: number;
  /** Sessions whose timelines the outcome keeps (for the report). */
  readonly timelineSessions?: number;
  readonly onProgress?: (traceSeconds: number) => void;
  /** Trace seconds between policy refits, as the controller's refit cron does (default 1800). */
  readonly refitEveryS?: number;
  /** `--hints`: the simulated agents announce each tool start; absent, no hints. */
  readonly hints?: HintSettings;
  /** The row's name, when it is not the policy's (`predictive+hints`). */
  readonly rowName?: string;
}

/** A bench policy that is a fixed per-class sizing, shipped in the pod template (static-tuned). */
export interface TemplatePolicy {
  podTemplate(agentClass: string): { readonly requests: Resources; readonly limits: Resources } | undefined;
}

/** True for policies that set the pod template's resources. */
export function setsPodTemplate(p: Policy): p is Policy & TemplatePolicy {
  return typeof (p as Partial<TemplatePolicy>).podTemplate === 'function';
}

export interface ReplayOutcome {
  readonly row: ResizePolicyRow;
  readonly trace: TraceSummary;
  readonly timeline: readonly TimelinePoint[];
  /** Per-session scores for the report's distributions. */
  readonly perSession: ReadonlyArray<{ readonly session: string; readonly memSlack: number; readonly peakMem: number; readonly peakHeldMem?: number; readonly oomKills: number }>;
  /** A few example actions with their reasons, for the report. */
  readonly sampleActions: ReadonlyArray<{ readonly tS: number; readonly pod: string; readonly reason: string }>;
}

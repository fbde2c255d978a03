import type { PodRef, QosClass, Resources } from '../../src/core/types.js';
import type { TimelinePoint } from '../replay/replay-types.js';
import type { SimNode } from './nodes.js';
import type { SessionData } from './session.js';

/** Where a pod is in its life. Numbers, not strings: the step loop reads this for every pod every second. */
export enum Phase {
  /** Created, waiting for a node (or for one to be provisioned). */
  Pending = 0,
  /** Bound and its container running. */
  Running = 1,
  /** Bound, container killed, waiting out the restart back-off. */
  BackOff = 2,
  /** Session finished or failed; the pod is gone. */
  Gone = 3,
}

/** The kubelet's view of the pod's latest resize (pod conditions PodResizePending / PodResizeInProgress). */
export enum ResizePhase {
  None = 0,
  InProgress = 1,
  Deferred = 2,
  Infeasible = 3,
  Error = 4,
}

/**
 * One agent pod of the simulated cluster. Plain mutable fields with fixed types, so the step loop stays
 * monomorphic and allocation-free. Three generations of resources, as in Kubernetes:
 * spec (desired, what the API server holds), allocated (requests the kubelet admitted, what the node
 * counts) and actual (limits the runtime enforces, what OOM and throttling use).
 */
export class SimPod {
  phase: Phase = Phase.Pending;
  node: SimNode | null = null;
  readonly qos: QosClass;
  readonly ref: PodRef;
  /** Key `${namespace}/${name}`, the key samples and engine state use. */
  readonly key: string;
  /** Listed in the kubelet's work list of pods with a resize in flight. */
  inResizeList = false;

  specReqMem: number;
  specReqCpu: number;
  specLimMem: number;
  specLimCpu: number;
  allocReqMem: number;
  allocReqCpu: number;
  actLimMem: number;
  actLimCpu: number;

  resize: ResizePhase = ResizePhase.None;
  resizeMessage = '';
  /** Trace time at which an admitted resize is actuated (InProgress), or the Error retry time. */
  resizeAtT = 0;

  /** Session seconds of work done since the (re)start. */
  progress = 0;
  /** Index of the sample whose demand applies just after `progress` (demand is the later sample's). */
  cursor = 0;
  /** Index of the sample covering `progress` (for the scrape's point-in-time signals). */
  at = 0;
  /** The last sample index whose tool start has been announced (`--hints`); -1 before the first. */
  hintedTo = -1;
  usageMem = 0;
  /** CPU actually used (throttled to the limit). */
  usageCpu = 0;

  startedT = 0;
  /** The allocated memory request when the container last started: its oom_score_adj is set from it. */
  startReqMem = 0;
  /** Trace time since which the current resize has been Deferred (the kubelet retries the longest-waiting first). */
  deferredSinceT = Number.NaN;
  restartAtT = 0;
  restarts = 0;
  /** Kills since the container last ran 10 min without one: the CrashLoopBackOff exponent. */
  backoffLevel = 0;
  lastOomT = Number.NaN;

  // Scrape accumulators since the last scrape.
  nextScrapeT = 0;
  scrapeCpuSum = 0;
  scrapeSpan = 0;
  scrapeCumCalls = 0;
  scrapeCumRetries = 0;
  scrapeCumErrors = 0;

  // Per-session score (after warmup).
  scoredMemUsed = 0;
  scoredMemReq = 0;
  peakMem = 0;
  /** Highest memory the container really held: demand, but never past the enforced limit (the kernel kills there). */
  peakHeldMem = 0;
  oomKills = 0;
  /** Whether the report charts this session's usage, and when its next timeline point is due. */
  timeline = false;
  /** Timeline points recorded so far (kept in the outcome when the pod ends, if charted). */
  points: TimelinePoint[] = [];
  /** Killed or evicted at least once: the report shows every such session. */
  disrupted = false;
  nextTimelineT = 0;
  /** This pod's scrape phase within the scrape interval (Prometheus spreads targets over the interval). */
  scrapeOffsetS = 0;

  constructor(
    readonly session: SessionData,
    namespace: string,
    readonly name: string,
    initial: { readonly requests: Resources; readonly limits: Resources },
    qos: QosClass,
  ) {
    this.qos = qos;
    this.ref = { namespace, name };
    this.key = `${namespace}/${name}`;
    this.specReqMem = this.allocReqMem = initial.requests.memBytes;
    this.specReqCpu = this.allocReqCpu = initial.requests.cpuCores;
    this.specLimMem = this.actLimMem = initial.limits.memBytes;
    this.specLimCpu = this.actLimCpu = initial.limits.cpuCores;
  }

  /** Sets all three generations of resources at once: the template (or what admission wrote) at creation. */
  resetResources(initial: { readonly requests: Resources; readonly limits: Resources }): void {
    this.specReqMem = this.allocReqMem = initial.requests.memBytes;
    this.specReqCpu = this.allocReqCpu = initial.requests.cpuCores;
    this.specLimMem = this.actLimMem = initial.limits.memBytes;
    this.specLimCpu = this.actLimCpu = initial.limits.cpuCores;
    this.resize = ResizePhase.None;
    this.resizeMessage = '';
  }

  /** Puts the container back at the start of its session's work (first start, restart, replacement). */
  restartWork(T: number): void {
    this.progress = 0;
    this.cursor = 0;
    this.at = 0;
    this.hintedTo = -1;
    this.startedT = T;
    this.startReqMem = this.allocReqMem;
    this.usageMem = this.session.mem[0] ?? 0;
    const cpu = this.session.cpu[0] ?? 0;
    this.usageCpu = this.actLimCpu > 0 && cpu > this.actLimCpu ? this.actLimCpu : cpu;
    this.scrapeCpuSum = 0;
    this.scrapeSpan = 0;
    this.scrapeCumCalls = 0;
    this.scrapeCumRetries = 0;
    this.scrapeCumErrors = 0;
  }
}

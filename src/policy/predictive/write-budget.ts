/**
 * Fewer writes. Every resize is a PATCH to the API server, an Event, and for the kubelet a pod sync; a
 * fleet of agents resized every tick floods all three. So a resize goes out only when it changes the
 * risk or the cost materially, and even then within a budget:
 *
 * - what is material (`materialChanges`): a memory limit below the pod's ε-burst (risk: an OOM kill);
 *   a request that moves by REQUEST_CHANGE_FRACTION (cost: the scheduler packs by requests, and the
 *   node count moves with the sum of requests; a few percent on one pod moves no node), a CPU request
 *   increase alone only when it is a large share of the node (CPU_RAISE_ALONE_NODE_SHARE); a CPU limit
 *   well short of the forecast peak (throttling); a memory limit far above what is needed (it only
 *   matters through the node budget, so only a large drop is worth a write). A limit that could come
 *   down a little costs nothing: the scheduler never sees limits.
 * - the budget: a token bucket per pod (`maxWritesPerPodHour`, at most `writeBurst` saved up) and a cap
 *   per tick (`maxWritesPerTick`). A raise that protects the pod (memory limit short of its burst) is
 *   never held by the budget (memory is what kills) but still spends a token; everything else waits for
 *   a token, largest change first within a tick.
 *
 * Writes are counted from the pod's spec as the cluster view reports it (a change of requests or limits
 * seen between ticks is one write), so guards that drop or reshape a recommendation are accounted for.
 */
import type { PodView } from '../../core/types.js';

/** A request change smaller than this fraction moves no node: not worth a write. */
export const REQUEST_CHANGE_FRACTION = 0.15;
/**
 * A request increase prices the pod for the node; below this fraction the node's overflow bound moves
 * too little to be worth a write (the node budget still holds decreases around a node at risk).
 */
export const REQUEST_RAISE_FRACTION = 0.25;
/** A memory limit is raised when the risk at the current limit is at least this many times ε. */
export const LIMIT_RISK_FACTOR = 3;
/**
 * A memory limit is lowered only when it is this far above its target, and only with a write that goes
 * anyway: the scheduler never sees limits, so a lower limit buys no node; it only trims the node
 * budget's Σα, which the budget itself guards.
 */
export const LIMIT_DROP_FRACTION = 0.3;
/** CPU requests rise only by this much: under-requested CPU costs throttling on a busy node, not a kill. */
export const CPU_REQUEST_RAISE_FRACTION = 0.5;
/**
 * A CPU request increase is written on its own only when the pod under-requests at least this share of
 * its node's cores (0.4 of a 4-core node); a smaller one waits for a write that goes anyway (a memory
 * limit raise, a material memory request change, a CPU limit raise). Under-requested CPU costs
 * throttling when the node's CPU is contended, never a kill, and a raise adds requests, which is what
 * the node count follows. On the bundled traces these raises, mostly of pods a cold class admitted at the
 * prior's idle CPU (17–25m for pods running at 110–140m), were 50–95 % of the writes on mini-swe-agent,
 * swe-agent, tau2-bench and agentcgroup-haiku (4x8Gi ×4, --cv 5); the node CPU contention they held off
 * is in `cpuThrottledCoreSeconds` (docs/models.md, "Fewer writes").
 */
export const CPU_RAISE_ALONE_NODE_SHARE = 0.1;
/** A CPU limit is raised only when the forecast peak is this far above it (over the limit CPU is throttled, not killed). */
export const CPU_LIMIT_RAISE_FRACTION = 0.25;

/** A pod using this fraction of its CPU limit is pressing against it (throttled or about to be). */
export const CPU_PRESSING_FRACTION = 0.8;
/** A pressing pod's CPU limit goes up at least this many times (its usage above the limit is unseen). */
export const CPU_PRESSED_STEP = 1.5;

/** What the materiality test knows of the pod beyond its spec. */
export interface MaterialityContext {
  readonly usageBytes: number;
  readonly usageMargin: number;
  /** The pod's baseline memory (what it uses outside its bursts), when known. */
  readonly baseBytes?: number;
  /** Last scraped CPU usage, cores. */
  readonly cpuCores: number;
  /** P(the pod passes its current memory limit within the horizon), under the same model as the target. */
  readonly riskAtCurrent: number;
  readonly eps: number;
  /**
   * Seconds the pod has run. Session lengths are heavy-tailed, so a session's expected time left is
   * about its age (Lindy): a pod two minutes old frees little, however large the step.
   */
  readonly ageS: number;
  /** A decrease must free this many node-seconds (share of the node × expected time left) to be written. */
  readonly worthNodeSeconds: number;
  /**
   * The limit's raise is carried by any write that goes anyway, though not material on its own (a
   * sibling's OOM kill holds the target up: recommend.ts `siblingOomRides`).
   */
  readonly carryLimitUp?: boolean;
  /**
   * The fraction a memory request decrease must reach to be written (default REQUEST_CHANGE_FRACTION;
   * SHORT_DECREASE_FRACTION for a short-session class: short-sessions.ts).
   */
  readonly decreaseFraction?: number;
  /** The node's allocatable, when known (a change's share of it). */
  readonly node?: { readonly memBytes: number; readonly cpuCores: number };
}

/** What the policy wants for one pod, before the budget. */
export interface Targets {
  readonly memRequest: number;
  readonly memLimit: number;
  readonly cpuRequest: number;
  readonly cpuLimit: number;
}

/** Which values changed materially, and whether the change protects the pod (never held by the budget). */
export interface Materiality {
  readonly urgent: boolean;
  /** Targets with immaterial changes reset to the pod's current values. */
  readonly targets: Targets;
  /** Size of the change, for ordering within a tick (largest relative change first). */
  readonly weight: number;
  readonly fields: readonly string[];
}

function rel(target: number, current: number): number {
  return current > 0 ? (target - current) / current : target > 0 ? Infinity : 0;
}

/** Keeps only the material changes of `t` against the pod's spec; undefined when none is. */
export function materialChanges(pod: PodView, t: Targets, c: MaterialityContext): Materiality | undefined {
  const memL = rel(t.memLimit, pod.limits.memBytes);
  const memR = rel(t.memRequest, pod.requests.memBytes);
  const cpuR = rel(t.cpuRequest, pod.requests.cpuCores);
  // CPU usage is censored at the limit (throttled CPU never shows above it), so a pod pressing its limit
  // would otherwise forecast at most usage × margin ≈ the limit itself and never clear the raise step:
  // pressing, its target is at least one step past the raise threshold (CPU_PRESSED_STEP).
  const pressing = c.cpuCores >= CPU_PRESSING_FRACTION * pod.limits.cpuCores;
  const cpuTarget = pressing ? Math.max(t.cpuLimit, pod.limits.cpuCores * CPU_PRESSED_STEP) : t.cpuLimit;
  const cpuL = rel(cpuTarget, pod.limits.cpuCores);
  // Risk: a limit the pod is running close to is short whatever the model says; otherwise the raise
  // must cut the risk of an OOM kill from several times ε.
  const thin = pod.limits.memBytes < c.usageBytes * (1 + c.usageMargin) && t.memLimit > pod.limits.memBytes;
  // A limit sure to be short (risk 1: a ramp or an OOM says so) is raised even when ε is so loose that
  // LIMIT_RISK_FACTOR × ε exceeds 1.
  const raiseMem = thin || (memL > 0 && c.riskAtCurrent >= Math.min(1, LIMIT_RISK_FACTOR * c.eps));
  const dropMemWanted = memL < -LIMIT_DROP_FRACTION;
  // Cost: node-seconds freed by a decrease (share of the node × expected time left ≈ age).
  // A write that goes anyway (a protecting raise) carries every decrease worth REQUEST_CHANGE_FRACTION.
  const freed = (share: number): boolean => raiseMem || share * c.ageS >= c.worthNodeSeconds;
  const memShare = c.node ? (pod.requests.memBytes - t.memRequest) / c.node.memBytes : 0;
  const cpuShare = c.node ? (pod.requests.cpuCores - t.cpuRequest) / c.node.cpuCores : 0;
  // A request below the pod's baseline is short whatever the step: the pod sits above it outside its
  // bursts, first in the kubelet's eviction order, and its node's sum of requests understates its usage.
  const belowBase = memR > 0 && c.baseBytes !== undefined && pod.requests.memBytes < c.baseBytes;
  const moveMemReq = memR >= REQUEST_RAISE_FRACTION || belowBase || (memR <= -(c.decreaseFraction ?? REQUEST_CHANGE_FRACTION) && (c.node === undefined || freed(memShare)));
  // A CPU limit costs no node (the scheduler packs by requests) and over it CPU is only throttled: raise
  // it only for a pod that is pressing against it.
  const raiseCpu = cpuL > CPU_LIMIT_RAISE_FRACTION && pressing;
  // A CPU request increase buys no safety and costs requests (nodes): it goes on its own only when the
  // pod under-requests a large share of its node's cores, otherwise with a write that goes anyway.
  const cpuUpAlone = c.node === undefined || -cpuShare >= CPU_RAISE_ALONE_NODE_SHARE;
  const cpuUp = cpuR >= CPU_REQUEST_RAISE_FRACTION && (cpuUpAlone || raiseMem || raiseCpu || moveMemReq);
  const moveCpuReq = cpuUp || (cpuR <= -REQUEST_CHANGE_FRACTION && (c.node === undefined || freed(cpuShare)));
  const dropMem = dropMemWanted && (raiseCpu || moveMemReq || moveCpuReq);
  const carryMem = c.carryLimitUp === true && !raiseMem && memL > 0 && (raiseCpu || moveMemReq || moveCpuReq);
  const fields: string[] = [];
  if (raiseMem) fields.push(`memory limit up [risk at the current limit ${c.riskAtCurrent.toPrecision(2)} vs ε ${c.eps}]`);
  if (carryMem) fields.push(`memory limit up (carried: a sibling's OOM kill)`);
  if (dropMem) fields.push('memory limit down');
  if (moveMemReq) fields.push(`memory request ${memR > 0 ? 'up' : 'down'}${belowBase && memR < REQUEST_RAISE_FRACTION ? ` [below the baseline ${Math.round((c.baseBytes ?? 0) / 2 ** 20)}Mi]` : ''}`);
  if (moveCpuReq) fields.push(`cpu request ${cpuR > 0 ? 'up' : 'down'}`);
  if (raiseCpu) fields.push('cpu limit up');
  if (fields.length === 0) return undefined;
  const memLimit = raiseMem || dropMem || carryMem ? t.memLimit : pod.limits.memBytes;
  const cpuLimit = raiseCpu ? cpuTarget : pod.limits.cpuCores;
  return {
    // A pod pressing its CPU limit is being throttled now (mid tool call): its raise does not wait for
    // the per-pod write budget either. It is bounded: each such raise is ×CPU_PRESSED_STEP, up to the guards' maximum.
    urgent: raiseMem || raiseCpu,
    // A limit held where it is still bounds its request (requests ≤ limits keeps the QoS shape).
    targets: {
      memLimit,
      memRequest: Math.min(memLimit, moveMemReq ? t.memRequest : pod.requests.memBytes),
      cpuRequest: Math.min(cpuLimit, moveCpuReq ? t.cpuRequest : pod.requests.cpuCores),
      cpuLimit,
    },
    weight: Math.max(Math.abs(memShare) * Number(moveMemReq), Math.abs(cpuShare) * Number(moveCpuReq), Math.abs(memR) * Number(moveMemReq) * 0.01),
    fields,
  };
}

/** A pod's write account. */
export interface WriteAccount {
  tokens: number;
  atMs: number;
  spec: string;
}

export interface WriteBudgetOptions {
  readonly maxWritesPerPodHour: number;
  readonly writeBurst: number;
  readonly maxWritesPerTick: number;
}

function specOf(pod: PodView): string {
  return `${pod.requests.memBytes}/${pod.requests.cpuCores}/${pod.limits.memBytes}/${pod.limits.cpuCores}`;
}

/** Refills the pod's bucket to `nowMs` and debits one token for a spec change seen since the last call. */
export function noteWrites(accounts: Map<string, WriteAccount>, pod: PodView, nowMs: number, o: WriteBudgetOptions): WriteAccount {
  const spec = specOf(pod);
  let a = accounts.get(pod.key);
  if (!a) {
    // A new pod starts with a full bucket: its first sizing is the one that matters most.
    a = { tokens: o.writeBurst, atMs: nowMs, spec };
    accounts.set(pod.key, a);
    return a;
  }
  a.tokens = Math.min(o.writeBurst, a.tokens + ((nowMs - a.atMs) / 3_600_000) * o.maxWritesPerPodHour);
  a.atMs = nowMs;
  if (spec !== a.spec) {
    a.tokens = Math.max(0, a.tokens - 1);
    a.spec = spec;
  }
  return a;
}

/** Whether a non-urgent write may go for this pod now. */
export function hasToken(a: WriteAccount): boolean {
  return a.tokens >= 1;
}

/**
 * The tick's cut: urgent writes all go; the others, largest change first, while the tick has room.
 * Returns the indices (into `items`) that go.
 */
export function tickCut(items: ReadonlyArray<{ readonly urgent: boolean; readonly weight: number }>, maxPerTick: number): Set<number> {
  const go = new Set<number>();
  let used = 0;
  items.forEach((it, i) => {
    if (it.urgent) {
      go.add(i);
      used++;
    }
  });
  const rest = items.map((it, i) => ({ it, i })).filter((x) => !x.it.urgent).sort((a, b) => b.it.weight - a.it.weight);
  for (const x of rest) {
    if (used >= maxPerTick) break;
    go.add(x.i);
    used++;
  }
  return go;
}

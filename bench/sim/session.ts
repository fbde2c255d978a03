import type { TraceSample } from '../../src/trace/types.js';

/**
 * One trace session's samples in compact columns. A session is one agent pod; its samples are kept
 * until it ends because an OOM kill or an eviction makes the pod redo its work from the start.
 * Times are relative to the session's first sample (`rel`), so a restarted pod replays the same series.
 * Tool counts are stored as running sums so the scrape of any interval is one subtraction.
 */
export class SessionData {
  n = 0;
  /** Trace time of the latest sample. */
  lastT: number;
  rel: Float64Array;
  mem: Float64Array;
  cpu: Float64Array;
  /** NaN where the sample has no contextTokens. */
  ctx: Float64Array;
  // Running sums of the tool counts; empty (length 0) until a sample carries the count.
  cumCalls: Float64Array = EMPTY;
  cumRetries: Float64Array = EMPTY;
  cumErrors: Float64Array = EMPTY;
  /** Tool in flight per sample; allocated only once a sample names a tool. */
  tools: Array<string | undefined> | null = null;

  constructor(
    /** The session name the pod and the report use (`name`, or `name#k` for a later incarnation). */
    readonly id: string,
    readonly agentClass: string,
    /** Trace time of the first sample. */
    readonly t0: number,
    // Agent sessions run minutes at one sample a second: start big enough that most never grow.
    cap = 256,
  ) {
    this.lastT = t0;
    this.rel = new Float64Array(cap);
    this.mem = new Float64Array(cap);
    this.cpu = new Float64Array(cap);
    this.ctx = new Float64Array(cap);
  }

  /**
   * The same series under another name, arriving at another time (`--scale`, `--duration`). The
   * columns are shared, not copied: a session is never written after it is complete, and its times
   * are relative to its first sample.
   */
  copyAs(id: string, t0: number): SessionData {
    const c = new SessionData(id, this.agentClass, t0, 0);
    c.n = this.n;
    c.lastT = t0 + this.durationS;
    c.rel = this.rel;
    c.mem = this.mem;
    c.cpu = this.cpu;
    c.ctx = this.ctx;
    c.cumCalls = this.cumCalls;
    c.cumRetries = this.cumRetries;
    c.cumErrors = this.cumErrors;
    c.tools = this.tools;
    return c;
  }

  get hasCalls(): boolean {
    return this.cumCalls.length > 0;
  }

  get hasRetries(): boolean {
    return this.cumRetries.length > 0;
  }

  get hasErrors(): boolean {
    return this.cumErrors.length > 0;
  }

  /** Session time from first to last sample: the pod-seconds of work it represents. */
  get durationS(): number {
    return this.n === 0 ? 0 : (this.rel[this.n - 1] ?? 0);
  }

  /** Appends a sample; `t` is `s.t`, already read by the caller. */
  push(s: TraceSample, t: number = s.t): void {
    if (this.n === this.rel.length) this.grow();
    const i = this.n++;
    this.lastT = t;
    this.rel[i] = t - this.t0;
    this.mem[i] = s.memBytes;
    this.cpu[i] = s.cpuCores;
    this.ctx[i] = s.contextTokens ?? Number.NaN;
    const calls = s.toolCalls;
    const retries = s.toolRetries;
    const errors = s.toolErrors;
    const tool = s.tool;
    if (calls !== undefined || this.cumCalls.length > 0) this.cumCalls = addCount(this.cumCalls, i, calls, this.rel.length);
    if (retries !== undefined || this.cumRetries.length > 0) this.cumRetries = addCount(this.cumRetries, i, retries, this.rel.length);
    if (errors !== undefined || this.cumErrors.length > 0) this.cumErrors = addCount(this.cumErrors, i, errors, this.rel.length);
    if (tool !== undefined && this.tools === null) this.tools = new Array<string | undefined>(i);
    if (this.tools !== null) this.tools[i] = tool;
  }

  private grow(): void {
    const cap = this.rel.length * 2;
    this.rel = resized(this.rel, cap);
    this.mem = resized(this.mem, cap);
    this.cpu = resized(this.cpu, cap);
    this.ctx = resized(this.ctx, cap);
    if (this.cumCalls.length > 0) this.cumCalls = resized(this.cumCalls, cap);
    if (this.cumRetries.length > 0) this.cumRetries = resized(this.cumRetries, cap);
    if (this.cumErrors.length > 0) this.cumErrors = resized(this.cumErrors, cap);
  }

  /**
   * Largest and mean memory and CPU demand over session time [fromRel, fromRel + horizonS]: what the
   * oracle sizes to. Demand between samples is the later sample's, so the sample covering `fromRel`
   * counts; the mean weighs each sample by the time it covers inside the window.
   */
  demandOver(fromRel: number, horizonS: number, out: DemandAhead): void {
    let peakMem = 0;
    let peakCpu = 0;
    let memSum = 0;
    let cpuSum = 0;
    let span = 0;
    const end = fromRel + horizonS;
    let prev = fromRel;
    for (let i = lowerBound(this.rel, this.n, fromRel); i < this.n; i++) {
      const m = this.mem[i] ?? 0;
      const c = this.cpu[i] ?? 0;
      if (m > peakMem) peakMem = m;
      if (c > peakCpu) peakCpu = c;
      const r = Math.min(this.rel[i] ?? 0, end);
      const w = r > prev ? r - prev : 0;
      memSum += m * w;
      cpuSum += c * w;
      span += w;
      prev = r;
      if ((this.rel[i] ?? 0) >= end) break;
    }
    out.peakMemBytes = peakMem;
    out.peakCpuCores = peakCpu;
    out.meanMemBytes = span > 0 ? memSum / span : peakMem;
    out.meanCpuCores = span > 0 ? cpuSum / span : peakCpu;
  }
}

/** A pod's true demand over a window of its future work (bench oracle only). */
export interface DemandAhead {
  peakMemBytes: number;
  peakCpuCores: number;
  meanMemBytes: number;
  meanCpuCores: number;
}

const EMPTY = new Float64Array(0);

function resized(a: Float64Array, cap: number): Float64Array {
  const b = new Float64Array(cap);
  b.set(a);
  return b;
}

/** Appends count `c` at index i of a running sum, allocating the column on its first count. */
function addCount(cum: Float64Array, i: number, c: number | undefined, cap: number): Float64Array {
  const a = cum.length === 0 ? new Float64Array(cap) : cum;
  a[i] = (i > 0 ? (a[i - 1] ?? 0) : 0) + (c ?? 0);
  return a;
}

/** First index in a[0..n) with a[i] >= x (n when none). */
export function lowerBound(a: Float64Array, n: number, x: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((a[mid] ?? 0) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

import type { TraceSample } from '../../src/trace/types.js';

/**
 * One trace session's samples in compact columns. A session is one agent pod; its samples are kept
 * until it ends because an OOM kill or an eviction makes the pod redo its work from the start.
 * Times are relative to the session's first sample (`rel`), so a restarted pod replays the same series.
 * Tool counts are stored as running sums so the scrape of any interval is one subtraction.
 */
export class SessionData {
  n = 0;
  rel: Float64Array;
  mem: Float64Array;
  cpu: Float64Array;
  /** NaN where the sample has no contextTokens. */
  ctx: Float64Array;
  cumCalls: Float64Array;
  cumRetries: Float64Array;
  cumErrors: Float64Array;
  hasCalls = false;
  hasRetries = false;
  hasErrors = false;
  /** Tool in flight per sample; allocated only once a sample names a tool. */
  tools: Array<string | undefined> | null = null;

  constructor(
    /** The session name the pod and the report use (`name`, or `name#k` for a later incarnation). */
    readonly id: string,
    readonly agentClass: string,
    /** Trace time of the first sample. */
    readonly t0: number,
  ) {
    const cap = 64;
    this.rel = new Float64Array(cap);
    this.mem = new Float64Array(cap);
    this.cpu = new Float64Array(cap);
    this.ctx = new Float64Array(cap);
    this.cumCalls = new Float64Array(cap);
    this.cumRetries = new Float64Array(cap);
    this.cumErrors = new Float64Array(cap);
  }

  /** Trace time of the latest sample. */
  get lastT(): number {
    return this.t0 + this.durationS;
  }

  /** Session time from first to last sample: the pod-seconds of work it represents. */
  get durationS(): number {
    return this.n === 0 ? 0 : (this.rel[this.n - 1] ?? 0);
  }

  push(s: TraceSample): void {
    if (this.n === this.rel.length) this.grow();
    const i = this.n++;
    const prev = i > 0 ? i - 1 : -1;
    this.rel[i] = s.t - this.t0;
    this.mem[i] = s.memBytes;
    this.cpu[i] = s.cpuCores;
    this.ctx[i] = s.contextTokens ?? Number.NaN;
    this.cumCalls[i] = (prev >= 0 ? (this.cumCalls[prev] ?? 0) : 0) + (s.toolCalls ?? 0);
    this.cumRetries[i] = (prev >= 0 ? (this.cumRetries[prev] ?? 0) : 0) + (s.toolRetries ?? 0);
    this.cumErrors[i] = (prev >= 0 ? (this.cumErrors[prev] ?? 0) : 0) + (s.toolErrors ?? 0);
    if (s.toolCalls !== undefined) this.hasCalls = true;
    if (s.toolRetries !== undefined) this.hasRetries = true;
    if (s.toolErrors !== undefined) this.hasErrors = true;
    if (s.tool !== undefined && this.tools === null) this.tools = new Array<string | undefined>(i);
    if (this.tools !== null) this.tools[i] = s.tool;
  }

  private grow(): void {
    const cap = this.rel.length * 2;
    const bigger = (a: Float64Array): Float64Array => {
      const b = new Float64Array(cap);
      b.set(a);
      return b;
    };
    this.rel = bigger(this.rel);
    this.mem = bigger(this.mem);
    this.cpu = bigger(this.cpu);
    this.ctx = bigger(this.ctx);
    this.cumCalls = bigger(this.cumCalls);
    this.cumRetries = bigger(this.cumRetries);
    this.cumErrors = bigger(this.cumErrors);
  }

  /**
   * Largest memory and CPU demand over session time [fromRel, fromRel + horizonS]: what the oracle
   * sizes to. Demand between samples is the later sample's, so the sample covering `fromRel` counts.
   */
  peakOver(fromRel: number, horizonS: number, out: { memBytes: number; cpuCores: number }): void {
    let mem = 0;
    let cpu = 0;
    const end = fromRel + horizonS;
    let i = lowerBound(this.rel, this.n, fromRel);
    for (; i < this.n; i++) {
      const m = this.mem[i] ?? 0;
      const c = this.cpu[i] ?? 0;
      if (m > mem) mem = m;
      if (c > cpu) cpu = c;
      if ((this.rel[i] ?? 0) >= end) break;
    }
    out.memBytes = mem;
    out.cpuCores = cpu;
  }
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

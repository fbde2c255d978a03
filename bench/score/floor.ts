import type { Resources } from '../../src/core/types.js';
import type { TraceSample } from '../../src/trace/types.js';
import { isPrebuilt } from '../sim/prebuilt-sessions.js';
import type { SessionData } from '../sim/session.js';

/**
 * The physical floor of a trace (BENCH.md `floorNodeHours`): at each second, the nodes needed to hold
 * the actual usage perfectly packed, ceil(max(Σ mem used / node mem, Σ cpu used / node cpu)),
 * integrated over the trace. No scheduler, no requests, no headroom: no policy can need fewer.
 *
 * Demand between two samples of a session is the later sample's (the trace format's rule), so a
 * sample at t covers the whole seconds s with prev < s ≤ t. A session silent for longer than `gapS`
 * has ended (the replay starts a new session at its next sample, bench/sim/feed.ts), and the silence
 * holds nothing. Per-second sums are kept as difference arrays, so the meter costs O(1) a sample and
 * 16 bytes a second of trace span.
 */
export class FloorMeter {
  private mem: Float64Array = new Float64Array(4096);
  private cpu: Float64Array = new Float64Array(4096);
  /** Trace second of bin 0 (the first sample's). */
  private origin = Number.NaN;
  private lastBin = 0;
  private readonly prevT = new Map<string, number>();

  constructor(
    private readonly node: Resources,
    private readonly gapS: number,
  ) {}

  add(s: TraceSample): void {
    const t = s.t;
    if (Number.isNaN(this.origin)) this.origin = Math.floor(t);
    const prev = this.prevT.get(s.session);
    this.prevT.set(s.session, t);
    if (prev === undefined || t - prev > this.gapS) return;
    this.cover(prev, t, s.memBytes, s.cpuCores);
  }

  /** A whole session (prebuilt by `--scale`/`--duration`): sample i covers (t0 + rel[i−1], t0 + rel[i]]. */
  addSession(s: SessionData): void {
    if (Number.isNaN(this.origin)) this.origin = Math.floor(s.t0);
    for (let i = 1; i < s.n; i++) {
      const prev = s.t0 + (s.rel[i - 1] ?? 0);
      const t = s.t0 + (s.rel[i] ?? 0);
      if (t - prev > this.gapS) continue;
      this.cover(prev, t, s.mem[i] ?? 0, s.cpu[i] ?? 0);
    }
  }

  private cover(prev: number, t: number, mem: number, cpu: number): void {
    const from = Math.max(0, Math.floor(prev) + 1 - this.origin);
    const to = Math.floor(t) + 1 - this.origin;
    if (to <= from) return;
    this.ensure(to);
    this.mem[from]! += mem;
    this.mem[to]! -= mem;
    this.cpu[from]! += cpu;
    this.cpu[to]! -= cpu;
    if (to > this.lastBin) this.lastBin = to;
  }

  /** ∫ the packed node count over the trace, in node-hours. */
  nodeHours(): number {
    return this.heldNodeHours(0);
  }

  /**
   * The floor with the cluster autoscaler's removal delay: a node that held memory at τ is not removed
   * before τ + holdS, so at t at least max over [t − holdS, t] of the nodes memory alone packs into are
   * alive (memory only: CPU past a node's cores is throttled, not a node more). Each second the larger
   * of that and the floor's own count. Still no scheduler, no requests and perfect repacking at every
   * second: below what any policy without node OOM kills needs on a cluster with that delay
   * (tools/held-floor.ts: how much of the gap to the floor is cluster mechanics).
   */
  heldNodeHours(holdS: number): number {
    let mem = 0;
    let cpu = 0;
    let nodeSeconds = 0;
    // Monotonic deque of (second, count), counts decreasing: the window's max at its head.
    const at: number[] = [];
    const count: number[] = [];
    let head = 0;
    for (let i = 0; i < this.lastBin; i++) {
      mem += this.mem[i] ?? 0;
      cpu += this.cpu[i] ?? 0;
      // A relative epsilon, so float drift in the running sums never adds a phantom node.
      const need = Math.max(mem / this.node.memBytes, cpu / this.node.cpuCores);
      const now = need > 1e-9 ? Math.ceil(need - 1e-9) : 0;
      const memNeed = mem / this.node.memBytes;
      const n = memNeed > 1e-9 ? Math.ceil(memNeed - 1e-9) : 0;
      while (count.length > head && (count[count.length - 1] ?? 0) <= n) {
        count.pop();
        at.pop();
      }
      count.push(n);
      at.push(i);
      while ((at[head] ?? i) < i - holdS) head++;
      nodeSeconds += holdS > 0 ? Math.max(now, count[head] ?? 0) : now;
    }
    return nodeSeconds / 3600;
  }

  private ensure(bin: number): void {
    if (bin < this.mem.length) return;
    let cap = this.mem.length;
    while (cap <= bin) cap *= 2;
    const grow = (a: Float64Array): Float64Array => {
      const b = new Float64Array(cap);
      b.set(a);
      return b;
    };
    this.mem = grow(this.mem);
    this.cpu = grow(this.cpu);
  }
}

/** The floor of a whole trace stream, in node-hours (one pass). */
export async function floorNodeHours(samples: AsyncIterable<TraceSample> | Iterable<TraceSample>, node: Resources, gapS: number): Promise<number> {
  const meter = new FloorMeter(node, gapS);
  if (isPrebuilt(samples)) {
    for (const s of samples.prebuiltSessions()) meter.addSession(s);
    return meter.nodeHours();
  }
  const sync = (samples as Partial<Iterable<TraceSample>>)[Symbol.iterator];
  if (typeof sync === 'function') for (const s of samples as Iterable<TraceSample>) meter.add(s);
  else for await (const s of samples) meter.add(s);
  return meter.nodeHours();
}

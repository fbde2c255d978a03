import { createRng, type Rng } from '../../src/core/rng.js';
import type { TraceSample } from '../../src/trace/types.js';

/**
 * `--scale F` and `--duration D` (BENCH.md): more sessions over the same span, or the same arrivals
 * continued for longer, for planning at a density the recorded trace never had.
 *
 * Every session of the trace is a series (its samples relative to its first). A scaled trace holds
 * floor(F) copies of each series plus one more with probability frac(F) (seeded), so F may be
 * fractional and the expected count is F × sessions. The first copy of each session keeps its recorded
 * arrival, so `--scale 1` is the trace itself; every other copy arrives at a time drawn from the trace's
 * own arrival distribution (the empirical quantile function, interpolated between recorded arrivals),
 * so bursts stay bursts and lulls stay lulls. A copy keeps its series unchanged and gets its own name,
 * `name~k`. `--duration D` repeats this in further periods of the arrival span (every copy drawn, none
 * kept at a recorded time) until arrivals pass D; with D shorter than the trace, later arrivals are
 * dropped. Samples come out in time order, merged lazily, so a scaled trace costs the original's memory.
 */
export interface TraceShapeOptions {
  readonly scale: number;
  /** Trace seconds to continue arrivals to; undefined for the trace's own span. */
  readonly durationS?: number | undefined;
  readonly seed: number;
}

/** True when the options change the trace at all. */
export function reshapes(o: TraceShapeOptions): boolean {
  return o.scale !== 1 || o.durationS !== undefined;
}

/** One recorded session: its samples in order (the first one's t is its arrival). */
interface Series {
  readonly name: string;
  readonly samples: readonly TraceSample[];
}

/** One copy to replay: which series, under which name, arriving when. */
interface Copy {
  readonly series: Series;
  readonly name: string;
  /** Added to every sample's t. */
  readonly shift: number;
}

/** Groups samples by session name, in order of first appearance. */
function seriesOf(samples: readonly TraceSample[]): Series[] {
  const by = new Map<string, TraceSample[]>();
  for (const s of samples) {
    let list = by.get(s.session);
    if (list === undefined) by.set(s.session, (list = []));
    list.push(s);
  }
  return [...by].map(([name, list]) => ({ name, samples: list }));
}

/** The empirical quantile function of the arrivals, linear between order statistics. */
function arrivalQuantile(sorted: readonly number[]): (u: number) => number {
  const n = sorted.length;
  return (u) => {
    if (n === 1) return sorted[0] as number;
    const x = u * (n - 1);
    const i = Math.min(n - 2, Math.floor(x));
    const a = sorted[i] as number;
    return a + (x - i) * ((sorted[i + 1] as number) - a);
  };
}

/** Copies of a series in one period: floor(F), plus one with probability frac(F). */
function copiesOf(scale: number, rng: Rng): number {
  const whole = Math.floor(scale);
  return whole + (rng.next() < scale - whole ? 1 : 0);
}

/** The copies to replay, in arrival order (ties by name, so the order is a function of the inputs). */
export function planCopies(samples: readonly TraceSample[], o: TraceShapeOptions): Copy[] {
  const all = seriesOf(samples);
  if (all.length === 0) return [];
  const arrivals = all.map((s) => (s.samples[0] as TraceSample).t).sort((a, b) => a - b);
  const q = arrivalQuantile(arrivals);
  const first = arrivals[0] as number;
  const span = (arrivals[arrivals.length - 1] as number) - first;
  // Periods follow each other with one mean inter-arrival gap between them, so they never overlap.
  const period = span + (all.length > 1 ? span / (all.length - 1) : 1) || 1;
  const end = o.durationS ?? Number.POSITIVE_INFINITY;
  const periods = o.durationS === undefined ? 1 : Math.max(1, Math.ceil((o.durationS - first) / period));
  const rng = createRng(o.seed).fork('trace-scale');
  const copies: Copy[] = [];
  const next = new Map<string, number>();
  for (let p = 0; p < periods; p++) {
    for (const series of all) {
      const own = (series.samples[0] as TraceSample).t;
      const n = copiesOf(o.scale, rng);
      for (let k = 0; k < n; k++) {
        const keepsRecorded = p === 0 && k === 0;
        const arrival = keepsRecorded ? own : p * period + q(rng.next());
        if (arrival > end) continue;
        if (keepsRecorded) {
          copies.push({ series, name: series.name, shift: 0 });
          continue;
        }
        const idx = (next.get(series.name) ?? 0) + 1;
        next.set(series.name, idx);
        copies.push({ series, name: `${series.name}~${idx}`, shift: arrival - own });
      }
    }
  }
  return copies.sort((a, b) => a.shift + (a.series.samples[0] as TraceSample).t - (b.shift + (b.series.samples[0] as TraceSample).t) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * The reshaped trace as a stream: synchronously iterable (the replay reads it without a promise per
 * sample) and async iterable (the contract of `ReplayInput.open`). Each pass re-merges the copies.
 */
export function reshapedStream(samples: readonly TraceSample[], o: TraceShapeOptions): Iterable<TraceSample> & AsyncIterable<TraceSample> {
  const copies = planCopies(samples, o);
  return {
    [Symbol.iterator]: () => mergeCopies(copies),
    [Symbol.asyncIterator]: async function* (): AsyncGenerator<TraceSample> {
      await Promise.resolve();
      yield* mergeCopies(copies);
    },
  };
}

/**
 * Merges the copies' samples in time order with a binary heap of the copies in flight, keyed by their
 * next sample's time. Copies join in arrival order, so the heap holds only the sessions alive at once.
 */
function* mergeCopies(copies: readonly Copy[]): Generator<TraceSample> {
  const heap: Array<{ copy: Copy; i: number; t: number }> = [];
  let joined = 0;
  const arrival = (c: Copy): number => (c.series.samples[0] as TraceSample).t + c.shift;
  for (;;) {
    const top = heap[0];
    const nextArrival = joined < copies.length ? arrival(copies[joined] as Copy) : Number.POSITIVE_INFINITY;
    if (top === undefined || nextArrival <= top.t) {
      if (joined >= copies.length) return;
      const copy = copies[joined++] as Copy;
      push(heap, { copy, i: 0, t: nextArrival });
      continue;
    }
    const s = top.copy.series.samples[top.i] as TraceSample;
    yield sampleOf(s, top.copy);
    top.i++;
    if (top.i < top.copy.series.samples.length) {
      top.t = (top.copy.series.samples[top.i] as TraceSample).t + top.copy.shift;
      siftDown(heap, 0);
    } else {
      const last = heap.pop() as (typeof heap)[number];
      if (heap.length > 0) {
        heap[0] = last;
        siftDown(heap, 0);
      }
    }
  }
}

/** A copy's sample: the recorded one under the copy's name, shifted to the copy's arrival. Fixed shape. */
function sampleOf(s: TraceSample, c: Copy): TraceSample {
  return {
    session: c.name,
    t: s.t + c.shift,
    memBytes: s.memBytes,
    cpuCores: s.cpuCores,
    contextTokens: s.contextTokens,
    toolCalls: s.toolCalls,
    toolRetries: s.toolRetries,
    toolErrors: s.toolErrors,
    tool: s.tool,
    agentClass: s.agentClass,
  };
}

type Entry = { t: number };

function push<E extends Entry>(heap: E[], e: E): void {
  heap.push(e);
  let i = heap.length - 1;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if ((heap[parent] as E).t <= e.t) break;
    heap[i] = heap[parent] as E;
    i = parent;
  }
  heap[i] = e;
}

function siftDown<E extends Entry>(heap: E[], i: number): void {
  const n = heap.length;
  const e = heap[i] as E;
  for (;;) {
    const l = 2 * i + 1;
    if (l >= n) break;
    const r = l + 1;
    const c = r < n && (heap[r] as E).t < (heap[l] as E).t ? r : l;
    if ((heap[c] as E).t >= e.t) break;
    heap[i] = heap[c] as E;
    i = c;
  }
  heap[i] = e;
}

import { createRng, type Rng } from '../../src/core/rng.js';
import type { TraceSample } from '../../src/trace/types.js';
import { DEFAULT_SIM_TUNING } from '../sim/defaults.js';
import { TraceFeed } from '../sim/feed.js';
import type { PrebuiltSessions } from '../sim/prebuilt-sessions.js';
import type { SessionData } from '../sim/session.js';

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
 * `name~k`. Sessions are the replay's (a silence longer than the lookahead splits one, `name#2`). `--duration D` repeats this in further periods of the arrival span (every copy drawn, none
 * kept at a recorded time) until arrivals pass D; with D shorter than the trace, later arrivals are
 * dropped. The copies share the recorded sessions' columns, so a scaled trace costs the original's memory.
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

/** One copy to replay: which recorded session, under which name, arriving when. */
export interface SessionCopy {
  readonly template: SessionData;
  readonly name: string;
  /** Trace time of the copy's first sample. */
  readonly arrival: number;
}

/**
 * The recorded sessions as the replay would see them: split by the feed's own rules (a silence
 * longer than the lookahead starts a new session `name#k`), in order of first sample.
 */
function recordedSessions(samples: readonly TraceSample[]): SessionData[] {
  const feed = new TraceFeed(samples as unknown as AsyncIterable<TraceSample>, DEFAULT_SIM_TUNING.reorderWindowS, DEFAULT_SIM_TUNING.lookaheadS);
  feed.fillToSync(Number.POSITIVE_INFINITY);
  const out: SessionData[] = [];
  feed.takeDue(Number.POSITIVE_INFINITY, out);
  return out;
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

/** Copies of a session in one period: floor(F), plus one with probability frac(F). */
function copiesOf(scale: number, rng: Rng): number {
  const whole = Math.floor(scale);
  return whole + (rng.next() < scale - whole ? 1 : 0);
}

/** The copies to replay, in arrival order (ties by name, so the order is a function of the inputs). */
export function planCopies(samples: readonly TraceSample[], o: TraceShapeOptions): SessionCopy[] {
  const all = recordedSessions(samples);
  if (all.length === 0) return [];
  const arrivals = all.map((s) => s.t0).sort((a, b) => a - b);
  const q = arrivalQuantile(arrivals);
  const first = arrivals[0] as number;
  const span = (arrivals[arrivals.length - 1] as number) - first;
  // Periods follow each other with one mean inter-arrival gap between them, so they never overlap.
  const period = span + (all.length > 1 ? span / (all.length - 1) : 1) || 1;
  const end = o.durationS ?? Number.POSITIVE_INFINITY;
  const periods = o.durationS === undefined ? 1 : Math.max(1, Math.ceil((o.durationS - first) / period));
  const rng = createRng(o.seed).fork('trace-scale');
  const copies: SessionCopy[] = [];
  const next = new Map<string, number>();
  for (let p = 0; p < periods; p++) {
    for (const template of all) {
      const n = copiesOf(o.scale, rng);
      for (let k = 0; k < n; k++) {
        if (p === 0 && k === 0) {
          copies.push({ template, name: template.id, arrival: template.t0 });
          continue;
        }
        const arrival = p * period + q(rng.next());
        if (arrival > end) continue;
        const idx = (next.get(template.id) ?? 0) + 1;
        next.set(template.id, idx);
        copies.push({ template, name: `${template.id}~${idx}`, arrival });
      }
    }
  }
  return copies.filter((c) => c.arrival <= end).sort((a, b) => a.arrival - b.arrival || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * The reshaped trace as a stream: whole prebuilt sessions for the simulator, and, for any other
 * reader, samples in time order (synchronously and asynchronously iterable).
 */
export function reshapedStream(samples: readonly TraceSample[], o: TraceShapeOptions): Iterable<TraceSample> & AsyncIterable<TraceSample> & PrebuiltSessions {
  const copies = planCopies(samples, o);
  return {
    prebuiltSessions: () => copies.map((c) => c.template.copyAs(c.name, c.arrival)),
    [Symbol.iterator]: () => samplesOf(copies),
    [Symbol.asyncIterator]: async function* (): AsyncGenerator<TraceSample> {
      await Promise.resolve();
      yield* samplesOf(copies);
    },
  };
}

/** The copies' samples in time order (ties in copy order): for readers other than the simulator. */
function* samplesOf(copies: readonly SessionCopy[]): Generator<TraceSample> {
  const all: TraceSample[] = [];
  for (const c of copies) for (let i = 0; i < c.template.n; i++) all.push(sampleAt(c, i));
  all.sort((a, b) => a.t - b.t);
  yield* all;
}

/** Sample i of a copy, rebuilt from the session's columns (absent fields stay absent). */
function sampleAt(c: SessionCopy, i: number): TraceSample {
  const s = c.template;
  const ctx = s.ctx[i] ?? Number.NaN;
  const count = (cum: Float64Array): number | undefined => (cum.length === 0 ? undefined : (cum[i] ?? 0) - (i > 0 ? (cum[i - 1] ?? 0) : 0));
  const tool = s.tools?.[i];
  const calls = count(s.cumCalls);
  const retries = count(s.cumRetries);
  const errors = count(s.cumErrors);
  return {
    session: c.name,
    t: c.arrival + (s.rel[i] ?? 0),
    memBytes: s.mem[i] ?? 0,
    cpuCores: s.cpu[i] ?? 0,
    agentClass: s.agentClass,
    ...(Number.isNaN(ctx) ? {} : { contextTokens: ctx }),
    ...(calls === undefined ? {} : { toolCalls: calls }),
    ...(retries === undefined ? {} : { toolRetries: retries }),
    ...(errors === undefined ? {} : { toolErrors: errors }),
    ...(tool === undefined ? {} : { tool }),
  };
}

/**
 * The sessions a sim-vs-real run replays: a seeded pick of a real-memory trace's sessions, each cut to
 * a window and laid on a 1 s grid, memory and CPU scaled to fit a small real node. The real node's agent
 * and the simulator replay exactly these series, so any difference between them comes from the cluster,
 * not from the input. Pure: the caller reads the trace.
 */
import { createRng } from '../../src/core/rng.js';
import type { TraceSample } from '../../src/trace/types.js';

/** One session on a 1 s grid: index k holds the demand over (k−1, k] seconds of the session. */
export interface GridSession {
  /** The trace's session id. */
  readonly source: string;
  /** A short name usable as a pod name (`s0`, `s1`, ...). */
  readonly name: string;
  readonly agentClass: string;
  readonly mem: readonly number[];
  readonly cpu: readonly number[];
  /** Agent signals at each grid point (absent when the trace has none there). */
  readonly tokens: ReadonlyArray<number | undefined>;
  readonly tool: ReadonlyArray<string | undefined>;
  readonly calls: readonly number[];
  readonly errors: readonly number[];
}

export interface PickOptions {
  readonly count: number;
  /** Seconds of each session kept (from its start). */
  readonly windowS: number;
  readonly seed: number;
  readonly memScale: number;
  readonly cpuScale: number;
  /** Sessions shorter than this are not picked (a few seconds of replay say nothing). */
  readonly minLengthS?: number;
}

/** Groups a trace's samples by session, in first-appearance order. */
export function bySession(samples: Iterable<TraceSample>): Map<string, TraceSample[]> {
  const out = new Map<string, TraceSample[]>();
  for (const s of samples) {
    const list = out.get(s.session);
    if (list === undefined) out.set(s.session, [s]);
    else list.push(s);
  }
  return out;
}

/**
 * One session's samples on a 1 s grid relative to its first sample. The format's rule is that demand
 * between samples is the later sample's, so the demand over (k−1, k] is that of every sample in it and
 * of the first sample at or after k; grid point k holds the highest of them, which keeps a sub-second
 * spike (the simulator's OOM check looks at every sample crossed; the real agent holds each grid value
 * for a whole second). CPU and the agent signals are those of the first sample at or after k; tool
 * counts are summed into their interval (the last point takes any left past the window).
 */
export function toGrid(samples: readonly TraceSample[], windowS: number, o: { memScale: number; cpuScale: number }): Omit<GridSession, 'name'> {
  const first = samples[0];
  if (first === undefined) throw new Error('toGrid: a session without samples');
  const t0 = first.t;
  const last = samples[samples.length - 1] as TraceSample;
  const n = Math.min(windowS, Math.floor(last.t - t0)) + 1;
  const g = { mem: [] as number[], cpu: [] as number[], tokens: [] as Array<number | undefined>, tool: [] as Array<string | undefined>, calls: [] as number[], errors: [] as number[] };
  const rel = (i: number): number => (samples[i] as TraceSample).t - t0;
  let next = 0; // the first sample after the interval counted so far
  for (let k = 0; k < n; k++) {
    let peak = 0;
    let calls = 0;
    let errors = 0;
    for (; next < samples.length && rel(next) <= k; next++) {
      const c = samples[next] as TraceSample;
      peak = Math.max(peak, c.memBytes);
      calls += c.toolCalls ?? 0;
      errors += c.toolErrors ?? 0;
    }
    // The sample whose demand reaches k: one exactly at k, else the next one (or the last of all).
    const exact = next > 0 && rel(next - 1) === k;
    const cover = samples[exact || next >= samples.length ? next - 1 : next] as TraceSample;
    if (k === n - 1) {
      for (let i = next; i < samples.length; i++) {
        calls += (samples[i] as TraceSample).toolCalls ?? 0;
        errors += (samples[i] as TraceSample).toolErrors ?? 0;
      }
    }
    g.mem.push(Math.round(Math.max(peak, cover.memBytes) * o.memScale));
    g.cpu.push(Math.round(cover.cpuCores * o.cpuScale * 1000) / 1000);
    g.tokens.push(cover.contextTokens);
    g.tool.push(cover.tool);
    g.calls.push(calls);
    g.errors.push(errors);
  }
  return { source: first.session, agentClass: first.agentClass ?? 'default', ...g };
}

/** Picks `count` sessions with the seed (a shuffle of those long enough), each cut to the window. */
export function pickSessions(sessions: ReadonlyMap<string, readonly TraceSample[]>, o: PickOptions): GridSession[] {
  const minLen = o.minLengthS ?? 30;
  const ids = [...sessions.keys()].filter((id) => {
    const s = sessions.get(id) ?? [];
    return s.length > 1 && (s[s.length - 1] as TraceSample).t - (s[0] as TraceSample).t >= minLen;
  }).sort();
  if (ids.length < o.count) throw new Error(`the trace has ${ids.length} sessions of at least ${minLen} s; ${o.count} asked`);
  const rng = createRng(o.seed).fork('sim-vs-real-pick');
  for (let i = ids.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [ids[i], ids[j]] = [ids[j] as string, ids[i] as string];
  }
  return ids.slice(0, o.count).map((id, k) => ({ name: `s${k}`, ...toGrid(sessions.get(id) ?? [], o.windowS, o) }));
}

/** The sessions as one trace (integer t), each starting at its offset (seconds), sorted by t. */
export function gridTrace(sessions: readonly GridSession[], offsetsS: readonly number[]): TraceSample[] {
  const out: TraceSample[] = [];
  sessions.forEach((s, j) => {
    const off = offsetsS[j] ?? 0;
    for (let k = 0; k < s.mem.length; k++) {
      const tokens = s.tokens[k];
      const tool = s.tool[k];
      out.push({
        session: s.name, t: off + k, memBytes: s.mem[k] ?? 0, cpuCores: s.cpu[k] ?? 0,
        ...(tokens !== undefined ? { contextTokens: tokens } : {}),
        ...(tool !== undefined ? { tool } : {}),
        toolCalls: s.calls[k] ?? 0, toolErrors: s.errors[k] ?? 0, agentClass: s.agentClass,
      });
    }
  });
  return out.sort((a, b) => a.t - b.t || (a.session < b.session ? -1 : a.session > b.session ? 1 : 0));
}

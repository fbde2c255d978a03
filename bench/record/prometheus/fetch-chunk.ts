/**
 * One chunk of a recording: every signal's range query over the chunk, joined by pod and time with the
 * controller's own join, and turned into trace samples (session = pod name, t = seconds since the
 * recording's start). Errors are values naming the signal and what went wrong.
 */
import { joinGridAnswers, type Answers } from '../../../src/adapters/prometheus/join.js';
import { SIGNALS, type Signal } from '../../../src/adapters/prometheus/queries.js';
import { queryRange, type RangeTarget } from '../../../src/adapters/prometheus/range-query.js';
import type { Series } from '../../../src/adapters/prometheus/response.js';
import { err, ok, type Result } from '../../../src/core/result.js';
import type { AgentSample } from '../../../src/core/types.js';
import type { TraceSample } from '../../../src/trace/types.js';
import type { Chunk } from './window.js';

export interface ChunkRequest {
  readonly target: RangeTarget;
  readonly queries: Readonly<Record<Signal, string>>;
  readonly namespace: string;
  readonly podLabel: string;
  readonly toolLabel: string;
  readonly stepS: number;
  /** The recording's start (t = 0), epoch seconds. */
  readonly originS: number;
}

/** A count in the interval: rate × step comes back fractional; the trace format wants whole counts. */
function count(v: number | undefined): number | undefined {
  return v === undefined ? undefined : Math.max(0, Math.round(v));
}

/** An AgentSample as a trace sample; absent signals stay absent (never zero). */
export function toTraceSample(s: AgentSample, originS: number): TraceSample {
  const slash = s.pod.indexOf('/');
  const calls = count(s.toolCalls);
  const retries = count(s.toolRetries);
  const errors = count(s.toolErrors);
  return {
    session: slash >= 0 ? s.pod.slice(slash + 1) : s.pod,
    t: Math.round((s.tMs / 1000 - originS) * 1000) / 1000,
    memBytes: Math.max(0, Math.round(s.memBytes)),
    cpuCores: Math.max(0, Math.round(s.cpuCores * 1e4) / 1e4),
    ...(s.contextTokens !== undefined ? { contextTokens: Math.max(0, Math.round(s.contextTokens)) } : {}),
    ...(calls !== undefined ? { toolCalls: calls } : {}),
    ...(retries !== undefined ? { toolRetries: retries } : {}),
    ...(errors !== undefined ? { toolErrors: errors } : {}),
    ...(s.tool !== undefined ? { tool: s.tool } : {}),
  };
}

/** Samples in time order, pods in name order within a time: what the replay's feed expects. */
function byTimeThenSession(a: TraceSample, b: TraceSample): number {
  return a.t - b.t || (a.session < b.session ? -1 : a.session > b.session ? 1 : 0);
}

/** Fetches and joins one chunk. */
export async function fetchChunk(r: ChunkRequest, c: Chunk, abort: AbortSignal): Promise<Result<TraceSample[], string>> {
  const window = { start: c.startS, end: c.endS, stepS: r.stepS };
  const results = await Promise.all(SIGNALS.map((s) => queryRange(r.target, r.queries[s], window, abort)));
  const answers = {} as Record<Signal, readonly Series[]> satisfies Answers;
  for (const [i, s] of SIGNALS.entries()) {
    const a = results[i];
    if (a === undefined) continue;
    if (!a.ok) return err(`${s} query failed: ${a.error}`);
    answers[s] = a.value;
  }
  const joined = joinGridAnswers(answers, { namespace: r.namespace, podLabel: r.podLabel, toolLabel: r.toolLabel });
  if (!joined.ok) return err(`${joined.error.signal}: ${joined.error.message}`);
  return ok(joined.value.map((s) => toTraceSample(s, r.originS)).sort(byTimeThenSession));
}

import { join } from 'node:path';
import type { Rng } from '../../../src/core/rng.js';
import { err, ok, type Result } from '../../../src/core/result.js';
import type { TraceSample } from '../../../src/trace/types.js';
import { readCsv, str } from './csv.js';

/** Citation for the arrival process every bundled trace uses. */
export const AZURE_ARRIVALS_CITATION =
  'session arrivals: Azure LLM inference trace 2023, AzureLLMInferenceTrace_code.csv (github.com/Azure/AzurePublicDataset, CC-BY-4.0; Patel et al., Splitwise, ISCA 2024)';

/** Parses `2023-11-16 18:15:46.6805900` as seconds (UTC); sub-millisecond digits are dropped. */
export function parseAzureTimestamp(s: string): number | undefined {
  const m = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)(\.\d+)?$/.exec(s.trim());
  if (!m) return undefined;
  const ms = Date.parse(`${m[1]}T${m[2]}Z`);
  if (!Number.isFinite(ms)) return undefined;
  return ms / 1000 + Number(`0${(m[3] ?? '.0').slice(0, 4)}`);
}

/** Real request arrival times (seconds since the first), sorted, from the Azure 2023 code trace. */
export async function loadAzureArrivals(dataDir: string): Promise<Result<number[]>> {
  const rows = await readCsv(join(dataDir, 'arrivals', 'azure-llm-2023', 'AzureLLMInferenceTrace_code.csv'));
  if (!rows.ok) return rows;
  const times = rows.value.map((r) => parseAzureTimestamp(str(r, 'TIMESTAMP'))).filter((t): t is number => t !== undefined);
  if (times.length < 2) return err(new Error('azure arrivals: fewer than two timestamps'));
  times.sort((a, b) => a - b);
  const t0 = times[0] ?? 0;
  return ok(times.map((t) => t - t0));
}

/**
 * Start times for n sessions that follow the real arrival process: every k-th arrival over the whole
 * trace (random phase) so the hour's rate swings are kept, then stretched in time so that on average
 * `targetConcurrency` sessions run at once, measured as total session-seconds / trace span (the span
 * runs to the end of the last session). The stretch is found by bisection; when long sessions make the
 * target unreachable, arrivals are squeezed to a quarter of the Little's-law span and no further.
 */
export function placeSessions(durations: readonly number[], arrivals: readonly number[], targetConcurrency: number, rng: Rng): number[] {
  const n = durations.length;
  if (n === 0) return [];
  const stride = Math.max(1, Math.floor(arrivals.length / n));
  const phase = Math.floor(rng.next() * stride);
  const picked: number[] = [];
  for (let i = 0; i < n; i++) picked.push(arrivals[Math.min(arrivals.length - 1, phase + i * stride)] ?? 0);
  const first = picked[0] ?? 0;
  const last = picked[n - 1] ?? first;
  // Positions in [0, 1] along the arrival span (evenly spread if all arrivals coincide).
  const unit = picked.map((a, i) => (last > first ? (a - first) / (last - first) : n > 1 ? i / (n - 1) : 0));
  const total = durations.reduce((a, b) => a + b, 0);
  const concurrency = (span: number): number => total / Math.max(1e-9, ...unit.map((u, i) => u * span + (durations[i] ?? 0)));
  const little = total / targetConcurrency;
  let lo = little / 4;
  let hi = little * 4;
  if (concurrency(lo) <= targetConcurrency) hi = lo;
  for (let k = 0; k < 60 && hi - lo > 1e-6; k++) {
    const mid = (lo + hi) / 2;
    if (concurrency(mid) > targetConcurrency) lo = mid;
    else hi = mid;
  }
  return unit.map((u) => u * hi);
}

/** One session's samples with t relative to its own start. */
export interface RelativeSession {
  readonly id: string;
  readonly samples: readonly TraceSample[];
}

/**
 * Shifts each session to its start and merges all samples into one timeline, sorted by t (then by
 * session order), so the trace streams. Times are rounded to milliseconds; the trace starts at t = 0.
 */
export function mergeSessions(sessions: readonly RelativeSession[], starts: readonly number[]): TraceSample[] {
  const all: { s: TraceSample; order: number }[] = [];
  sessions.forEach((sess, i) => {
    const start = starts[i] ?? 0;
    for (const s of sess.samples) all.push({ s: { ...s, t: Math.round((s.t + start) * 1000) / 1000 }, order: i });
  });
  all.sort((a, b) => a.s.t - b.s.t || a.order - b.order);
  return all.map((x) => x.s);
}

/** Mean number of sessions alive at once (total session-seconds / trace span). */
export function meanConcurrency(samples: readonly TraceSample[]): number {
  const span = new Map<string, [number, number]>();
  let last = 0;
  for (const s of samples) {
    const e = span.get(s.session);
    span.set(s.session, e ? [e[0], s.t] : [s.t, s.t]);
    last = Math.max(last, s.t);
  }
  let total = 0;
  for (const [a, b] of span.values()) total += b - a;
  return last > 0 ? total / last : 0;
}

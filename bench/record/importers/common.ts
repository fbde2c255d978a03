/** Small helpers the step-table importers share. */
import type { Rng } from '../../../src/core/rng.js';
import type { CsvRow } from './csv.js';

/** Groups rows by a key, keeping first-seen key order. */
export function groupBy(rows: readonly CsvRow[], key: (r: CsvRow) => string): Map<string, CsvRow[]> {
  const out = new Map<string, CsvRow[]>();
  for (const r of rows) {
    const k = key(r);
    const list = out.get(k);
    if (list) list.push(r);
    else out.set(k, [r]);
  }
  return out;
}

/**
 * A seeded choice of at most n items, returned in their original order (so the choice, not the
 * order, depends on the seed). Partial Fisher–Yates over indices.
 */
export function pickSeeded<T>(items: readonly T[], n: number, rng: Rng): T[] {
  if (n >= items.length) return [...items];
  const idx = items.map((_, i) => i);
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(rng.next() * (idx.length - i));
    const a = idx[i] ?? 0;
    idx[i] = idx[j] ?? 0;
    idx[j] = a;
  }
  return idx
    .slice(0, n)
    .sort((a, b) => a - b)
    .map((i) => items[i] as T);
}

/**
 * Shell commands whose category the first word cannot tell (`python`, `cd ... &&`, `bash`) but that
 * ran for a long time are, in SWE-bench-style tasks, almost always test runs; the importers re-class
 * them so that long runs get the test profile. Threshold in seconds.
 */
export const LONG_RUN_IS_TEST_SECONDS = 3;

/** Re-classes an ambiguous long-running Bash call as a test run (see LONG_RUN_IS_TEST_SECONDS). */
export function refineByDuration(tool: string, seconds: number): string {
  const ambiguous = tool === 'Bash:python_run' || tool === 'Bash:other';
  return ambiguous && seconds >= LONG_RUN_IS_TEST_SECONDS ? 'Bash:test' : tool;
}

/** Seconds a model call took, estimated from its output size (the step tables have no request time). */
export function estimatedModelSeconds(outputTokens: number): number {
  // ~1.5 s to first token, then ~60 tokens/s: typical of the hosted models in these runs.
  return 1.5 + Math.max(0, outputTokens) / 60;
}

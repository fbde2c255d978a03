/**
 * Tuning and validation halves: every session goes to one half by a seeded hash of its name, so the
 * chosen setting is scored on sessions it was not tuned on (never fit and score on the same data).
 * Samples keep their times, so each half is the same day with half the pods.
 */
import { hashString } from '../../src/core/rng.js';
import type { TraceSample } from '../../src/trace/types.js';

export interface Halves {
  readonly tuning: TraceSample[];
  readonly validation: TraceSample[];
  readonly tuningSessions: number;
  readonly validationSessions: number;
}

/** Splits a trace's samples by session; with fewer than two sessions there is nothing to validate on. */
export function splitHalves(samples: readonly TraceSample[], seed: number): Halves {
  const names = [...new Set(samples.map((s) => s.session))].sort();
  // Order by seeded hash, then cut in the middle: halves of equal session count (±1), any seed.
  const ranked = names.map((n) => [hashString(`${seed}:${n}`), n] as const).sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : 1));
  const tuning = new Set(ranked.slice(0, Math.ceil(ranked.length / 2)).map(([, n]) => n));
  return {
    tuning: samples.filter((s) => tuning.has(s.session)),
    validation: samples.filter((s) => !tuning.has(s.session)),
    tuningSessions: tuning.size,
    validationSessions: names.length - tuning.size,
  };
}

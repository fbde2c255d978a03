/**
 * The cross-validation split of one trace: K folds of its sessions (seeded), and for each fold the
 * training sessions (every other fold) and the held-out samples, in trace order. Pure, so `bench --cv`
 * and `tune` split sessions the same way.
 */
import type { TraceSample } from '../../src/trace/types.js';
import type { FitSession } from '../../models/fit/fit-prior.js';
import { foldOf, groupSessions } from './sessions.js';

export interface CvFoldData {
  /** 0-based fold index. */
  readonly fold: number;
  /** Sessions of the other K−1 folds: what is fitted. */
  readonly train: readonly FitSession[];
  /** The same, as samples in trace order (for fits that replay them). */
  readonly trainSamples: readonly TraceSample[];
  /** The held-out fold's samples in trace order: what is scored. */
  readonly test: readonly TraceSample[];
  readonly testSessions: number;
}

/** Splits a trace's samples into K folds by session (seeded; see foldOf). */
export function cvSplit(samples: readonly TraceSample[], k: number, seed: number): CvFoldData[] {
  const sessions = groupSessions(samples);
  const fold = foldOf(
    sessions.map((s) => s.id),
    k,
    seed,
  );
  const out: CvFoldData[] = [];
  for (let f = 0; f < k; f++) {
    const inFold = (id: string): boolean => fold.get(id) === f;
    out.push({
      fold: f,
      train: sessions.filter((s) => !inFold(s.id)),
      trainSamples: samples.filter((s) => !inFold(s.session)),
      test: samples.filter((s) => inFold(s.session)),
      testSessions: sessions.filter((s) => inFold(s.id)).length,
    });
  }
  return out;
}

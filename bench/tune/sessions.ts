/**
 * Trace samples grouped into sessions (what fitting and cross-validation split), and the seeded split
 * of sessions into folds. Pure: the samples come in, sessions and folds go out.
 */
import type { TraceSample } from '../../src/trace/types.js';
import type { FitSession } from '../../models/fit/fit-prior.js';

/** Groups samples by session, in first-appearance order; each session keeps its samples' order. */
export function groupSessions(samples: Iterable<TraceSample>): FitSession[] {
  const byId = new Map<string, { id: string; agentClass: string; samples: TraceSample[] }>();
  for (const s of samples) {
    let g = byId.get(s.session);
    if (g === undefined) byId.set(s.session, (g = { id: s.session, agentClass: s.agentClass ?? 'default', samples: [] }));
    g.samples.push(s);
  }
  return [...byId.values()];
}

/** mulberry32: a small seeded PRNG, so a split is the same on every platform for one seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Assigns each session id to one of k folds: a seeded shuffle of the ids in sorted order, dealt round
 * robin, so folds differ in size by at most one and the split depends only on (ids, k, seed).
 */
export function foldOf(ids: readonly string[], k: number, seed: number): Map<string, number> {
  if (!Number.isInteger(k) || k < 2) throw new Error(`folds: k must be a whole number >= 2 (got ${k})`);
  if (ids.length < k) throw new Error(`folds: ${ids.length} sessions cannot make ${k} folds`);
  const order = [...new Set(ids)].sort();
  const rand = prng(seed);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j] as string, order[i] as string];
  }
  return new Map(order.map((id, i) => [id, i % k]));
}

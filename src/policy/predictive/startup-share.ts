/**
 * Start-up spikes in the request price. A pod's first minute is not its steady state: a class may load
 * its tools, index a repository or warm a model, and use several times its baseline for a few seconds
 * (swe-agent: ~1.1Gi at age ~20 s over a ~190Mi baseline). The limit covers it (burst-model.ts
 * startupLimit), but the request price (effective-request.ts) was made of realized horizons only, and a
 * pod's first sample, often the spike itself, opens no horizon before it: on a node packed to its
 * requests at the steady-state price, one young pod in its spike overflowed the node (swe-agent,
 * 4x8Gi --scale 20 --cv 5: 17 node OOM kills).
 *
 * So the excess a node is priced for is max(Y, B·S): Y the steady-state horizon excess, S what the
 * class's pods use in their start-up window over the class baseline, B a coin that is 1 with
 * probability q (the pod is starting). q is the share of the class's scraped samples that fall in a start-up
 * window: a periodic scrape at a random phase sees a spike of d seconds with probability d / interval,
 * so q × (the share of start-up samples in the spike) estimates the share of pod-time spent in it, which
 * is what decides how many spikes coincide on a node (a node's OOM is an instant, not a horizon).
 * Short-lived classes have a large q (swe-agent pods live ~2 minutes: turnover brings a new pod to a
 * 40-pod node every few seconds).
 */
import { addToHistogram, newLogHistogram, type LogHistogram } from '../../../models/log-histogram.js';
import { histogramPieces, knotPieces, mixPieces, type Piece } from '../../../models/effective-memory.js';
import { MAX_STRETCH, priorWeight } from '../../../models/headroom.js';
import type { AgentClassPrior } from '../../../models/priors/index.js';

const MiB = 1024 * 1024;

/** A class's usage during start-up, and how much of its sampled pod-time that is. */
export interface StartupUsage {
  /** Absolute memory of samples taken in a pod's start-up window. */
  readonly usage: LogHistogram;
  /** Samples seen, and those in a start-up window (halved together: the share stays a share). */
  samples: number;
  startup: number;
}

/** Sample counts at which both counters halve: old evidence fades as new arrives. */
const MAX_SAMPLES = 20_000;

export function newStartupUsage(maxWeight: number): StartupUsage {
  return { usage: newLogHistogram(MiB, 256 * 1024 * MiB, 4, maxWeight), samples: 0, startup: 0 };
}

/** The class's record, created on first use. */
export function startupUsageOf(m: Map<string, StartupUsage>, agentClass: string, maxWeight: number): StartupUsage {
  let u = m.get(agentClass);
  if (!u) m.set(agentClass, (u = newStartupUsage(maxWeight)));
  return u;
}

/** Folds one scraped sample of a pod of the class: `starting` when it lies in the pod's start-up window. */
export function foldStartupUsage(u: StartupUsage, memBytes: number, starting: boolean): void {
  u.samples++;
  if (starting) {
    u.startup++;
    addToHistogram(u.usage, Math.max(0, memBytes));
  }
  if (u.samples > MAX_SAMPLES) {
    u.samples *= 0.5;
    u.startup *= 0.5;
  }
}

/** q: the share of the class's sampled pod-time in a start-up window (0 before any sample). */
export function startupShare(u: StartupUsage | undefined): number {
  return u && u.samples > 0 ? Math.min(1, u.startup / u.samples) : 0;
}

/**
 * The start-up usage over the class's baseline, as pieces: the prior's start-up peaks (each sample taken
 * as if at its window's peak: the careful side while the class has few start-up samples) mixed with the
 * samples, the prior worth as many samples as it is for the start-up limit (burst-model.ts startupLimit).
 */
export function startupExcessPieces(u: StartupUsage, prior: AgentClassPrior): Piece[] {
  const peaks = knotPieces(prior.memory.startupPeakBytes, MAX_STRETCH);
  const seen = histogramPieces(u.usage.edges, u.usage.counts);
  const mixed = seen.length === 0 ? peaks : mixPieces(peaks, seen, priorWeight(u.startup, Math.min(prior.weight, 20), 0));
  const base = prior.memory.baselineBytes;
  return mixed.map((x) => ({ lo: Math.max(0, x.lo - base), hi: Math.max(0, x.hi - base), p: x.p })).filter((x) => x.p > 0);
}

/**
 * The excess a node is priced for: max(Y, B·S) with Y the steady-state horizon excess, S the start-up
 * excess and B a coin that is 1 with probability q. Not the mixture q·S + (1 − q)·Y: horizons that
 * begin in a start-up window are in Y already, and a mixture would thin Y's tail by (1 − q) (measured:
 * agentcgroup-haiku at 4x8Gi --scale 20 --cv 5 priced 15 % cheaper, and 2 node OOM kills).
 */
export function withStartup(steady: readonly Piece[], u: StartupUsage | undefined, prior: AgentClassPrior): Piece[] {
  const q = startupShare(u);
  if (!u || q <= 0) return [...steady];
  return maxPieces(steady, startupExcessPieces(u, prior), q);
}

/** P(X ≤ x) for pieces (masses normalised). */
function cdfAt(a: readonly Piece[], x: number): number {
  let f = 0;
  let w = 0;
  for (const p of a) {
    w += p.p;
    if (x >= p.hi) f += p.p;
    else if (x > p.lo) f += (p.p * (x - p.lo)) / (p.hi - p.lo);
  }
  return w > 0 ? f / w : 1;
}

/**
 * max(A, B·S) with B ~ Bernoulli(q) independent: CDF F_A(x) · (1 − q + q·F_S(x)), evaluated at every
 * edge of either and spread uniformly between edges (both CDFs are piecewise linear, their product
 * is close to linear between neighbouring edges).
 */
export function maxPieces(a: readonly Piece[], s: readonly Piece[], q: number): Piece[] {
  if (s.length === 0 || q <= 0) return [...a];
  const xs = [...new Set([...a, ...s].flatMap((p) => [p.lo, p.hi]))].sort((x, y) => x - y);
  const out: Piece[] = [];
  const cdf = (x: number): number => cdfAt(a, x) * (1 - q + q * cdfAt(s, x));
  let prevX = xs[0] ?? 0;
  let prevF = 0;
  for (const x of xs) {
    // A point mass at x (a jump of the CDF) stays a point; the rest between edges is spread.
    const left = x > prevX ? cdf(x - (x - prevX) * 1e-9) : prevF;
    const f = cdf(x);
    if (left > prevF) out.push({ lo: prevX, hi: x, p: left - prevF });
    if (f > left) out.push({ lo: x, hi: x, p: f - left });
    prevX = x;
    prevF = f;
  }
  return out;
}

/**
 * Whether a price solved at share `then` is stale at `now`: q moves fast in a run's first minutes (every
 * pod is starting), and a price solved before the first start-up samples would hold until the class's
 * next `refreshEvery` outcomes, while the first wave is admitted at it. Only a rise makes it stale: a
 * price solved at a larger q is on the careful side, and the class's outcomes re-solve it in time.
 */
export function startupShareMoved(then: number, now: number): boolean {
  return now - then > Math.max(0.02, 0.25 * then);
}

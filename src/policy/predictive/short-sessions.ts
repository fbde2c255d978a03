/**
 * Classes whose sessions are short against the write budget's token period. With a budget of
 * `maxWritesPerPodHour` resizes per pod-hour a token comes every 3600 / that seconds (20 min at 3); a
 * pod whose session ends well before can afford about no resize at all: on agentcgroup-haiku (sessions of
 * ~3 min) one resize per session is already ~40 API writes per pod-hour. Most of its writes were
 * memory-limit raises of 0.3–5 % as the pod's baseline rose (164 → 208 → 220Mi) and the limit (baseline
 * + the class's ε-burst, a steep bounded tail) followed it, one write per step.
 *
 * For such a class a limit is set once for the whole session: the largest ε-burst of any state (a tool
 * call will come) over the baseline, plus SESSION_LIMIT_MARGIN for the baseline's rise. Admission gives
 * it (admit.ts), and a model-bound raise that goes anyway goes to it (recommend.ts). Limits are not seen
 * by the scheduler; the node budget still sums usage capped at them.
 *
 * The lengths are the class's own sessions (a pod's first to last sample): ended ones and, censored, the
 * live ones; until they can tell, the class prior's (models/fit/fit-prior.ts fits them out of sample).
 */
import { stateHeadroom, type ClassModel, type TailOptions } from '../../../models/burst-model.js';
import type { QuantileKnots } from '../../../models/headroom.js';

/** Ended sessions the run needs before it can call a class short on its own evidence. */
export const SHORT_MIN_ENDED = 3;
/** Ended session lengths kept per class (the most recent). */
export const SESSION_WINDOW = 64;
/** Short: at least this share of the class's sessions end before a write token comes. */
export const SHORT_QUANTILE = 0.9;
/**
 * The engine guards' default hysteresis (`engine.guards.minChangeFraction`): a change smaller than this,
 * alone, is not made. A session limit rides only on a write that goes anyway (recommend.ts).
 */
export const GUARD_MIN_CHANGE = 0.05;
/** The session limit's margin over baseline + largest ε-burst: room for the baseline's rise. */
export const SESSION_LIMIT_MARGIN = 0.1;

/** Records an ended session's length (seconds) for its class. */
export function noteSessionEnd(lengths: Map<string, number[]>, agentClass: string, lengthS: number): void {
  let xs = lengths.get(agentClass);
  if (!xs) lengths.set(agentClass, (xs = []));
  xs.push(lengthS);
  if (xs.length > SESSION_WINDOW) xs.shift();
}

/** Seconds between two tokens of a pod's write budget; Infinity without a budget. */
export function tokenPeriodS(maxWritesPerPodHour: number): number {
  return maxWritesPerPodHour > 0 ? 3600 / maxWritesPerPodHour : Infinity;
}

/**
 * Whether the class's sessions are short, and the length by which 1 − SHORT_QUANTILE of them are left:
 * first from the run, by the Kaplan–Meier estimate of P(a session outlives `periodS`) from the class's
 * ended sessions (events) and its live pods (censored at their age); while the run cannot tell yet (too
 * few ended sessions, none observed that long), from the class's prior (`priorSessionS`, its fitted
 * sessions' p90 length). Live pods must count: early in a run the sessions that have ended are the short
 * ones while hour-long ones are still running (claude-code-local-model's first ended sessions last ~5 min,
 * 90 % of its sessions outlive 20 min). Undefined: not short.
 */
export function shortSessionLength(priorSessionS: QuantileKnots | undefined, ended: readonly number[] | undefined, liveAgesS: readonly number[], periodS: number): number | undefined {
  const run = runSessions(ended ?? [], liveAgesS, periodS);
  if (run.short !== undefined) return run.short;
  if (run.decided) return undefined;
  return priorSessionS !== undefined && priorSessionS.p90 < periodS ? priorSessionS.p90 : undefined;
}

/** What the run says: short (the length by which the share has ended), decided not short, or not yet. */
function runSessions(ended: readonly number[], liveAgesS: readonly number[], periodS: number): { short?: number; decided: boolean } {
  // Ends before censorings at equal times (a pod seen to end at x was at risk at x).
  const obs = [...ended.map((x) => ({ x, end: 1 })), ...liveAgesS.map((x) => ({ x, end: 0 }))].sort((a, b) => a.x - b.x || b.end - a.end);
  let atRisk = obs.length;
  let survival = 1;
  for (const o of obs) {
    if (o.x >= periodS) return { decided: true };
    if (o.end === 1) survival *= 1 - 1 / atRisk;
    atRisk--;
    if (survival <= 1 - SHORT_QUANTILE && ended.length >= SHORT_MIN_ENDED) return { short: o.x, decided: true };
  }
  return { decided: false };
}

/** The largest ε-burst (memory excess over the baseline) of any state the class knows. */
export function sessionPeakExcess(cm: ClassModel, o: TailOptions): number {
  const states = new Set<string>([...Object.keys(cm.prior.memory.excessBytes), ...cm.strata.keys()]);
  let peak = 0;
  for (const s of states) peak = Math.max(peak, stateHeadroom(cm, s, o).memExcess);
  return peak;
}

/** The session limit: what the limit holds besides the excess (baseline, growth, calibration) + the peak, with the margin. */
export function sessionLimit(offsetBytes: number, peakExcessBytes: number): number {
  return (offsetBytes + peakExcessBytes) * (1 + SESSION_LIMIT_MARGIN);
}

/** Ages (s) of a class's live pods with samples: the censored sessions of `shortSessionLength`. */
export function liveAgesS(tracks: Iterable<{ readonly agentClass: string; readonly samples: number; readonly firstTMs: number; readonly lastTMs: number }>, agentClass: string): number[] {
  const out: number[] = [];
  for (const t of tracks) if (t.agentClass === agentClass && t.samples > 0) out.push((t.lastTMs - t.firstTMs) / 1000);
  return out;
}

/**
 * Whether a planned write goes out whatever its memory limit says: the pod runs close to its limit (the
 * guards' `thin`), or the limit raise is at least GUARD_MIN_CHANGE, or it raises a request or the CPU
 * limit. A raise alone below that step is dropped by the guards, and carrying it to the session limit
 * would turn a dropped raise into a write (mini-swe-agent, 4x8Gi ×4, --cv 5: 7.7 → 9.3 writes per
 * pod-hour when every raise went to the session limit). Decreases do not count: the guards hold them
 * through the downscale cooldown, and a carried limit was then the whole write (tau2-bench, default
 * density: 3.2 → 4.6 writes per pod-hour).
 */
export function writeGoesAnyway(currentLimit: number, targetLimit: number, thin: boolean, fields: readonly string[]): boolean {
  return thin || targetLimit >= currentLimit * (1 + GUARD_MIN_CHANGE) || fields.some((f) => f === 'memory request up' || f === 'cpu request up' || f === 'cpu limit up');
}

/**
 * The memory limit a write that goes anyway carries for a short-session pod: up to the session limit; a
 * limit coming down stops there. Undefined when that changes nothing worth carrying (a carried raise of a
 * few percent buys nothing the next write could not carry).
 */
export function carriedSessionLimit(currentLimit: number, targetLimit: number, session: number): number | undefined {
  const limit = targetLimit < currentLimit ? Math.max(targetLimit, Math.min(session, currentLimit)) : Math.max(targetLimit, session);
  if (limit === targetLimit || (targetLimit <= currentLimit && limit > currentLimit && limit < currentLimit * (1 + GUARD_MIN_CHANGE))) return undefined;
  return limit;
}

/**
 * Admission gives the session limit only to a class whose ended pods commonly needed a limit raise
 * (at least RAISED_SHARE of them, with SHORT_MIN_ENDED ended): where raises are rare, the few there are
 * carried the pods' request decreases (the class's cold price coming down), and admitting every pod at
 * its session limit lost those rides (swe-agent, 4x8Gi ×4: 13 raises on 600 pods, each with a memory
 * request decrease; 2.28 → 2.43 node-hours without them).
 */
export const RAISED_SHARE = 0.25;

/** Counts an ended pod of a class, and whether it needed a memory-limit raise. */
export function noteRaised(m: Map<string, { ended: number; raised: number }>, agentClass: string, raised: boolean): void {
  const c = m.get(agentClass) ?? { ended: 0, raised: 0 };
  m.set(agentClass, { ended: c.ended + 1, raised: c.raised + Number(raised) });
}

/** Whether limit raises are common in the class (see RAISED_SHARE). */
export function raisesCommon(c: { ended: number; raised: number } | undefined): boolean {
  return c !== undefined && c.ended >= SHORT_MIN_ENDED && c.raised >= RAISED_SHARE * c.ended;
}

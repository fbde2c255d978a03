/**
 * The tool loop: which tool is in flight, how long calls of its category last, how likely a failing
 * call is retried, and therefore how likely a burst is still (or again) running when the next resize
 * can land.
 *
 * Maths:
 *  - Call durations per category are modelled as exponential with mean D. Scrapes only tell us, Δ
 *    after seeing a category, whether it is still in flight (survived Δ) or not (ended within Δ):
 *    interval-censored data. With S survivals among N observations, P(survive Δ) = exp(−Δ/D) gives
 *    the MLE D = −Δ / ln(S/N) (Δ the mean scrape gap, exact when scrapes are regular). The prior adds
 *    n0 pseudo-observations with survival exp(−Δ/D₀), so with no data D = D₀.
 *    P(still in flight after Δ) = exp(−Δ/D).
 *  - A retry run is a stretch of intervals with tool errors or retries. Whether it continues into the
 *    next interval is a Beta–Bernoulli: p_r = (continued + a) / (continued + ended + a + b), with the
 *    prior (a, b) = n0·(p₀, 1 − p₀). Back-off puts the k-th retry b₀·g^k seconds after the previous one,
 *    so only the part of the run that lands inside the horizon counts: p_r · min(1, H / (b₀·g^k)).
 *  - P(burst continues) = 1 − (1 − P(still in flight))·(1 − P(retry lands in horizon)).
 */

/** Per-category duration evidence: observations that survived / ended within their scrape gap. */
export interface ToolCategoryStats {
  survived: number;
  ended: number;
  gapSumS: number;
}

/** Retry-run continuation evidence. */
export interface RetryRunStats {
  continued: number;
  ended: number;
}

/** What an agent class's prior says about its tool loop. */
export interface ToolLoopPrior {
  /** Mean call duration per category; `*` for categories without their own entry. */
  readonly meanDurationS: Readonly<Record<string, number>>;
  readonly pRetryContinues: number;
  readonly retryBackoffS: number;
  readonly retryBackoffFactor: number;
  /** How many calls/runs the prior is worth. */
  readonly weight: number;
}

/** The state key of a sample: its tool category, `idle` when nothing is in flight. */
export function toolCategory(tool: string | undefined): string {
  if (tool === undefined || tool === '') return 'idle';
  // Sub-agent wrappers ("Task+Bash:test") are sized by the innermost Bash category when there is one.
  const bash = tool.indexOf('Bash:');
  if (bash > 0) return tool.slice(bash);
  return tool;
}

export function newToolCategoryStats(): ToolCategoryStats {
  return { survived: 0, ended: 0, gapSumS: 0 };
}

/** Folds one observed transition of a category seen `dtS` seconds ago. */
export function foldToolTransition(s: ToolCategoryStats, stillSame: boolean, dtS: number): void {
  if (dtS <= 0) return;
  if (stillSame) s.survived++;
  else s.ended++;
  s.gapSumS += dtS;
}

/** Mean call duration of a category: the censored-exponential MLE with the prior as pseudo-counts. */
export function meanDurationS(s: ToolCategoryStats | undefined, priorMeanS: number, n0: number): number {
  const n = s ? s.survived + s.ended : 0;
  if (!s || n === 0) return priorMeanS;
  const gap = s.gapSumS / n;
  const pSurvive = (s.survived + n0 * Math.exp(-gap / priorMeanS)) / (n + n0);
  const p = Math.min(1 - 1e-9, Math.max(1e-9, pSurvive));
  return -gap / Math.log(p);
}

/** P(a call with mean duration D is still running after Δ seconds) under the exponential model. */
export function pStillInFlight(meanS: number, dtS: number): number {
  if (meanS <= 0) return 0;
  return Math.exp(-Math.max(0, dtS) / meanS);
}

export function newRetryRunStats(): RetryRunStats {
  return { continued: 0, ended: 0 };
}

/** Folds whether a retry run seen in one interval went on in the next. */
export function foldRetryRun(s: RetryRunStats, continued: boolean): void {
  if (continued) s.continued++;
  else s.ended++;
}

/** Beta–Bernoulli posterior mean of P(retry run continues). */
export function pRetryContinues(s: RetryRunStats, p0: number, n0: number): number {
  return (s.continued + n0 * p0) / (s.continued + s.ended + n0);
}

/** P(the next retry of a run that has had `k` retries lands within `horizonS`), with geometric back-off. */
export function pRetryWithin(pRetry: number, k: number, horizonS: number, backoffS: number, factor: number): number {
  const wait = backoffS * factor ** Math.max(0, k);
  return wait <= horizonS ? pRetry : pRetry * (horizonS / wait);
}

/** P(burst continues): the call is still in flight, or a retry of it lands within the horizon. */
export function pBurstContinues(pStill: number, pRetryLand: number): number {
  return 1 - (1 - pStill) * (1 - pRetryLand);
}

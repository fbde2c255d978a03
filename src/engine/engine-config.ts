import type { Resources } from '../core/types.js';

/**
 * Safety rails every recommendation passes through before it becomes an action. Memory is the
 * resource that kills, so the rails are asymmetric: raises go through at once, decreases wait for a
 * cooldown, move by bounded steps, and never go below what the pod was recently seen to use.
 */
export interface GuardConfig {
  /** Floor and ceiling for requests and limits. */
  readonly minResources: Resources;
  readonly maxResources: Resources;
  /** Limits stay at least this fraction above the recent peak usage (0.1 = +10 %). */
  readonly usageMarginFraction: number;
  /** How far back "recent peak usage" looks. */
  readonly usageWindowS: number;
  /** Changes smaller than this fraction of the current value are not worth a resize (hysteresis). */
  readonly minChangeFraction: number;
  /** No decrease until this long after the last raise of the pod (a burst that just happened may recur). */
  readonly downscaleCooldownS: number;
  /** Successive changes are at least this far apart when the later one is a decrease (slow steps down). */
  readonly decreaseIntervalS: number;
  /** A decrease lowers a value by at most this fraction per action (0.25 = to 75 % at least). */
  readonly maxDecreaseFraction: number;
}

/** What one tick needs to know; part of the ConfigMap (src/config) and of the bench's settings. */
export interface EngineConfig {
  readonly namespace: string;
  /** Recommend only: annotations, Events and metrics, no change. */
  readonly dryRun: boolean;
  readonly tickIntervalS: number;
  /** How far back the first fetch after a start looks. */
  readonly initialLookbackS: number;
  /** Resolution asked of the metric source. */
  readonly scrapeIntervalS: number;
  /**
   * A pod whose newest sample is older than this is held: no decreases. 0 derives the bound per pod
   * from what is observed (staleBoundS).
   */
  readonly staleAfterS: number;
  readonly guards: GuardConfig;
  /** After a Deferred resize, wait this long before the next attempt, doubling up to the max. */
  readonly deferredBackoffS: { readonly initial: number; readonly max: number };
  /** Actions sent at once in a tick (default 16); outcomes are folded in action order regardless. */
  readonly actuationConcurrency?: number;
}

/**
 * The age past which a pod's newest sample is stale. Configured, or (staleAfterS = 0) derived from the
 * pod's observed sample spacing: a sample is normally at most one spacing plus the ingestion delay old
 * when read (the delay is below a scrape interval), so one older than two spacings plus a scrape
 * interval means at least one expected sample is missing. Never below a tick plus a scrape interval.
 * On a real node (cAdvisor stamps every ~14 s, scrape 5 s, tick 5 s) that is about 33 s.
 */
export function staleBoundS(cfg: Pick<EngineConfig, 'staleAfterS' | 'tickIntervalS' | 'scrapeIntervalS'>, gapS: number | undefined): number {
  if (cfg.staleAfterS > 0) return cfg.staleAfterS;
  const gap = gapS ?? cfg.scrapeIntervalS;
  return Math.max(cfg.tickIntervalS + cfg.scrapeIntervalS, 2 * gap + cfg.scrapeIntervalS);
}

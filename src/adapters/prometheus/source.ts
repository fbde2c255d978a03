import type { PrometheusConfig } from '../../config/types.js';
import { err, ok, type Result } from '../../core/result.js';
import type { AgentSample } from '../../core/types.js';
import type { Logger, MetricQuery, MetricSource, SourceError } from '../../engine/ports.js';
import { AnswerFold } from './join.js';
import { isRawSignal, renderQueries, SIGNALS, toolLabelOf, type Signal } from './queries.js';
import { streamRange, streamRawWindow, type RangeWindow } from './range-query.js';
import { gridEndMs, keepRows, planGrid, type GridCarry } from './grid-carry.js';
import { newRawCursor, rawStartMs, windowStartMs } from './raw-series.js';
import type { Series } from './response.js';
import { fileTokenSource, type TokenSource } from './token.js';
import { createHttpGet, type HttpGet } from './transport.js';

/** Prometheus keeps at most 11,000 points per series in a range answer; stay below it. */
const MAX_POINTS = 10_000;

export interface PrometheusSourceDeps {
  /** Container whose cAdvisor series count ('' = every real container of the pod). */
  readonly container: string;
  readonly logger?: Logger;
  /** Injected for tests and the bench; built from the config when absent. */
  readonly httpGet?: HttpGet;
  readonly token?: TokenSource;
  /**
   * Read only what is new since the last fetch (default): the agent signals' settled grid rows are
   * kept (grid-carry.ts) and the raw reads start at the newest sample seen. `false` re-reads the whole
   * look-back every fetch, as the source did before; the tests compare the two.
   */
  readonly incremental?: boolean;
}

/** A MetricSource over Prometheus's HTTP API, plus how many queries it sends per fetch. */
export interface PrometheusSource extends MetricSource {
  /** Backend queries per fetch: constant, whatever the number of pods. */
  readonly queriesPerFetch: number;
  /** Releases pooled connections; call when the source is replaced or the controller stops. */
  close(): void;
}

/**
 * Samples for every pod of the namespace from one query per signal (seven per tick, whatever the number
 * of pods). Memory and CPU are read raw (an instant query of a range selector: every cAdvisor sample
 * with its own timestamp), the agent signals with `query_range` on the step grid over the same window.
 * The look-back reaches back from the newest sample seen per pod with an overlap of the scrape interval
 * plus `ingestionDelayS`, so samples that reach Prometheus late are still read, once (raw-series.ts);
 * a steady fetch asks only for what is newer than what it has already read or may still change
 * (rawStartMs, grid-carry.ts), so its answers hold a few points per series, not the whole look-back.
 */
export function createPrometheusSource(cfg: PrometheusConfig, deps: PrometheusSourceDeps): Result<PrometheusSource, SourceError> {
  let get = deps.httpGet;
  let close = (): void => undefined;
  if (get === undefined) {
    const t = createHttpGet({ caFile: cfg.caFile, insecureSkipVerify: cfg.insecureSkipVerify });
    if (!t.ok) return err({ source: 'prometheus', message: t.error });
    get = t.value.get;
    close = () => t.value.close();
  }
  const httpGet = get;
  const token = deps.token ?? fileTokenSource(cfg.bearerTokenFile);
  const base = cfg.url.replace(/\/+$/, '');
  const toolLabel = toolLabelOf(cfg);
  const cursor = newRawCursor();
  const incremental = deps.incremental ?? true;
  let carry: GridCarry | undefined;

  /** One signal's query: raw at `timeS`, or on the grid `window`; each series goes to `each`. */
  async function runQuery(
    ask: { readonly signal: Signal; readonly promql: string; readonly timeS: number; readonly window: RangeWindow },
    headers: Readonly<Record<string, string>>,
    abort: AbortSignal,
    each: (s: Series) => void,
  ): Promise<Result<number, SourceError>> {
    const { signal, promql } = ask;
    const target = { base, get: httpGet, headers, timeoutMs: cfg.timeoutMs };
    const raw = isRawSignal(signal);
    const r = raw ? await streamRawWindow(target, promql, ask.timeS, abort, each) : await streamRange(target, promql, ask.window, abort, each);
    if (r.ok) return r;
    const hint = raw && r.error.includes('resultType is') ? ` (the ${signal} query must be a range selector ending in [{window}])` : '';
    return err({ source: 'prometheus', query: promql, message: `${signal}: ${r.error}${hint}` });
  }

  const source: PrometheusSource = {
    name: 'prometheus',
    queriesPerFetch: SIGNALS.length,
    close,
    async fetch(q: MetricQuery, signal: AbortSignal): Promise<Result<AgentSample[], SourceError>> {
      const stepS = Math.max(1, Math.round(q.stepS));
      const stepMs = stepS * 1000;
      const overlapMs = (stepS + cfg.ingestionDelayS) * 1000;
      const minMs = q.toMs - MAX_POINTS * stepMs;
      const live = { namespace: q.namespace, livePods: q.livePods };
      const lookBackMs = windowStartMs(cursor, q.fromMs, overlapMs, minMs, live);
      // The agent signals' grid: whole steps since the epoch, reaching at least to the look-back start.
      const endMs = gridEndMs(q.toMs, stepMs);
      const gridLookBackMs = endMs - Math.ceil((endMs - lookBackMs) / stepMs) * stepMs;
      const grid = planGrid(incremental ? carry : undefined, { stepMs, lookBackMs: gridLookBackMs, endMs, toMs: q.toMs, settleMs: overlapMs });
      const rawFromMs = incremental ? rawStartMs(cursor, q.fromMs, overlapMs, minMs, live) : lookBackMs;
      const window: RangeWindow = { start: grid.freshFromMs / 1000, end: endMs / 1000, stepS };
      // The raw range in whole steps, as before (the first fetch reads the same samples as it did).
      const rawWindowS = Math.ceil((q.toMs - rawFromMs) / stepMs) * stepS;
      const queries = renderQueries(cfg, deps.container, { namespace: q.namespace, stepS, windowS: rawWindowS });

      const tok = await token.current();
      if (!tok.ok) return err({ source: 'prometheus', message: tok.error });
      const headers: Record<string, string> = tok.value !== '' ? { Authorization: `Bearer ${tok.value}` } : {};

      const abort = AbortSignal.any([signal, AbortSignal.timeout(cfg.timeoutMs)]);
      const opts = { namespace: q.namespace, podLabel: cfg.podLabel, toolLabel, stepMs };
      const fold = new AnswerFold(opts, cursor, { fromMs: grid.freshFromMs, rows: grid.rows });
      // All seven in flight at once; each series is folded as soon as it is decoded and then dropped.
      const failures = await Promise.all(
        SIGNALS.map(async (s) => {
          const ask = { signal: s, promql: queries[s], timeS: q.toMs / 1000, window };
          const r = await runQuery(ask, headers, abort, (series) => fold.addSeries(s, series));
          return r.ok ? undefined : { signal: s, error: r.error };
        }),
      );
      // The first failure in signal order, whichever answer came back first.
      const failed = failures.find((f) => f !== undefined);
      if (failed !== undefined) {
        deps.logger?.warn({ signal: failed.signal, query: failed.error.query, error: failed.error.message }, 'prometheus query failed');
        return err(failed.error);
      }
      const joined = fold.finish();
      if (!joined.ok) {
        return err({ source: 'prometheus', query: queries[joined.error.signal], message: `${joined.error.signal}: ${joined.error.message}` });
      }
      const cut = (pod: string): number | undefined => {
        const last = cursor.lastEmittedMs.get(`${q.namespace}/${pod}`);
        return last === undefined ? undefined : last - 2 * stepMs;
      };
      carry = { stepMs, toMs: q.toMs, fromMs: gridLookBackMs, rows: keepRows(fold.rowsByPod(), cut) };
      deps.logger?.debug({ samples: joined.value.length, queries: SIGNALS.length, gridFrom: window.start, end: window.end, rawFrom: rawFromMs / 1000, stepS }, 'prometheus fetch');
      return ok(joined.value);
    },
  };
  return ok(source);
}

import type { PrometheusConfig } from '../../config/types.js';
import { err, ok, type Result } from '../../core/result.js';
import type { AgentSample } from '../../core/types.js';
import type { Logger, MetricQuery, MetricSource, SourceError } from '../../engine/ports.js';
import { joinAnswers, type Answers } from './join.js';
import { isRawSignal, renderQueries, SIGNALS, toolLabelOf, type Signal } from './queries.js';
import { queryRange, queryRawWindow, type RangeWindow } from './range-query.js';
import { newRawCursor, windowStartMs } from './raw-series.js';
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
 * The window reaches back from the newest sample seen per pod with an overlap of the scrape interval
 * plus `ingestionDelayS`, so samples that reach Prometheus late are still read, once (raw-series.ts).
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

  async function runQuery(
    signal: Signal,
    promql: string,
    window: RangeWindow,
    headers: Readonly<Record<string, string>>,
    abort: AbortSignal,
  ): Promise<Result<Series[], SourceError>> {
    const target = { base, get: httpGet, headers, timeoutMs: cfg.timeoutMs };
    const raw = isRawSignal(signal);
    const r = raw ? await queryRawWindow(target, promql, window.end, abort) : await queryRange(target, promql, window, abort);
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
      const end = q.toMs / 1000;
      const overlapMs = (stepS + cfg.ingestionDelayS) * 1000;
      const fromMs = windowStartMs(cursor, q.fromMs, overlapMs, q.toMs - MAX_POINTS * stepS * 1000);
      // The agent signals' grid: whole steps back from `end`, reaching at least to the window start.
      const start = end - Math.ceil((q.toMs - fromMs) / 1000 / stepS) * stepS;
      const queries = renderQueries(cfg, deps.container, { namespace: q.namespace, stepS, windowS: end - start });

      const tok = await token.current();
      if (!tok.ok) return err({ source: 'prometheus', message: tok.error });
      const headers: Record<string, string> = tok.value !== '' ? { Authorization: `Bearer ${tok.value}` } : {};

      const abort = AbortSignal.any([signal, AbortSignal.timeout(cfg.timeoutMs)]);
      const results = await Promise.all(
        SIGNALS.map((s) => runQuery(s, queries[s], { start, end, stepS }, headers, abort)),
      );
      const answers = {} as Record<Signal, readonly Series[]> satisfies Answers;
      for (const [i, s] of SIGNALS.entries()) {
        const r = results[i];
        if (r === undefined) continue;
        if (!r.ok) {
          deps.logger?.warn({ signal: s, query: r.error.query, error: r.error.message }, 'prometheus query failed');
          return r;
        }
        answers[s] = r.value;
      }
      const joined = joinAnswers(answers, { namespace: q.namespace, podLabel: cfg.podLabel, toolLabel, stepMs: stepS * 1000 }, cursor);
      if (!joined.ok) {
        return err({ source: 'prometheus', query: queries[joined.error.signal], message: `${joined.error.signal}: ${joined.error.message}` });
      }
      deps.logger?.debug({ samples: joined.value.length, queries: SIGNALS.length, start, end, stepS }, 'prometheus fetch');
      return ok(joined.value);
    },
  };
  return ok(source);
}

import type { PrometheusConfig } from '../../config/types.js';
import { err, ok, type Result } from '../../core/result.js';
import type { AgentSample } from '../../core/types.js';
import type { Logger, MetricQuery, MetricSource, SourceError } from '../../engine/ports.js';
import { joinAnswers, type Answers } from './join.js';
import { renderQueries, SIGNALS, toolLabelOf, type Signal } from './queries.js';
import { queryRange, type RangeWindow } from './range-query.js';
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
 * Samples for every pod of the namespace from one `query_range` per signal (seven per tick, whatever
 * the number of pods). A range query, rather than instant `*_over_time` queries, gives one point per
 * step for each pod over the whole window, which is what the engine's per-pod windows fold in; all
 * queries share start/end/step so their points join exactly by (pod, time).
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

  async function runQuery(
    signal: Signal,
    promql: string,
    window: RangeWindow,
    headers: Readonly<Record<string, string>>,
    abort: AbortSignal,
  ): Promise<Result<Series[], SourceError>> {
    const r = await queryRange({ base, get: httpGet, headers, timeoutMs: cfg.timeoutMs }, promql, window, abort);
    return r.ok ? r : err({ source: 'prometheus', query: promql, message: `${signal}: ${r.error}` });
  }

  const source: PrometheusSource = {
    name: 'prometheus',
    queriesPerFetch: SIGNALS.length,
    close,
    async fetch(q: MetricQuery, signal: AbortSignal): Promise<Result<AgentSample[], SourceError>> {
      const stepS = Math.max(1, Math.round(q.stepS));
      const end = q.toMs / 1000;
      const spanS = Math.min(q.toMs - q.fromMs, MAX_POINTS * stepS * 1000) / 1000;
      // Points sit a whole number of steps before `end` (the newest is exactly `toMs`) and more than half
      // a step after `fromMs`, where the previous fetch's newest point was. Ticks are not aligned to the
      // step grid, so without that margin a point a few ms after the last one would come back, nearly a
      // duplicate, and any rate over it (tokens per second, say) would be measured over milliseconds.
      const newer = Math.floor((spanS - stepS / 2) / stepS);
      if (newer < 0) return ok([]); // less than half a step since the last fetch: nothing new yet
      const start = end - newer * stepS;
      const queries = renderQueries(cfg, deps.container, { namespace: q.namespace, stepS });

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
      const joined = joinAnswers(answers, { namespace: q.namespace, podLabel: cfg.podLabel, toolLabel });
      if (!joined.ok) {
        return err({ source: 'prometheus', query: queries[joined.error.signal], message: `${joined.error.signal}: ${joined.error.message}` });
      }
      deps.logger?.debug({ samples: joined.value.length, queries: SIGNALS.length, start, end, stepS }, 'prometheus fetch');
      return ok(joined.value);
    },
  };
  return ok(source);
}

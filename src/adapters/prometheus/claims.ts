/**
 * Claim counters of agent-sandbox warm pools, read from the Prometheus that scrapes the agent-sandbox
 * controller: one instant reading per tick of the total claims per pool (the counter
 * `agent_sandbox_claim_creation_total` of sigs.k8s.io/agent-sandbox internal/metrics/metrics.go, summed
 * over its other labels). The increase between readings is folded into the claim forecast
 * (src/policy/predictive/claims.ts). An empty answer (the metric is absent) is an empty map, not an
 * error: no claim forecast, no log spam.
 */
import type { AgentSandboxConfig, PrometheusConfig } from '../../config/types.js';
import { err, ok, type Result } from '../../core/result.js';
import { queryRange } from './range-query.js';
import { fileTokenSource, type TokenSource } from './token.js';
import { createHttpGet, type HttpGet } from './transport.js';

/** The default query: claims per pool in the namespace, whatever their launch type or creator. */
export const DEFAULT_CLAIMS_QUERY = 'sum by (warmpool_name) (agent_sandbox_claim_creation_total{{namespaceLabel}="{namespace}"})';

export interface ClaimReader {
  /** Pool → total claims now; the promql sent, for logs. */
  read(namespace: string, nowMs: number, signal: AbortSignal): Promise<Result<ReadonlyMap<string, number>, string>>;
  readonly query: (namespace: string) => string;
  close(): void;
}

export interface ClaimReaderDeps {
  readonly httpGet?: HttpGet;
  readonly token?: TokenSource;
}

/** The PromQL for a namespace, with the ConfigMap's override when set. */
export function claimsQuery(prom: Pick<PrometheusConfig, 'namespaceLabel'>, claims: AgentSandboxConfig['claims'], namespace: string): string {
  const template = claims.query !== '' ? claims.query : DEFAULT_CLAIMS_QUERY;
  const ns = namespace.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
  return template.replace(/\{(namespace|namespaceLabel)\}/g, (_m, k: string) => (k === 'namespace' ? ns : prom.namespaceLabel));
}

export function createClaimReader(prom: PrometheusConfig, claims: AgentSandboxConfig['claims'], deps: ClaimReaderDeps = {}): Result<ClaimReader, string> {
  let get = deps.httpGet;
  let close = (): void => undefined;
  if (get === undefined) {
    const t = createHttpGet({ caFile: prom.caFile, insecureSkipVerify: prom.insecureSkipVerify });
    if (!t.ok) return err(t.error);
    get = t.value.get;
    close = () => t.value.close();
  }
  const httpGet = get;
  const token = deps.token ?? fileTokenSource(prom.bearerTokenFile);
  const base = prom.url.replace(/\/+$/, '');
  const query = (namespace: string): string => claimsQuery(prom, claims, namespace);
  return ok({
    query,
    close,
    async read(namespace, nowMs, signal) {
      const tok = await token.current();
      if (!tok.ok) return err(tok.error);
      const headers: Record<string, string> = tok.value !== '' ? { Authorization: `Bearer ${tok.value}` } : {};
      // A one-point range query: the matrix decoder the source already trusts, at exactly `now`.
      const t = nowMs / 1000;
      const abort = AbortSignal.any([signal, AbortSignal.timeout(prom.timeoutMs)]);
      const r = await queryRange({ base, get: httpGet, headers, timeoutMs: prom.timeoutMs }, query(namespace), { start: t, end: t, stepS: 1 }, abort);
      if (!r.ok) return r;
      const out = new Map<string, number>();
      for (const s of r.value) {
        const pool = s.labels[claims.poolLabel];
        const v = s.points.at(-1)?.[1];
        if (pool === undefined || pool === '' || v === undefined) continue;
        out.set(pool, (out.get(pool) ?? 0) + v);
      }
      return ok(out);
    },
  });
}

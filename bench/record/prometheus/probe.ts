/**
 * Before a recording: is Prometheus there, and does it let us in? One instant query (`1`), whose
 * failure is told apart as unreachable (connection refused, DNS, TLS, timeout), unauthorised (401/403)
 * or not a Prometheus API (anything else), each with what to check.
 */
import type { RangeTarget } from '../../../src/adapters/prometheus/range-query.js';
import { err, ok, type Result } from '../../../src/core/result.js';

export async function probePrometheus(t: RangeTarget, signal: AbortSignal): Promise<Result<void, string>> {
  const url = new URL(`${t.base}/api/v1/query`);
  url.searchParams.set('query', '1');
  const abort = AbortSignal.any([signal, AbortSignal.timeout(t.timeoutMs)]);
  const answer = await t.get(url, t.headers, abort);
  if (!answer.ok) {
    const why = abort.aborted && !signal.aborted ? `no answer within ${t.timeoutMs} ms` : answer.error;
    return err(`cannot reach Prometheus at ${t.base}: ${why} (check --prometheus, and --ca-file for https)`);
  }
  const { status, body } = answer.value;
  if (status === 401 || status === 403) {
    const how = t.headers['Authorization'] !== undefined ? 'the bearer token was refused' : 'it wants credentials: pass --bearer-token-file FILE';
    return err(`Prometheus at ${t.base} answered HTTP ${status} (${status === 401 ? 'unauthorised' : 'forbidden'}): ${how}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    json = undefined;
  }
  if (status !== 200 || (json as { status?: unknown } | undefined)?.status !== 'success') {
    return err(`${t.base} does not answer as a Prometheus HTTP API (HTTP ${status} on /api/v1/query); --prometheus wants the base URL, without /api/v1`);
  }
  return ok(undefined);
}

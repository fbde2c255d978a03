// Claim counters from Prometheus: the query (default and override), the sum per pool, and an absent
// metric (an empty answer) is no claims, not an error.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { claimsQuery, createClaimReader, DEFAULT_CLAIMS_QUERY } from '../../../src/adapters/prometheus/claims.js';
import type { HttpGet } from '../../../src/adapters/prometheus/transport.js';
import { defaultConfig } from '../../../src/config/index.js';
import { ok, err } from '../../../src/core/result.js';

const cfg = defaultConfig();
const prom = { ...cfg.prometheus, url: 'http://prom:9090' };
const claims = cfg.agentSandbox.claims;

function answer(result: unknown[]): HttpGet {
  return () => Promise.resolve(ok({ status: 200, body: JSON.stringify({ status: 'success', data: { resultType: 'matrix', result } }) }));
}

test('the default query names the agent-sandbox counter and the namespace label; an override is filled in', () => {
  assert.match(DEFAULT_CLAIMS_QUERY, /agent_sandbox_claim_creation_total/);
  assert.equal(claimsQuery(prom, claims, 'agents'), 'sum by (warmpool_name) (agent_sandbox_claim_creation_total{namespace="agents"})');
  assert.equal(
    claimsQuery({ namespaceLabel: 'exported_namespace' }, { ...claims, query: 'sum by (pool) (x{{namespaceLabel}="{namespace}"})' }, 'a"b'),
    'sum by (pool) (x{exported_namespace="a\\"b"})',
  );
});

test('totals per pool at now; series without the pool label are ignored', async () => {
  const seen: URL[] = [];
  const get: HttpGet = (url, h, s) => {
    seen.push(url);
    return answer([
      { metric: { warmpool_name: 'pool-a' }, values: [[1000, '12']] },
      { metric: { warmpool_name: 'pool-b' }, values: [[1000, '3']] },
      { metric: {}, values: [[1000, '99']] },
    ])(url, h, s);
  };
  const r = createClaimReader(prom, claims, { httpGet: get, token: { current: () => Promise.resolve(ok('')) } });
  assert.ok(r.ok);
  const totals = await r.value.read('agents', 1_000_000, AbortSignal.timeout(1000));
  assert.ok(totals.ok);
  assert.deepEqual([...totals.value], [['pool-a', 12], ['pool-b', 3]]);
  assert.equal(seen[0]!.searchParams.get('start'), seen[0]!.searchParams.get('end'));
});

test('an absent metric is an empty map; a failing Prometheus is an error value', async () => {
  const token = { current: () => Promise.resolve(ok('')) };
  const empty = createClaimReader(prom, claims, { httpGet: answer([]), token });
  assert.ok(empty.ok);
  const r = await empty.value.read('agents', 1_000_000, AbortSignal.timeout(1000));
  assert.ok(r.ok && r.value.size === 0);
  const down = createClaimReader(prom, claims, { httpGet: () => Promise.resolve(err('connection refused')), token });
  assert.ok(down.ok);
  const e = await down.value.read('agents', 1_000_000, AbortSignal.timeout(1000));
  assert.ok(!e.ok && /connection refused/.test(e.error));
});

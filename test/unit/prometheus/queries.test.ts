import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_QUERIES, renderQueries, SIGNALS } from '../../../src/adapters/prometheus/index.js';
import { OTEL_TOKEN_METRICS } from '../../../src/adapters/prometheus/queries.js';
import { defaultConfig, type PrometheusConfig } from '../../../src/config/index.js';

const base = defaultConfig().prometheus;
const cfg = (over: Partial<PrometheusConfig> = {}): PrometheusConfig => ({ ...base, ...over });

test('cadvisor defaults: namespace-wide raw memory and CPU counter over the window, container filtered, step filled in', () => {
  const q = renderQueries(cfg(), 'agent', { namespace: 'agents', stepS: 15, windowS: 80 });
  assert.equal(q.memory, 'container_memory_working_set_bytes{namespace="agents",container="agent"}[80s]');
  assert.equal(q.cpu, 'container_cpu_usage_seconds_total{namespace="agents",container="agent"}[80s]');
  assert.match(q.contextTokens, /burstguard_agent_context_tokens\{namespace="agents"\}/);
  assert.match(q.toolCallsInFlight, /^sum by \(pod, tool\) .*burstguard_agent_tool_calls_in_flight/);
  assert.match(q.toolCalls, /rate\(burstguard_agent_tool_calls_total\{namespace="agents"\}\[60s\]\)\) \* 15$/);
  assert.match(q.toolErrors, /burstguard_agent_tool_errors_total/);
  assert.match(q.toolRetries, /burstguard_agent_tool_retries_total/);
  for (const s of SIGNALS) {
    assert.ok(!/\{(namespace|podLabel|step|stepS|rateWindow|window|containerMatcher|toolLabel|namespaceLabel)\}/.test(q[s]), `${s} left a placeholder`);
  }
});

test('no container name: every real container, not the pod cgroup nor the pause container', () => {
  const q = renderQueries(cfg(), '', { namespace: 'agents', stepS: 15 });
  assert.match(q.memory, /container!="",container!="POD"/);
});

test('otel-genai names follow the semantic conventions as exported to Prometheus', () => {
  const q = renderQueries(cfg({ metricNames: 'otel-genai' }), 'agent', { namespace: 'agents', stepS: 10 });
  assert.match(q.contextTokens, /gen_ai_client_token_usage_sum\{namespace="agents",gen_ai_token_type="input"\}/);
  assert.match(q.toolCallsInFlight, /by \(pod, gen_ai_tool_name\).*gen_ai_execute_tool_duration_seconds_count/);
  assert.match(q.toolErrors, /error_type!=""/);
  assert.equal(q.memory, renderQueries(cfg(), 'agent', { namespace: 'agents', stepS: 10 }).memory);
});

test('otel-genai tokens: the older and the newer names are both read, the older first, each pod once', () => {
  const q = renderQueries(cfg({ metricNames: 'otel-genai' }), 'agent', { namespace: 'agents', stepS: 10 }).contextTokens;
  const alternatives = q.split(' or ');
  assert.equal(alternatives.length, 3);
  assert.match(alternatives[0] ?? '', /rate\(gen_ai_client_token_usage_sum\{namespace="agents",gen_ai_token_type="input"\}\[40s\]\)\) \/ \(sum by \(pod\) \(rate\(gen_ai_client_token_usage_count\{/);
  assert.match(alternatives[1] ?? '', /gen_ai_client_inference_operation_input_tokens_sum\{namespace="agents"\}.*gen_ai_client_inference_operation_input_tokens_count\{namespace="agents"\}/);
  assert.match(alternatives[2] ?? '', /gen_ai_client_inference_usage_input_tokens_total\{namespace="agents"\}.*gen_ai_client_operation_duration_seconds_count\{namespace="agents"\}/);
  // Every alternative aggregates by pod: the query count per tick never depends on the pods.
  for (const a of alternatives) assert.equal(a.match(/sum by \(pod\)/g)?.length, 2);
  // Balanced parentheses: `or` binds loosest, each alternative is closed.
  assert.equal(q.split('(').length, q.split(')').length);
});

test('docs/configuration.md maps every token series the query reads', async () => {
  const { readFileSync } = await import('node:fs');
  const doc = readFileSync(new URL('../../../docs/configuration.md', import.meta.url), 'utf8');
  for (const name of Object.values(OTEL_TOKEN_METRICS)) assert.ok(doc.includes(name), name);
  assert.match(doc, /`gen_ai\.client\.token\.usage` with `gen_ai\.token\.type="input"` \(older\)/);
  assert.match(doc, /`gen_ai\.client\.inference\.usage\.input_tokens` \(newer\)/);
});

test('overrides, labels, rate window and escaping', () => {
  const q = renderQueries(
    cfg({
      podLabel: 'k8s_pod_name',
      namespaceLabel: 'k8s_namespace_name',
      rateWindowS: 120,
      queries: { ...base.queries, contextTokens: 'max by ({podLabel}) (my_tokens{{namespaceLabel}="{namespace}"})' },
    }),
    'a"b',
    { namespace: 'we"ird', stepS: 30 },
  );
  assert.equal(q.contextTokens, 'max by (k8s_pod_name) (my_tokens{k8s_namespace_name="we\\"ird"})');
  assert.match(q.cpu, /container="a\\"b"/);
  assert.match(q.toolCalls, /\[120s\]/);
  assert.equal(Object.keys(DEFAULT_QUERIES.cadvisor).length, SIGNALS.length);
});

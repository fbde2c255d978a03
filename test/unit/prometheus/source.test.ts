import { test, after, before, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPrometheusSource, type PrometheusSource } from '../../../src/adapters/prometheus/index.js';
import { defaultConfig, type PrometheusConfig } from '../../../src/config/index.js';
import type { Logger, MetricQuery } from '../../../src/engine/ports.js';
import { matrix, podsHandler, startFakePrometheus, type FakePrometheus } from './fake-prometheus.js';

let prom: FakePrometheus;
let dir: string;
before(async () => {
  prom = await startFakePrometheus(podsHandler(1));
  dir = await mkdtemp(join(tmpdir(), 'bg-prom-'));
});
after(async () => {
  await prom.close();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  prom.requests.length = 0;
  prom.handler = podsHandler(1);
});

// On the epoch-aligned 15 s grid, so the agent signals' grid ends at the query end.
const T0 = 1_700_000_010_000;
const Q: MetricQuery = { namespace: 'agents', fromMs: T0 - 60_000, toMs: T0, stepS: 15 };

function cfg(over: Partial<PrometheusConfig> = {}): PrometheusConfig {
  return { ...defaultConfig().prometheus, url: prom.url, timeoutMs: 2000, ...over };
}

/** A logger that keeps every line as JSON text, to search for secrets. */
function capturingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const log = (obj: object, msg?: string): void => {
    lines.push(JSON.stringify({ ...obj, msg }));
  };
  return { lines, debug: log, info: log, warn: log, error: log };
}

function source(over: Partial<PrometheusConfig> = {}, logger?: Logger): PrometheusSource {
  const r = createPrometheusSource(cfg(over), { container: 'agent', ...(logger !== undefined ? { logger } : {}) });
  assert.ok(r.ok);
  return r.value;
}

test('the number of queries per fetch is the same for 1 and 100 pods', async () => {
  const counts: number[] = [];
  let src = source();
  for (const pods of [1, 100]) {
    src = source();
    prom.requests.length = 0;
    prom.handler = podsHandler(pods);
    const r = await src.fetch(Q, new AbortController().signal);
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(new Set(r.value.map((s) => s.pod)).size, pods);
    counts.push(prom.requests.length);
  }
  assert.deepEqual(counts, [src.queriesPerFetch, src.queriesPerFetch]);
  assert.equal(src.queriesPerFetch, 7);
  assert.ok(prom.requests.every((r) => r.path === (/container_/.test(r.query) ? '/api/v1/query' : '/api/v1/query_range')));
  src.close();
  src.close();
});

test('window: raw selectors at the query end over the look-back, agent signals on whole steps back to it', async () => {
  // The first fetch reads from fromMs minus the overlap (step 15 s + ingestion delay 5 s).
  await source().fetch(Q, new AbortController().signal);
  const raw = prom.requests.find((r) => r.query.includes('container_memory'));
  assert.equal(raw?.path, '/api/v1/query');
  assert.equal(Number(raw?.params.get('time')), T0 / 1000);
  assert.match(raw?.query ?? '', /\[90s\]$/);
  const grid = prom.requests.find((r) => r.query.includes('context_tokens'));
  assert.equal(grid?.path, '/api/v1/query_range');
  assert.equal(Number(grid?.params.get('end')), T0 / 1000);
  assert.equal(Number(grid?.params.get('start')), T0 / 1000 - 90);
  assert.equal(grid?.params.get('step'), '15s');
});

test('the next fetch reaches back from the newest sample seen, and returns no sample twice', async () => {
  const src = source();
  const first = await src.fetch(Q, new AbortController().signal);
  assert.ok(first.ok);
  prom.requests.length = 0;
  const again = await src.fetch({ ...Q, fromMs: T0, toMs: T0 + 5_000 }, new AbortController().signal);
  assert.ok(again.ok);
  assert.deepEqual(again.value.map((s) => s.tMs), [T0 + 5_000]); // only the sample the fake stamped since
  const raw = prom.requests.find((r) => r.query.includes('container_memory'));
  // Back from the previous end (T0) by the 20 s overlap, for pods not seen yet: 25 s, in whole steps.
  assert.match(raw?.query ?? '', /\[30s\]$/);
});

test('answers are joined by pod at the raw timestamps into AgentSamples', async () => {
  prom.handler = podsHandler(2);
  const r = await source().fetch(Q, new AbortController().signal);
  assert.ok(r.ok);
  const first = r.value.find((s) => s.pod === 'agents/agent-1' && s.tMs === T0);
  assert.ok(first);
  assert.equal(first.memBytes, 2e6);
  assert.ok(Math.abs(first.cpuCores - 0.2) < 1e-9);
  assert.equal(first.contextTokens, 1001);
  assert.equal(first.tool, 'Bash'); // a tie between Bash and Read (1 each) goes to the first name
  assert.equal(first.toolCalls, 3); // one grid step since the pod's previous sample 15 s before
  assert.equal(r.value.find((s) => s.pod === 'agents/agent-0')?.tool, 'Read'); // Read has 2 in flight
  const times = r.value.filter((s) => s.pod === 'agents/agent-0').map((s) => s.tMs);
  assert.deepEqual(times, [T0 - 75_000, T0 - 60_000, T0 - 45_000, T0 - 30_000, T0 - 15_000, T0]);
});

test('a memory sample without its CPU partner is kept; missing agent signals stay absent', async () => {
  prom.handler = (req) => {
    const time = Number(req.params.get('time'));
    if (req.query.includes('container_memory')) {
      return matrix([{ metric: { pod: 'a' }, values: [[time - 15, '100'], [time, '200']] }]);
    }
    return matrix([]);
  };
  const r = await source().fetch(Q, new AbortController().signal);
  assert.ok(r.ok);
  assert.deepEqual(r.value, [
    { pod: 'agents/a', tMs: T0 - 15_000, memBytes: 100, cpuCores: 0 },
    { pod: 'agents/a', tMs: T0, memBytes: 200, cpuCores: 0 },
  ]);
});

test('raw series without the pod label (a kubelet without --containerd) are not ours: no sample, no error', async () => {
  prom.handler = (req) =>
    req.query.includes('container_memory') ? matrix([{ metric: { pod: '', container: '' }, values: [[T0 / 1000, '1']] }]) : matrix([]);
  const r = await source().fetch(Q, new AbortController().signal);
  assert.deepEqual(r, { ok: true, value: [] });
});

const BAD: ReadonlyArray<readonly [string, { status: number; body: string }, RegExp]> = [
  ['HTTP 500 with HTML', { status: 500, body: '<html>oops</html>' }, /not JSON/],
  ['empty body', { status: 200, body: '' }, /empty body/],
  [
    'status error',
    { status: 400, body: JSON.stringify({ status: 'error', errorType: 'bad_data', error: 'parse error at char 3' }) },
    /bad_data: parse error at char 3/,
  ],
  ['wrong resultType', { status: 200, body: JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [] } }) }, /resultType is vector/],
  ['NaN value', matrix([{ metric: { pod: 'a' }, values: [[1, 'NaN']] }]), /not a finite number/],
  ['+Inf value', matrix([{ metric: { pod: 'a' }, values: [[1, '+Inf']] }]), /not a finite number/],
  ['series without pod label', matrix([{ metric: { instance: 'x' }, values: [[1, '1']] }]), /no 'pod' label/],
  [
    'two series for one pod',
    matrix([
      { metric: { pod: 'a', container: 'x' }, values: [[1, '1']] },
      { metric: { pod: 'a', container: 'y' }, values: [[1, '1']] },
    ]),
    /two series for pod 'a'/,
  ],
];

for (const [name, answer, want] of BAD) {
  test(`a bad answer is a SourceError naming the query: ${name}`, async () => {
    // Raw cAdvisor series may come several per pod (and unlabelled ones are skipped): the aggregation
    // checks concern the agent signals.
    const grid = /pod/.test(name);
    const faulty = grid ? 'context_tokens' : 'container_cpu';
    prom.handler = (req) => (req.query.includes(faulty) ? answer : podsHandler(1)(req));
    const r = await source().fetch(Q, new AbortController().signal);
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.equal(r.error.source, 'prometheus');
    assert.match(r.error.query ?? '', grid ? /burstguard_agent_context_tokens/ : /container_cpu_usage_seconds_total/);
    assert.match(r.error.message, grid ? /^contextTokens: / : /^cpu: /);
    assert.match(r.error.message, want);
  });
}

test('a slow Prometheus times out with a SourceError', async () => {
  prom.handler = (req) => ({ ...podsHandler(1)(req), delayMs: 5000 });
  const r = await source({ timeoutMs: 100 }).fetch(Q, new AbortController().signal);
  assert.equal(r.ok, false);
  if (!r.ok) assert.match(r.error.message, /timed out after 100 ms/);
});

test('the tick signal aborts the queries', async () => {
  prom.handler = (req) => ({ ...podsHandler(1)(req), delayMs: 5000 });
  const ac = new AbortController();
  const pending = source().fetch(Q, ac.signal);
  ac.abort();
  const r = await pending;
  assert.equal(r.ok, false);
  if (!r.ok) assert.match(r.error.message, /aborted/);
});

test('an unreachable Prometheus is a SourceError, not a throw', async () => {
  const r = await source({ url: 'http://127.0.0.1:1' }).fetch(Q, new AbortController().signal);
  assert.equal(r.ok, false);
  if (!r.ok) assert.match(r.error.message, /ECONNREFUSED/);
});

test('the bearer token is sent, re-read when the file changes, and never logged', async () => {
  const tokenFile = join(dir, 'token');
  const secret1 = 'sekrit-token-one-9f8e7d';
  const secret2 = 'sekrit-token-two-1a2b3c';
  await writeFile(tokenFile, `${secret1}\n`);
  const logger = capturingLogger();
  const src = source({ bearerTokenFile: tokenFile }, logger);
  assert.ok((await src.fetch(Q, new AbortController().signal)).ok);
  assert.ok(prom.requests.every((r) => r.headers.authorization === `Bearer ${secret1}`));

  await writeFile(tokenFile, `${secret2}-longer\n`);
  prom.requests.length = 0;
  prom.handler = () => ({ status: 500, body: 'nope' });
  const failed = await src.fetch(Q, new AbortController().signal);
  assert.ok(prom.requests.length > 0 && prom.requests.every((r) => r.headers.authorization === `Bearer ${secret2}-longer`));
  assert.equal(failed.ok, false);

  const everything = [...logger.lines, JSON.stringify(failed)].join('\n');
  assert.ok(logger.lines.length > 0, 'the failure was logged');
  assert.ok(!everything.includes('sekrit'), 'a token leaked into logs or errors');
});

test('no Authorization header without a token file; an unreadable token file is an error', async () => {
  await source().fetch(Q, new AbortController().signal);
  assert.ok(prom.requests.every((r) => r.headers.authorization === undefined));
  const r = await source({ bearerTokenFile: join(dir, 'missing') }).fetch(Q, new AbortController().signal);
  assert.equal(r.ok, false);
  if (!r.ok) assert.match(r.error.message, /ENOENT/);
});

test('an unreadable CA file fails at construction', () => {
  const r = createPrometheusSource(cfg({ caFile: join(dir, 'no-ca.pem') }), { container: '' });
  assert.equal(r.ok, false);
});

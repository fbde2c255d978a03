import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createPrometheusSource } from '../../../src/adapters/prometheus/index.js';
import { defaultConfig } from '../../../src/config/index.js';
import type { AgentSample } from '../../../src/core/types.js';
import { agentWorld, type World, type WorldPod } from './agent-world.js';
import { startFakePrometheus, type FakePrometheus, type SeenRequest } from './fake-prometheus.js';

// The incremental fetch (grid rows carried, raw reads from the newest sample seen) must give the
// controller exactly the samples the full re-read of the look-back gives, whatever the pods do.
const T0 = 1_800_000_000_000;
const MIN = 60_000;
const TICK_MS = 15_000;
const LOOKBACK_MS = 10 * MIN;

let prom: FakePrometheus;
before(async () => {
  prom = await startFakePrometheus(() => ({ status: 500, body: '' }));
});
after(async () => {
  await prom.close();
});

interface Run {
  readonly samples: AgentSample[];
  readonly requests: SeenRequest[];
  readonly failedFetches: number;
}

/**
 * Ticks as src/engine/tick.ts does: the first fetch backfills the look-back in chunks of four ticks,
 * later ones read from the previous end; a failed fetch is read again from the same point next tick.
 */
async function run(world: World, incremental: boolean, ticks: number): Promise<Run> {
  prom.handler = world.handler;
  const src = createPrometheusSource({ ...defaultConfig().prometheus, url: prom.url, timeoutMs: 5000 }, { container: 'agent', incremental });
  assert.ok(src.ok);
  const samples: AgentSample[] = [];
  const requests: SeenRequest[] = [];
  let failedFetches = 0;
  let last: number | undefined;
  for (let k = 1; k <= ticks; k++) {
    const now = T0 + k * TICK_MS;
    world.nowMs = now;
    let from = last ?? now - LOOKBACK_MS;
    do {
      const to = Math.min(now, from + 4 * TICK_MS);
      prom.requests.length = 0;
      const r = await src.value.fetch({ namespace: 'agents', fromMs: from, toMs: to, stepS: 15 }, new AbortController().signal);
      requests.push(...prom.requests);
      if (!r.ok) {
        failedFetches++;
        break;
      }
      samples.push(...r.value);
      last = to;
      from = to;
    } while (from < now);
  }
  src.value.close();
  return { samples, requests, failedFetches };
}

const byPodTime = (a: AgentSample, b: AgentSample): number => (a.pod < b.pod ? -1 : a.pod > b.pod ? 1 : a.tMs - b.tMs);
const sorted = (xs: readonly AgentSample[]): AgentSample[] => [...xs].sort(byPodTime);

/**
 * Pods that start late, end early, fall silent, restart their container, reset their counter or report
 * their context size rarely.
 */
function busyNamespace(): WorldPod[] {
  const end = T0 + 40 * MIN;
  return [
    { name: 'steady', fromMs: T0 - 20 * MIN, toMs: end },
    { name: 'late-start', fromMs: T0 + 7 * MIN, toMs: end },
    { name: 'gone-early', fromMs: T0 - 5 * MIN, toMs: T0 + 9 * MIN },
    { name: 'short-lived', fromMs: T0 + 12 * MIN, toMs: T0 + 15 * MIN },
    { name: 'silent-a-while', fromMs: T0 - 20 * MIN, toMs: end, gap: [T0 + 5 * MIN, T0 + 8 * MIN] },
    { name: 'restarts', fromMs: T0 - 10 * MIN, toMs: end, restartAtMs: T0 + 6 * MIN },
    { name: 'counter-reset', fromMs: T0 - 10 * MIN, toMs: end, resetAtMs: T0 + 11 * MIN },
    { name: 'sparse-context', fromMs: T0 - 10 * MIN, toMs: end, sparseContext: true },
  ];
}

test('incremental and full re-read give the same samples: churn, gaps, restarts, counter resets', async () => {
  const ticks = 44 * 4; // 44 minutes: past every pod's end, so every pod's churn is crossed
  const full = await run(agentWorld(busyNamespace()), false, ticks);
  const inc = await run(agentWorld(busyNamespace()), true, ticks);
  assert.equal(full.failedFetches, 0);
  assert.equal(inc.failedFetches, 0);
  assert.deepEqual(inc.samples, full.samples);
  // Not vacuous: every pod has samples with agent signals and CPU, and no sample comes twice.
  const pods = new Set(inc.samples.map((s) => s.pod));
  assert.equal(pods.size, busyNamespace().length);
  assert.ok(inc.samples.some((s) => s.toolCalls !== undefined && s.toolCalls > 0 && s.tool !== undefined && s.contextTokens !== undefined));
  assert.equal(new Set(inc.samples.map((s) => `${s.pod}@${s.tMs}`)).size, inc.samples.length);
  // ...and it asks for less: the steady grid is the new and unsettled points only.
  const gridPoints = (r: Run): number =>
    r.requests.filter((q) => q.path === '/api/v1/query_range').reduce((n, q) => n + (Number(q.params.get('end')) - Number(q.params.get('start'))) / 15 + 1, 0);
  assert.ok(gridPoints(inc) < gridPoints(full) / 2, `grid points asked: incremental ${gridPoints(inc)}, full ${gridPoints(full)}`);
});

test('every raw memory sample stamped before the end is read exactly once, incremental or not', async () => {
  const world = agentWorld(busyNamespace());
  const inc = await run(world, true, 44 * 4);
  const seen = new Set(inc.samples.map((s) => `${s.pod}@${s.tMs}`));
  const expected = world.memorySamples.filter((s) => s.tMs >= T0 + TICK_MS - LOOKBACK_MS - 20_000 && s.tMs <= T0 + 44 * MIN - 10_000);
  for (const s of expected) assert.ok(seen.has(`agents/${s.pod}@${s.tMs}`), `missing ${s.pod}@${s.tMs}`);
});

test('a Prometheus error part-way through a fetch loses and duplicates nothing', async () => {
  const ticks = 30 * 4;
  const reference = sorted((await run(agentWorld(busyNamespace()), false, ticks)).samples);
  for (const incremental of [true, false]) {
    const world = agentWorld(busyNamespace());
    let calls = 0;
    world.intercept = (req) => {
      calls++;
      const now = world.nowMs;
      // A CPU answer cut mid-way by a malformed series (after others were folded), at two ticks…
      if ((now === T0 + 40 * TICK_MS || now === T0 + 41 * TICK_MS) && req.query.includes('container_cpu')) {
        return {
          status: 200,
          body: JSON.stringify({
            status: 'success',
            data: { resultType: 'matrix', result: [{ metric: { pod: 'steady' }, values: [[now / 1000, '1']] }, { metric: { pod: 'x' }, values: [[now / 1000, 'NaN']] }] },
          }),
        };
      }
      // …and a failing agent query, after the raw answers were folded, at another.
      if (now === T0 + 77 * TICK_MS && req.query.includes('retries_total')) return { status: 503, body: 'unavailable' };
      return undefined;
    };
    const got = await run(world, incremental, ticks);
    assert.ok(calls > 0);
    assert.equal(got.failedFetches, 3);
    assert.deepEqual(sorted(got.samples), reference, `incremental=${incremental}`);
  }
});

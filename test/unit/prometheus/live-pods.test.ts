import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createPrometheusSource } from '../../../src/adapters/prometheus/index.js';
import { defaultConfig } from '../../../src/config/index.js';
import type { AgentSample } from '../../../src/core/types.js';
import { agentWorld, type WorldPod } from './agent-world.js';
import { startFakePrometheus, type FakePrometheus } from './fake-prometheus.js';

// A deleted pod's newest raw sample must not hold every raw read back to ten minutes once the engine
// says which pods it still has (MetricQuery.livePods); the live pods' samples stay the same.
const T0 = 1_800_000_000_000;
const MIN = 60_000;
const TICK_MS = 15_000;

let prom: FakePrometheus;
before(async () => {
  prom = await startFakePrometheus(() => ({ status: 500, body: '' }));
});
after(async () => {
  await prom.close();
});

const PODS: readonly WorldPod[] = [
  { name: 'steady', fromMs: T0 - 20 * MIN, toMs: T0 + 30 * MIN },
  { name: 'deleted', fromMs: T0 - 10 * MIN, toMs: T0 + 3 * MIN },
];

/** Ticks from T0 + 1 tick; returns the samples and each tick's raw window (seconds, from `[Ns]`). */
async function run(withLivePods: boolean, ticks: number): Promise<{ samples: AgentSample[]; rawWindowsS: number[] }> {
  const world = agentWorld(PODS);
  prom.handler = world.handler;
  const src = createPrometheusSource({ ...defaultConfig().prometheus, url: prom.url, timeoutMs: 5000 }, { container: 'agent' });
  assert.ok(src.ok);
  const samples: AgentSample[] = [];
  const rawWindowsS: number[] = [];
  let from = T0 - 5 * MIN;
  for (let k = 1; k <= ticks; k++) {
    const now = T0 + k * TICK_MS;
    world.nowMs = now;
    // The cluster view: a pod is there until it is deleted.
    const livePods = new Set(PODS.filter((p) => p.toMs >= now).map((p) => `agents/${p.name}`));
    prom.requests.length = 0;
    const r = await src.value.fetch({ namespace: 'agents', fromMs: from, toMs: now, stepS: 15, ...(withLivePods ? { livePods } : {}) }, new AbortController().signal);
    assert.ok(r.ok, r.ok ? '' : r.error.message);
    samples.push(...r.value);
    const raw = prom.requests.find((q) => q.path.endsWith('/api/v1/query'));
    rawWindowsS.push(Number(/\[(\d+)s\]/.exec(raw?.query ?? '')?.[1]));
    from = now;
  }
  src.value.close();
  return { samples, rawWindowsS };
}

test('a deleted pod stops stretching the raw reads; the live pods get the same samples', async () => {
  const ticks = 40;
  const without = await run(false, ticks);
  const withLive = await run(true, ticks);
  // Two minutes after the deletion (tick 20 on): without the live pods the window reaches back to the
  // deleted pod's last sample, growing by a tick each tick (to ten minutes, when the pod is forgotten);
  // with them it is the steady read of a few scrape intervals.
  const late = (xs: number[]): number[] => xs.slice(20);
  assert.ok(Math.min(...late(without.rawWindowsS)) >= 120 && (without.rawWindowsS[ticks - 1] ?? 0) >= 400, `without livePods: ${late(without.rawWindowsS).join(',')}`);
  assert.ok(Math.max(...late(withLive.rawWindowsS)) <= 60, `with livePods: ${late(withLive.rawWindowsS).join(',')}`);
  const steady = (xs: AgentSample[]): string[] => xs.filter((s) => s.pod === 'agents/steady').map((s) => JSON.stringify(s));
  assert.deepEqual(steady(withLive.samples), steady(without.samples));
  assert.ok(steady(withLive.samples).length >= 30, `${steady(withLive.samples).length} samples of the steady pod`);
});

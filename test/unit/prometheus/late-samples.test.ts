import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createPrometheusSource } from '../../../src/adapters/prometheus/index.js';
import { defaultConfig } from '../../../src/config/index.js';
import type { AgentSample } from '../../../src/core/types.js';
import { cadvisorTimeline, type Timeline } from './cadvisor-timeline.js';
import { podsHandler, startFakePrometheus, type FakePrometheus } from './fake-prometheus.js';

// The real-node measurement (issue 11): scrape and tick every 5 s, cAdvisor stamps every 10–20 s, samples
// arrive 0.5–5 s late. The controller must read every sample once, memory and CPU both.
const T0 = 1_700_000_000_000;
const TICK_MS = 5000;

let prom: FakePrometheus;
before(async () => {
  prom = await startFakePrometheus(podsHandler(0));
});
after(async () => {
  await prom.close();
});

/** Runs ticks like src/engine/tick.ts does (each fetch from the previous tick's end) over the timeline. */
async function runTicks(tl: Timeline, untilMs: number): Promise<AgentSample[]> {
  prom.handler = tl.handler;
  const r = createPrometheusSource({ ...defaultConfig().prometheus, url: prom.url, timeoutMs: 5000 }, { container: 'agent' });
  assert.ok(r.ok);
  const src = r.value;
  const out: AgentSample[] = [];
  let from = T0;
  for (let now = T0 + TICK_MS; now <= untilMs; now += TICK_MS) {
    tl.nowMs = now;
    const got = await src.fetch({ namespace: 'agents', fromMs: from, toMs: now, stepS: 5 }, new AbortController().signal);
    assert.ok(got.ok, JSON.stringify(got));
    out.push(...got.value);
    from = now;
  }
  src.close();
  return out;
}

test('late, irregular cAdvisor samples: every sample is read exactly once, with its own timestamp', async () => {
  const end = T0 + 10 * 60_000;
  const tl = cadvisorTimeline({ pods: 3, fromMs: T0, toMs: end - 30_000 });
  const seen = await runTicks(tl, end);
  const key = (pod: string, t: number): string => `${pod}@${t}`;
  const got = new Map<string, AgentSample>();
  for (const s of seen) {
    assert.ok(!got.has(key(s.pod, s.tMs)), `sample ${s.pod}@${s.tMs} read twice`);
    got.set(key(s.pod, s.tMs), s);
  }
  let found = 0;
  for (const raw of tl.samples) {
    const s = got.get(key(`agents/${raw.pod}`, raw.tMs));
    if (s === undefined) continue;
    found++;
    assert.equal(s.memBytes, raw.memBytes);
  }
  const share = found / tl.samples.length;
  assert.equal(share, 1, `saw ${Math.round(share * 100)} % of ${tl.samples.length} samples`);
});

test('CPU from counter deltas survives sample spacing above the scrape interval; memory never waits on CPU', async () => {
  const end = T0 + 5 * 60_000;
  const cores = (i: number): number => 0.25 * (i + 1);
  const tl = cadvisorTimeline({ pods: 2, fromMs: T0, toMs: end - 30_000, cores, seed: 3 });
  const seen = await runTicks(tl, end);
  const firsts = new Set<string>();
  for (const s of seen) {
    const i = Number(s.pod.split('-').pop());
    // The first sample of a pod has no earlier counter value: its CPU is unknown, memory is still there.
    if (!firsts.has(s.pod)) {
      firsts.add(s.pod);
      continue;
    }
    assert.ok(Math.abs(s.cpuCores - cores(i)) < 1e-6, `${s.pod}@${s.tMs}: cpu ${s.cpuCores}, expected ${cores(i)}`);
  }
  // Every pod's every sample is there, including those whose CPU partner is unknown.
  assert.equal(seen.length, tl.samples.length);
});

test('the query count per fetch stays constant in pod count with the look-back window', async () => {
  const counts: number[] = [];
  for (const pods of [1, 40]) {
    const tl = cadvisorTimeline({ pods, fromMs: T0, toMs: T0 + 60_000 });
    prom.requests.length = 0;
    await runTicks(tl, T0 + 60_000);
    counts.push(prom.requests.length);
  }
  assert.equal(counts[0], counts[1]);
});

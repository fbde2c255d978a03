import { test } from 'node:test';
import assert from 'node:assert/strict';
import { replayReplicas } from '../../../bench/replicas/replay.js';
import { replicasRun } from '../../../bench/replicas/policies.js';
import { DEFAULT_REPLICAS_SETTINGS, type ReplicasSettings } from '../../../bench/replicas/settings.js';
import type { AgentSample } from '../../../src/core/types.js';
import type { Policy } from '../../../src/policy/policy.js';
import { defaultPolicySettings } from '../../../src/policy/registry.js';
import type { TraceSample } from '../../../src/trace/types.js';
import { engine, flat, header, sorted, streamOf } from './fixtures.js';

const cfg: ReplicasSettings = { ...DEFAULT_REPLICAS_SETTINGS, minReplicas: 1, maxReplicas: 60 };

/** A trickle of one 100 s session a minute for 20 min, then 24 sessions arriving over 2 minutes, then the trickle again. */
function burstyTrace(): TraceSample[] {
  const parts: TraceSample[][] = [];
  for (let k = 0; k < 20; k++) parts.push(flat(`calm${k}`, k * 60, k * 60 + 100, 100));
  for (let k = 0; k < 24; k++) parts.push(flat(`burst${k}`, 1200 + k * 5, 1200 + k * 5 + 300, 100));
  for (let k = 0; k < 10; k++) parts.push(flat(`late${k}`, 1500 + k * 60, 1500 + k * 60 + 100, 100));
  return sorted(...parts);
}

const replay = (policy: Policy, autoscaler: 'keda' | 'fixed', name: string) =>
  replayReplicas({ header, open: streamOf(burstyTrace()), policy, autoscaler, settings: cfg, engine: engine(), warmupS: 0, name }, () => 0);

function run(name: string): ReturnType<typeof replay> {
  const r = replicasRun(name, cfg, engine(), defaultPolicySettings());
  assert.ok(r.ok);
  return replay(r.value.policy, r.value.autoscaler, name);
}

test('the policy sees one lagged sample per queued or running session per scrape, keyed by session', async () => {
  const seen: AgentSample[] = [];
  const nowAt: number[] = [];
  const spy: Policy<null> = {
    name: 'spy',
    init: () => null,
    observe: (_s, samples, ctx) => {
      for (const s of samples) {
        seen.push(s);
        nowAt.push(ctx.nowMs);
      }
    },
    recommend: () => [],
  };
  await replay(spy, 'keda', 'spy');
  const t0 = Date.UTC(2026, 0, 1);
  const first = seen.find((s) => s.pod.endsWith('/burst0'));
  assert.ok(first, 'burst0 is seen');
  assert.equal(first.agentClass, 'swe');
  assert.ok(first.tMs >= t0 + 1200_000, 'never before the session arrived');
  seen.forEach((s, i) => assert.ok((nowAt[i] ?? 0) - s.tMs >= 10_000, 'served only after the 10 s scrape lag'));
  assert.ok(seen.some((s) => s.pod.includes('/burst') && s.memBytes === 0), 'a queued session shows with no usage yet');
  const scrapeTimes = new Set(seen.map((s) => s.tMs));
  for (const t of scrapeTimes) assert.equal((t - t0) % 15_000, 0, 'scrapes every 15 s');
});

test('predictive pre-warms after the first arrivals of a burst: shorter queue waits than KEDA alone', async () => {
  const keda = await run('keda');
  const predictive = await run('predictive');
  assert.ok(predictive.timeline.some((p) => p.minReplicas > 1), 'minReplicaCount was raised');
  assert.ok(predictive.row.queueWaitP95Seconds < keda.row.queueWaitP95Seconds, `p95 ${predictive.row.queueWaitP95Seconds} vs keda ${keda.row.queueWaitP95Seconds}`);
  assert.ok(predictive.timeline.every((p) => p.minReplicas <= cfg.maxReplicas));
  assert.equal(predictive.timeline[predictive.timeline.length - 1]?.minReplicas, 1, 'restored after the burst');
});

test('replicas replays with predictive are deterministic', async () => {
  const a = await run('predictive');
  const b = await run('predictive');
  assert.equal(JSON.stringify(a), JSON.stringify(b));
});

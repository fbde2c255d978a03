import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hpaDesired, newHpaState } from '../../../bench/replicas/hpa.js';
import { createReplicasOracle } from '../../../bench/replicas/oracle.js';
import { quantile, replayReplicas } from '../../../bench/replicas/replay.js';
import { DEFAULT_REPLICAS_SETTINGS, type ReplicasSettings } from '../../../bench/replicas/settings.js';
import { replicasRun, REPLICAS_POLICY_NAMES } from '../../../bench/replicas/policies.js';
import { defaultPolicySettings } from '../../../src/policy/registry.js';
import type { TraceSample } from '../../../src/trace/types.js';
import { engine, flat, header, idle, sorted, streamOf } from './fixtures.js';

const cfg: ReplicasSettings = { ...DEFAULT_REPLICAS_SETTINGS, minReplicas: 1, maxReplicas: 50 };

test('HPA formula: desired = ceil(metric / target), within tolerance nothing changes, scale-up bounded', () => {
  const cases: Array<{ current: number; metric: number; want: number; why: string }> = [
    { current: 10, metric: 10.9, want: 10, why: 'ratio 1.09 is inside the 0.1 tolerance' },
    { current: 10, metric: 11.5, want: 12, why: 'ratio 1.15: ceil(11.5)' },
    { current: 2, metric: 30, want: 6, why: 'scale-up limited to max(+4, ×2) per period' },
    { current: 1, metric: 0, want: 1, why: 'never below minReplicas' },
    { current: 40, metric: 80, want: 50, why: 'never above maxReplicas' },
  ];
  for (const c of cases) assert.equal(hpaDesired(newHpaState(), { tS: 0, current: c.current, metric: c.metric, minReplicas: 1, cfg }), c.want, c.why);
});

test('HPA scale-down waits for the stabilization window', () => {
  const s = newHpaState();
  assert.equal(hpaDesired(s, { tS: 0, current: 10, metric: 10, minReplicas: 1, cfg }), 10);
  assert.equal(hpaDesired(s, { tS: 30, current: 10, metric: 2, minReplicas: 1, cfg }), 10, 'the 10 of 30 s ago still stands');
  assert.equal(hpaDesired(s, { tS: 299, current: 10, metric: 2, minReplicas: 1, cfg }), 10);
  assert.equal(hpaDesired(s, { tS: 301, current: 10, metric: 2, minReplicas: 1, cfg }), 2, 'after 300 s the highest recent recommendation is 2');
});

/** `n` sessions of `len` seconds arriving together at `at`. */
function wave(prefix: string, at: number, n: number, len: number): TraceSample[][] {
  return Array.from({ length: n }, (_, i) => flat(`${prefix}${i}`, at, at + len, 100));
}

function trace(): TraceSample[] {
  return sorted(...wave('a', 0, 1, 900), ...wave('b', 300, 8, 200), ...wave('c', 700, 8, 200));
}

const run = (policy: Parameters<typeof replayReplicas>[0]['policy'], autoscaler: 'keda' | 'fixed', settings = cfg) =>
  replayReplicas({ header, open: streamOf(trace()), policy, autoscaler, settings, engine: engine(), warmupS: 0 }, () => 0);

test('with KEDA a burst waits for cold starts; a fixed pool large enough does not', async () => {
  const keda = await run({ ...idle, name: 'keda' }, 'keda');
  assert.ok(keda.row.queueWaitP95Seconds >= cfg.coldStartS, `p95 wait ${keda.row.queueWaitP95Seconds}`);
  assert.ok(keda.row.coldStarts >= 8);
  assert.equal(keda.row.sessionsCompleted, 17);
  const fixed = await run({ ...idle, name: 'static' }, 'fixed', { ...cfg, staticReplicas: 10 });
  assert.equal(fixed.row.queueWaitP95Seconds, 0);
  assert.equal(fixed.row.coldStarts, 0);
  assert.ok(fixed.row.replicaHours > keda.row.replicaHours, 'and pays for it in replica-hours');
});

test('the oracle pre-warms through minReplicaCount: shorter waits than KEDA alone', async () => {
  const horizonS = cfg.coldStartS + cfg.pollingIntervalS + engine().tickIntervalS;
  const oracle = await run(createReplicasOracle({ horizonS, sessionsPerReplica: 1 }), 'keda');
  const keda = await run({ ...idle, name: 'keda' }, 'keda');
  assert.ok(oracle.row.queueWaitP95Seconds < keda.row.queueWaitP95Seconds, `${oracle.row.queueWaitP95Seconds} vs ${keda.row.queueWaitP95Seconds}`);
  assert.ok(oracle.timeline.some((p) => p.minReplicas > 1));
});

test('a session that waits longer than maxQueueWaitS gives up and counts as failed', async () => {
  const out = await run({ ...idle, name: 'static' }, 'fixed', { ...cfg, staticReplicas: 1, maxQueueWaitS: 100 });
  assert.ok(out.row.sessionsFailed > 0);
});

test('replicas replays are deterministic', async () => {
  const a = await run({ ...idle, name: 'keda' }, 'keda');
  const b = await run({ ...idle, name: 'keda' }, 'keda');
  assert.equal(JSON.stringify(a), JSON.stringify(b));
});

test('nearest-rank quantiles', () => {
  assert.equal(quantile([], 0.5), 0);
  assert.equal(quantile([1, 2, 3, 4], 0.5), 2);
  assert.equal(quantile([1, 2, 3, 4], 0.95), 4);
});

test('every replicas policy name builds a row; unknown names are refused', () => {
  for (const name of REPLICAS_POLICY_NAMES) {
    const r = replicasRun(name, cfg, engine(), defaultPolicySettings());
    assert.ok(r.ok, name);
    assert.equal(r.value.autoscaler, name === 'static' ? 'fixed' : 'keda');
  }
  assert.ok(!replicasRun('nope', cfg, engine(), defaultPolicySettings()).ok);
});

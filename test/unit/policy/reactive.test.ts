import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GiB, MiB } from '../../../src/core/resources.js';
import type { PodView } from '../../../src/core/types.js';
import type { PolicyContext, ResizeRecommendation } from '../../../src/policy/policy.js';
import { createReactivePolicy, DEFAULT_REACTIVE_OPTIONS } from '../../../src/policy/reactive.js';
import { pod } from '../../support/fakes.js';

// The fake pod: requests 512Mi/250m, limits 1Gi/1 core.
const T0 = 1_700_000_000_000;

function step(p: ReturnType<typeof createReactivePolicy>, s: ReturnType<ReturnType<typeof createReactivePolicy>['init']>, view: PodView, nowMs: number, use: readonly [mem: number, cpu: number]): ResizeRecommendation[] {
  const [mem, cpu] = use;
  const ctx: PolicyContext = { nowMs, pods: [view], scaledObjects: [] };
  p.observe(s, [{ pod: view.key, tMs: nowMs - 1000, memBytes: mem, cpuCores: cpu }], ctx);
  return p.recommend(s, ctx) as ResizeRecommendation[];
}

test('usage past the threshold of the limit raises that limit by the grow factor', () => {
  const cases = [
    { name: 'memory 95 %', mem: 0.95 * GiB, cpu: 0.1, want: { memBytes: 1.5 * GiB, cpuCores: 1 } },
    { name: 'cpu 95 %', mem: 100 * MiB, cpu: 0.95, want: { memBytes: 1 * GiB, cpuCores: 1.5 } },
    { name: 'both', mem: 1 * GiB, cpu: 1, want: { memBytes: 1.5 * GiB, cpuCores: 1.5 } },
  ];
  for (const c of cases) {
    const p = createReactivePolicy(DEFAULT_REACTIVE_OPTIONS);
    const [r, ...rest] = step(p, p.init(), pod('a'), T0, [c.mem, c.cpu]);
    assert.ok(r, c.name);
    assert.equal(rest.length, 0);
    assert.deepEqual(r.limits, c.want, c.name);
    assert.ok(r.requests.memBytes <= r.limits.memBytes && r.requests.cpuCores <= r.limits.cpuCores);
    // Requests keep their ratio to the limit: 512Mi:1Gi and 250m:1.
    assert.ok(Math.abs(r.requests.memBytes / r.limits.memBytes - 0.5) < 1e-9, c.name);
    assert.match(r.reason, /reactive: .*of its limit \(> 90%\): limit ×1.5/);
  }
});

test('usage between the low and high thresholds changes nothing', () => {
  const p = createReactivePolicy(DEFAULT_REACTIVE_OPTIONS);
  const s = p.init();
  for (let i = 0; i < 100; i++) assert.deepEqual(step(p, s, pod('a'), T0 + i * 15_000, [0.7 * GiB, 0.7]), []);
});

test('low usage for lowForS shrinks the limit to the low-period peak × headroom', () => {
  const p = createReactivePolicy(DEFAULT_REACTIVE_OPTIONS);
  const s = p.init();
  const out: ResizeRecommendation[] = [];
  for (let i = 0; i <= 21; i++) out.push(...step(p, s, pod('a'), T0 + i * 15_000, [(i === 3 ? 300 : 200) * MiB, 0.6]));
  assert.equal(out.length, 1, 'one shrink after 300 s');
  const r = out[0];
  assert.ok(r);
  assert.ok(Math.abs(r.limits.memBytes - 300 * MiB * 1.3) < 1, `limit ${r.limits.memBytes / MiB}Mi`);
  assert.equal(r.limits.cpuCores, 1, 'cpu at 60 % is not low');
  assert.match(r.reason, /memory under 50% of its limit for 300 s/);
});

test('a burst in the middle of a low period restarts the wait', () => {
  const p = createReactivePolicy(DEFAULT_REACTIVE_OPTIONS);
  const s = p.init();
  let n = 0;
  for (let i = 0; i <= 21; i++) n += step(p, s, pod('a'), T0 + i * 15_000, [(i === 15 ? 700 : 200) * MiB, 0.6]).length;
  assert.equal(n, 0);
});

test('an OOM kill raises the memory limit even without a fresh high sample', () => {
  const p = createReactivePolicy(DEFAULT_REACTIVE_OPTIONS);
  const s = p.init();
  const [r] = step(p, s, pod('a', { lastOomAtMs: T0 - 5000 }), T0, [100 * MiB, 0.6]);
  assert.ok(r);
  assert.equal(r.limits.memBytes, 1.5 * GiB);
  assert.match(r.reason, /OOM-killed/);
  assert.deepEqual(step(p, s, pod('a', { lastOomAtMs: T0 - 5000 }), T0 + 15_000, [100 * MiB, 0.6]), [], 'the same OOM counts once');
});

test('pods without new samples get nothing', () => {
  const p = createReactivePolicy(DEFAULT_REACTIVE_OPTIONS);
  const s = p.init();
  step(p, s, pod('a'), T0, [0.99 * GiB, 0.1]);
  assert.deepEqual(p.recommend(s, { nowMs: T0 + 15_000, pods: [pod('a')], scaledObjects: [] }), []);
});

test('options change the thresholds', () => {
  const p = createReactivePolicy({ ...DEFAULT_REACTIVE_OPTIONS, thresholdFraction: 0.5, growFactor: 2 });
  const [r] = step(p, p.init(), pod('a'), T0, [0.6 * GiB, 0.1]);
  assert.equal(r?.limits.memBytes, 2 * GiB);
});

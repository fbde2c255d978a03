import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GiB, MiB } from '../../../src/core/resources.js';
import type { AgentSample, PodView } from '../../../src/core/types.js';
import type { PolicyContext, ResizeRecommendation } from '../../../src/policy/policy.js';
import { createVpaPolicy, DEFAULT_VPA_OPTIONS, type VpaOptions, type VpaState } from '../../../src/policy/vpa/index.js';
import { pod } from '../../support/fakes.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const T0 = 1_700_000_000_000;

/** Drives the policy minute by minute with constant usage per pod, as the engine would. */
function drive(opts: Partial<VpaOptions>, pods: () => PodView[], usage: (p: PodView) => { mem: number; cpu: number }, minutes: number, start = T0) {
  const policy = createVpaPolicy({ ...DEFAULT_VPA_OPTIONS, ...opts });
  const state = policy.init();
  const recs: Array<{ tMs: number; recs: ResizeRecommendation[] }> = [];
  for (let m = 0; m < minutes; m++) {
    const nowMs = start + m * MIN;
    const view = pods();
    const ctx: PolicyContext = { nowMs, pods: view, scaledObjects: [] };
    const samples: AgentSample[] = view.map((p) => ({ pod: p.key, tMs: nowMs - 15_000, memBytes: usage(p).mem, cpuCores: usage(p).cpu }));
    policy.observe(state, samples, ctx);
    recs.push({ tMs: nowMs, recs: policy.recommend(state, ctx).filter((r): r is ResizeRecommendation => r.kind === 'resize') });
  }
  return { policy, state, recs, all: recs.flatMap((r) => r.recs) };
}

const classRec = (state: VpaState, cls = 'swe') => {
  const r = state.recommendations.get(cls);
  assert.ok(r, `a recommendation for ${cls}`);
  return r;
};

test('no recommendation and no action before any sample has been taken', () => {
  const policy = createVpaPolicy(DEFAULT_VPA_OPTIONS);
  const state = policy.init();
  const ctx: PolicyContext = { nowMs: T0, pods: [pod('a')], scaledObjects: [] };
  policy.observe(state, [], ctx);
  assert.deepEqual(policy.recommend(state, ctx), []);
  assert.equal(state.recommendations.size, 0);
});

test('a pod requesting less than the lower bound is raised to target, keeping its request:limit ratio', () => {
  // Requests 512Mi/250m with limits 1Gi/1 (ratio 2 and 4); it uses 1.5Gi and 0.8 core.
  // Young pods (started with the run), so only the bounds rule can fire; the lower bound closes in within minutes.
  const { all, state } = drive({}, () => [pod('a', { startedAtMs: T0 }), pod('b', { startedAtMs: T0 })], () => ({ mem: 1.5 * GiB, cpu: 0.8 }), 30);
  const rec = classRec(state);
  const r = all.find((x) => x.pod === 'agents/a');
  assert.ok(r, 'pod a updated');
  assert.match(r.reason, /outside the recommended \[lower, upper\] bounds/);
  assert.equal(r.requests.memBytes, rec.target.memBytes);
  assert.ok(r.requests.memBytes >= 1.5 * GiB * 1.15, 'p90 + 15 %');
  assert.ok(Math.abs(r.limits.memBytes / r.requests.memBytes - 2) < 1e-9, 'memory ratio kept');
  assert.ok(Math.abs(r.limits.cpuCores / r.requests.cpuCores - 4) < 1e-9, 'cpu ratio kept');
  assert.equal(typeof r.inputs.targetMemBytes, 'number');
});

test('young pods within bounds are left alone; at 12 h with ResourceDiff ≥ 0.1 they are updated', () => {
  // Requests sit inside [lower, upper] but ~40 % above target: only the lifetime rule can fire.
  const opts: Partial<VpaOptions> = { emulateAdmission: false };
  const target = (state: VpaState) => classRec(state).target;
  const warm = drive(opts, () => [pod('a', { requests: { memBytes: 900 * MiB, cpuCores: 0.25 } })], () => ({ mem: 500 * MiB, cpu: 0.2 }), 90);
  const t = target(warm.state);
  const within = { memBytes: t.memBytes * 1.4, cpuCores: t.cpuCores * 1.4 };
  const young = drive(opts, () => [pod('a', { requests: within, startedAtMs: T0 })], () => ({ mem: 500 * MiB, cpu: 0.2 }), 90);
  const rec = classRec(young.state);
  assert.ok(within.memBytes < rec.upper.memBytes && within.memBytes > rec.lower.memBytes, 'inside the bounds');
  assert.equal(young.all.length, 0, 'young pod not updated');
  const old = drive(opts, () => [pod('a', { requests: within, startedAtMs: T0 - 12 * HOUR })], () => ({ mem: 500 * MiB, cpu: 0.2 }), 90);
  assert.ok(old.all.length > 0, 'old pod updated');
  assert.match(old.all[0]?.reason ?? '', /lifetime threshold/);
});

test('a quick OOM bumps the memory recommendation and updates the pod', () => {
  const oom: { at?: number } = {};
  const view = () => [pod('a', { startedAtMs: T0, lastOomAtMs: oom.at }), pod('b', { startedAtMs: T0 })];
  const policy = createVpaPolicy({ ...DEFAULT_VPA_OPTIONS, emulateAdmission: false });
  const state = policy.init();
  const step = (m: number) => {
    const nowMs = T0 + m * MIN;
    const ctx: PolicyContext = { nowMs, pods: view(), scaledObjects: [] };
    policy.observe(state, ctx.pods.map((p) => ({ pod: p.key, tMs: nowMs - 1000, memBytes: 400 * MiB, cpuCores: 0.2 })), ctx);
    return policy.recommend(state, ctx) as ResizeRecommendation[];
  };
  for (let m = 0; m < 5; m++) step(m);
  const before = classRec(state).target.memBytes;
  oom.at = T0 + 5 * MIN - 5000; // 5 min after start: a quick OOM; request 512Mi → bump to 612Mi
  const recs = step(5);
  const after = classRec(state).target.memBytes;
  assert.ok(after > before, `target rose from ${before / MiB}Mi to ${after / MiB}Mi`);
  assert.ok(after >= 612 * MiB, 'bumped sample dominates p90 with two pods');
  const r = recs.find((x) => x.pod === 'agents/a');
  assert.ok(r, 'OOM-killed pod updated');
  assert.ok(r.requests.memBytes >= 612 * MiB);
});

test('admission: a pod created after its class has a recommendation starts with the target, limits in ratio', () => {
  const policy = createVpaPolicy(DEFAULT_VPA_OPTIONS);
  const state = policy.init();
  const template = { key: 'agents/late', agentClass: 'swe', requests: { memBytes: 4 * GiB, cpuCores: 2 }, limits: { memBytes: 8 * GiB, cpuCores: 4 } };
  assert.equal(policy.admit?.(state, template, T0), undefined, 'no recommendation yet: the webhook leaves the template');
  for (let m = 0; m < 5; m++) {
    const nowMs = T0 + m * MIN;
    const ctx: PolicyContext = { nowMs, pods: [pod('a')], scaledObjects: [] };
    policy.observe(state, [{ pod: 'agents/a', tMs: nowMs - 1000, memBytes: 300 * MiB, cpuCores: 0.1 }], ctx);
  }
  const r = policy.admit?.(state, template, T0 + 5 * MIN);
  assert.ok(r);
  assert.match(r.reason, /admission/);
  assert.deepEqual(r.requests, classRec(state).target);
  assert.ok(Math.abs(r.limits.memBytes / r.requests.memBytes - 2) < 1e-9);
  assert.ok(Math.abs(r.limits.cpuCores / r.requests.cpuCores - 2) < 1e-9);
  const off = createVpaPolicy({ ...DEFAULT_VPA_OPTIONS, emulateAdmission: false });
  assert.equal(off.admit?.(state, template, T0 + 5 * MIN), undefined, 'emulateAdmission: false turns the webhook off');
});

test('vpa-requests-only: requests move to target capped at the limit, limits stay', () => {
  const policy = createVpaPolicy(DEFAULT_VPA_OPTIONS, 'RequestsOnly');
  assert.equal(policy.name, 'vpa-requests-only');
  const state = policy.init();
  const recs: ResizeRecommendation[] = [];
  for (let m = 0; m < 10; m++) {
    const nowMs = T0 + m * MIN;
    const ctx: PolicyContext = { nowMs, pods: [pod('a', { limits: { memBytes: 1 * GiB, cpuCores: 1 } })], scaledObjects: [] };
    policy.observe(state, [{ pod: 'agents/a', tMs: nowMs - 1000, memBytes: 1.5 * GiB, cpuCores: 0.8 }], ctx);
    recs.push(...(policy.recommend(state, ctx) as ResizeRecommendation[]));
  }
  const r = recs[0];
  assert.ok(r);
  assert.equal(r.requests.memBytes, 1 * GiB, 'target (≥ 1.7Gi) capped at the 1Gi limit');
  assert.deepEqual(r.limits, { memBytes: 1 * GiB, cpuCores: 1 });
});

test('the updater runs once per updater interval, not on every tick', () => {
  const policy = createVpaPolicy({ ...DEFAULT_VPA_OPTIONS, emulateAdmission: false });
  const state = policy.init();
  const counts: number[] = [];
  for (let i = 0; i < 8; i++) {
    const nowMs = T0 + i * 15_000;
    const ctx: PolicyContext = { nowMs, pods: [pod('a'), pod('b')], scaledObjects: [] };
    policy.observe(state, ctx.pods.map((p) => ({ pod: p.key, tMs: nowMs - 1000, memBytes: 2 * GiB, cpuCores: 1 })), ctx);
    counts.push(policy.recommend(state, ctx).length);
  }
  // Loops at 0 s and 60 s only (ticks every 15 s).
  assert.deepEqual(counts.map((c) => c > 0), [true, false, false, false, true, false, false, false]);
});

test('InPlace mode: every qualified pod is patched, the budget notwithstanding; minReplicas still holds', () => {
  // Upstream's CanInPlaceUpdate answers Deferred once the budget is spent, and RunOnce patches Deferred pods in InPlace mode.
  const pods = () => ['a', 'b', 'c', 'd'].map((n) => pod(n));
  const { recs } = drive({}, pods, () => ({ mem: 2 * GiB, cpu: 1 }), 1);
  assert.equal(recs[0]?.recs.length, 4);
  const strict = drive({ minReplicas: 2 }, () => [pod('a')], () => ({ mem: 2 * GiB, cpu: 1 }), 3);
  assert.equal(strict.all.length, 0, 'upstream default minReplicas 2 skips single-pod groups');
});

test('pods of one class share one aggregate; classes are separate', () => {
  const pods = () => [pod('a'), pod('b'), pod('x', { agentClass: 'browser' })];
  const { state } = drive({}, pods, (p) => (p.agentClass === 'browser' ? { mem: 3 * GiB, cpu: 2 } : { mem: 300 * MiB, cpu: 0.1 }), 20);
  assert.equal(state.aggregates.size, 2);
  assert.equal(state.aggregates.get('swe')?.totalSamples, 40);
  assert.ok(classRec(state, 'browser').target.memBytes > 3 * GiB);
  assert.ok(classRec(state, 'swe').target.memBytes < 1 * GiB);
});

test('pods with a resize Deferred, in progress or in Error are patched again; Infeasible retries only for a lower target', () => {
  const view = (phase: PodView['resize']) => () => [pod('a', { resize: phase }), pod('b', { resize: phase })];
  for (const phase of [{ phase: 'in-progress' as const }, { phase: 'deferred' as const, message: 'x' }, { phase: 'error' as const, message: 'x' }]) {
    const r = drive({}, view(phase), () => ({ mem: 2 * GiB, cpu: 1 }), 1);
    assert.equal(r.all.length, 2, phase.phase);
  }
  // Infeasible: the first patch is sent and remembered; the target keeps rising, so no retry after it.
  const inf = drive({}, view({ phase: 'infeasible', message: 'node too small' }), () => ({ mem: 2 * GiB, cpu: 1 }), 3);
  assert.deepEqual(inf.recs.map((r) => r.recs.length), [2, 0, 0]);
});

test('same samples in the same order give the same recommendations', () => {
  const run = () => JSON.stringify(drive({}, () => [pod('a'), pod('b')], (p) => ({ mem: (p.key.endsWith('a') ? 700 : 900) * MiB, cpu: 0.3 }), 45).all);
  assert.equal(run(), run());
});

test('the Infeasible attempt is kept while the pod lives, as upstream keeps it until the pod is gone', () => {
  const policy = createVpaPolicy(DEFAULT_VPA_OPTIONS);
  const state = policy.init();
  const counts: number[] = [];
  for (let m = 0; m < 4; m++) {
    const nowMs = T0 + m * MIN;
    const resize: PodView['resize'] = m < 2 ? { phase: 'infeasible', message: 'x' } : { phase: 'none' };
    const ctx: PolicyContext = { nowMs, pods: [pod('a', { resize }), pod('b', { resize })], scaledObjects: [] };
    policy.observe(state, ctx.pods.map((p) => ({ pod: p.key, tMs: nowMs - 1000, memBytes: 2 * GiB, cpuCores: 1 })), ctx);
    counts.push(policy.recommend(state, ctx).length);
  }
  assert.deepEqual(counts, [2, 0, 0, 0]);
});

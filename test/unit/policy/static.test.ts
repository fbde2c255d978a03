import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GiB, MiB } from '../../../src/core/resources.js';
import type { PolicyContext } from '../../../src/policy/policy.js';
import { createStaticPolicy, DEFAULT_STATIC_OPTIONS } from '../../../src/policy/static.js';
import { pod } from '../../support/fakes.js';

const ctx = (pods: ReturnType<typeof pod>[], nowMs = 0): PolicyContext => ({ nowMs, pods, scaledObjects: [] });
const opts = { requests: { memBytes: 1 * GiB, cpuCores: 0.5 }, limits: { memBytes: 3 * GiB, cpuCores: 2 } };

test('a pod that differs from the configured sizes is asked once to adopt them', () => {
  const p = createStaticPolicy(opts);
  const s = p.init();
  const first = p.recommend(s, ctx([pod('a')]));
  assert.equal(first.length, 1);
  const r = first[0];
  assert.ok(r && r.kind === 'resize');
  assert.deepEqual(r.requests, opts.requests);
  assert.deepEqual(r.limits, opts.limits);
  assert.match(r.reason, /static: fixed requests 1024Mi\/500m, limits 3072Mi\/2000m/);
  assert.deepEqual(p.recommend(s, ctx([pod('a')], 15_000)), [], 'never twice');
});

test('a pod already at the configured sizes gets nothing', () => {
  const p = createStaticPolicy(opts);
  const s = p.init();
  assert.deepEqual(p.recommend(s, ctx([pod('a', { requests: opts.requests, limits: opts.limits })])), []);
});

test('usage never changes its mind', () => {
  const p = createStaticPolicy(opts);
  const s = p.init();
  p.recommend(s, ctx([pod('a')]));
  p.observe(s, [{ pod: 'agents/a', tMs: 1, memBytes: 10 * GiB, cpuCores: 8 }], ctx([pod('a')], 1));
  assert.deepEqual(p.recommend(s, ctx([pod('a')], 2)), []);
});

test('new pods are asked as they appear; forgotten pods would be asked again', () => {
  const p = createStaticPolicy(opts);
  const s = p.init();
  assert.equal(p.recommend(s, ctx([pod('a')])).length, 1);
  assert.equal(p.recommend(s, ctx([pod('a'), pod('b')])).length, 1);
  p.forget?.(s, 'agents/a');
  assert.equal(p.recommend(s, ctx([pod('a'), pod('b')])).length, 1);
});

test('the tracked set stays bounded when pods come and go', () => {
  const p = createStaticPolicy(opts);
  const s = p.init();
  for (let i = 0; i < 500; i++) p.recommend(s, ctx([pod(`p${i}`)], i));
  assert.ok(s.asked.size <= 2 + 64 + 1, `size ${s.asked.size}`);
});

test('defaults are a Burstable 512Mi/250m request under a 2Gi/1 limit', () => {
  assert.deepEqual(DEFAULT_STATIC_OPTIONS.requests, { memBytes: 512 * MiB, cpuCores: 0.25 });
  assert.deepEqual(DEFAULT_STATIC_OPTIONS.limits, { memBytes: 2 * GiB, cpuCores: 1 });
});

test('the registry builds every policy from defaultPolicySettings()', async () => {
  const { createPolicy, defaultPolicySettings, POLICY_NAMES } = await import('../../../src/policy/registry.js');
  for (const name of POLICY_NAMES) {
    const p = createPolicy(name, defaultPolicySettings());
    assert.ok(p.ok, name);
    assert.equal(p.value.name, name);
  }
  assert.equal(createPolicy('nope', defaultPolicySettings()).ok, false);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AdmissionRequest } from '../../../src/policy/policy.js';
import type { Policy } from '../../../src/policy/policy.js';
import { createVpaPolicy, DEFAULT_VPA_OPTIONS } from '../../../src/policy/vpa/index.js';
import { engine, flat, GiB, MiB, run, sorted, TEST_INITIAL } from './fixtures.js';
import { Harness, session, steady } from './harness.js';

const big = { requests: { memBytes: 900 * MiB, cpuCores: 0.3 }, limits: { memBytes: 1800 * MiB, cpuCores: 0.6 } };

test('a pod passes the admission webhook at creation: it is scheduled and counted with what the webhook wrote', () => {
  const h = new Harness();
  const seen: AdmissionRequest[] = [];
  h.c.admission = (pod) => {
    seen.push(pod);
    return { ...big, reason: 'test webhook' };
  };
  h.start(steady('a', 100, 300));
  assert.deepEqual(seen, [{ key: 'agents/a', agentClass: 'swe', requests: TEST_INITIAL.requests, limits: TEST_INITIAL.limits }], 'the webhook sees the template');
  const a = h.pod('a');
  assert.ok(a.node, 'scheduled');
  assert.equal(a.specReqMem, 900 * MiB);
  assert.equal(a.allocReqMem, 900 * MiB, 'the node counts the admitted request, no resize needed');
  assert.equal(a.actLimMem, 1800 * MiB);
  assert.equal(h.c.score.resizes, 0, 'admission is no resize');
});

test('a webhook that answers nothing leaves the template', () => {
  const h = new Harness();
  h.c.admission = () => undefined;
  h.start(steady('a', 100, 300));
  assert.equal(h.pod('a').specReqMem, TEST_INITIAL.requests.memBytes);
  assert.equal(h.pod('a').actLimMem, TEST_INITIAL.limits.memBytes);
});

/** A policy with a fixed webhook and no opinion otherwise, to see the replay wire it. */
const webhookOnly: Policy<null> = { name: 'webhook', init: () => null, observe: () => undefined, recommend: () => [], admit: () => ({ ...big, reason: 'fixed' }) };

test('the replay wires the policy’s admit into pod creation', async () => {
  const out = await run(flat('s1', 0, 60, 400), { policy: webhookOnly, timelineSessions: 1 });
  assert.equal(out.row.oomKills, 0);
  assert.equal(out.row.resizes, 0);
  const p = out.timeline.find((x) => x.session === 's1' && x.memRequest > 0);
  assert.equal(p?.memRequest, 900 * MiB, 'the session ran at the admitted request from its start');
});

test('vpa admits a pod with its class target once it has one, and keeps the template before', async () => {
  // s1 runs alone first (its class has no recommendation when it is created); s2 starts at 10 min.
  const samples = sorted(flat('s1', 0, 1200, 700, 0.2), flat('s2', 600, 1200, 700, 0.2));
  const vpa = createVpaPolicy({ ...DEFAULT_VPA_OPTIONS });
  const out = await run(samples, { policy: vpa, timelineSessions: 2, sim: { nodeAllocatable: { memBytes: 16 * GiB, cpuCores: 8 } } });
  const first = (s: string) => out.timeline.find((x) => x.session === s && x.memRequest > 0);
  assert.equal(first('s1')?.memRequest, TEST_INITIAL.requests.memBytes, 's1 was created before any recommendation');
  const s2 = first('s2')?.memRequest ?? 0;
  assert.ok(s2 > 700 * MiB, `s2 starts at the class target (p90 of peaks + 15 %), got ${s2 / MiB} MiB`);
  const ratio = (first('s2')?.memLimit ?? 0) / s2;
  assert.ok(Math.abs(ratio - TEST_INITIAL.limits.memBytes / TEST_INITIAL.requests.memBytes) < 1e-9, 'RequestsAndLimits keeps the template ratio');
});

test('vpa-requests-only admits requests capped at the template limit and leaves the limit', async () => {
  const samples = sorted(flat('s1', 0, 1200, 1500, 0.2), flat('s2', 600, 1200, 1500, 0.2));
  const vpa = createVpaPolicy({ ...DEFAULT_VPA_OPTIONS }, 'RequestsOnly');
  const out = await run(samples, { policy: vpa, timelineSessions: 2, sim: { initial: { requests: { memBytes: 512 * MiB, cpuCores: 0.5 }, limits: { memBytes: 4 * GiB, cpuCores: 1 } }, nodeAllocatable: { memBytes: 16 * GiB, cpuCores: 8 } } });
  const s2 = out.timeline.find((x) => x.session === 's2' && x.memRequest > 0);
  assert.ok(s2 && s2.memRequest > 1500 * MiB && s2.memRequest < 4 * GiB);
  assert.equal(s2.memLimit, 4 * GiB);
});

test('the pod that replaces an evicted one passes the webhook again', () => {
  const node2g = { nodeAllocatable: { memBytes: 2 * GiB, cpuCores: 2 }, nodeProvisionDelayS: 1000 };
  const roomy = { requests: { memBytes: 512 * MiB, cpuCores: 0.1 }, limits: { memBytes: 4 * GiB, cpuCores: 1 } };
  const grower = (name: string) => session(name, Array.from({ length: 101 }, (_, r) => [r, r < 5 ? 300 : name === 'y' ? 800 : 650, 0.1] as const));
  const h = new Harness({ ...node2g, initial: roomy });
  const seen: string[] = [];
  // Template at first creation; the replacement gets 1 GiB, enough for the usage that got y evicted.
  h.c.admission = (pod) => (seen.push(pod.key), seen.length > 3 ? { requests: { memBytes: 1 * GiB, cpuCores: 0.1 }, limits: roomy.limits, reason: 'test' } : undefined);
  h.start(grower('x'), grower('y'), grower('z'));
  h.to(10);
  assert.equal(h.c.score.evictions, 1);
  assert.deepEqual(seen, ['agents/x', 'agents/y', 'agents/z', 'agents/y']);
  assert.equal(h.pod('y').specReqMem, 1 * GiB, 'the replacement starts with what the webhook wrote');
});

test('the replay clamps what admit answers to the guards’ bounds, as the controller’s webhook does', async () => {
  const huge: Policy<null> = {
    name: 'huge',
    init: () => null,
    observe: () => undefined,
    recommend: () => [],
    admit: () => ({ requests: { memBytes: 900 * MiB, cpuCores: 0.3 }, limits: { memBytes: 64 * GiB, cpuCores: 64 }, reason: 'prior tails' }),
  };
  const guards = { ...engine().guards, maxResources: { memBytes: 4 * GiB, cpuCores: 2 } };
  const out = await run(flat('s1', 0, 60, 400), { policy: huge, timelineSessions: 1, engine: { guards } });
  const p = out.timeline.find((x) => x.session === 's1' && x.memLimit > 0);
  assert.equal(p?.memLimit, 4 * GiB, 'the memory limit is capped at maxResources');
});

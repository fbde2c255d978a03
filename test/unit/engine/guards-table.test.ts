import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GiB, MiB, qosOf } from '../../../src/core/resources.js';
import type { PodView, Resources } from '../../../src/core/types.js';
import type { GuardConfig } from '../../../src/engine/engine-config.js';
import { guardResize, type Guarded } from '../../../src/engine/guards.js';
import type { PodMemory } from '../../../src/engine/pod-memory.js';
import type { ResizeRecommendation } from '../../../src/policy/policy.js';
import { engineConfig, pod } from '../../support/fakes.js';

// Fake pod: requests 512Mi/250m, limits 1Gi/1 core, Burstable.
const NOW = 1_700_000_000_000;
const cfg: GuardConfig = engineConfig().guards; // min 64Mi/10m, max 16Gi/8, margin 10 %, hysteresis 5 %, cooldown 300 s, step 25 %
const ctx = { nowMs: NOW, staleAfterS: 120 };

function rec(limits: Resources, requests: Resources = { memBytes: 512 * MiB, cpuCores: 0.25 }): ResizeRecommendation {
  return { kind: 'resize', pod: 'agents/a', requests, limits, reason: 'test', inputs: {} };
}
function memory(over: Partial<PodMemory> = {}): PodMemory {
  return { peaks: [{ tMs: NOW - 15_000, memBytes: 300 * MiB, cpuCores: 0.1 }], lastSampleMs: NOW - 15_000, ...over };
}
function resized(g: Guarded): Extract<Guarded, { kind: 'resize' }> {
  assert.equal(g.kind, 'resize', JSON.stringify(g));
  if (g.kind !== 'resize') throw new Error('unreachable');
  return g;
}
const p = pod('a');

test('cooldown: no decrease within downscaleCooldownS of the last raise, nor within decreaseIntervalS of any change; after both, one bounded step', () => {
  const want = rec({ memBytes: 400 * MiB, cpuCores: 1 });
  const ago = (s: number | undefined) => (s === undefined ? undefined : NOW - s * 1000);
  const cases = [
    { name: 'raised 60 s ago', raiseAgoS: 60, changeAgoS: 60, kind: 'unchanged' as const },
    { name: 'raised 299 s ago', raiseAgoS: 299, changeAgoS: 299, kind: 'unchanged' as const },
    { name: 'raised 301 s ago', raiseAgoS: 301, changeAgoS: 301, kind: 'resize' as const },
    { name: 'lowered 30 s ago, never raised', raiseAgoS: undefined, changeAgoS: 30, kind: 'unchanged' as const },
    { name: 'lowered 61 s ago, never raised', raiseAgoS: undefined, changeAgoS: 61, kind: 'resize' as const },
    { name: 'never changed', raiseAgoS: undefined, changeAgoS: undefined, kind: 'resize' as const },
  ];
  for (const c of cases) {
    const g = guardResize(want, p, memory({ lastChangeMs: ago(c.changeAgoS), raisedAtMs: c.raiseAgoS === undefined ? undefined : { 'memBytes.limit': ago(c.raiseAgoS) } }), cfg, ctx);
    assert.equal(g.kind, c.kind, c.name);
    // 1Gi may drop by at most 25 % per action: to 768Mi, not to 400Mi.
    if (g.kind === 'resize') assert.equal(g.limits.memBytes, 768 * MiB, c.name);
  }
});

test('cooldown never delays a raise', () => {
  const g = resized(guardResize(rec({ memBytes: 2 * GiB, cpuCores: 1 }), p, memory({ lastChangeMs: NOW - 10_000, raisedAtMs: { 'memBytes.limit': NOW - 10_000 } }), cfg, ctx));
  assert.equal(g.limits.memBytes, 2 * GiB);
});

test('stale metrics hold: no decrease, but raises still pass', () => {
  const stale = memory({ lastSampleMs: NOW - 121_000 });
  assert.equal(guardResize(rec({ memBytes: 400 * MiB, cpuCores: 1 }), p, stale, cfg, ctx).kind, 'unchanged');
  const g = resized(guardResize(rec({ memBytes: 400 * MiB, cpuCores: 2 }), p, stale, cfg, ctx));
  assert.equal(g.limits.memBytes, 1 * GiB, 'memory held');
  assert.equal(g.limits.cpuCores, 2, 'cpu raise passes');
  assert.ok(g.notes.some((n) => /not lowered: metrics are stale/.test(n)));
  // No sample at all is stale too.
  assert.equal(guardResize(rec({ memBytes: 400 * MiB, cpuCores: 1 }), p, memory({ lastSampleMs: undefined }), cfg, ctx).kind, 'unchanged');
});

test('hysteresis: changes below minChangeFraction are not worth a resize (memory-limit raises excepted)', () => {
  const cases = [
    { name: 'cpu +2 %', cpu: 1.02, kind: 'unchanged' },
    { name: 'cpu +4.9 %', cpu: 1.049, kind: 'unchanged' },
    { name: 'cpu +5 %', cpu: 1.05, kind: 'resize' },
    { name: 'cpu +20 %', cpu: 1.2, kind: 'resize' },
  ];
  for (const c of cases) assert.equal(guardResize(rec({ memBytes: 1 * GiB, cpuCores: c.cpu }), p, memory(), cfg, ctx).kind, c.kind, c.name);
  assert.equal(guardResize(rec({ memBytes: 0.98 * GiB, cpuCores: 1 }), p, memory(), cfg, ctx).kind, 'unchanged', 'memory -2 %');
});

test('hysteresis never leaves a limit below recent usage + margin', () => {
  // Usage 960Mi → floor 1056Mi, only 3 % above the current 1Gi limit: below the hysteresis, yet a raise.
  const g = resized(guardResize(rec({ memBytes: 1 * GiB, cpuCores: 1 }), p, memory({ peaks: [{ tMs: NOW, memBytes: 960 * MiB, cpuCores: 0.1 }] }), cfg, ctx));
  assert.equal(g.limits.memBytes, 1056 * MiB);
});

test('the usage floor and the bounds: floor raises, max caps, and the max wins over the floor', () => {
  const g = resized(guardResize(rec({ memBytes: 100 * MiB, cpuCores: 0.001 }), p, memory({ peaks: [{ tMs: NOW, memBytes: 900 * MiB, cpuCores: 0.5 }] }), cfg, ctx));
  // 900Mi × 1.1 rounded up to whole MiB (float noise may add one MiB: never below, never by much).
  assert.equal(g.limits.memBytes, Math.ceil((900 * MiB * 1.1) / MiB) * MiB);
  assert.equal(g.limits.cpuCores, 0.75, 'cpu limit 1 → floor 0.55 but one step down at most: 0.75');
  const capped = resized(guardResize(rec({ memBytes: 64 * GiB, cpuCores: 1 }), p, memory({ peaks: [{ tMs: NOW, memBytes: 20 * GiB, cpuCores: 0.1 }] }), cfg, ctx));
  assert.equal(capped.limits.memBytes, 16 * GiB);
  assert.ok(capped.notes.some((n) => /above the max bound/.test(n)));
});

test('a pod above the max bound is brought down to it even while decreases are held', () => {
  const big = pod('a', { limits: { memBytes: 32 * GiB, cpuCores: 1 } });
  const g = resized(guardResize(rec({ memBytes: 20 * GiB, cpuCores: 1 }), big, memory({ lastSampleMs: undefined }), cfg, ctx));
  assert.equal(g.limits.memBytes, 16 * GiB);
});

test('Infeasible cap: requests stay under 95 % of what the node refused and under node allocatable', () => {
  const mem = memory({ infeasibleRequests: { memBytes: 8 * GiB, cpuCores: 4 } });
  const wantBig = rec({ memBytes: 12 * GiB, cpuCores: 6 }, { memBytes: 10 * GiB, cpuCores: 5 });
  const g = resized(guardResize(wantBig, p, mem, cfg, ctx));
  assert.equal(g.requests.memBytes, Math.ceil((8 * GiB * 0.95) / MiB) * MiB);
  assert.equal(g.requests.cpuCores, 3.8);
  assert.ok(g.notes.some((n) => /Infeasible/.test(n)));
  const onSmallNode = pod('a', { nodeAllocatable: { memBytes: 6 * GiB, cpuCores: 3 } });
  const g2 = resized(guardResize(wantBig, onSmallNode, mem, cfg, ctx));
  assert.equal(g2.requests.memBytes, 6 * GiB);
  assert.equal(g2.requests.cpuCores, 3);
});

test('leaving an Infeasible request is not a decrease: it is not held by the cooldown', () => {
  const stuck = pod('a', { requests: { memBytes: 8 * GiB, cpuCores: 0.25 }, limits: { memBytes: 10 * GiB, cpuCores: 1 }, resize: { phase: 'infeasible', message: 'x' } });
  const mem = memory({ infeasibleRequests: { memBytes: 8 * GiB, cpuCores: 0.25 }, lastChangeMs: NOW - 10_000 });
  const g = resized(guardResize(rec({ memBytes: 10 * GiB, cpuCores: 1 }, { memBytes: 8 * GiB, cpuCores: 0.25 }), stuck, mem, cfg, ctx));
  assert.ok(g.requests.memBytes < 8 * GiB);
});

test('Deferred back-off: skipped until deferredUntilMs, then guarded as usual', () => {
  const want = rec({ memBytes: 2 * GiB, cpuCores: 1 });
  const waiting = guardResize(want, p, memory({ deferredUntilMs: NOW + 30_000 }), cfg, ctx);
  assert.equal(waiting.kind, 'skip');
  assert.match(waiting.kind === 'skip' ? waiting.reason : '', /Deferred; retrying after back-off/);
  assert.equal(guardResize(want, p, memory({ deferredUntilMs: NOW }), cfg, ctx).kind, 'resize');
});

test('pods that may not be touched are skipped with a reason', () => {
  const want = rec({ memBytes: 2 * GiB, cpuCores: 1 });
  const cases: Array<{ name: string; pod: PodView; reason: RegExp; want?: ResizeRecommendation }> = [
    { name: 'BestEffort', pod: pod('a', { qos: 'BestEffort' }), reason: /BestEffort/ },
    // In progress, only a memory raise goes (resize-verdict.test.ts); this asks for no more memory.
    { name: 'in progress', pod: pod('a', { resize: { phase: 'in-progress' } }), reason: /in progress/, want: rec({ memBytes: 1 * GiB, cpuCores: 2 }) },
  ];
  for (const c of cases) {
    const g = guardResize(c.want ?? want, c.pod, memory(), cfg, ctx);
    assert.equal(g.kind, 'skip', c.name);
    assert.match(g.kind === 'skip' ? g.reason : '', c.reason, c.name);
  }
});

test('QoS shape: Guaranteed moves requests and limits together; Burstable keeps a gap after rounding', () => {
  const gPod = pod('a', { qos: 'Guaranteed', requests: { memBytes: 1 * GiB, cpuCores: 1 }, limits: { memBytes: 1 * GiB, cpuCores: 1 } });
  const g = resized(guardResize(rec({ memBytes: 2 * GiB, cpuCores: 1 }, { memBytes: 1.5 * GiB, cpuCores: 0.5 }), gPod, memory(), cfg, ctx));
  assert.deepEqual(g.requests, g.limits);
  assert.equal(qosOf(g.requests, g.limits), 'Guaranteed');
  // Requests a hair under the limits would round to equal values and make the pod Guaranteed.
  const b = resized(guardResize(rec({ memBytes: 2000.2 * MiB, cpuCores: 1.0004 }, { memBytes: 2000.1 * MiB, cpuCores: 1.0003 }), p, memory(), cfg, ctx));
  assert.equal(qosOf(b.requests, b.limits), 'Burstable');
  assert.ok(b.requests.memBytes <= b.limits.memBytes && b.requests.cpuCores <= b.limits.cpuCores);
});

test('close to its memory limit, any raise of it goes out; with room to spare, small raises wait', () => {
  // 1Gi -> 1Gi + 10Mi is under the 5 % hysteresis.
  const want = rec({ memBytes: 1 * GiB + 10 * MiB, cpuCores: 1 });
  // Usage 900Mi: the floor (990Mi) is under the limit, but 1Gi is less than usage + 2 × margin (1080Mi).
  const close = memory({ peaks: [{ tMs: NOW - 15_000, memBytes: 900 * MiB, cpuCores: 0.1 }] });
  assert.equal(resized(guardResize(want, p, close, cfg, ctx)).limits.memBytes, 1 * GiB + 10 * MiB);
  // Usage 300Mi: plenty of room, so the small raise is not worth a PATCH.
  assert.equal(guardResize(want, p, memory(), cfg, ctx).kind, 'unchanged');
  // A small change on CPU alone is never worth a resize.
  assert.equal(guardResize(rec({ memBytes: 1 * GiB, cpuCores: 1.02 }), p, close, cfg, ctx).kind, 'unchanged');
});

test('a raised limit does not pin the request: the cooldown is per value', () => {
  // The memory limit was raised 100 s ago (cooling); the memory request was not, so it may come down.
  const mem = memory({ lastChangeMs: NOW - 100_000, raisedAtMs: { 'memBytes.limit': NOW - 100_000 } });
  const g = resized(guardResize(rec({ memBytes: 700 * MiB, cpuCores: 1 }, { memBytes: 256 * MiB, cpuCores: 0.25 }), p, mem, cfg, ctx));
  assert.equal(g.limits.memBytes, 1 * GiB, 'limit held by its cooldown');
  // Recent peak 300Mi + 10 % = 330Mi: the request comes straight down to it, not below.
  assert.equal(g.requests.memBytes, 330 * MiB, 'request lowered to the usage floor in one step');
});

test('a request comes straight down to recent usage + margin, and below it only by bounded steps', () => {
  const want = (reqMem: number) => rec({ memBytes: 1 * GiB, cpuCores: 1 }, { memBytes: reqMem, cpuCores: 0.25 });
  // Pod request 512Mi, usage 300Mi: floor 330Mi.
  assert.equal(resized(guardResize(want(340 * MiB), p, memory(), cfg, ctx)).requests.memBytes, 340 * MiB, 'above the floor: one step');
  assert.equal(resized(guardResize(want(100 * MiB), p, memory(), cfg, ctx)).requests.memBytes, 330 * MiB, 'below the floor: straight to the floor, not past it');
  const near = pod('a', { requests: { memBytes: 350 * MiB, cpuCores: 0.25 } });
  assert.equal(resized(guardResize(want(100 * MiB), near, memory(), cfg, ctx)).requests.memBytes, 263 * MiB, 'from 350Mi: 25 % step to 262.5Mi, rounded up');
});

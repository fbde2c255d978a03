import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { qosOf } from '../../../src/core/resources.js';
import { GiB, MiB } from './fixtures.js';
import { Harness, steady } from './harness.js';

test('a resize that would make a Burstable pod Guaranteed is rejected and changes nothing', () => {
  const h = new Harness().start(steady('a', 100, 300));
  const r = h.resize('a', { memBytes: 1 * GiB, cpuCores: 1 }, { memBytes: 1 * GiB, cpuCores: 1 });
  assert.ok(!r.ok);
  assert.equal(r.error.code, 'invalid');
  assert.match(r.error.message, /QOS Class may not change/);
  assert.equal(h.pod('a').specReqMem, 512 * MiB);
  assert.equal(h.c.score.resizes, 0);
});

test('a Guaranteed pod may only move requests and limits together', () => {
  const res = { memBytes: 1 * GiB, cpuCores: 1 };
  const h = new Harness({ initial: { requests: res, limits: res } }).start(steady('a', 100, 300));
  const bad = h.resize('a', { memBytes: 1 * GiB, cpuCores: 1 }, { memBytes: 2 * GiB, cpuCores: 1 });
  assert.ok(!bad.ok);
  const good = h.resize('a', { memBytes: 2 * GiB, cpuCores: 1 }, { memBytes: 2 * GiB, cpuCores: 1 });
  assert.ok(good.ok);
});

test('requests above limits and removed requests are rejected as the API server does', () => {
  const h = new Harness().start(steady('a', 100, 300));
  const above = h.resize('a', { memBytes: 2 * GiB, cpuCores: 0.5 }, { memBytes: 1 * GiB, cpuCores: 1 });
  assert.ok(!above.ok && /less than or equal to memory limit/.test(above.error.message));
  const removed = h.resize('a', { memBytes: 0, cpuCores: 0.5 }, { memBytes: 1 * GiB, cpuCores: 1 });
  assert.ok(!removed.ok && /cannot be removed/.test(removed.error.message));
});

test('property: whatever is asked, the pod never changes QoS class', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.nat(4096), fc.nat(4000), fc.nat(4096), fc.nat(4000)), { minLength: 1, maxLength: 8 }), (asks) => {
      const h = new Harness().start(steady('a', 100, 300));
      const before = h.pod('a').qos;
      for (const [rm, rc, lm, lc] of asks) {
        h.resize('a', { memBytes: rm * MiB, cpuCores: rc / 1000 }, { memBytes: lm * MiB, cpuCores: lc / 1000 });
        h.to(h.T + 6);
        const p = h.pod('a');
        assert.equal(qosOf({ memBytes: p.specReqMem, cpuCores: p.specReqCpu }, { memBytes: p.specLimMem, cpuCores: p.specLimCpu }), before);
      }
    }),
    { numRuns: 50 },
  );
});

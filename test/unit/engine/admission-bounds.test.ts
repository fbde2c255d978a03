import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GiB, MiB } from '../../../src/core/resources.js';
import { clampAdmission } from '../../../src/engine/admission-bounds.js';

const bounds = { minResources: { memBytes: 64 * MiB, cpuCores: 0.05 }, maxResources: { memBytes: 4 * GiB, cpuCores: 2 } };

test('an admission answer within the bounds is returned as it is', () => {
  const a = { requests: { memBytes: 300 * MiB, cpuCores: 0.2 }, limits: { memBytes: 2 * GiB, cpuCores: 1 }, reason: 'r' };
  assert.equal(clampAdmission(a, bounds), a);
});

test('limits above the max bound are capped there, requests raised to the min, and the reason says so', () => {
  // A cold class's prior tails: a 14.3-core CPU limit and a 5Gi memory limit for a node of 8 cores.
  const a = { requests: { memBytes: 32 * MiB, cpuCores: 0.01 }, limits: { memBytes: 5 * GiB, cpuCores: 14.3 }, reason: 'prior' };
  const c = clampAdmission(a, bounds);
  assert.deepEqual(c.limits, { memBytes: 4 * GiB, cpuCores: 2 });
  assert.deepEqual(c.requests, { memBytes: 64 * MiB, cpuCores: 0.05 });
  assert.match(c.reason, /^prior; guards: memory limit capped at the max bound 4096Mi, memory request 64Mi \(bounds and limit\), cpu limit capped at the max bound 2000m, cpu request 50m/);
});

test('a request above the capped limit comes down to it (requests never above limits)', () => {
  const a = { requests: { memBytes: 6 * GiB, cpuCores: 3 }, limits: { memBytes: 6 * GiB, cpuCores: 3 }, reason: 'guaranteed' };
  const c = clampAdmission(a, bounds);
  assert.deepEqual(c.requests, c.limits, 'a Guaranteed answer stays Guaranteed');
  assert.deepEqual(c.limits, { memBytes: 4 * GiB, cpuCores: 2 });
});

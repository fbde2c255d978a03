import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planPrewarm, type OpenWindow, type PrewarmInput } from '../../../src/adapters/kube/prewarm-plan.js';
import type { ScaledObjectView } from '../../../src/core/types.js';

const so = (name: string, min: number, max: number, original = min): ScaledObjectView => ({ ref: { namespace: 'agents', name }, agentClass: 'coder', minReplicas: min, maxReplicas: max, originalMinReplicas: original });
const win = (over: Partial<OpenWindow['window']> = {}): OpenWindow => ({ window: { name: 'morning', agentClass: 'coder', minReplicas: 4, ...over }, endMs: 10_000 });
const targets = [
  { name: 'so-a', agentClass: 'coder', maxPrewarmReplicas: 4 },
  { name: 'so-b', agentClass: 'coder', maxPrewarmReplicas: 4 },
];

function plan(over: Partial<PrewarmInput>) {
  return planPrewarm({ nowMs: 1000, targets, windows: [], scaledObjects: [], restoreAfterS: 3, lastInWindowMs: new Map(), ...over });
}

test('an open window raises minReplicaCount, capped by maxPrewarmReplicas and the object max', () => {
  const acts = plan({ windows: [win({ minReplicas: 9 })], scaledObjects: [so('so-a', 1, 5), so('so-b', 1, 2)] });
  assert.deepEqual(acts.map((a) => [a.scaledObject.name, a.minReplicas]), [['so-a', 4], ['so-b', 4]]);
  assert.match(acts[0]!.reason, /pre-warm window morning open until/);
  // Once there (so-b clamped to its max 2 by the actuator), nothing more is asked.
  assert.deepEqual(plan({ windows: [win()], scaledObjects: [so('so-a', 4, 5, 1), so('so-b', 2, 2, 1)] }), []);
});

test('scaleFactor multiplies the original; windows of another class are ignored', () => {
  const acts = plan({ windows: [win({ minReplicas: undefined, scaleFactor: 2.5 })], scaledObjects: [so('so-a', 2, 10)] });
  assert.deepEqual(acts.map((a) => a.minReplicas), [4]);
  assert.deepEqual(plan({ windows: [win({ agentClass: 'researcher' })], scaledObjects: [so('so-a', 1, 10)] }), []);
  assert.equal(plan({ windows: [win({ agentClass: '' })], scaledObjects: [so('so-a', 1, 10)] }).length, 1, "'' is every class");
});

test('after the window: restore only once restoreAfterS has passed', () => {
  const last = new Map([['so-a', 1000]]);
  const raised = [so('so-a', 4, 5, 1)];
  assert.deepEqual(plan({ nowMs: 3000, scaledObjects: raised, lastInWindowMs: last }), []);
  const acts = plan({ nowMs: 4000, scaledObjects: raised, lastInWindowMs: last });
  assert.deepEqual(acts.map((a) => [a.scaledObject.name, a.minReplicas]), [['so-a', 1]]);
  assert.match(acts[0]!.reason, /restoring the original/);
  // Not raised by burstguard (no remembered original): never touched.
  assert.deepEqual(plan({ nowMs: 9000, scaledObjects: [so('so-a', 3, 5)] }), []);
});

test('a raise no window made (the policy\'s forecast) is left to the policy', () => {
  assert.deepEqual(plan({ nowMs: 60_000, scaledObjects: [so('so-a', 4, 5, 1)], lastInWindowMs: new Map() }), []);
});

test('a window never lowers below the original', () => {
  assert.deepEqual(plan({ windows: [win({ minReplicas: 1 })], scaledObjects: [so('so-a', 3, 10)] }), []);
});

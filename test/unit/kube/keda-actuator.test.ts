import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KedaActuator, type ScaleAction } from '../../../src/adapters/kube/keda-actuator.js';
import { ORIGINAL_MIN_ANNOTATION, ORIGINAL_TRIGGERS_ANNOTATION, scaledObjectToView } from '../../../src/adapters/kube/scaled-object-view.js';
import { FakeScaledObjectApi, makeScaledObject } from './fake-so-api.js';
import { apiError } from './fixtures.js';

const signal = new AbortController().signal;
const scale = (minReplicas: number): ScaleAction => ({
  kind: 'scale',
  scaledObject: { namespace: 'agents', name: 'coder' },
  minReplicas,
  policy: 'predictive',
  reason: 'arrival burst predicted in 120 s',
  inputs: { expectedArrivals: 7 },
});

function setup(min: number | undefined, max: number | undefined): FakeScaledObjectApi {
  const api = new FakeScaledObjectApi();
  api.put(makeScaledObject(min, max));
  return api;
}

test('raising minReplicaCount remembers the original; restoring puts it back and forgets it', async () => {
  const api = setup(1, 10);
  const keda = new KedaActuator(api);
  const up = await keda.apply(scale(4), signal);
  assert.ok(up.ok && up.value.outcome === 'applied');
  let so = api.get('agents', 'coder');
  assert.equal(so.spec?.minReplicaCount, 4);
  assert.equal(so.metadata?.annotations?.[ORIGINAL_MIN_ANNOTATION], '1');

  // A second raise keeps the first original, not the raised value.
  await keda.apply(scale(6), signal);
  so = api.get('agents', 'coder');
  assert.equal(so.spec?.minReplicaCount, 6);
  assert.equal(so.metadata?.annotations?.[ORIGINAL_MIN_ANNOTATION], '1');
  const v = scaledObjectToView(so, 'burstguard.io/agent-class', 'default');
  assert.ok(v.ok && v.value.originalMinReplicas === 1 && v.value.minReplicas === 6 && v.value.agentClass === 'coder');

  const down = await keda.apply(scale(1), signal);
  assert.ok(down.ok);
  so = api.get('agents', 'coder');
  assert.equal(so.spec?.minReplicaCount, 1);
  assert.equal(so.metadata?.annotations?.[ORIGINAL_MIN_ANNOTATION], undefined);
});

test('min is never set above max: clamped, with the clamp in the reason', async () => {
  const api = setup(1, 5);
  const r = await new KedaActuator(api).apply(scale(9), signal);
  assert.ok(r.ok);
  assert.equal(r.value.action.kind === 'scale' && r.value.action.minReplicas, 5);
  assert.match(r.value.action.reason, /clamped from 9 to maxReplicaCount 5/);
  assert.equal(api.get('agents', 'coder').spec?.minReplicaCount, 5);
});

test('KEDA defaults apply when the fields are absent (min 0, max 100)', async () => {
  const api = setup(undefined, undefined);
  const r = await new KedaActuator(api).apply(scale(200), signal);
  assert.ok(r.ok && r.value.action.kind === 'scale' && r.value.action.minReplicas === 100);
  assert.equal(api.get('agents', 'coder').metadata?.annotations?.[ORIGINAL_MIN_ANNOTATION], '0');
});

test('a request below the original is held at the original (never below the user\'s floor)', async () => {
  const api = setup(3, 10);
  const r = await new KedaActuator(api).apply(scale(1), signal);
  assert.ok(r.ok && r.value.action.kind === 'scale' && r.value.action.minReplicas === 3);
  assert.match(r.value.action.reason, /held at the original minReplicaCount 3/);
  assert.deepEqual(api.calls, ['get coder'], 'nothing to change, no patch');
});

test('the merge patch carries the resourceVersion and a 409 is retried', async () => {
  const api = setup(1, 10);
  let bump = 1;
  api.afterRead = (so) => {
    if (bump-- > 0) so.metadata.resourceVersion = '99';
  };
  const r = await new KedaActuator(api).apply(scale(3), signal);
  assert.ok(r.ok);
  assert.deepEqual(api.calls, ['get coder', 'patch coder', 'get coder', 'patch coder']);
  assert.deepEqual(api.bodies[1], { metadata: { resourceVersion: '99', annotations: { [ORIGINAL_MIN_ANNOTATION]: '1' } }, spec: { minReplicaCount: 3 } });
});

test('errors map to codes: 404 not-found, 403 forbidden, 422 invalid', async () => {
  const missing = new FakeScaledObjectApi();
  const r = await new KedaActuator(missing).apply(scale(3), signal);
  assert.ok(!r.ok && r.error.code === 'not-found');
  for (const [code, want] of [
    [403, 'forbidden'],
    [422, 'invalid'],
    [500, 'unavailable'],
  ] as const) {
    const api = setup(1, 10);
    api.patch = () => Promise.reject(apiError(code, 'nope'));
    const e = await new KedaActuator(api).apply(scale(3), signal);
    assert.ok(!e.ok && e.error.code === want, String(code));
  }
});

test('trigger metadata: overridden while pre-scaled, restored afterwards', async () => {
  const api = setup(1, 10);
  const keda = new KedaActuator(api, { triggerMetadata: { threshold: '5' } });
  await keda.apply(scale(4), signal);
  let so = api.get('agents', 'coder');
  assert.deepEqual(so.spec?.triggers?.[0]?.metadata, { threshold: '5', query: 'sum(x)' });
  assert.equal(so.metadata?.annotations?.[ORIGINAL_TRIGGERS_ANNOTATION], JSON.stringify([{ threshold: '10', query: 'sum(x)' }]));
  await keda.apply(scale(1), signal);
  so = api.get('agents', 'coder');
  assert.deepEqual(so.spec?.triggers?.[0]?.metadata, { threshold: '10', query: 'sum(x)' });
  assert.equal(so.metadata?.annotations?.[ORIGINAL_TRIGGERS_ANNOTATION], undefined);
  assert.equal(so.spec?.triggers?.[0]?.type, 'prometheus', 'the rest of the trigger survives the array replacement');
});

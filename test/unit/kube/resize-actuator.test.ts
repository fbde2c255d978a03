import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ResizeActuator, resizePatch } from '../../../src/adapters/kube/resize-actuator.js';
import { FakePodApi } from './fake-pod-api.js';
import { apiError, makePod, resizeAction } from './fixtures.js';

const MiB = 2 ** 20;
const signal = new AbortController().signal;

const action = resizeAction;

function setup(): FakePodApi {
  const api = new FakePodApi();
  api.put(makePod());
  return api;
}

test('the patch is a strategic merge of one container, carrying the read resourceVersion', () => {
  assert.deepEqual(resizePatch(action(), '42'), {
    metadata: { resourceVersion: '42' },
    spec: { containers: [{ name: 'agent', resources: { requests: { cpu: '500m', memory: '768Mi' }, limits: { cpu: '2', memory: '2Gi' } } }] },
  });
  // Zero means "not set": it is left out, never sent as 0 (which would read as removal).
  const noCpuLimit = resizePatch(action({ limits: { cpuCores: 0, memBytes: 2048 * MiB } })) as { spec: { containers: Array<{ resources: { limits: object } }> } };
  assert.deepEqual(noCpuLimit.spec.containers[0]!.resources.limits, { memory: '2Gi' });
});

test('a resize is applied and read back', async () => {
  const api = setup();
  const r = await new ResizeActuator(api).apply(action(), signal);
  assert.ok(r.ok);
  assert.equal(r.value.outcome, 'pending'); // no kubelet here: the verdict is read later;
  assert.deepEqual(api.calls, ['get agent-0', 'patch-resize agent-0']);
  assert.deepEqual(api.get('agents', 'agent-0').spec!.containers[0]!.resources!.limits, { cpu: '2', memory: '2Gi' });
});

test('409 conflicts are retried on a fresh read, a bounded number of times', async () => {
  const api = setup();
  let bumps = 1;
  api.afterRead = (pod) => {
    if (bumps-- > 0) pod.metadata!.resourceVersion = '11';
  };
  const r = await new ResizeActuator(api).apply(action(), signal);
  assert.ok(r.ok && r.value.outcome === 'pending');
  assert.deepEqual(api.calls, ['get agent-0', 'patch-resize agent-0', 'get agent-0', 'patch-resize agent-0']);

  const always = setup();
  always.afterRead = (pod) => {
    pod.metadata!.resourceVersion = String(Number(pod.metadata!.resourceVersion) + 1);
  };
  const lost = await new ResizeActuator(always, { maxConflictRetries: 2 }).apply(action(), signal);
  assert.ok(!lost.ok);
  assert.equal(lost.error.code, 'conflict');
  assert.equal(lost.error.retryable, true);
  assert.equal(always.calls.filter((c) => c.startsWith('patch')).length, 3);
});

test('API errors map to ActuationError codes', async () => {
  const cases: Array<[Error, string, boolean, RegExp?]> = [
    [apiError(403, 'pods "agent-0" is forbidden: User cannot patch resource "pods/resize"'), 'forbidden', false],
    [apiError(404, 'pods "agent-0" not found'), 'not-found', false],
    [apiError(422, 'Pod "agent-0" is invalid: spec: Forbidden: Pod QOS Class may not change as a result of resizing'), 'invalid', false, /QoS class/],
    [apiError(422, 'spec: Forbidden: Pod running on node without support for resize'), 'invalid', false, /no in-place resize/],
    [apiError(503, 'the server is currently unable to handle the request'), 'unavailable', true],
    [apiError(429, 'too many requests'), 'unavailable', true],
    [Object.assign(new Error('request to https://10.0.0.1/api failed, reason: connect ECONNREFUSED'), { type: 'system' }), 'unavailable', true, /ECONNREFUSED/],
    [apiError(418, 'teapot'), 'unknown', false],
  ];
  for (const [e, code, retryable, msg] of cases) {
    const api = setup();
    api.patchFailures.push(e);
    const r = await new ResizeActuator(api).apply(action(), signal);
    assert.ok(!r.ok, code);
    assert.equal(r.error.code, code);
    assert.equal(r.error.retryable, retryable, code);
    if (msg) assert.match(r.error.message, msg);
  }
});

test('a change that would alter the QoS class is refused before any patch', async () => {
  const api = setup();
  // requests == limits on both resources would turn a Burstable pod Guaranteed.
  const r = await new ResizeActuator(api).apply(action({ requests: { cpuCores: 2, memBytes: 2048 * MiB } }), signal);
  assert.ok(!r.ok);
  assert.equal(r.error.code, 'invalid');
  assert.match(r.error.message, /QoS class from Burstable to Guaranteed/);
  assert.deepEqual(api.calls, ['get agent-0']);
});

test('the server QoS rejection (422) is reported when the local check cannot see it', async () => {
  const api = setup();
  api.patchFailures.push(apiError(422, 'Pod QOS Class may not change as a result of resizing'));
  const r = await new ResizeActuator(api).apply(action(), signal);
  assert.ok(!r.ok && r.error.code === 'invalid' && /QoS/.test(r.error.message));
});

test('a missing container or a deleted pod is not retried', async () => {
  const api = setup();
  const r = await new ResizeActuator(api).apply(action({ container: 'other' }), signal);
  assert.ok(!r.ok && r.error.code === 'invalid' && !r.error.retryable);
  const gone = new FakePodApi();
  const r2 = await new ResizeActuator(gone).apply(action(), signal);
  assert.ok(!r2.ok && r2.error.code === 'not-found');
});

test('Deferred or Infeasible already recorded for the new generation is reported at once', async () => {
  for (const [reason, outcome] of [
    ['Deferred', 'deferred'],
    ['Infeasible', 'infeasible'],
  ] as const) {
    const api = setup();
    api.onResized = (pod) => {
      pod.status!.conditions = [{ type: 'PodResizePending', status: 'True', reason, message: `node says ${reason}`, observedGeneration: pod.metadata!.generation }];
    };
    const r = await new ResizeActuator(api).apply(action(), signal);
    assert.ok(r.ok);
    assert.equal(r.value.outcome, outcome);
    assert.equal((r.value as { message: string }).message, `node says ${reason}`);
  }
});

test('a verdict about an older generation does not colour the new resize', async () => {
  const api = setup();
  api.onResized = (pod) => {
    pod.status!.conditions = [{ type: 'PodResizePending', status: 'True', reason: 'Infeasible', message: 'old', observedGeneration: 1 }];
  };
  const r = await new ResizeActuator(api).apply(action(), signal);
  assert.ok(r.ok && r.value.outcome === 'pending');
});

test('a value the API server did not keep is reported as refused', async () => {
  const api = setup();
  api.onResized = (pod) => {
    pod.spec!.containers[0]!.resources!.limits = { cpu: '1', memory: '1Gi' };
  };
  const r = await new ResizeActuator(api).apply(action(), signal);
  assert.ok(!r.ok && r.error.code === 'refused');
});

test('an aborted signal stops before touching the API', async () => {
  const api = setup();
  const ac = new AbortController();
  ac.abort();
  const r = await new ResizeActuator(api).apply(action(), ac.signal);
  assert.ok(!r.ok && r.error.code === 'unavailable');
  assert.deepEqual(api.calls, []);
});

test('with the informer cache: one PATCH and no GET; a stale cache costs a 409 and a fresh read', async () => {
  const api = setup();
  const cachedPod = api.get('agents', 'agent-0');
  const fresh = await new ResizeActuator(api, { cached: () => cachedPod }).apply(action(), signal);
  assert.ok(fresh.ok && fresh.value.outcome === 'pending');
  assert.deepEqual(api.calls, ['patch-resize agent-0']);

  // The cache still holds the old resourceVersion: the API server answers 409, the retry reads fresh.
  const stale = structuredClone(cachedPod);
  api.calls.length = 0;
  const again = await new ResizeActuator(api, { cached: () => stale }).apply(action({ limits: { cpuCores: 3, memBytes: 3072 * MiB } }), signal);
  assert.ok(again.ok && again.value.outcome === 'pending');
  assert.deepEqual(api.calls, ['patch-resize agent-0', 'get agent-0', 'patch-resize agent-0']);
});

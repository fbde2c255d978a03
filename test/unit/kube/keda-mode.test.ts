import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KedaActuator, type ScaleAction } from '../../../src/adapters/kube/keda-actuator.js';
import { kedaByMode, triggerMetadataFrom } from '../../../src/adapters/kube/keda-mode.js';
import { defaultConfig, type Config } from '../../../src/config/index.js';
import { FakeScaledObjectApi, makeScaledObject } from './fake-so-api.js';

const signal = new AbortController().signal;
const scale: ScaleAction = { kind: 'scale', scaledObject: { namespace: 'agents', name: 'coder' }, minReplicas: 4, policy: 'predictive', reason: 'burst', inputs: {} };
const withKeda = (keda: Partial<Config['keda']>): Config => {
  const d = defaultConfig();
  return { ...d, keda: { ...d.keda, ...keda } };
};

test('patch mode with keda.triggerMetadata from the ConfigMap merges it into the triggers; a reload applies at the next apply', async () => {
  const api = new FakeScaledObjectApi();
  api.put(makeScaledObject(1, 10));
  let config = withKeda({ triggerMetadata: {} });
  const act = kedaByMode(() => config, { apply: (a, o) => new KedaActuator(api, triggerMetadataFrom(() => config)).apply(a as ScaleAction, o.signal) });
  config = withKeda({ triggerMetadata: { activationThreshold: '1' } });
  const r = await act.apply(scale, { dryRun: false, signal });
  assert.ok(r.ok && r.value.outcome === 'applied');
  const so = api.get('agents', 'coder');
  assert.equal(so.spec?.minReplicaCount, 4);
  assert.deepEqual(so.spec?.triggers?.[0]?.metadata, { threshold: '10', query: 'sum(x)', activationThreshold: '1' });
});

test('externalScaler mode patches nothing (dry-run included) and says why', async () => {
  const api = new FakeScaledObjectApi();
  api.put(makeScaledObject(1, 10));
  const config = withKeda({ mode: 'externalScaler' });
  let inner = 0;
  const act = kedaByMode(() => config, {
    apply: (a) => {
      inner++;
      return Promise.resolve({ ok: true, value: { outcome: 'applied', action: a } });
    },
  });
  for (const dryRun of [false, true]) {
    const r = await act.apply(scale, { dryRun, signal });
    assert.ok(r.ok && r.value.outcome === 'deferred' && /keda.mode is externalScaler/.test(r.value.message));
  }
  assert.equal(inner, 0);
  assert.equal(api.calls.length, 0);
  // Resizes are not KEDA's business: they pass through.
  const resize = await act.apply({ kind: 'resize' } as never, { dryRun: false, signal });
  assert.ok(resize.ok && resize.value.outcome === 'applied');
  assert.equal(inner, 1);
});

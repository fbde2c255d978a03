import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultConfig, parseConfigYaml } from '../../../src/config/index.js';
import { exportedDefaults } from '../../../src/config/policies-schema.js';
import { DEFAULT_PREDICTIVE_OPTIONS } from '../../../src/policy/predictive/options.js';
import { DEFAULT_REACTIVE_OPTIONS } from '../../../src/policy/reactive.js';
import { DEFAULT_STATIC_OPTIONS } from '../../../src/policy/static.js';
import { DEFAULT_VPA_OPTIONS } from '../../../src/policy/vpa/options.js';
import * as predictive from '../../../src/policy/predictive/index.js';

test("each policy section defaults to the policy's own DEFAULT_* options", () => {
  const p = defaultConfig().policies;
  assert.deepEqual(p.static, DEFAULT_STATIC_OPTIONS);
  assert.deepEqual(p.vpa, DEFAULT_VPA_OPTIONS);
  assert.deepEqual(p.reactive, DEFAULT_REACTIVE_OPTIONS);
  assert.deepEqual(p.predictive, DEFAULT_PREDICTIVE_OPTIONS);
});

test('the predictive defaults are found through the policy module itself', () => {
  assert.deepEqual(exportedDefaults(predictive), DEFAULT_PREDICTIVE_OPTIONS);
  assert.equal(exportedDefaults({ DEFAULT_A_OPTIONS: {}, DEFAULT_B_OPTIONS: {} }), undefined, 'ambiguous: no guess');
  const b = { x: 1 };
  assert.equal(exportedDefaults({ DEFAULT_A_OPTIONS: {}, DEFAULT_B_OPTIONS: b }, 'b'), b, 'the exact name wins');
});

test('policy options: partial override, quantities for bytes and cores, typos rejected', () => {
  const r = parseConfigYaml(
    ['policies:', '  vpa:', '    podMinMemoryBytes: 300Mi', '    podMinCpuCores: 50m', '  predictive:', '    horizonS: 60'].join('\n'),
  );
  assert.ok(r.ok, JSON.stringify(r));
  assert.equal(r.value.policies.vpa.podMinMemoryBytes, 300 * 2 ** 20);
  assert.equal(r.value.policies.vpa.podMinCpuCores, 0.05);
  assert.equal(r.value.policies.vpa.targetPercentile, DEFAULT_VPA_OPTIONS.targetPercentile);
  assert.equal(r.value.policies.predictive.horizonS, 60);
  assert.equal(r.value.policies.predictive.riskBudget, DEFAULT_PREDICTIVE_OPTIONS.riskBudget);

  const bad = parseConfigYaml('policies:\n  reactive:\n    growfactor: 2\n  vpa:\n    emulateAdmission: 1\n');
  assert.equal(bad.ok, false);
  if (!bad.ok) {
    assert.deepEqual(bad.error.map((i) => i.path).sort(), ['policies.reactive.growfactor', 'policies.vpa.emulateAdmission']);
  }
});

test('ranges the policies would otherwise clamp silently are reported', () => {
  for (const [yaml, path] of [
    ['policies:\n  predictive:\n    riskBudget: 0.9\n', 'policies.predictive.riskBudget'],
    ['policies:\n  predictive:\n    horizonS: 0\n', 'policies.predictive.horizonS'],
    ['policies:\n  vpa:\n    upperBoundPercentile: 95\n', 'policies.vpa.upperBoundPercentile'],
    ['policies:\n  reactive:\n    growFactor: 0.5\n', 'policies.reactive.growFactor'],
  ] as const) {
    const r = parseConfigYaml(yaml);
    assert.equal(r.ok, false, yaml);
    if (!r.ok) assert.deepEqual(r.error.map((i) => i.path), [path]);
  }
});

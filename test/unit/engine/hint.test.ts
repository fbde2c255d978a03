// A pre-tool hint resizes the pod at once, outside the tick, through the tick's own guards and
// actuator, with a reason naming the hint and its numbers; the tick owns every decrease.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GiB, MiB } from '../../../src/core/resources.js';
import { actOnHint } from '../../../src/engine/hint.js';
import { newEngineState } from '../../../src/engine/tick.js';
import { createPredictivePolicy } from '../../../src/policy/predictive/index.js';
import { engineConfig, FakeActuator, FakeView, fixedClock, pod, silentLogger } from '../../support/fakes.js';

const signal = new AbortController().signal;
const small = { limits: { memBytes: 256 * MiB, cpuCores: 0.5 }, requests: { memBytes: 200 * MiB, cpuCores: 0.25 } };

function setup(pods = [pod('a', small), pod('b', small)]) {
  const policy = createPredictivePolicy({ riskBudget: 0.002 });
  const actuator = new FakeActuator();
  const deps = { clock: fixedClock(), view: new FakeView(pods), actuator, policy, log: silentLogger };
  return { deps, actuator, state: newEngineState(policy) };
}

test('a hint for a known tool raises the limit to the class tool-burst forecast at once, requests kept', async () => {
  const { deps, actuator, state } = setup();
  const out = await actOnHint(deps, state, engineConfig(), { pod: 'agents/a', container: 'agent', tool: 'Bash:test', expectedDurationS: 40 }, signal);
  assert.equal(out.kind, 'resized');
  assert.equal(actuator.applied.length, 1);
  const a = actuator.applied[0]!;
  assert.equal(a.kind, 'resize');
  if (a.kind !== 'resize') return;
  assert.equal(a.pod.name, 'a');
  assert.ok(a.limits.memBytes > 256 * MiB, `limit ${a.limits.memBytes}`);
  assert.deepEqual(a.requests, small.requests);
  assert.match(a.reason, /^pre-tool hint: tool Bash:test starting, expected 40 s; memory limit [\d.]+[MG]i: class swe tool 'Bash:test' burst \+[\d.]+[MG]i at ε=/);
  assert.equal(a.inputs.hint, true);
  assert.equal(a.inputs.expectedDurationS, 40);
  // The outcome went into the pod's memory like a tick's: the raise starts the downscale cooldown.
  assert.ok(state.pods.get('agents/a')?.raisedAtMs?.['memBytes.limit'] !== undefined);
});

test('a hint never lowers: a pod already above the forecast is left alone', async () => {
  const { deps, actuator, state } = setup([pod('a', { limits: { memBytes: 8 * GiB, cpuCores: 8 } })]);
  const out = await actOnHint(deps, state, engineConfig(), { pod: 'agents/a', container: 'agent', tool: 'Bash:test' }, signal);
  assert.equal(out.kind, 'unchanged');
  assert.equal(actuator.applied.length, 0);
});

test('the guards apply to hints: bounds cap the raise, BestEffort pods are skipped', async () => {
  const capped = setup();
  const cfg = engineConfig();
  const tight = { ...cfg, guards: { ...cfg.guards, maxResources: { memBytes: 300 * MiB, cpuCores: 8 } } };
  await actOnHint(capped.deps, capped.state, tight, { pod: 'agents/a', container: 'agent', tool: 'Bash:test' }, signal);
  const a = capped.actuator.applied[0];
  assert.ok(a?.kind === 'resize' && a.limits.memBytes <= 300 * MiB);

  const be = setup([pod('a', { ...small, qos: 'BestEffort' })]);
  const out = await actOnHint(be.deps, be.state, engineConfig(), { pod: 'agents/a', container: 'agent', tool: 'Bash:test' }, signal);
  assert.equal(out.kind, 'unchanged');
  assert.match(out.kind === 'unchanged' ? out.reason : '', /BestEffort/);
  assert.equal(be.actuator.applied.length, 0);
});

test('unknown pods and containers change nothing', async () => {
  const { deps, actuator, state } = setup();
  assert.equal((await actOnHint(deps, state, engineConfig(), { pod: 'agents/zz', container: 'agent', tool: 'Bash:test' }, signal)).kind, 'unknown-pod');
  assert.equal((await actOnHint(deps, state, engineConfig(), { pod: 'agents/a', container: 'sidecar', tool: 'Bash:test' }, signal)).kind, 'unknown-pod');
  assert.equal(actuator.applied.length, 0);
});

test('dry-run hints go through the actuator as dry-run, like the tick', async () => {
  const { deps, state } = setup();
  const out = await actOnHint(deps, state, engineConfig({ dryRun: true }), { pod: 'agents/b', container: 'agent', tool: 'Bash:pkg_install' }, signal);
  assert.ok(out.kind === 'resized' && out.result.ok && out.result.value.outcome === 'dry-run');
});

test('a sub-agent\'s wrapped tool is sized by its category, the stratum the tick folds it into', async () => {
  const plain = setup();
  const wrapped = setup();
  await actOnHint(plain.deps, plain.state, engineConfig(), { pod: 'agents/a', container: 'agent', tool: 'Bash:test' }, signal);
  await actOnHint(wrapped.deps, wrapped.state, engineConfig(), { pod: 'agents/a', container: 'agent', tool: 'Task+Bash:test' }, signal);
  const p = plain.actuator.applied[0];
  const w = wrapped.actuator.applied[0];
  assert.ok(p?.kind === 'resize' && w?.kind === 'resize');
  if (p?.kind !== 'resize' || w?.kind !== 'resize') return;
  assert.equal(w.limits.memBytes, p.limits.memBytes);
  assert.equal(w.inputs.state, 'Bash:test');
  assert.match(w.reason, /^pre-tool hint: tool Task\+Bash:test starting; memory limit [\d.]+[MG]i: class swe tool 'Bash:test' burst/);
});

test('a hint is a write only when it changes the risk materially: a limit just short of the forecast is left alone', async () => {
  const first = setup();
  await actOnHint(first.deps, first.state, engineConfig(), { pod: 'agents/a', container: 'agent', tool: 'Bash:test' }, signal);
  const a = first.actuator.applied[0];
  assert.ok(a?.kind === 'resize');
  if (a?.kind !== 'resize') return;
  assert.match(a.reason, /risk at the current limit [\d.e-]+ vs ε 0\.002; requests kept/);
  // 2 % short in memory, CPU above the tool's peak: the burst passes it with well under 3ε.
  const near = setup([pod('a', { requests: small.requests, limits: { memBytes: a.limits.memBytes * 0.98, cpuCores: 64 } })]);
  const out = await actOnHint(near.deps, near.state, engineConfig(), { pod: 'agents/a', container: 'agent', tool: 'Bash:test' }, signal);
  assert.equal(out.kind, 'unchanged');
  assert.equal(near.actuator.applied.length, 0);
});

test('a hint never asks for more than the node holds: limits are capped at its allocatable, and a pod already there is left alone', async () => {
  const node = { nodeName: 'n1', nodeAllocatable: { memBytes: 1 * GiB, cpuCores: 2 } };
  const s = setup([pod('a', { ...small, ...node })]);
  await actOnHint(s.deps, s.state, engineConfig(), { pod: 'agents/a', container: 'agent', tool: 'Bash:test' }, signal);
  const a = s.actuator.applied[0];
  assert.ok(a?.kind === 'resize');
  if (a?.kind !== 'resize') return;
  assert.equal(a.limits.memBytes, 1 * GiB);
  assert.equal(a.limits.cpuCores, 2);
  assert.match(a.reason, /capped at the node's 1\.?0?Gi \/ 2000m/);
  const full = setup([pod('a', { requests: small.requests, limits: { memBytes: 1 * GiB, cpuCores: 2 }, ...node })]);
  const out = await actOnHint(full.deps, full.state, engineConfig(), { pod: 'agents/a', container: 'agent', tool: 'Bash:test' }, signal);
  assert.equal(out.kind, 'unchanged');
  assert.equal(full.actuator.applied.length, 0);
});

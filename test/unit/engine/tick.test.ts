import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GiB, MiB } from '../../../src/core/resources.js';
import type { Policy, Recommendation } from '../../../src/policy/policy.js';
import { newEngineState, tick } from '../../../src/engine/tick.js';
import { engineConfig, FakeActuator, FakeSource, FakeView, fixedClock, pod, silentLogger } from '../../support/fakes.js';

/** A policy that asks every pod for the given memory limit, so the test isolates the engine. */
function askFor(memLimit: number): Policy<null> {
  return {
    name: 'fixed',
    init: () => null,
    observe: () => undefined,
    recommend: (_s, ctx): Recommendation[] =>
      ctx.pods.map((p) => ({
        kind: 'resize' as const,
        pod: p.key,
        requests: p.requests,
        limits: { memBytes: memLimit, cpuCores: p.limits.cpuCores },
        reason: `test wants ${memLimit / MiB}Mi`,
        inputs: { memLimit },
      })),
  };
}

function setup(policy: Policy<null>) {
  const clock = fixedClock();
  const source = new FakeSource();
  const view = new FakeView([pod('a'), pod('b')]);
  const actuator = new FakeActuator();
  const deps = { clock, source, view, actuator, policy, log: silentLogger };
  return { clock, source, view, actuator, deps, state: newEngineState(policy) };
}

const signal = new AbortController().signal;

test('a raise becomes a resize action carrying the policy reason', async () => {
  const s = setup(askFor(2 * GiB));
  s.source.samples = [{ pod: 'agents/a', tMs: s.clock.now() - 1000, memBytes: 600 * MiB, cpuCores: 0.2 }];
  const report = await tick(s.deps, s.state, engineConfig(), signal);
  assert.equal(report.held, false);
  assert.equal(report.actions.length, 2);
  const a = report.actions.find((x) => x.kind === 'resize' && x.pod.name === 'a');
  assert.ok(a && a.kind === 'resize');
  assert.equal(a.limits.memBytes, 2 * GiB);
  assert.match(a.reason, /test wants 2048Mi/);
});

test('the tick holds and changes nothing when the metric source fails', async () => {
  const s = setup(askFor(2 * GiB));
  s.source.failWith = { source: 'fake', message: 'connection refused' };
  const report = await tick(s.deps, s.state, engineConfig(), signal);
  assert.equal(report.held, true);
  assert.equal(report.actions.length, 0);
  assert.equal(s.actuator.applied.length, 0);
  assert.equal(report.sourceError?.message, 'connection refused');
});

test('one failing pod does not stop the others', async () => {
  const s = setup(askFor(2 * GiB));
  s.actuator.failures.set('agents/a', 'forbidden');
  const report = await tick(s.deps, s.state, engineConfig(), signal);
  assert.equal(report.results.length, 2);
  assert.equal(report.results.filter((r) => !r.ok).length, 1);
  assert.deepEqual(s.actuator.applied.map((a) => (a.kind === 'resize' ? a.pod.name : '')), ['b']);
});

test('a decrease below recent usage is floored at usage plus margin', async () => {
  const s = setup(askFor(256 * MiB));
  s.source.samples = [{ pod: 'agents/a', tMs: s.clock.now() - 1000, memBytes: 700 * MiB, cpuCores: 0.2 }];
  const report = await tick(s.deps, s.state, engineConfig({ guards: { ...engineConfig().guards, maxDecreaseFraction: 1 } }), signal);
  const a = report.actions.find((x) => x.kind === 'resize' && x.pod.name === 'a');
  assert.ok(a && a.kind === 'resize');
  assert.ok(a.limits.memBytes >= 700 * MiB * 1.1, `limit ${a.limits.memBytes / MiB}Mi is below usage + 10 %`);
  assert.ok(a.limits.memBytes < 1 * GiB, 'the decrease itself went through');
});

test('a pod the kubelet reports Deferred is left alone until its back-off passes', async () => {
  const s = setup(askFor(2 * GiB));
  s.view.pods = [pod('a', { resize: { phase: 'deferred', message: 'node is full' } })];
  const first = await tick(s.deps, s.state, engineConfig(), signal);
  assert.equal(first.actions.length, 0);
  assert.match(first.skipped[0]?.reason ?? '', /Deferred/);
  s.clock.advance(31_000);
  s.view.pods = [pod('a')];
  const later = await tick(s.deps, s.state, engineConfig(), signal);
  assert.equal(later.actions.length, 1);
});

test('dry-run passes the flag to the actuator', async () => {
  const s = setup(askFor(2 * GiB));
  const report = await tick(s.deps, s.state, engineConfig({ dryRun: true }), signal);
  assert.ok(report.results.every((r) => r.ok && r.value.outcome === 'dry-run'));
});

test('each tick asks the source for the window since the last fetch', async () => {
  const s = setup(askFor(2 * GiB));
  await tick(s.deps, s.state, engineConfig(), signal);
  s.clock.advance(15_000);
  await tick(s.deps, s.state, engineConfig(), signal);
  const [q1, q2] = s.source.queries;
  assert.ok(q1 && q2);
  assert.equal(q2.fromMs, q1.toMs);
  assert.equal(q2.toMs - q2.fromMs, 15_000);
});

test('a pod that leaves the cluster is forgotten by the engine and the policy', async () => {
  const forgotten: string[] = [];
  const policy: Policy<null> = { ...askFor(2 * GiB), forget: (_s, key) => void forgotten.push(key) };
  const s = setup(policy);
  await tick(s.deps, s.state, engineConfig(), signal);
  assert.equal(s.state.pods.size, 2);
  s.view.pods = [pod('b')];
  s.clock.advance(15_000);
  await tick(s.deps, s.state, engineConfig(), signal);
  assert.deepEqual(forgotten, ['agents/a']);
  assert.deepEqual([...s.state.pods.keys()], ['agents/b']);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GiB, MiB } from '../../../src/core/resources.js';
import type { Policy } from '../../../src/policy/policy.js';
import { newEngineState, tick } from '../../../src/engine/tick.js';
import { askForMemory, engineConfig, FakeActuator, FakeSource, FakeView, fixedClock, pod, silentLogger } from '../../support/fakes.js';

/** A policy that asks every pod for the given memory limit, so the test isolates the engine. */
const askFor = (memLimit: number): Policy<null> => askForMemory(memLimit);

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
  const firstTick = s.source.queries.length;
  s.clock.advance(15_000);
  await tick(s.deps, s.state, engineConfig(), signal);
  assert.equal(s.source.queries.length, firstTick + 1, 'a steady tick is one fetch');
  const q1 = s.source.queries[firstTick - 1];
  const q2 = s.source.queries[firstTick];
  assert.ok(q1 && q2);
  assert.equal(q2.fromMs, q1.toMs);
  assert.equal(q2.toMs - q2.fromMs, 15_000);
});

test('a long backfill is read in chunks of a few ticks, gap-free, and every chunk is observed', async () => {
  const seen: number[] = [];
  const policy: Policy<null> = { ...askFor(2 * GiB), observe: (_s, samples) => void seen.push(samples.length) };
  const s = setup(policy);
  const now = s.clock.now();
  // initialLookbackS 300 with 15 s ticks: five 60 s chunks; one sample in each.
  s.source.samples = [0, 1, 2, 3, 4].map((i) => ({ pod: 'agents/a', tMs: now - 300_000 + i * 60_000 + 30_000, memBytes: 300 * MiB, cpuCores: 0.1 }));
  const report = await tick(s.deps, s.state, engineConfig(), signal);
  assert.equal(s.source.queries.length, 5);
  s.source.queries.forEach((q, i) => {
    assert.ok(q.toMs - q.fromMs <= 60_000, `chunk ${i} is ${q.toMs - q.fromMs} ms`);
    if (i > 0) assert.equal(q.fromMs, s.source.queries[i - 1]?.toMs, 'chunks are contiguous');
  });
  assert.equal(s.source.queries.at(-1)?.toMs, now);
  assert.deepEqual(seen, [1, 1, 1, 1, 1]);
  assert.equal(report.samples, 5);
});

test('a backfill that fails part-way holds the tick, and the next tick resumes after the last chunk read', async () => {
  const s = setup(askFor(2 * GiB));
  let calls = 0;
  const inner = s.source.fetch.bind(s.source);
  s.source.fetch = (q) => (++calls === 3 ? Promise.resolve({ ok: false as const, error: { source: 'fake', message: 'timeout' } }) : inner(q));
  const first = await tick(s.deps, s.state, engineConfig(), signal);
  assert.equal(first.held, true);
  const resumeFrom = s.source.queries.at(-1)?.toMs;
  await tick(s.deps, s.state, engineConfig(), signal);
  const after = s.source.queries[2];
  assert.equal(after?.fromMs, resumeFrom, 'no window is read twice or skipped');
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

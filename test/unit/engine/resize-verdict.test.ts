import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GiB, MiB } from '../../../src/core/resources.js';
import type { Action, ActuationError, Applied, PodView } from '../../../src/core/types.js';
import type { Result } from '../../../src/core/result.js';
import { ok } from '../../../src/core/result.js';
import { newEngineState, tick } from '../../../src/engine/tick.js';
import { guardResize } from '../../../src/engine/guards.js';
import { ResizeActuator } from '../../../src/adapters/kube/resize-actuator.js';
import { FakePodApi } from '../kube/fake-pod-api.js';
import { makePod, resizeAction } from '../kube/fixtures.js';
import { askForMemory, engineConfig, FakeSource, FakeView, fixedClock, pod } from '../../support/fakes.js';

// Issue 11, defect 5: kubelet refusals were logged as "resize applied" and counted outcome="applied";
// while PodResizeInProgress had no reason the pod was skipped, so an urgent raise waited behind a
// refused decrease.
const signal = new AbortController().signal;

/** An actuator that, like the resize subresource, only takes the spec: the verdict comes later. */
class PendingActuator {
  sent: Action[] = [];
  apply(action: Action): Promise<Result<Applied, ActuationError>> {
    this.sent.push(action);
    return Promise.resolve(ok({ outcome: 'pending', action }));
  }
}

function capture() {
  const lines: Array<{ level: string; obj: Record<string, unknown>; msg: string }> = [];
  const at = (level: string) => (obj: object, msg?: string) => void lines.push({ level, obj: obj as Record<string, unknown>, msg: msg ?? '' });
  return { lines, log: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } };
}

test('the actuator says applied only when the kubelet reports the new resources in status', async () => {
  const api = new FakePodApi();
  api.put(makePod());
  const sent = await new ResizeActuator(api).apply(resizeAction(), signal);
  assert.ok(sent.ok && sent.value.outcome === 'pending', 'a PATCH alone is not "applied"');
  api.onResized = (p) => {
    p.status!.containerStatuses = [{ ...p.status!.containerStatuses![0]!, resources: p.spec!.containers[0]!.resources! }];
  };
  const done = await new ResizeActuator(api).apply(resizeAction(), signal);
  assert.ok(done.ok && done.value.outcome === 'applied');
});

test('a refused decrease is its own outcome in logs and metrics; in-progress is reported once; applied when spec and status agree', async () => {
  const clock = fixedClock();
  const source = new FakeSource();
  source.samples = [{ pod: 'agents/a', tMs: clock.now() - 1000, memBytes: 300 * MiB, cpuCores: 0.1 }];
  const base = pod('a', { limits: { memBytes: 1 * GiB, cpuCores: 1 } });
  const view = new FakeView([base]);
  const actuator = new PendingActuator();
  const policy = askForMemory(768 * MiB);
  const verdicts: string[] = [];
  const c = capture();
  const deps = { clock, source, view, actuator, policy, log: c.log, observer: { resizeVerdict: (_a: Action, v: string) => void verdicts.push(v) } };
  const state = newEngineState(policy);
  const cfg = engineConfig({ guards: { ...engineConfig().guards, maxDecreaseFraction: 1 } });
  await tick(deps, state, cfg, signal);
  const sent = actuator.sent[0];
  assert.ok(sent?.kind === 'resize');
  assert.ok(!c.lines.some((l) => l.msg === 'resize applied'), 'a PATCH was logged as applied');
  const asSent: Partial<PodView> = { limits: sent.limits, requests: sent.requests, actualLimits: base.limits };

  clock.advance(5000);
  view.pods = [pod('a', { ...asSent, resize: { phase: 'in-progress' } })];
  await tick(deps, state, cfg, signal);
  clock.advance(5000);
  await tick(deps, state, cfg, signal);
  clock.advance(5000);
  const refusal = 'cannot decrease memory limits: attempting to set container "agent" memory limit below current usage';
  view.pods = [pod('a', { ...asSent, resize: { phase: 'error', message: refusal } })];
  await tick(deps, state, cfg, signal);
  assert.deepEqual(verdicts, ['in-progress', 'error']);
  const refused = c.lines.find((l) => l.msg === 'resize refused by the kubelet');
  assert.equal(refused?.level, 'warn');
  assert.equal(refused?.obj['message'], refusal);

  // A later resize that the kubelet applies: spec and status agree.
  actuator.sent.length = 0;
  clock.advance(120_000);
  view.pods = [pod('a', { limits: { memBytes: 1 * GiB, cpuCores: 1 } })];
  source.samples = [{ pod: 'agents/a', tMs: clock.now() - 1000, memBytes: 300 * MiB, cpuCores: 0.1 }];
  await tick(deps, state, cfg, signal);
  const next = actuator.sent[0];
  assert.ok(next?.kind === 'resize');
  clock.advance(5000);
  view.pods = [pod('a', { limits: next.limits, requests: next.requests, actualLimits: next.limits })];
  await tick(deps, state, cfg, signal);
  assert.equal(verdicts.at(-1), 'applied');
});

const cfg = engineConfig().guards;
const mem = () => ({ peaks: [{ tMs: 0, memBytes: 300 * MiB, cpuCores: 0.1 }], lastSampleMs: 0 });
const want = (memLimit: number) => ({ kind: 'resize' as const, pod: 'agents/a', requests: { memBytes: 256 * MiB, cpuCores: 0.25 }, limits: { memBytes: memLimit, cpuCores: 1 }, reason: 'test', inputs: {} });

test('a needed raise supersedes a resize in progress at once, and holds every decrease', () => {
  const p = pod('a', { limits: { memBytes: 400 * MiB, cpuCores: 2 }, requests: { memBytes: 300 * MiB, cpuCores: 0.5 }, resize: { phase: 'in-progress' } });
  const g = guardResize(want(800 * MiB), p, mem(), cfg, { nowMs: 1000, staleAfterS: 60 });
  assert.equal(g.kind, 'resize');
  if (g.kind !== 'resize') return;
  assert.equal(g.limits.memBytes, 800 * MiB);
  assert.equal(g.limits.cpuCores, 2, 'the CPU limit decrease waits');
  assert.equal(g.requests.memBytes, 300 * MiB, 'the request decrease waits');
  assert.ok(g.notes.some((n) => /supersedes the resize in progress/.test(n)));
});

test('a decrease stuck on "missing container memory usage" is cleared by a raise above the limit in force', () => {
  const message = 'cannot decrease memory limits: missing container "agent" memory usage';
  const p = pod('a', { limits: { memBytes: 350 * MiB, cpuCores: 1 }, actualLimits: { memBytes: 500 * MiB, cpuCores: 1 }, resize: { phase: 'error', message } });
  const g = guardResize(want(350 * MiB), p, mem(), cfg, { nowMs: 1000, staleAfterS: 60 });
  assert.equal(g.kind, 'resize');
  if (g.kind !== 'resize') return;
  assert.ok(g.limits.memBytes > 500 * MiB, `limit ${g.limits.memBytes / MiB} Mi does not raise above the 500 Mi in force`);
  assert.ok(g.notes.some((n) => /stuck on a decrease/.test(n)));
});

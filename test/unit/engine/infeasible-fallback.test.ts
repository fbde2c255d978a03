import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GiB, MiB } from '../../../src/core/resources.js';
import type { Policy } from '../../../src/policy/policy.js';
import { newEngineState, tick } from '../../../src/engine/tick.js';
import { askForMemory, engineConfig, FakeActuator, FakeSource, FakeView, fixedClock, pod, silentLogger } from '../../support/fakes.js';

/** A policy that always wants a 2 GiB memory request, more than the node can give. */
const wants2Gi: Policy<null> = askForMemory(4 * GiB, 2 * GiB);

const signal = new AbortController().signal;
const infeasible = { phase: 'infeasible' as const, message: "Node didn't have enough capacity: memory" };

// Found by the e2e Infeasible scenario: the first fallback (95 % of the refused request) was refused too,
// and the pod stayed stuck because the engine kept remembering only the first refused request.
test('a fallback the kubelet also calls Infeasible steps the request down again', async () => {
  const clock = fixedClock();
  const source = new FakeSource();
  const stuck = pod('a', { requests: { memBytes: 2 * GiB, cpuCores: 0.25 }, limits: { memBytes: 4 * GiB, cpuCores: 1 }, resize: infeasible });
  const view = new FakeView([stuck]);
  const actuator = new FakeActuator();
  const deps = { clock, source, view, actuator, policy: wants2Gi, log: silentLogger };
  const state = newEngineState(wants2Gi);
  source.samples = [{ pod: 'agents/a', tMs: clock.now() - 1000, memBytes: 300 * MiB, cpuCores: 0.1 }];

  const first = await tick(deps, state, engineConfig(), signal);
  const a1 = first.actions.find((x) => x.kind === 'resize');
  assert.ok(a1 && a1.kind === 'resize');
  assert.ok(a1.requests.memBytes < 2 * GiB, `first fallback ${a1.requests.memBytes}`);

  // The kubelet refuses the fallback as well.
  view.pods = [{ ...stuck, requests: a1.requests, limits: a1.limits }];
  source.samples = [{ pod: 'agents/a', tMs: clock.now() - 500, memBytes: 300 * MiB, cpuCores: 0.1 }];
  const second = await tick(deps, state, engineConfig(), signal);
  const a2 = second.actions.find((x) => x.kind === 'resize');
  assert.ok(a2 && a2.kind === 'resize', 'a second, smaller fallback is asked for');
  assert.ok(a2.requests.memBytes < a1.requests.memBytes, `${a2.requests.memBytes} < ${a1.requests.memBytes}`);
});

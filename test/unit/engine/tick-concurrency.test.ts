// A tick's actions go out with bounded concurrency (engine.actuationConcurrency), and their outcomes
// are reported in action order whatever order the answers come back in.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GiB } from '../../../src/core/resources.js';
import type { Action, ActuationError, Applied } from '../../../src/core/types.js';
import type { Result } from '../../../src/core/result.js';
import { newEngineState, tick } from '../../../src/engine/tick.js';
import { askForMemory, engineConfig, FakeSource, FakeView, fixedClock, pod, silentLogger } from '../../support/fakes.js';

/** Answers after a number of event-loop turns that varies by pod, counting calls in flight. */
class SlowActuator {
  inFlight = 0;
  peak = 0;
  async apply(action: Action): Promise<Result<Applied, ActuationError>> {
    this.inFlight += 1;
    this.peak = Math.max(this.peak, this.inFlight);
    const n = action.kind === 'resize' ? Number(action.pod.name.slice(1)) : 0;
    for (let i = 0; i < 1 + ((n * 7) % 5); i++) await new Promise((r) => setImmediate(r));
    this.inFlight -= 1;
    return { ok: true, value: { outcome: 'applied', action } };
  }
}

test('40 actions with actuationConcurrency 4: never more than 4 in flight, results in action order', async () => {
  const policy = askForMemory(2 * GiB);
  const actuator = new SlowActuator();
  const names = Array.from({ length: 40 }, (_, i) => `p${i}`);
  const deps = { clock: fixedClock(), source: new FakeSource(), view: new FakeView(names.map((n) => pod(n))), actuator, policy, log: silentLogger };
  const report = await tick(deps, newEngineState(policy), { ...engineConfig(), actuationConcurrency: 4 }, new AbortController().signal);
  assert.equal(report.actions.length, 40);
  assert.equal(actuator.peak, 4);
  assert.deepEqual(
    report.results.map((r) => (r.ok && r.value.action.kind === 'resize' ? r.value.action.pod.name : '')),
    report.actions.map((a) => (a.kind === 'resize' ? a.pod.name : '')),
  );
});

test('the default is 16 at once', async () => {
  const policy = askForMemory(2 * GiB);
  const actuator = new SlowActuator();
  const deps = { clock: fixedClock(), source: new FakeSource(), view: new FakeView(Array.from({ length: 40 }, (_, i) => pod(`p${i}`))), actuator, policy, log: silentLogger };
  await tick(deps, newEngineState(policy), engineConfig(), new AbortController().signal);
  assert.equal(actuator.peak, 16);
});

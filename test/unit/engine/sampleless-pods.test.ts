import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { newEngineState, tick } from '../../../src/engine/tick.js';
import { NO_SAMPLE_WARN_MIN_S, NO_SAMPLE_WARN_TICKS, noteSampleless, warnAfterTicks } from '../../../src/engine/sample-watch.js';
import type { PodMemory } from '../../../src/engine/pod-memory.js';
import { createMetrics, metricsObserver } from '../../../src/telemetry/metrics.js';
import { signalLogLine } from '../../../src/cli/run-cmd.js';
import { askForMemory, engineConfig, FakeActuator, FakeSource, FakeView, fixedClock, pod } from '../../support/fakes.js';

// Issue 11, defect 6: managed pods with zero samples produced no warning (a kubelet without --containerd
// exposes series with pod=""), and the SIGTERM line was not JSON.
const signal = new AbortController().signal;

test('running pods without samples for N ticks: one warning naming the likely cause, and a gauge every tick', async () => {
  const clock = fixedClock();
  const source = new FakeSource(); // Prometheus answers, but nothing matches the pods
  const view = new FakeView([pod('a'), pod('b', { running: false })]);
  const warnings: Array<{ obj: Record<string, unknown>; msg: string }> = [];
  const log = { debug() {}, info() {}, error() {}, warn: (obj: object, msg?: string) => void warnings.push({ obj: obj as Record<string, unknown>, msg: msg ?? '' }) };
  const registry = new Registry();
  const metrics = createMetrics(registry);
  const reports: Array<readonly string[]> = [];
  const hooks = metricsObserver(metrics);
  const observer = { ...hooks, samplelessPods: (r: { without: readonly string[]; newly: readonly string[]; causes: string }) => (hooks.samplelessPods(r), void reports.push(r.newly)) };
  const policy = askForMemory(1 << 30);
  const deps = { clock, source, view, actuator: new FakeActuator(), policy, log, observer };
  const state = newEngineState(policy);
  for (let i = 0; i < NO_SAMPLE_WARN_TICKS + 3; i++) {
    await tick(deps, state, engineConfig(), signal);
    clock.advance(15_000);
  }
  const about = warnings.filter((w) => /without samples/.test(w.msg));
  assert.equal(about.length, 1, 'one warning per episode');
  assert.deepEqual(about[0]?.obj['pods'], ['agents/a'], 'only the running pod');
  assert.match(String(about[0]?.obj['causes']), /--containerd/);
  assert.deepEqual(reports.filter((n) => n.length > 0), [['agents/a']]);
  assert.match(await registry.metrics(), /burstguard_pods_without_samples 1/);

  // Samples come back: the episode ends and the gauge drops.
  source.samples = [{ pod: 'agents/a', tMs: clock.now() - 1000, memBytes: 1e8, cpuCores: 0.1 }];
  await tick(deps, state, engineConfig(), signal);
  assert.match(await registry.metrics(), /burstguard_pods_without_samples 0/);
});

test('the stop-signal line is JSON like every other log line', () => {
  const line = signalLogLine('SIGTERM');
  assert.ok(line.endsWith('\n'));
  const parsed = JSON.parse(line) as Record<string, unknown>;
  // The same shape as the controller's other lines: level label, ISO time, name, component.
  assert.equal(parsed['level'], 'info');
  assert.match(String(parsed['time']), /^\d{4}-\d\d-\d\dT/);
  assert.equal(parsed['name'], 'burstguard');
  assert.equal(parsed['component'], 'cli');
  assert.equal(parsed['signal'], 'SIGTERM');
  assert.match(String(parsed['msg']), /SIGTERM received, shutting down/);
});

test('with short ticks, a pod is reported only after a minute without samples (cAdvisor stamps every 10–20 s)', () => {
  assert.equal(warnAfterTicks(15), NO_SAMPLE_WARN_TICKS);
  assert.equal(warnAfterTicks(1), NO_SAMPLE_WARN_MIN_S);
  const mem = new Map([['agents/a', { ticksWithoutSamples: 0 } as PodMemory]]);
  const pods = [pod('a')];
  let newly: readonly string[] = [];
  for (let i = 0; i < 20; i++) newly = noteSampleless(mem, pods, new Set(), warnAfterTicks(1)).newly;
  assert.deepEqual(newly, [], 'twenty 1 s ticks without a sample are one normal cAdvisor gap');
  for (let i = 20; i < NO_SAMPLE_WARN_MIN_S; i++) newly = noteSampleless(mem, pods, new Set(), warnAfterTicks(1)).newly;
  assert.deepEqual(newly, ['agents/a']);
});

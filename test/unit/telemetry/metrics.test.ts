import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import type { Action } from '../../../src/core/types.js';
import { createMetrics, metricsObserver, reasonLabel } from '../../../src/telemetry/metrics.js';

const resize: Action = {
  kind: 'resize',
  pod: { namespace: 'ns', name: 'a' },
  container: 'agent',
  requests: { memBytes: 1, cpuCores: 1 },
  limits: { memBytes: 1, cpuCores: 1 },
  policy: 'predictive',
  reason: 'test',
  inputs: {},
};

/** A metric's values; histograms also name the sub-series (`…_count`, `…_sum`). */
type Values = ReadonlyArray<{ value: number; labels: Record<string, string | number>; metricName?: string }>;

async function values(reg: Registry, name: string): Promise<Values> {
  const m = await reg.getSingleMetric(name)?.get();
  return (m?.values ?? []) as Values;
}

async function value(reg: Registry, name: string, labels: Record<string, string> = {}): Promise<number | undefined> {
  const vs = await values(reg, name);
  return vs.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l) && (v.metricName ?? name) === name)?.value;
}

test('every metric is prefixed burstguard_ and lives on the registry given', async () => {
  const reg = new Registry();
  createMetrics(reg);
  const names = (await reg.getMetricsAsJSON()).map((m) => m.name);
  for (const want of [
    'burstguard_ticks_total',
    'burstguard_tick_duration_seconds',
    'burstguard_actions_total',
    'burstguard_forecast_error_ratio',
    'burstguard_skipped_pods_total',
    'burstguard_config_reloads_total',
    'burstguard_source_errors_total',
    'burstguard_leader',
  ]) {
    assert.ok(names.includes(want), want);
  }
  assert.ok(names.every((n) => n.startsWith('burstguard_')));
  // A second controller (or test) gets its own registry without name clashes.
  assert.doesNotThrow(() => createMetrics(new Registry()));
});

test('the TickObserver feeds ticks, durations, actions, skips and source errors', async () => {
  const reg = new Registry();
  const m = createMetrics(reg);
  const obs = metricsObserver(m);
  obs.tickDone({ durationMs: 40, actions: 1, skipped: 1 });
  obs.tickDone({ durationMs: 2000, actions: 0, skipped: 0 });
  obs.actionDone(resize, 'applied');
  obs.actionDone(resize, 'error:conflict');
  obs.actionDone(resize, 'applied');
  obs.skipped('ns/a', 'last resize Deferred; retrying after back-off at 2026-11-27T08:00:00.000Z');
  obs.skipped('ns/b', 'last resize Deferred; retrying after back-off at 2026-11-27T09:30:00.000Z');
  obs.sourceFailed({ source: 'prometheus', message: 'down' });

  assert.equal(await value(reg, 'burstguard_ticks_total'), 2);
  const h = await values(reg, 'burstguard_tick_duration_seconds');
  assert.equal(h.find((v) => v.metricName === 'burstguard_tick_duration_seconds_count')?.value, 2);
  assert.equal(h.find((v) => v.metricName === 'burstguard_tick_duration_seconds_sum')?.value, 2.04);
  assert.equal(await value(reg, 'burstguard_actions_total', { kind: 'resize', outcome: 'applied' }), 2);
  assert.equal(await value(reg, 'burstguard_actions_total', { kind: 'resize', outcome: 'error:conflict' }), 1);
  assert.equal(await value(reg, 'burstguard_skipped_pods_total', { reason: 'last resize Deferred' }), 2);
  assert.equal(await value(reg, 'burstguard_source_errors_total', { source: 'prometheus' }), 1);
});

test('reasonLabel keeps label cardinality bounded', () => {
  assert.equal(reasonLabel('a resize is still in progress'), 'a resize is still in progress');
  assert.equal(reasonLabel('stale: newest sample 75 s old'), 'stale');
  assert.equal(reasonLabel('held 3 ticks'), 'held N ticks');
  assert.equal(reasonLabel(''), 'unspecified');
  assert.ok(reasonLabel('x'.repeat(500)).length <= 60);
});

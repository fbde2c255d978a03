// The alerts and the dashboard must name metrics the controller really exports, and the plain
// manifests must match what the Helm chart renders from its files/.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Registry } from 'prom-client';
import { parse } from 'yaml';
import { createMetrics } from '../../../src/telemetry/metrics.js';

const root = new URL('../../../', import.meta.url).pathname;
const read = (p: string): string => readFileSync(join(root, p), 'utf8');

async function exported(): Promise<Set<string>> {
  const registry = new Registry();
  createMetrics(registry);
  const names = new Set<string>();
  for (const m of await registry.getMetricsAsJSON()) {
    names.add(m.name);
    if (String(m.type) === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(m.name + s);
  }
  return names;
}

function referenced(text: string): string[] {
  return [...new Set(text.match(/\bburstguard_[a-z_]+\b/g) ?? [])].filter((n) => !n.startsWith('burstguard_agent_'));
}

test('alerts and dashboard use only metrics the controller exports', async () => {
  const names = await exported();
  for (const file of ['deploy/helm/burstguard/files/alerts.yaml', 'deploy/helm/burstguard/files/grafana-dashboard.json']) {
    const refs = referenced(read(file));
    assert.ok(refs.length >= 5, file);
    for (const r of refs) assert.ok(names.has(r), `${file} uses ${r}, which src/telemetry/metrics.ts does not export`);
  }
});

test('the plain PrometheusRule and dashboard equal the chart files', () => {
  const plain = parse(read('deploy/monitoring/prometheusrule.yaml')) as { kind: string; spec: unknown };
  assert.equal(plain.kind, 'PrometheusRule');
  assert.deepEqual(plain.spec, parse(read('deploy/helm/burstguard/files/alerts.yaml')));
  assert.equal(read('deploy/monitoring/grafana-dashboard.json'), read('deploy/helm/burstguard/files/grafana-dashboard.json'));
  const dash = JSON.parse(read('deploy/monitoring/grafana-dashboard.json')) as { uid: string; panels: unknown[] };
  assert.equal(dash.uid, 'burstguard');
  assert.ok(dash.panels.length >= 8);
});

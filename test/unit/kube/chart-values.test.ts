// The chart's values.schema.json and values.yaml agree: every value is described, the defaults pass the
// schema, and a mistyped value is refused (helm itself runs the schema in test/e2e/deploy.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';

const read = (p: string): string => readFileSync(new URL(`../../../${p}`, import.meta.url), 'utf8');
const schemaJson = JSON.parse(read('deploy/helm/burstguard/values.schema.json')) as { properties: Record<string, unknown> };
const values = parse(read('deploy/helm/burstguard/values.yaml')) as Record<string, unknown>;
const schema = z.fromJSONSchema(schemaJson as Parameters<typeof z.fromJSONSchema>[0]);

test('every value in values.yaml is in the schema, and the schema names nothing else (but global)', () => {
  assert.deepEqual(Object.keys(values).sort(), Object.keys(schemaJson.properties).filter((k) => k !== 'global').sort());
});

test('the default values pass the schema; a mistyped one does not', () => {
  assert.ok(schema.safeParse(values).success);
  assert.equal(schema.safeParse({ ...values, metricsPort: 'http' }).success, false);
  assert.equal(schema.safeParse({ ...values, replicaCount: 0 }).success, false);
  assert.equal(schema.safeParse({ ...values, keda: { enabeld: true } }).success, false);
});

test('the default image is the placeholder the chart refuses, and the manifests say how to get one', () => {
  assert.equal((values.image as { repository: string }).repository, 'registry.example.com/burstguard');
  assert.match(read('deploy/helm/burstguard/templates/_helpers.tpl'), /hasPrefix "registry\.example\.com\/" \$repo/);
  assert.match(read('deploy/README.md'), /docker build -f deploy\/Dockerfile -t <your-registry>\/burstguard:/);
});

test('the pod annotations carry the metrics port from values; the container has a startupProbe', () => {
  const dep = read('deploy/helm/burstguard/templates/deployment.yaml');
  assert.match(dep, /"prometheus\.io\/port" \(toString \.Values\.metricsPort\)/);
  assert.match(dep, /startupProbe:/);
  assert.match(read('deploy/manifests/deployment.yaml'), /startupProbe:/);
});

test('the V8 flags: the chart passes heapLimitMiB and semiSpaceMiB, the plain manifests the same defaults', () => {
  assert.match(read('deploy/helm/burstguard/templates/deployment.yaml'), /"--max-old-space-size=%d --max-semi-space-size=%d" \(int \.Values\.heapLimitMiB\) \(int \.Values\.semiSpaceMiB\)/);
  const flags = `--max-old-space-size=${values.heapLimitMiB as number} --max-semi-space-size=${values.semiSpaceMiB as number}`;
  assert.ok(read('deploy/manifests/deployment.yaml').includes(`value: "${flags}"`), `the plain manifests pass NODE_OPTIONS "${flags}"`);
  assert.equal(schema.safeParse({ ...values, semiSpaceMiB: 0 }).success, false);
});

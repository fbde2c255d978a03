// The chart's values.schema.json covers values.yaml, including the external scaler's values (helm
// itself runs the schema and renders the port in test/e2e/deploy.test.ts).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parse } from 'yaml';
import { z } from 'zod';

const read = (p: string): string => readFileSync(new URL(`../../../${p}`, import.meta.url), 'utf8');
const schemaJson = JSON.parse(read('deploy/helm/burstguard/values.schema.json')) as { properties: Record<string, unknown> };
const values = parse(read('deploy/helm/burstguard/values.yaml')) as Record<string, unknown> & { keda: Record<string, unknown> };
const schema = z.fromJSONSchema(schemaJson as Parameters<typeof z.fromJSONSchema>[0]);

test('every top-level value is in the schema, and the defaults pass it', () => {
  for (const k of Object.keys(values)) assert.ok(k in schemaJson.properties, `values.yaml has ${k}, the schema does not`);
  assert.ok(schema.safeParse(values).success);
});

test("the external scaler's values: off by default, a port in range, no stray keys", () => {
  assert.deepEqual(values.keda.externalScaler, { enabled: false, port: 9443 });
  const withScaler = (s: object): boolean => schema.safeParse({ ...values, keda: { ...values.keda, externalScaler: s } }).success;
  assert.ok(withScaler({ enabled: true, port: 9500 }));
  assert.equal(withScaler({ enabled: true, port: 0 }), false);
  assert.equal(withScaler({ enabled: true, port: '9500' }), false);
  assert.equal(withScaler({ enabeld: true }), false);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { configFields, renderConfigDoc } from '../../../src/config/docs.js';

const DOC = new URL('../../../docs/configuration.md', import.meta.url);

test('docs/configuration.md mentions every config field with its default', async () => {
  const doc = await readFile(DOC, 'utf8');
  const fields = configFields();
  assert.ok(fields.length > 60, `only ${fields.length} fields found: the walk lost some`);
  const missing = fields.filter((f) => !doc.includes(`\`${f.path}\``));
  assert.deepEqual(missing.map((f) => f.path), [], 'fields missing from the doc');
  for (const f of fields) {
    assert.notEqual(f.description, '', `${f.path} has no meaning`);
    assert.ok(doc.includes(`| \`${f.path}\` | ${f.type} | ${f.defaultText} |`), `${f.path}: default ${f.defaultText} not in the doc`);
  }
});

test('the generated parts of docs/configuration.md are up to date', async () => {
  const doc = await readFile(DOC, 'utf8');
  assert.equal(doc, renderConfigDoc(doc), 'stale: run `node --import tsx src/config/write-docs.ts`');
});

test('the field walk covers nested, list and policy fields', () => {
  const paths = new Set(configFields().map((f) => f.path));
  for (const p of [
    'engine.guards.minResources.memory',
    'engine.deferredBackoffS.max',
    'policies.predictive.riskBudget',
    'keda.scaledObjects[].maxPrewarmReplicas',
    'schedules.prewarm[].scaleFactor',
    'prometheus.queries.toolRetries',
    'leaderElection.retryPeriodS',
  ]) {
    assert.ok(paths.has(p), p);
  }
});

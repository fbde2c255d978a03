import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfigFile, loadConfigFileDetailed } from '../../../src/config/index.js';

async function withFile(content: string, fn: (path: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'bg-config-'));
  try {
    const p = join(dir, 'config.yaml');
    await writeFile(p, content);
    await fn(p);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const MANIFEST = `apiVersion: v1
kind: ConfigMap
metadata:
  name: burstguard
data:
  config.yaml: |
    engine:
      dryRun: false
      tickIntervalS: 30
    policy: vpa
`;

test('loads a ConfigMap manifest through data."config.yaml"', async () => {
  await withFile(MANIFEST, async (p) => {
    const r = await loadConfigFile(p);
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(r.value.engine.dryRun, false);
    assert.equal(r.value.engine.tickIntervalS, 30);
    assert.equal(r.value.policy, 'vpa');
  });
});

test('loads a bare config YAML', async () => {
  await withFile('policy: static\n', async (p) => {
    const r = await loadConfigFile(p);
    assert.ok(r.ok);
    assert.equal(r.value.policy, 'static');
  });
});

test('a ConfigMap without config.yaml is an error naming the key', async () => {
  await withFile('kind: ConfigMap\ndata:\n  other.yaml: "x: 1"\n', async (p) => {
    const r = await loadConfigFileDetailed(p);
    assert.equal(r.ok, false);
    if (!r.ok) assert.equal(r.error[0]?.path, 'data.config.yaml');
  });
});

test('invalid content: one readable error line with the file and field path', async () => {
  await withFile('engine:\n  tickIntervalS: -5\n', async (p) => {
    const r = await loadConfigFile(p);
    assert.equal(r.ok, false);
    if (!r.ok) {
      assert.ok(r.error.startsWith(p));
      assert.match(r.error, /engine\.tickIntervalS \(line 2\)/);
    }
  });
});

test('a missing file is an error value, not a throw', async () => {
  const r = await loadConfigFile('/nonexistent/burstguard/config.yaml');
  assert.equal(r.ok, false);
  if (!r.ok) assert.match(r.error, /cannot read/);
});

test('a multi-document manifest: the burstguard ConfigMap is found among other objects', async () => {
  const other = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other\ndata:\n  config.yaml: "policy: static"\n';
  const sa = 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: burstguard\n';
  await withFile(`${sa}---\n${other}---\n${MANIFEST}`, async (p) => {
    const r = await loadConfigFile(p);
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(r.value.policy, 'vpa');
  });
  await withFile(`${sa}---\n${other}`, async (p) => {
    const r = await loadConfigFile(p);
    assert.ok(r.ok, 'the only ConfigMap with config.yaml is taken');
    assert.equal(r.value.policy, 'static');
  });
});

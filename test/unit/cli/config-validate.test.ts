import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { POLICY_NAMES } from '../../../src/policy/registry.js';
import { configValidateCommand } from '../../../src/cli/config-validate-cmd.js';
import { capture } from '../bench/cli-helpers.js';
import { configMapManifest } from '../../support/manifests.js';

function file(content: string): string {
  const p = join(mkdtempSync(join(tmpdir(), 'bg-cfg-')), 'cm.yaml');
  writeFileSync(p, content);
  return p;
}

const MANIFEST = configMapManifest(`engine:
  dryRun: false
  tickIntervallS: 30
  scrapeIntervalS: fast
policy: predictiv
`);

test('errors in a ConfigMap manifest: one per line, on the file\'s own line numbers, in plain words', async () => {
  const p = file(MANIFEST);
  const c = capture();
  assert.equal(await configValidateCommand([p], c.io), 2);
  assert.deepEqual(c.err().trimEnd().split('\n'), [
    `${p}:9: engine.tickIntervallS: unknown field; did you mean 'tickIntervalS'?`,
    `${p}:10: engine.scrapeIntervalS: expected a number, got 'fast'`,
    `${p}:11: policy: 'predictiv' is not one of ${POLICY_NAMES.join(', ')}; did you mean 'predictive'?`,
  ]);
});

test('a bare config.yaml keeps its lines; a valid file prints one ok line', async () => {
  const bad = file('policy: vpa\nengine:\n  tickIntervalS: -5\n');
  const good = file('policy: vpa\n');
  const c = capture();
  assert.equal(await configValidateCommand([good, bad], c.io), 2);
  assert.equal(c.err(), `${bad}:3: engine.tickIntervalS: -5 is too small: must be more than 0\n`);
  assert.match(c.out(), new RegExp(`^${good}: ok: policy vpa, dryRun`));
});

test('a quoted config.yaml string cannot map lines: the block line is named instead', async () => {
  const p = file('kind: ConfigMap\nmetadata:\n  name: burstguard\ndata:\n  config.yaml: "policy: nope"\n');
  const c = capture();
  assert.equal(await configValidateCommand([p], c.io), 2);
  assert.match(c.err(), /^[^:]+cm\.yaml: policy: 'nope' is not one of .* \(line 1 of data\."config\.yaml"\)\n$/);
});

test('no file, or an unknown option: usage and exit 2', async () => {
  for (const argv of [[], ['--strict']]) {
    const c = capture();
    assert.equal(await configValidateCommand(argv, c.io), 2);
    assert.match(c.err(), /usage: burstguard config validate/);
  }
});

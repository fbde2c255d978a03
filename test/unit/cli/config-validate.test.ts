import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { POLICY_NAMES } from '../../../src/policy/registry.js';
import { configValidateCommand } from '../../../src/cli/config-validate-cmd.js';
import { capture } from '../bench/cli-helpers.js';
import { configMapManifest } from '../../support/manifests.js';
import { tempDir, type TempOwner } from '../../support/temp-dir.js';

/** `content` as cm.yaml in a temp folder of its own, removed when test `t` is done. */
function file(t: TempOwner, content: string): string {
  const p = join(tempDir(t, 'bg-cfg-'), 'cm.yaml');
  writeFileSync(p, content);
  return p;
}

const MANIFEST = configMapManifest(`engine:
  dryRun: false
  tickIntervallS: 30
  scrapeIntervalS: fast
policy: predictiv
`);

test('errors in a ConfigMap manifest: one per line, on the file\'s own line numbers, in plain words', async (t) => {
  const p = file(t, MANIFEST);
  const c = capture();
  assert.equal(await configValidateCommand([p], c.io), 2);
  assert.deepEqual(c.err().trimEnd().split('\n'), [
    `${p}:9: engine.tickIntervallS: unknown field; did you mean 'tickIntervalS'?`,
    `${p}:10: engine.scrapeIntervalS: expected a number, got 'fast'`,
    `${p}:11: policy: 'predictiv' is not one of ${POLICY_NAMES.join(', ')}; did you mean 'predictive'?`,
  ]);
});

test('a bare config.yaml keeps its lines; a valid file prints one ok line', async (t) => {
  const bad = file(t, 'policy: vpa\nengine:\n  tickIntervalS: -5\n');
  const good = file(t, 'policy: vpa\n');
  const c = capture();
  assert.equal(await configValidateCommand([good, bad], c.io), 2);
  assert.equal(c.err(), `${bad}:3: engine.tickIntervalS: -5 is too small: must be more than 0\n`);
  assert.match(c.out(), new RegExp(`^${good}: ok: policy vpa, dryRun`));
});

test('a quoted config.yaml string cannot map lines: the block line is named instead', async (t) => {
  const p = file(t, 'kind: ConfigMap\nmetadata:\n  name: burstguard\ndata:\n  config.yaml: "policy: nope"\n');
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

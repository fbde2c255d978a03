// Sharding a tune grid: three shard processes (as the Indexed Job's pods would run) merged give the same
// result and the same ConfigMap as one process; a missing or foreign shard is refused by name.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tuneCommand, tuneMergeCommand } from '../../../src/cli/tune-cmd.js';
import { capture, cliProcess, tinyTrace } from '../bench/cli-helpers.js';
import { tempDir } from '../../support/temp-dir.js';

test('three shard processes merged equal one run', async (t) => {
  const dir = tempDir(t);
  const trace = tinyTrace(dir);
  writeFileSync(join(dir, 'grid.yaml'), 'riskBudget: [0.001, 0.01]\nengine.guards.downscaleCooldownS: [300, 900]\nusageMarginFraction: [0.1]\n');
  // A budget every point meets: this test is about the merge, not about the tiny trace's kills.
  const common = ['--trace', trace, '--grid', join(dir, 'grid.yaml'), '--budget', 'disruptions<=100000/100podh', '--jobs', '1'];
  const shards = await Promise.all([0, 1, 2].map((i) => cliProcess(['tune', ...common, '--out', join(dir, 'unused.yaml'), '--shard', `${i}/3`, '--shard-out', join(dir, `shard-${i}.json`)])));
  for (const s of shards) assert.equal(s.code, 0, s.err);

  const merged = capture();
  const files = [0, 1, 2].map((i) => join(dir, `shard-${i}.json`));
  assert.equal(await tuneMergeCommand([...files, ...common, '--out', join(dir, 'merged.yaml'), '--json', join(dir, 'merged.json')], merged.io), 0, merged.err());
  const one = capture();
  assert.equal(await tuneCommand([...common, '--out', join(dir, 'one.yaml'), '--json', join(dir, 'one.json')], one.io), 0, one.err());

  const figures = (f: string): unknown => {
    const j = JSON.parse(readFileSync(join(dir, f), 'utf8')) as Record<string, unknown>;
    delete j['wallSeconds'];
    return j;
  };
  assert.deepEqual(figures('merged.json'), figures('one.json'));
  const configMap = (f: string): string => readFileSync(join(dir, f), 'utf8').replace(/^#.*\n/gm, '');
  assert.equal(configMap('merged.yaml'), configMap('one.yaml'));

  const missing = capture();
  assert.equal(await tuneMergeCommand([files[0] ?? '', files[1] ?? '', ...common, '--out', join(dir, 'x.yaml')], missing.io), 2);
  assert.match(missing.err(), /grid points 2 are in no shard \(2 files for 4 points\): a shard is missing/);
  const foreign = capture();
  assert.equal(await tuneMergeCommand([...files, ...common, '--seed', '7', '--out', join(dir, 'x.yaml')], foreign.io), 2);
  assert.match(foreign.err(), /shard-0\.json: from another search/);
  const badShard = capture();
  assert.equal(await tuneCommand([...common, '--out', join(dir, 'x.yaml'), '--shard', '3/3', '--shard-out', join(dir, 's.json')], badShard.io), 2);
  assert.match(badShard.err(), /--shard expects I\/N with 0 <= I < N/);
});

// Sharding a plan: three shard processes (as the Indexed Job's pods would run, deploy/jobs/plan-job.yaml)
// merged give the same JSON as one process; a missing shard or one of another plan is refused by name.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { planCommand, planMergeCommand } from '../../../src/cli/plan-cmd.js';
import { capture, cliProcess, tinyTrace } from '../bench/cli-helpers.js';
import { tempDir } from '../../support/temp-dir.js';

test('three plan shard processes merged equal one run', async (t) => {
  const dir = tempDir(t);
  const trace = tinyTrace(dir);
  // 2 policies x 2 shapes x 2 scales = 8 cells: shards of 3, 3 and 2.
  const common = ['--trace', trace, '--policies', 'static,predictive', '--node-shape', '4x16Gi,8x32Gi', '--price', '0.2,0.4', '--scale', '1,2', '--jobs', '1'];
  const files = [0, 1, 2].map((i) => join(dir, `shard-${i}.json`));
  const shards = await Promise.all([0, 1, 2].map((i) => cliProcess(['plan', ...common, '--shard', `${i}/3`, '--shard-out', files[i] ?? ''])));
  for (const s of shards) assert.equal(s.code, 0, s.err);
  assert.deepEqual(
    files.map((f) => (JSON.parse(readFileSync(f, 'utf8')) as { results: unknown[] }).results.length),
    [3, 3, 2],
  );

  const merged = capture();
  assert.equal(await planMergeCommand([...files, ...common, '--json', join(dir, 'merged.json')], merged.io), 0, merged.err());
  const one = capture();
  assert.equal(await planCommand([...common, '--json', join(dir, 'one.json')], one.io), 0, one.err());
  assert.equal(readFileSync(join(dir, 'merged.json'), 'utf8'), readFileSync(join(dir, 'one.json'), 'utf8'));
  assert.equal(merged.out(), one.out(), 'the same table');

  const missing = capture();
  assert.equal(await planMergeCommand([files[0] ?? '', files[2] ?? '', ...common], missing.io), 2);
  assert.match(missing.err(), /cells 1, 4, 7 are in no shard \(2 files for 8 cells\): a shard is missing/);
  const foreign = capture();
  assert.equal(await planMergeCommand([...files, ...common, '--seed', '7'], foreign.io), 2);
  assert.match(foreign.err(), /shard-0\.json: from another plan/);
  writeFileSync(join(dir, 'config.yaml'), 'policies:\n  predictive:\n    riskBudget: 0.05\n');
  const otherConfig = capture();
  assert.equal(await planMergeCommand([...files, ...common, '--config', join(dir, 'config.yaml')], otherConfig.io), 2, otherConfig.err());
  assert.match(otherConfig.err(), /shard-0\.json: from another plan/);
  const twice = capture();
  assert.equal(await planMergeCommand([...files, files[0] ?? '', ...common], twice.io), 2);
  assert.match(twice.err(), /shard-0\.json: cell 0 is also in another shard/);
  const noOut = capture();
  assert.equal(await planCommand([...common, '--shard', '1/3'], noOut.io), 2);
  assert.match(noOut.err(), /--shard needs --shard-out/);
});

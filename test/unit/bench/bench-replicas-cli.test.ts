import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { benchCommand } from '../../../src/cli/bench-cmd.js';
import type { BenchResult } from '../../../bench/score/result-types.js';
import { capture, tinyTrace } from './cli-helpers.js';
import { tempDir } from '../../support/temp-dir.js';

const BINDING = ['policy', 'queueWaitP50Seconds', 'queueWaitP95Seconds', 'replicaHours', 'coldStarts', 'sessionsFailed', 'replaySeconds'];

function withoutTimings(json: string): string {
  const v = JSON.parse(json) as BenchResult[];
  for (const p of v.flatMap((r) => r.policies)) delete (p as { replaySeconds?: number }).replaySeconds;
  return JSON.stringify(v);
}

describe('burstguard bench --scenario replicas', () => {
  const trace = tinyTrace({ after });

  it('--json - prints one result whose rows carry the binding fields, for the scenario default policies', async () => {
    const c = capture();
    assert.equal(await benchCommand(['--trace', trace, '--scenario', 'replicas', '--json', '-'], c.io), 0, c.err());
    const all = JSON.parse(c.out()) as BenchResult[];
    assert.equal(all.length, 1, 'one trace still gives an array');
    const r = all[0]!;
    assert.equal(r.schemaVersion, 2);
    assert.equal(r.settings.seed, 1);
    assert.deepEqual(r.priors, {});
    assert.equal(r.scenario, 'replicas');
    assert.equal(r.trace.name, 'tiny');
    assert.equal(r.trace.sessions, 4);
    assert.deepEqual(r.policies.map((p) => p.policy), ['keda', 'predictive', 'static', 'oracle']);
    for (const row of r.policies) for (const f of BINDING) assert.ok(f in row, `${row.policy} lacks ${f}`);
    for (const row of r.policies) assert.equal(typeof row['queueWaitP95Seconds'], 'number');
    assert.match(c.err(), /wait p95/, 'the table goes to stderr when stdout is the JSON');
  });

  it('--policies picks rows, and names the scenario does not offer exit 2', async () => {
    const c = capture();
    assert.equal(await benchCommand(['--trace', trace, '--scenario', 'replicas', '--policies', 'keda,oracle', '--json', '-'], c.io), 0, c.err());
    assert.deepEqual((JSON.parse(c.out()) as BenchResult[])[0]!.policies.map((p) => p.policy), ['keda', 'oracle']);
    const bad = capture();
    assert.equal(await benchCommand(['--trace', trace, '--scenario', 'replicas', '--policies', 'keda,vpa'], bad.io), 2);
    assert.match(bad.err(), /--scenario replicas does not offer 'vpa'/);
    const resize = capture();
    assert.equal(await benchCommand(['--trace', trace, '--policies', 'keda'], resize.io), 2);
    assert.match(resize.err(), /--scenario resize does not offer 'keda'/);
  });

  it('the same seed twice gives identical JSON apart from replaySeconds', async () => {
    const a = capture();
    const b = capture();
    assert.equal(await benchCommand(['--trace', trace, '--scenario', 'replicas', '--seed', '7', '--json', '-'], a.io), 0);
    assert.equal(await benchCommand(['--trace', trace, '--scenario', 'replicas', '--seed', '7', '--json', '-'], b.io), 0);
    assert.equal(withoutTimings(a.out()), withoutTimings(b.out()));
  });

  it('writes the table to stdout and an HTML report with the replicas table', async (t) => {
    const dir = tempDir(t);
    const report = join(dir, 'r.html');
    const c = capture();
    assert.equal(await benchCommand(['--trace', trace, '--scenario', 'replicas', '--report', report], c.io), 0, c.err());
    assert.match(c.out(), /tiny \(replicas\)/);
    assert.match(c.out(), /^keda\s/m);
    const html = readFileSync(report, 'utf8');
    assert.match(html, /<h2>tiny<\/h2>/);
    assert.match(html, /<svg/);
  });
});

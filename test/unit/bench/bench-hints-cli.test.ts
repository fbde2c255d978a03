import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { benchCommand } from '../../../src/cli/bench-cmd.js';
import { parseHintLatency, parseHintLoss } from '../../../bench/replay/hint-flags.js';
import type { BenchResult } from '../../../bench/score/result-types.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { capture, tinyTrace } from './cli-helpers.js';
import { tempDir } from '../../support/temp-dir.js';

describe('burstguard bench --hints', () => {
  it('parses latencies and loss rates, and names what is wrong', () => {
    assert.deepEqual([parseHintLatency('250ms'), parseHintLatency('1.5s'), parseHintLatency('0'), parseHintLatency('2')], [
      { ok: true, value: 0.25 },
      { ok: true, value: 1.5 },
      { ok: true, value: 0 },
      { ok: true, value: 2 },
    ]);
    assert.match((parseHintLatency('-1s') as { error: string }).error, /--hint-latency expects/);
    assert.match((parseHintLatency('soon') as { error: string }).error, /--hint-latency expects/);
    assert.deepEqual([parseHintLoss('0.05'), parseHintLoss('5%'), parseHintLoss('1')], [
      { ok: true, value: 0.05 },
      { ok: true, value: 0.05 },
      { ok: true, value: 1 },
    ]);
    assert.match((parseHintLoss('1.2') as { error: string }).error, /--hint-loss expects a probability/);
    assert.match((parseHintLoss('') as { error: string }).error, /--hint-loss expects/);
  });

  for (const [name, argv, says] of [
    ['knobs without --hints', ['--hint-loss', '0.1'], /--hint-latency and --hint-loss need --hints/],
    ['replicas scenario', ['--hints', '--scenario', 'replicas'], /--hints applies to --scenario resize only/],
    ['bad latency', ['--hints', '--hint-latency', 'x'], /--hint-latency expects/],
  ] as const) {
    it(`refuses ${name}`, async (t) => {
      const c = capture();
      assert.equal(await benchCommand(['--trace', tinyTrace(t), ...argv], c.io), 2);
      assert.match(c.err(), says);
    });
  }

  it('replays predictive twice in one run, unhinted and +hints; baselines once; settings carry the knobs; the table compares', async (t) => {
    const c = capture();
    const report = join(tempDir(t), 'r.html');
    const code = await benchCommand(['--trace', tinyTrace(t), '--policies', 'static,predictive,oracle', '--hints', '--hint-latency', '100ms', '--hint-loss', '0', '--json', '-', '--report', report], c.io);
    assert.equal(code, 0, c.err());
    const [r] = JSON.parse(c.out()) as BenchResult[];
    assert.deepEqual(r?.policies.map((p) => p.policy), ['static', 'predictive', 'predictive+hints', 'oracle']);
    // 100 ms + the 0.16 s resize latency lands within the priors' 1 s: the hinted predictive counts on hints.
    assert.deepEqual(r?.settings['hints'], { latencyS: 0.1, lossRate: 0, predictiveHintLossRate: 0 });
    const hinted = r?.policies[2] as Record<string, unknown>;
    // Four sessions with one test run each; a session killed and restarted redoes (and re-announces) its call.
    assert.ok((hinted['hintsSent'] as number) >= 4);
    assert.equal(hinted['hintsLost'], 0);
    assert.equal(hinted['hintsDelivered'], hinted['hintsSent']);
    assert.equal((r?.policies[1] as Record<string, unknown>)['hintsSent'], undefined);
    assert.match(c.err(), /hints \(latency 100ms, loss 0\.0%\): \d+ tool starts announced, 0 lost, \d+ delivered/);
    assert.match(c.err(), /predictive\+hints vs predictive: node-h [\d.]+ .* → [\d.]+/);
    const html = readFileSync(report, 'utf8');
    assert.match(html, /<h3>Pre-tool hints: hinted vs unhinted<\/h3>/);
    assert.match(html, /predictive\+hints vs predictive: node-h/);
  });

  it('under --cv the hinted twin runs in every fold, and the fold table stays aligned', async (t) => {
    const c = capture();
    assert.equal(await benchCommand(['--trace', tinyTrace(t), '--policies', 'static,predictive', '--hints', '--cv', '2', '--json', '-'], c.io), 0, c.err());
    const [r] = JSON.parse(c.out()) as Array<BenchResult & { cv: { folds: Array<{ policies: Array<{ policy: string }> }> } }>;
    assert.deepEqual(r?.policies.map((p) => p.policy), ['static', 'predictive', 'predictive+hints']);
    for (const f of r?.cv.folds ?? []) assert.deepEqual(f.policies.map((p) => p.policy), ['static', 'predictive', 'predictive+hints']);
    const hinted = c.err().split('\n').find((l) => l.startsWith('predictive+hints ') && l.includes(' / '));
    const plain = c.err().split('\n').find((l) => l.startsWith('predictive ') && l.includes(' / '));
    assert.ok(hinted && plain);
    assert.equal(hinted.search(/\d/), plain.search(/\d/), 'fold cells start in the same column');
  });

  it('a seeded hinted run is byte-identical apart from replaySeconds', async (t) => {
    const once = async (): Promise<string> => {
      const c = capture();
      assert.equal(await benchCommand(['--trace', tinyTrace(t), '--policies', 'predictive', '--hints', '--hint-loss', '0.3', '--json', '-'], c.io), 0);
      return c.out().replace(/"replaySeconds": [\d.e-]+/g, '');
    };
    assert.equal(await once(), await once());
  });

  it('without --hints the settings say hints: null and no twin runs', async (t) => {
    const c = capture();
    assert.equal(await benchCommand(['--trace', tinyTrace(t), '--policies', 'static,predictive', '--json', '-'], c.io), 0);
    const [r] = JSON.parse(c.out()) as BenchResult[];
    assert.equal(r?.settings['hints'], null);
    assert.deepEqual(r?.policies.map((p) => p.policy), ['static', 'predictive']);
  });
});

describe('what a hinted predictive is told', () => {
  it('counts on hints only when their raise lands within the priors\' idle~hinted window', async () => {
    const { hintedPredictiveOptions } = await import('../../../bench/replay/hinted-policies.js');
    const { DEFAULT_SIM_SETTINGS } = await import('../../../bench/sim/defaults.js');
    assert.deepEqual(hintedPredictiveOptions({ latencyS: 0.25, lossRate: 0.05 }, DEFAULT_SIM_SETTINGS), { hintLossRate: 0.05 });
    assert.deepEqual(hintedPredictiveOptions({ latencyS: 2, lossRate: 0.05 }, DEFAULT_SIM_SETTINGS), {});
    assert.deepEqual(hintedPredictiveOptions({ latencyS: 0.25, lossRate: 0.05 }, { ...DEFAULT_SIM_SETTINGS, resizeLatencyS: 5 }), {});
  });
});

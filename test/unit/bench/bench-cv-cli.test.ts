import assert from 'node:assert/strict';
import { test } from 'node:test';
import { benchCommand } from '../../../src/cli/bench-cmd.js';
import type { BenchResult } from '../../../bench/score/result-types.js';
import type { CvDetail } from '../../../bench/replay/run-cv.js';
import { capture, tinyTrace } from './cli-helpers.js';

/** The one trace's result (an array under JSON v2, a bare object before it). */
function first(json: string): BenchResult | undefined {
  const v = JSON.parse(json) as BenchResult | BenchResult[];
  return Array.isArray(v) ? v[0] : v;
}

test('--cv 2: each fold refits priors and static-tuned on the other fold, rows are the folds pooled, folds in the JSON and the table', async (t) => {
  const c = capture();
  const code = await benchCommand(['--trace', tinyTrace(t), '--cv', '2', '--policies', 'static-tuned,predictive', '--json', '-'], c.io);
  assert.equal(code, 0, c.err());
  const r = first(c.out());
  assert.ok(r);
  const cv = r['cv'] as CvDetail;
  assert.equal(cv.k, 2);
  assert.equal(cv.folds.length, 2);
  assert.equal(cv.folds.reduce((a, f) => a + f.sessions, 0), 4);
  for (const f of cv.folds) {
    assert.equal(f.trainSessions, 4 - f.sessions);
    assert.match(f.priors['default'] ?? '', new RegExp(`fitted on the 1 folds other than fold ${f.fold} of tiny`));
    assert.match(f.staticTuned?.['default'] ?? '', /requested, \d+Mi limit: fitted on the 1 folds other than/);
  }
  const pooledKills = cv.folds.reduce((a, f) => a + (f.policies.find((p) => p.policy === 'predictive')?.oomKills ?? 0), 0);
  assert.equal(r.policies.find((p) => p.policy === 'predictive')?.['oomKills'], pooledKills);
  assert.match((r['priors'] as Record<string, string>)['default'] ?? '', /refitted per fold on the other 1 of 2 folds/);
  assert.match(c.err(), /cross-validation: 2 folds of the sessions \(seed 1\)/);
});

test('--cv needs at least two folds and the resize scenario', async (t) => {
  for (const [argv, says] of [
    [['--cv', '1'], /--cv expects a whole number of folds >= 2/],
    [['--cv', 'x'], /--cv expects/],
    [['--cv', '3', '--scenario', 'replicas'], /--cv applies to --scenario resize only/],
  ] as const) {
    const c = capture();
    assert.equal(await benchCommand(['--trace', tinyTrace(t), ...argv], c.io), 2);
    assert.match(c.err(), says);
  }
});

test('a trace that is not bundled is replayed with priors fitted on all bundled traces, and the JSON says so', async (t) => {
  const c = capture();
  assert.equal(await benchCommand(['--trace', tinyTrace(t), '--policies', 'predictive', '--json', '-'], c.io), 0, c.err());
  const r = first(c.out());
  assert.match((r?.['priors'] as Record<string, string>)['default'] ?? '', /fitted on all bundled traces .*this trace is not among them/);
});

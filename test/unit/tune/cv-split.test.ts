import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TraceSample } from '../../../src/trace/types.js';
import { cvSplit } from '../../../bench/tune/cv-split.js';

const samples: TraceSample[] = [];
for (let t = 0; t < 4; t++) for (let s = 0; s < 10; s++) samples.push({ session: `s${s}`, t, memBytes: 1, cpuCores: 0 });

test('every session is held out exactly once, never in its own training folds, samples in trace order', () => {
  const folds = cvSplit(samples, 5, 3);
  const heldOut = folds.flatMap((f) => [...new Set(f.test.map((s) => s.session))]);
  assert.equal(heldOut.length, 10);
  assert.equal(new Set(heldOut).size, 10);
  for (const f of folds) {
    const test = new Set(f.test.map((s) => s.session));
    assert.ok(f.train.every((s) => !test.has(s.id)), `fold ${f.fold} trains on a held-out session`);
    assert.ok(f.trainSamples.every((s) => !test.has(s.session)));
    assert.equal(f.train.length + f.testSessions, 10);
    assert.deepEqual(f.test.map((s) => s.t), [...f.test.map((s) => s.t)].sort((a, b) => a - b));
  }
  assert.deepEqual(cvSplit(samples, 5, 3), folds, 'the same seed gives the same split');
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRng } from '../../../src/core/rng.js';
import {
  foldRetryRun,
  foldToolTransition,
  meanDurationS,
  newRetryRunStats,
  newToolCategoryStats,
  pBurstContinues,
  pRetryContinues,
  pRetryWithin,
  pStillInFlight,
  toolCategory,
} from '../../../models/tool-loop.js';

describe('tool categories', () => {
  const rows: Array<[string | undefined, string]> = [
    [undefined, 'idle'],
    ['', 'idle'],
    ['Bash:test', 'Bash:test'],
    ['Task+Bash:pkg_install', 'Bash:pkg_install'],
    ['Read', 'Read'],
  ];
  for (const [tool, want] of rows) it(`${String(tool)} -> ${want}`, () => assert.equal(toolCategory(tool), want));
});

describe('call durations from scraped transitions', () => {
  for (const [meanS, dtS] of [
    [6, 1],
    [6, 15],
    [30, 15],
  ] as const) {
    it(`exponential calls of mean ${meanS}s seen every ${dtS}s: mean recovered within 25 %`, () => {
      const rng = createRng(meanS * 100 + dtS);
      const s = newToolCategoryStats();
      for (let call = 0; call < 4000; call++) {
        const dur = -Math.log(1 - rng.next()) * meanS;
        // Observe at a random phase every dt: each observation either survives dt or ends within it.
        let age = rng.next() * dtS;
        while (age < dur) {
          foldToolTransition(s, age + dtS < dur, dtS);
          age += dtS;
        }
      }
      const est = meanDurationS(s, 1, 0);
      assert.ok(Math.abs(est - meanS) / meanS < 0.25, `estimated ${est}`);
    });
  }
  it('with no data the prior mean stands', () => assert.equal(meanDurationS(undefined, 7, 20), 7));
  it('P(still in flight) is exp(-Δ/D)', () => {
    assert.ok(Math.abs(pStillInFlight(10, 10) - Math.exp(-1)) < 1e-12);
    assert.equal(pStillInFlight(0, 1), 0);
  });
});

describe('retry runs', () => {
  const rows: Array<[number, number, number]> = [
    [0.3, 0.3, 0.03],
    [0.7, 0.3, 0.03],
    [0.1, 0.5, 0.03],
  ];
  for (const [pTrue, p0, tol] of rows) {
    it(`runs continuing with p=${pTrue} (prior ${p0}): posterior within ±${tol}`, () => {
      const rng = createRng(Math.round(pTrue * 1000));
      const s = newRetryRunStats();
      for (let i = 0; i < 3000; i++) foldRetryRun(s, rng.next() < pTrue);
      assert.ok(Math.abs(pRetryContinues(s, p0, 20) - pTrue) < tol);
    });
  }
  it('back-off pushes later retries out of the horizon', () => {
    assert.equal(pRetryWithin(0.5, 0, 45, 3, 2), 0.5);
    assert.ok(Math.abs(pRetryWithin(0.5, 5, 45, 3, 2) - 0.5 * (45 / 96)) < 1e-12);
  });
  it('P(burst continues) combines still-running and retry', () => {
    assert.ok(Math.abs(pBurstContinues(0.5, 0.5) - 0.75) < 1e-12);
    assert.equal(pBurstContinues(0, 0), 0);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { createRng } from '../../../src/core/rng.js';
import { countQuantile, foldArrivals, forecastArrivals, newArrivalStats, normalQuantile, readArrivals, type ArrivalStats } from '../../../models/arrivals.js';

/** Poisson arrivals at `ratePerS` for `spanS` seconds, folded per 15 s scrape as a controller sees them. */
function poissonRun(seed: number, ratePerS: number, spanS: number): ArrivalStats {
  const rng = createRng(seed);
  const s = newArrivalStats(0);
  let t = 0;
  let pending = 0;
  let nextScrape = 15;
  for (;;) {
    t += -Math.log(1 - rng.next()) / ratePerS;
    while (nextScrape < t && nextScrape <= spanS) {
      foldArrivals(s, pending, nextScrape * 1000);
      pending = 0;
      nextScrape += 15;
    }
    if (t > spanS) break;
    pending++;
  }
  return s;
}

describe('arrival rate', () => {
  const cases: Array<{ rate: number; seed: number }> = [
    { rate: 0.05, seed: 1 },
    { rate: 0.2, seed: 2 },
    { rate: 1, seed: 3 },
  ];
  for (const c of cases) {
    it(`recovers a Poisson rate of ${c.rate}/s within 3.5 standard errors and stays near dispersion 1`, () => {
      const s = poissonRun(c.seed, c.rate, 7200);
      const r = readArrivals(s, 7200 * 1000);
      // A kernel estimate with time constant τ has relative standard error 1/sqrt(2λτ).
      const tol = (tau: number): number => 3.5 / Math.sqrt(2 * c.rate * tau);
      assert.ok(Math.abs(r.slowRate / c.rate - 1) < tol(900), `slow ${r.slowRate}`);
      assert.ok(Math.abs(r.fastRate / c.rate - 1) < tol(60), `fast ${r.fastRate}`);
      assert.ok(r.dispersion < 1.6, `dispersion ${r.dispersion}`);
    });
  }

  it('is unbiased while young (warm-up correction)', () => {
    const s = poissonRun(4, 0.5, 120);
    const r = readArrivals(s, 120 * 1000);
    assert.ok(Math.abs(r.slowRate / 0.5 - 1) < 0.35, `slow ${r.slowRate} after 2 min`);
  });

  it('decays after arrivals stop', () => {
    const s = poissonRun(5, 0.5, 1800);
    const before = readArrivals(s, 1800 * 1000).fastRate;
    const after = readArrivals(s, (1800 + 300) * 1000).fastRate;
    assert.ok(after < before * 0.01, `${after} vs ${before}`);
  });
});

describe('burst detection', () => {
  it('a burst raises the fast rate, the burst index, the dispersion and the upper forecast', () => {
    const s = poissonRun(6, 0.05, 1800);
    const calm = forecastArrivals(s, 1800 * 1000, 90, 0.95);
    for (let k = 1; k <= 4; k++) foldArrivals(s, 6, (1800 + 15 * k) * 1000);
    const burst = forecastArrivals(s, 1860 * 1000, 90, 0.95);
    assert.ok(burst.burstIndex > 2, `burst index ${burst.burstIndex}`);
    assert.ok(burst.dispersion > calm.dispersion, `${burst.dispersion} vs ${calm.dispersion}`);
    assert.ok(burst.upper >= 2 * calm.upper + 3, `${burst.upper} vs ${calm.upper}`);
    assert.ok(burst.upper > burst.mean);
  });

  it('clustered arrivals read as over-dispersed', () => {
    const rng = createRng(7);
    const s = newArrivalStats(0);
    // Same mean (0.1/s) as Poisson, but all of it in rare clumps of 15.
    for (let k = 1; k <= 480; k++) foldArrivals(s, rng.next() < 0.1 ? 15 : 0, k * 15_000);
    const r = readArrivals(s, 480 * 15_000);
    assert.ok(r.dispersion > 5, `dispersion ${r.dispersion}`);
  });
});

describe('count quantile', () => {
  // Poisson quantiles from the cdf tables: P(N ≤ k) ≥ q first at k.
  const poisson: Array<[number, number, number]> = [
    [0.5, 0.95, 2],
    [2, 0.95, 5],
    [10, 0.95, 15],
    [10, 0.5, 10],
    [0, 0.95, 0],
  ];
  for (const [mean, q, want] of poisson) it(`Poisson(${mean}) q${q} = ${want}`, () => assert.equal(countQuantile(mean, 1, q), want));

  it('over-dispersion widens the upper quantile', () => {
    assert.ok(countQuantile(10, 5, 0.95) > countQuantile(10, 1, 0.95) + 5);
  });

  // Not in the dispersion: more dispersion at one mean also makes zero likelier, so low quantiles may drop.
  it('is non-decreasing in the mean and in q (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.01, max: 300, noNaN: true }), fc.double({ min: 1, max: 30, noNaN: true }), fc.double({ min: 0.5, max: 0.999, noNaN: true }), (m, d, q) => {
        const k = countQuantile(m, d, q);
        return countQuantile(m * 1.5, d, q) >= k && countQuantile(m, d, Math.min(0.9999, q + 0.01)) >= k;
      }),
      { numRuns: 200 },
    );
  });

  it('the large-mean normal branch agrees with the sum near the switch', () => {
    const summed = countQuantile(590, 2, 0.95);
    const normal = Math.ceil(590 + normalQuantile(0.95) * Math.sqrt(2 * 590));
    assert.ok(Math.abs(summed - normal) <= 3, `${summed} vs ${normal}`);
    assert.ok(Math.abs(normalQuantile(0.95) - 1.645) < 1e-3);
  });
});

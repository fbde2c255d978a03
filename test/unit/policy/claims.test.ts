// Claim counters → claim arrivals: the first reading is a baseline, increases are arrivals, a reset counts nothing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { foldClaimTotals, type PoolClaims } from '../../../src/policy/predictive/claims.js';
import { resolvePredictiveOptions } from '../../../src/policy/predictive/index.js';

const o = resolvePredictiveOptions({ riskBudget: 0.002 });

test('the first reading is a baseline; increases are arrivals; a counter reset counts nothing', () => {
  const st = new Map<string, PoolClaims>();
  foldClaimTotals(st, new Map([['p', 40]]), 0, o, 15);
  assert.equal(st.get('p')!.arrivals.stats.arrivals, 0, 'claims before the controller looked are no arrivals');
  foldClaimTotals(st, new Map([['p', 43]]), 15_000, o, 15);
  assert.equal(st.get('p')!.arrivals.stats.arrivals, 3);
  foldClaimTotals(st, new Map([['p', 2]]), 30_000, o, 15);
  assert.equal(st.get('p')!.arrivals.stats.arrivals, 3, 'a reset under-counts, never invents');
  foldClaimTotals(st, new Map([['p', 5]]), 45_000, o, 15);
  assert.equal(st.get('p')!.arrivals.stats.arrivals, 6);
  assert.equal(st.get('p')!.arrivals.inFlight, 0, 'a claimed sandbox has left the pool');
  foldClaimTotals(st, new Map([['p', Number.NaN], ['q', -1]]), 60_000, o, 15);
  assert.equal(st.get('p')!.lastTotal, 5);
  assert.equal(st.has('q'), false);
});

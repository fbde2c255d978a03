import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AgentSample, ScaledObjectView } from '../../../src/core/types.js';
import type { ScaleRecommendation } from '../../../src/policy/policy.js';
import { createPredictivePolicy, resolvePredictiveOptions, type PredictiveOptions } from '../../../src/policy/predictive/index.js';
import { observeArrivals, type ClassArrivals } from '../../../src/policy/predictive/scale.js';

const T0 = Date.UTC(2026, 0, 1);
const SCRAPE_S = 15;

interface Phase {
  /** Scrapes in this phase. */
  readonly scrapes: number;
  /** New sessions per scrape (fractions accumulate: 0.25 is one every fourth scrape). */
  readonly perScrape: number;
}

interface Step {
  readonly tS: number;
  readonly recs: ScaleRecommendation[];
  readonly minReplicas: number;
}

/**
 * Drives the policy as the engine would: a scrape every 15 s with one sample per live session (each
 * lives `lifeS`), observe then recommend, and a scale recommendation applied to the ScaledObject at once.
 */
function drive(phases: readonly Phase[], so: { original: number; max: number; cls?: string; cap?: number }, opts: Partial<PredictiveOptions> = {}, lifeS = 120): Step[] {
  const policy = createPredictivePolicy({ riskBudget: 0.002, ...opts });
  const st = policy.init();
  let minReplicas = so.original;
  const born = new Map<string, number>();
  const steps: Step[] = [];
  let n = 0;
  let acc = 0;
  let k = 0;
  for (const ph of phases) {
    for (let i = 0; i < ph.scrapes; i++, k++) {
      const tS = k * SCRAPE_S;
      acc += ph.perScrape;
      while (acc >= 1) {
        born.set(`ns/s${n++}`, tS);
        acc -= 1;
      }
      for (const [key, b] of born) if (tS - b > lifeS) born.delete(key);
      const samples: AgentSample[] = [...born.keys()].map((pod) => ({ pod, tMs: T0 + tS * 1000, memBytes: 1e8, cpuCores: 0.1, agentClass: 'swe' }));
      const view: ScaledObjectView = { ref: { namespace: 'ns', name: 'workers' }, agentClass: so.cls ?? 'swe', minReplicas, maxReplicas: so.max, originalMinReplicas: so.original, ...(so.cap !== undefined ? { prewarmCap: so.cap } : {}) };
      const ctx = { nowMs: T0 + (tS + 12) * 1000, pods: [], scaledObjects: [view] };
      policy.observe(st, samples, ctx);
      const recs = policy.recommend(st, ctx).filter((r): r is ScaleRecommendation => r.kind === 'scale');
      for (const r of recs) minReplicas = r.minReplicas;
      steps.push({ tS, recs, minReplicas });
    }
  }
  return steps;
}

const calm: Phase = { scrapes: 120, perScrape: 0.25 };
const burst: Phase = { scrapes: 4, perScrape: 6 };
const after: Phase = { scrapes: 60, perScrape: 0.25 };
const burstEndS = (calm.scrapes + burst.scrapes) * SCRAPE_S;

describe('predictive: KEDA pre-warm', () => {
  it('pre-warms on a burst, with the numbers in the reason', () => {
    const steps = drive([calm, burst, after], { original: 1, max: 100 });
    const calmPeak = Math.max(...steps.filter((s) => s.tS < calm.scrapes * SCRAPE_S).map((s) => s.minReplicas));
    const burstPeak = Math.max(...steps.filter((s) => s.tS >= calm.scrapes * SCRAPE_S && s.tS < burstEndS + 60).map((s) => s.minReplicas));
    assert.ok(burstPeak >= 10, `pre-warmed to ${burstPeak}`);
    assert.ok(burstPeak > calmPeak + 5, `${burstPeak} vs calm ${calmPeak}`);
    const rec = steps.flatMap((s) => s.recs).find((r) => r.minReplicas === burstPeak);
    assert.ok(rec);
    assert.match(rec.reason, /^pre-warm \d+ replicas: [\d.]+ sessions\/min, \d+ arrivals at p95 over \d+ s, \d+ in flight, burst index [\d.]+/);
    assert.equal(rec.inputs['quantile'], 0.95);
  });

  it('holds through the cool-down, then restores the original minReplicaCount', () => {
    const steps = drive([calm, burst, after], { original: 1, max: 100 }, { scaleCooldownS: 300 });
    const peak = Math.max(...steps.map((s) => s.minReplicas));
    const at = (tS: number): number => steps.find((s) => s.tS === tS)?.minReplicas ?? -1;
    assert.equal(at(burstEndS + 120), peak, 'still held two minutes after the burst');
    const last = steps[steps.length - 1] as Step;
    assert.equal(last.minReplicas, 1, 'back to the original');
    const restore = steps.flatMap((s) => s.recs).find((r) => r.minReplicas === 1);
    assert.match(restore?.reason ?? '', /^restore minReplicaCount 1: no burst forecast for 300 s/);
    // No flapping: the target rises then falls, never up again after the restore.
    const changes = steps.filter((s, i) => i > 0 && s.minReplicas !== (steps[i - 1] as Step).minReplicas).map((s) => s.minReplicas);
    const down = changes.indexOf(1);
    assert.ok(down > 0 && changes.slice(down + 1).every((v) => v === 1), `changes ${changes.join(',')}`);
  });

  it('never recommends above maxReplicas', () => {
    const steps = drive([calm, burst, after], { original: 1, max: 4 });
    const recs = steps.flatMap((s) => s.recs);
    assert.ok(recs.length > 0);
    assert.ok(recs.every((r) => r.minReplicas <= 4));
    assert.ok(recs.some((r) => r.minReplicas === 4 && /capped at maxReplicas 4/.test(r.reason)));
  });

  it('never pre-warms past maxPrewarmReplicas when the operator set one below maxReplicas', () => {
    const steps = drive([calm, burst, after], { original: 1, max: 100, cap: 3 });
    const recs = steps.flatMap((s) => s.recs);
    assert.ok(recs.length > 0);
    assert.ok(recs.every((r) => r.minReplicas <= 3), recs.map((r) => r.minReplicas).join(','));
    assert.ok(recs.some((r) => r.minReplicas === 3 && /capped at maxPrewarmReplicas 3/.test(r.reason)));
  });

  it('never recommends below the original minReplicaCount, and calm traffic changes nothing', () => {
    const steps = drive([calm, burst, after], { original: 3, max: 100 });
    assert.ok(steps.flatMap((s) => s.recs).every((r) => r.minReplicas >= 3));
    const calmOnly = drive([calm], { original: 3, max: 100 });
    assert.deepEqual(calmOnly.flatMap((s) => s.recs), []);
  });

  it('leaves ScaledObjects of unseen classes alone', () => {
    const steps = drive([calm, burst], { original: 1, max: 100, cls: 'other' });
    assert.deepEqual(steps.flatMap((s) => s.recs), []);
  });

  it('with prewarmBurstIndex 0 keeps a forecast-sized buffer in calm traffic too', () => {
    const steps = drive([calm], { original: 1, max: 100 }, { prewarmBurstIndex: 0 });
    const last = steps[steps.length - 1] as Step;
    // 1 arrival a minute over ~100 s at p95 plus the ~2 sessions in flight.
    assert.ok(last.minReplicas >= 3 && last.minReplicas <= 10, `buffer ${last.minReplicas}`);
  });
});

describe('observeArrivals', () => {
  const o = resolvePredictiveOptions({ riskBudget: 0.002 });
  it('counts new keys as arrivals (not the first batch), takes the class from the pod when the sample lacks it, tracks in-flight', () => {
    const arrivals = new Map<string, ClassArrivals>();
    const at = (tS: number, pods: string[]): AgentSample[] => pods.map((pod) => ({ pod, tMs: T0 + tS * 1000, memBytes: 1, cpuCores: 0 }));
    const cls = (key: string): string | undefined => (key.startsWith('ns/') ? 'swe' : undefined);
    observeArrivals(arrivals, at(0, ['ns/a', 'ns/b']), T0 + 10_000, o, cls);
    observeArrivals(arrivals, [...at(15, ['ns/a', 'ns/b', 'ns/c']), ...at(30, ['ns/b', 'ns/c', 'ns/d', 'ns/e'])], T0 + 40_000, o, cls);
    const ca = arrivals.get('swe');
    assert.ok(ca);
    assert.equal(ca.stats.arrivals, 3, 'c, d and e; a and b were there at the start');
    assert.equal(ca.inFlight, 4);
    assert.equal(ca.lastScrapeMs, T0 + 30_000);
    assert.equal(arrivals.has('default'), false);
  });
});

describe('predictive: demand() for the KEDA external scaler', () => {
  it('serves the same forecast the minReplicaCount patch uses, and nothing for an unseen class', () => {
    const policy = createPredictivePolicy({ riskBudget: 0.002, sessionsPerReplica: 2 });
    const st = policy.init();
    const view: ScaledObjectView = { ref: { namespace: 'ns', name: 'workers' }, agentClass: 'swe', minReplicas: 1, maxReplicas: 100, originalMinReplicas: 1 };
    let n = 0;
    let last: ScaleRecommendation | undefined;
    let nowMs = T0;
    for (let k = 0; k < 130; k++) {
      const tS = k * SCRAPE_S;
      const fresh = k < 120 ? (k % 4 === 0 ? 1 : 0) : 6;
      const samples: AgentSample[] = Array.from({ length: fresh }, () => ({ pod: `ns/s${n++}`, tMs: T0 + tS * 1000, memBytes: 1e8, cpuCores: 0.1, agentClass: 'swe' }));
      nowMs = T0 + (tS + 12) * 1000;
      const ctx = { nowMs, pods: [], scaledObjects: [view] };
      policy.observe(st, samples, ctx);
      last = policy.recommend(st, ctx).find((r): r is ScaleRecommendation => r.kind === 'scale') ?? last;
    }
    const d = policy.demand?.(st, 'swe', nowMs);
    assert.ok(d && last, 'a burst was forecast');
    assert.equal(d.replicas, last.inputs.need);
    assert.equal(d.sessions, d.inFlight + d.upperArrivals);
    assert.equal(d.replicas, Math.ceil(d.sessions / 2));
    assert.equal(d.sessionsPerReplica, 2);
    assert.equal(policy.demand?.(st, 'nobody', nowMs), undefined);
  });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { GiB, MiB, qosOf } from '../../../src/core/resources.js';
import type { PodView, Resources } from '../../../src/core/types.js';
import type { GuardConfig } from '../../../src/engine/engine-config.js';
import { guardResize } from '../../../src/engine/guards.js';
import { recentPeak, type PodMemory } from '../../../src/engine/pod-memory.js';
import type { ResizeRecommendation } from '../../../src/policy/policy.js';

/*
 * Property tests of the safety rails: whatever a policy recommends, for any pod, usage history and
 * (sane) configuration, a resize that leaves guardResize keeps the limits at or above recent usage plus
 * margin, stays within the configured bounds, keeps the QoS class and keeps requests ≤ limits.
 */

type Res = keyof Resources;
const RES: readonly Res[] = ['memBytes', 'cpuCores'];
const NOW = 1_700_000_000_000;
const RUNS = { numRuns: 400 };

const mib = (lo: number, hi: number) => fc.integer({ min: lo, max: hi }).map((n) => n * MiB);
const milli = (lo: number, hi: number) => fc.integer({ min: lo, max: hi }).map((n) => n / 1000);

/** Bounds are whole MiB and millicores, as a ConfigMap writes them. */
const cfgArb: fc.Arbitrary<GuardConfig> = fc
  .record({
    minMem: mib(16, 512),
    memSpan: mib(64, 32 * 1024),
    minCpu: milli(1, 200),
    cpuSpan: milli(10, 16_000),
    usageMarginFraction: fc.double({ min: 0, max: 0.5, noNaN: true }),
    minChangeFraction: fc.double({ min: 0, max: 0.2, noNaN: true }),
    downscaleCooldownS: fc.constantFrom(0, 60, 300),
    decreaseIntervalS: fc.constantFrom(0, 30, 60),
    maxDecreaseFraction: fc.double({ min: 0.05, max: 0.9, noNaN: true }),
  })
  .map((c) => ({
    minResources: { memBytes: c.minMem, cpuCores: c.minCpu },
    maxResources: { memBytes: c.minMem + c.memSpan, cpuCores: Math.round((c.minCpu + c.cpuSpan) * 1000) / 1000 },
    usageMarginFraction: c.usageMarginFraction,
    usageWindowS: 600,
    minChangeFraction: c.minChangeFraction,
    downscaleCooldownS: c.downscaleCooldownS,
    decreaseIntervalS: c.decreaseIntervalS,
    maxDecreaseFraction: c.maxDecreaseFraction,
  }));

/** A pod spec as Kubernetes holds it (whole MiB / millicores), possibly outside the bounds. */
const podArb: fc.Arbitrary<PodView> = fc
  .record({
    guaranteed: fc.boolean(),
    limMem: mib(1, 64 * 1024),
    limCpu: milli(1, 32_000),
    reqMemShare: fc.double({ min: 0.05, max: 1, noNaN: true }),
    reqCpuShare: fc.double({ min: 0.05, max: 1, noNaN: true }),
    resize: fc.constantFrom<PodView['resize']>({ phase: 'none' }, { phase: 'infeasible', message: 'x' }, { phase: 'error', message: 'x' }),
  })
  .map((p) => {
    const limits = { memBytes: p.limMem, cpuCores: p.limCpu };
    let requests = p.guaranteed
      ? limits
      : { memBytes: Math.max(MiB, Math.floor((p.limMem * p.reqMemShare) / MiB) * MiB), cpuCores: Math.max(0.001, Math.floor(p.limCpu * p.reqCpuShare * 1000) / 1000) };
    // Burstable needs a gap somewhere; tiny limits may have rounded it away.
    if (!p.guaranteed && requests.memBytes === limits.memBytes && requests.cpuCores === limits.cpuCores) {
      requests = { ...requests, memBytes: limits.memBytes, cpuCores: limits.cpuCores };
      limits.cpuCores = Math.round((limits.cpuCores + 0.001) * 1000) / 1000;
    }
    const qos = qosOf(requests, limits);
    return {
      ref: { namespace: 'agents', name: 'p' },
      key: 'agents/p',
      agentClass: 'swe',
      container: 'agent',
      qos,
      requests,
      limits,
      resize: p.resize,
      running: true,
      startedAtMs: 0,
      restarts: 0,
    } satisfies PodView;
  });

const memArb: fc.Arbitrary<PodMemory> = fc
  .record({
    peaks: fc.array(fc.record({ memBytes: fc.double({ min: 0, max: 80 * GiB, noNaN: true }), cpuCores: fc.double({ min: 0, max: 40, noNaN: true }) }), { maxLength: 6 }),
    sampleAgeS: fc.option(fc.integer({ min: 0, max: 600 }), { nil: undefined }),
    changeAgeS: fc.option(fc.integer({ min: 0, max: 900 }), { nil: undefined }),
    raiseAgeS: fc.option(fc.integer({ min: 0, max: 900 }), { nil: undefined }),
    infeasible: fc.option(fc.record({ memBytes: mib(1, 64 * 1024), cpuCores: milli(1, 32_000) }), { nil: undefined }),
  })
  .map((m) => ({
    peaks: m.peaks.map((p, i) => ({ tMs: NOW - i * 15_000, ...p })),
    lastSampleMs: m.sampleAgeS === undefined ? undefined : NOW - m.sampleAgeS * 1000,
    lastChangeMs: m.changeAgeS === undefined ? undefined : NOW - m.changeAgeS * 1000,
    raisedAtMs: m.raiseAgeS === undefined ? undefined : { 'memBytes.limit': NOW - m.raiseAgeS * 1000, 'cpuCores.request': NOW - m.raiseAgeS * 1000 },
    infeasibleRequests: m.infeasible,
  }));

/** Whatever a policy might say, including nonsense: requests above limits, tiny or huge values. */
const recArb: fc.Arbitrary<ResizeRecommendation> = fc
  .record({
    rm: fc.double({ min: 0, max: 100 * GiB, noNaN: true }),
    rc: fc.double({ min: 0, max: 64, noNaN: true }),
    lm: fc.double({ min: 0, max: 100 * GiB, noNaN: true }),
    lc: fc.double({ min: 0, max: 64, noNaN: true }),
  })
  .map((r) => ({
    kind: 'resize' as const,
    pod: 'agents/p',
    requests: { memBytes: r.rm, cpuCores: r.rc },
    limits: { memBytes: r.lm, cpuCores: r.lc },
    reason: 'property',
    inputs: {},
  }));

const ctx = { nowMs: NOW, staleAfterS: 120 };
const inputs = fc.tuple(recArb, podArb, memArb, cfgArb);

/** The limit floor: recent peak plus margin, at least the minimum, at most the maximum (bounds win). */
function floorOf(r: Res, mem: PodMemory, cfg: GuardConfig): number {
  return Math.min(cfg.maxResources[r], Math.max(cfg.minResources[r], recentPeak(mem)[r] * (1 + cfg.usageMarginFraction)));
}

test('property: limits are never below recent usage × (1 + margin) (or the max bound when that is lower)', () => {
  fc.assert(
    fc.property(inputs, ([rec, pod, mem, cfg]) => {
      const g = guardResize(rec, pod, mem, cfg, ctx);
      if (g.kind !== 'resize') return;
      for (const r of RES) assert.ok(g.limits[r] >= floorOf(r, mem, cfg) - 1e-9, `${r} limit ${g.limits[r]} < floor ${floorOf(r, mem, cfg)}`);
    }),
    RUNS,
  );
});

test('property: requests and limits are always within [min, max]', () => {
  fc.assert(
    fc.property(inputs, ([rec, pod, mem, cfg]) => {
      const g = guardResize(rec, pod, mem, cfg, ctx);
      if (g.kind !== 'resize') return;
      for (const r of RES) {
        for (const [what, v] of [['limit', g.limits[r]], ['request', g.requests[r]]] as const) {
          assert.ok(v >= cfg.minResources[r] - 1e-9, `${r} ${what} ${v} < min ${cfg.minResources[r]}`);
          assert.ok(v <= cfg.maxResources[r] + 1e-9, `${r} ${what} ${v} > max ${cfg.maxResources[r]}`);
        }
      }
    }),
    RUNS,
  );
});

test('property: the QoS class never changes', () => {
  fc.assert(
    fc.property(inputs, ([rec, pod, mem, cfg]) => {
      const g = guardResize(rec, pod, mem, cfg, ctx);
      if (g.kind !== 'resize') return;
      assert.equal(qosOf(g.requests, g.limits), pod.qos);
    }),
    RUNS,
  );
});

test('property: requests never exceed limits', () => {
  fc.assert(
    fc.property(inputs, ([rec, pod, mem, cfg]) => {
      const g = guardResize(rec, pod, mem, cfg, ctx);
      if (g.kind !== 'resize') return;
      for (const r of RES) assert.ok(g.requests[r] <= g.limits[r], `${r}: request ${g.requests[r]} > limit ${g.limits[r]}`);
    }),
    RUNS,
  );
});

test('property: a pod below its usage floor is never left alone as "unchanged"', () => {
  fc.assert(
    fc.property(inputs, ([rec, pod, mem, cfg]) => {
      const g = guardResize(rec, pod, mem, cfg, ctx);
      if (g.kind !== 'unchanged') return;
      for (const r of RES) {
        const floor = floorOf(r, mem, cfg);
        assert.ok(pod.limits[r] >= floor || floor - pod.limits[r] < (r === 'memBytes' ? MiB : 0.001), `${r} limit ${pod.limits[r]} below floor ${floor}`);
      }
    }),
    RUNS,
  );
});

test('property: values are whole MiB and millicores (or exactly a bound)', () => {
  fc.assert(
    fc.property(inputs, ([rec, pod, mem, cfg]) => {
      const g = guardResize(rec, pod, mem, cfg, ctx);
      if (g.kind !== 'resize') return;
      for (const v of [g.requests.memBytes, g.limits.memBytes]) assert.ok(v % MiB === 0 || v === cfg.maxResources.memBytes, `memory ${v}`);
      for (const v of [g.requests.cpuCores, g.limits.cpuCores]) assert.ok(Math.abs(v * 1000 - Math.round(v * 1000)) < 1e-6 || v === cfg.maxResources.cpuCores, `cpu ${v}`);
    }),
    RUNS,
  );
});

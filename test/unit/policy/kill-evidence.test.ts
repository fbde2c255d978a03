// What an OOM kill proves (kill-evidence.ts): the peak passed the lower of the container's limit and the
// node's room, and the horizons open at the kill enter the class's excess with at least that peak.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GiB, MiB } from '../../../src/core/resources.js';
import type { AgentSample, PodView } from '../../../src/core/types.js';
import { createPredictivePolicy, resolvePredictiveOptions } from '../../../src/policy/predictive/index.js';
import { KILL_STRATUM, killPeakBound } from '../../../src/policy/predictive/kill-evidence.js';
import { classModel } from '../../../src/policy/predictive/state.js';
import { agentPodView } from './agent-pod-view.js';

describe('killPeakBound', () => {
  it('is the limit when the node is unknown', () => {
    assert.equal(killPeakBound(2 * GiB, undefined, [{ usageBytes: 5 * GiB }]), 2 * GiB);
  });
  it('is the node’s room when that is below the limit (a kill by the kernel on a full node)', () => {
    assert.equal(killPeakBound(4 * GiB, 8 * GiB, [{ usageBytes: 3 * GiB }, { usageBytes: 2.5 * GiB }]), 2.5 * GiB);
  });
  it('is the limit when the node had more room than that (a kill at the limit)', () => {
    assert.equal(killPeakBound(1 * GiB, 8 * GiB, [{ usageBytes: 2 * GiB }]), 1 * GiB);
  });
  it('is never negative (neighbours scraped above allocatable)', () => {
    assert.equal(killPeakBound(1 * GiB, 8 * GiB, [{ usageBytes: 9 * GiB }]), 0);
  });
});

describe('an OOM kill in the class’s excess distribution', () => {
  const node = { memBytes: 8 * GiB, cpuCores: 4 };
  const template = { requests: { memBytes: 300 * MiB, cpuCores: 0.25 }, limits: { memBytes: 2 * GiB, cpuCores: 1 } };
  const o = resolvePredictiveOptions({ riskBudget: 0.002 });

  /** Pods idle at 200Mi on one node; pod p0 is OOM-killed at `killS` (its samples after it are a restart at 50Mi). */
  function run(killS: number | undefined): { big: number; bigInKillStratum: number } {
    const p = createPredictivePolicy({ riskBudget: 0.002 });
    const st = p.init();
    const keys = ['ns/p0', 'ns/p1', 'ns/p2'];
    for (let t = 15; t <= 600; t += 15) {
      const killed = killS !== undefined && t > killS;
      const pods: PodView[] = keys.map((k) => ({
        ...agentPodView(k, { ...template, nodeAllocatable: node }),
        ...(killed && k === 'ns/p0' ? { restarts: 1, lastOomAtMs: killS * 1000 } : {}),
      }));
      const samples: AgentSample[] = keys.map((k) => ({ pod: k, tMs: t * 1000, memBytes: killed && k === 'ns/p0' && t <= (killS ?? 0) + 45 ? 50 * MiB : 200 * MiB, cpuCores: 0.05, agentClass: 'swe' }));
      p.observe(st, samples, { nowMs: t * 1000, pods, scaledObjects: [] });
    }
    const cm = classModel(st, 'swe', o);
    const bigIn = (h: { edges: Float64Array; counts: Float64Array } | undefined): number => {
      let n = 0;
      if (h) for (let i = 0; i < h.counts.length; i++) if ((h.edges[i] ?? 0) >= 1.5 * GiB) n += h.counts[i] ?? 0;
      return n;
    };
    let big = 0;
    for (const st of cm.strata.values()) big += bigIn(st.mem);
    return { big, bigInKillStratum: bigIn(cm.strata.get(KILL_STRATUM)?.mem) };
  }

  it('without a kill the class has seen no excess near the limit', () => {
    assert.equal(run(undefined).big, 0);
  });

  it('the horizons open at a kill close with the proven peak (the limit, the node having room), not the restart’s samples', () => {
    const { big, bigInKillStratum } = run(300);
    assert.ok(big >= 2, `outcomes ≥ 1.5Gi excess after a kill at a 2Gi limit: ${big}`);
    // Only in the kill stratum, which prices requests and sets no pod's limit (no pod is in that state).
    assert.equal(bigInKillStratum, big);
  });
});

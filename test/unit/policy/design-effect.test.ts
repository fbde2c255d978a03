// The design effect (src/policy/predictive/design-effect.ts): how far the pods of a node move together,
// against synthetic pods that are independent, in perfectly correlated groups, or drifting together.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRng, type Rng } from '../../../src/core/rng.js';
import type { PodView } from '../../../src/core/types.js';
import { designEffect, groupSize, newDesignEffectState, observeDesignEffect, podUsages, type PodUsage } from '../../../src/policy/predictive/design-effect.js';

const MiB = 1024 * 1024;

/** A heavy-ish usage step: mostly small noise, sometimes a burst up or its end. */
function step(rng: Rng): number {
  const u = rng.next();
  if (u < 0.05) return 400 * MiB * rng.next();
  if (u < 0.1) return -400 * MiB * rng.next();
  return (rng.next() - 0.5) * 20 * MiB;
}

/**
 * `nodes` nodes of `perNode` pods, scraped `scrapes` times; pods in groups of `group` share one step
 * per scrape (group 1: independent), and every pod adds `drift` per scrape.
 */
function simulate(opts: { nodes: number; perNode: number; group: number; scrapes: number; drift?: number; seed: number }): number {
  const rng = createRng(opts.seed);
  const st = newDesignEffectState();
  const mem = new Map<string, number>();
  for (let k = 0; k < opts.scrapes; k++) {
    const tMs = k * 15_000;
    const usages: PodUsage[] = [];
    for (let n = 0; n < opts.nodes; n++) {
      let shared = 0;
      for (let i = 0; i < opts.perNode; i++) {
        if (i % opts.group === 0) shared = step(rng);
        const key = `n${n}/p${i}`;
        const m = (mem.get(key) ?? 1024 * MiB) + shared + (opts.drift ?? 0);
        mem.set(key, m);
        usages.push({ key, agentClass: 'swe', nodeName: `n${n}`, memBytes: m, tMs });
      }
    }
    observeDesignEffect(st, usages, tMs, 1e9);
  }
  return designEffect(st.classes.get('swe'));
}

describe('design effect', () => {
  it('is 1 before any evidence (the prior) and for a class never seen', () => {
    const st = newDesignEffectState();
    assert.equal(designEffect(undefined), 1);
    assert.equal(groupSize(st, 'swe'), 1);
  });

  it('is about 1 for independent pods', () => {
    const de = simulate({ nodes: 10, perNode: 20, group: 1, scrapes: 300, seed: 1 });
    assert.ok(de > 0.85 && de < 1.15, `DE ${de}`);
  });

  it('is about G for pods in perfectly correlated groups of G', () => {
    for (const g of [2, 4, 10]) {
      const de = simulate({ nodes: 10, perNode: 20, group: g, scrapes: 300, seed: 2 + g });
      assert.ok(de > g * 0.85 && de < g * 1.15, `G ${g}: DE ${de}`);
    }
  });

  it('does not count a drift all pods share as correlation (it is expected growth, already in each request)', () => {
    const de = simulate({ nodes: 10, perNode: 20, group: 1, scrapes: 300, drift: 30 * MiB, seed: 9 });
    assert.ok(de < 1.3, `DE ${de}`);
  });

  it('differences each pod against its own last scrape only, and forgets pods that are gone', () => {
    const st = newDesignEffectState();
    const at = (tMs: number, a: number, b: number): PodUsage[] => [
      { key: 'a', agentClass: 'swe', nodeName: 'n1', memBytes: a, tMs },
      { key: 'b', agentClass: 'swe', nodeName: 'n1', memBytes: b, tMs },
    ];
    observeDesignEffect(st, at(0, 100, 100), 0);
    observeDesignEffect(st, at(0, 100, 100), 1000); // no new scrape: nothing folded
    assert.equal(st.classes.get('swe')?.weight ?? 0, 0);
    observeDesignEffect(st, at(15_000, 200, 200), 15_000);
    assert.equal(st.classes.get('swe')?.weight, 1);
    observeDesignEffect(st, [], 30_000);
    assert.equal(st.last.size, 0);
  });
});

describe('podUsages', () => {
  it('leaves out pods without samples and pods in their start-up window (their ramp is start-up, priced apart)', () => {
    const pod = (key: string): PodView => ({ key, nodeName: 'n1' }) as unknown as PodView;
    const tracks = new Map([
      ['old', { agentClass: 'swe', samples: 9, lastMem: 5, lastTMs: 200_000, firstTMs: 0 }],
      ['young', { agentClass: 'swe', samples: 3, lastMem: 5, lastTMs: 200_000, firstTMs: 170_000 }],
      ['unsampled', { agentClass: 'swe', samples: 0, lastMem: 0, lastTMs: 0, firstTMs: 0 }],
    ]);
    const u = podUsages([pod('old'), pod('young'), pod('unsampled'), pod('gone')], tracks, 60_000);
    assert.deepEqual(u.map((x) => x.key), ['old']);
    assert.equal(u[0]?.nodeName, 'n1');
  });
});

// The bench's actions come from the engine tick (src/engine/tick.ts), not from a decision path of its own:
// record what the replay showed the tick (pods, samples, actuation outcomes), feed exactly that to
// tick() through plain in-memory ports with a fresh engine, and compare the actions one by one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ok } from '../../src/core/result.js';
import type { Action, AgentSample, Applied, PodView } from '../../src/core/types.js';
import type { Policy, PolicyContext, Recommendation } from '../../src/policy/policy.js';
import { newEngineState, tick } from '../../src/engine/tick.js';
import type { TraceSample } from '../../src/trace/types.js';
import { createRng } from '../../src/core/rng.js';
import { engineConfig, silentLogger } from '../support/fakes.js';
import { GiB, MiB, run, sorted } from './sim/fixtures.js';

/** A small causal policy whose choices depend on what it has seen: request 1.2×, limit 2× the peak. */
function peakTracker(): Policy<Map<string, number>> {
  return {
    name: 'peak-tracker',
    init: () => new Map(),
    observe(st, samples) {
      for (const s of samples) st.set(s.pod, Math.max(st.get(s.pod) ?? 0, s.memBytes));
    },
    recommend(st, ctx): Recommendation[] {
      const out: Recommendation[] = [];
      for (const p of ctx.pods) {
        const peak = st.get(p.key);
        if (peak === undefined) continue;
        out.push({ kind: 'resize', pod: p.key, requests: { memBytes: peak * 1.2, cpuCores: 0.2 }, limits: { memBytes: peak * 2, cpuCores: 1 }, reason: `peak ${Math.round(peak / MiB)}Mi`, inputs: { peak } });
      }
      return out;
    },
    forget: (st, key) => void st.delete(key),
  };
}

interface TickRecord {
  readonly nowMs: number;
  readonly pods: readonly PodView[];
  readonly samples: readonly AgentSample[];
  readonly actions: Array<{ action: Action; outcome: string }>;
}

/** Wraps a policy to record what each tick showed it. */
function recording<S>(inner: Policy<S>, ticks: TickRecord[]): Policy<S> {
  return {
    ...inner,
    observe(st: S, samples: readonly AgentSample[], ctx: PolicyContext) {
      ticks.push({ nowMs: ctx.nowMs, pods: ctx.pods, samples, actions: [] });
      inner.observe(st, samples, ctx);
    },
  };
}

function trace(): TraceSample[] {
  const rng = createRng(9);
  const parts: TraceSample[][] = [];
  for (let s = 0; s < 12; s++) {
    const start = Math.floor(rng.next() * 300);
    const rows: TraceSample[] = [];
    for (let t = start; t <= start + 400; t++) rows.push({ session: `p${s}`, t, memBytes: (200 + 600 * rng.next() ** 8) * MiB, cpuCores: 0.3 });
    parts.push(rows);
  }
  return sorted(...parts);
}

test('every action of a replay is what the engine tick decides from the same inputs', async () => {
  const ticks: TickRecord[] = [];
  const cfg = engineConfig();
  const out = await run(trace(), {
    policy: recording(peakTracker(), ticks),
    engine: cfg,
    // A small node so that some resizes are Deferred: the outcomes feed back into the engine's guards.
    sim: { nodeAllocatable: { memBytes: 4 * GiB, cpuCores: 4 } },
    hooks: { observer: { actionDone: (action, outcome) => ticks.at(-1)?.actions.push({ action, outcome }) } },
  });
  const all = ticks.flatMap((t) => t.actions);
  assert.ok(all.length > 10, 'the replay acted');
  assert.ok(all.some((a) => a.outcome === 'deferred'), 'and met the kubelet on the way');
  assert.equal(out.row.resizes, all.filter((a) => a.outcome !== 'dry-run' && !a.outcome.startsWith('error')).length, 'the simulator was actuated only through the tick');

  // Replay the recorded inputs through tick() with in-memory ports and a fresh engine.
  const policy = peakTracker();
  const state = newEngineState(policy);
  let current: TickRecord | undefined;
  let k = 0;
  const decided: Action[] = [];
  const deps = {
    clock: { now: () => current?.nowMs ?? 0 },
    source: { name: 'recorded', fetch: () => Promise.resolve(ok([...(current?.samples ?? [])])) },
    view: { snapshot: () => Promise.resolve(ok({ pods: current?.pods ?? [], scaledObjects: [] })) },
    actuator: {
      apply: (action: Action) => {
        decided.push(action);
        const outcome = current?.actions[k++]?.outcome ?? 'applied';
        const applied: Applied = outcome === 'deferred' || outcome === 'infeasible' ? { outcome, action, message: 'recorded' } : { outcome: 'applied', action };
        return Promise.resolve(ok(applied));
      },
    },
    policy,
    log: silentLogger,
  };
  const signal = new AbortController().signal;
  for (const t of ticks) {
    current = t;
    k = 0;
    decided.length = 0;
    await tick(deps, state, cfg, signal);
    assert.deepEqual(decided, t.actions.map((a) => a.action), `tick at ${t.nowMs}`);
  }
});

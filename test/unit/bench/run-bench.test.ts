import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { benchEngineConfig, policyFactory, simSettingsFor } from '../../../bench/replay/bench-deps.js';
import { DEFAULT_SIM_SETTINGS, replay } from '../../../bench/replay/replay.js';
import type { ReplayInput } from '../../../bench/replay/replay-types.js';
import { runBench, type BenchDeps } from '../../../bench/replay/run-bench.js';
import { defaultConfig } from '../../../src/config/index.js';
import { tinyTrace } from './cli-helpers.js';

function deps(over: Partial<BenchDeps> = {}): BenchDeps {
  const config = defaultConfig();
  const sim = simSettingsFor(DEFAULT_SIM_SETTINGS, config.policies);
  const engine = benchEngineConfig(config.engine);
  return { replay, makePolicy: policyFactory(config.policies, sim, engine), sim, engine, timelineSessions: 0, ...over };
}

function rowsWithoutTimings(runs: Awaited<ReturnType<typeof runBench>>): unknown {
  return runs.map((r) => r.outcomes.map(({ outcome }) => ({ ...outcome.row, replaySeconds: 0 })));
}

describe('runBench', () => {
  const req = { traces: [tinyTrace({ after })], policies: ['static', 'predictive', 'oracle'], seed: 3, warmupS: 0 };

  it('replaying from memory and streaming from the file give the same rows', async () => {
    const cached = await runBench(req, deps());
    const streamed = await runBench(req, deps({ maxCachedSamples: 0 }));
    assert.deepEqual(rowsWithoutTimings(cached), rowsWithoutTimings(streamed));
  });

  it('hands every policy the same trace, seed, warm-up and settings, and a fresh policy object', async () => {
    const seen: ReplayInput[] = [];
    const d = deps();
    const fake = async (input: ReplayInput): Promise<Awaited<ReturnType<typeof replay>>> => {
      seen.push(input);
      let n = 0;
      for await (const s of input.open()) n += s.session.length > 0 ? 1 : 0;
      assert.equal(n, 220);
      return replay(input);
    };
    await runBench({ ...req, warmupS: 30 }, { ...d, replay: fake });
    assert.deepEqual(seen.map((i) => i.policy.name), ['static', 'predictive', 'oracle']);
    assert.ok(seen.every((i) => i.seed === 3 && i.warmupS === 30 && i.sim === d.sim && i.engine === d.engine && i.header.name === 'tiny'));
    assert.equal(seen[0]!.engine.dryRun, false);
  });

  it('reports progress as a fraction of the trace, per policy', async () => {
    const seen: Array<{ policy: string; fraction: number }> = [];
    await runBench({ ...req, policies: ['static'] }, deps({ onProgress: (p) => seen.push({ policy: p.policy, fraction: p.fraction }) }));
    assert.ok(seen.length > 0);
    assert.ok(seen.every((p) => p.policy === 'static' && p.fraction >= 0 && p.fraction <= 1));
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BUNDLED_PRIORS, knotsFor, parsePrior, priorFor } from '../../../models/priors/index.js';
import sweJson from '../../../models/priors/swe.json' with { type: 'json' };

describe('agent-class priors', () => {
  it('bundles default, swe, swe-limited and chat', () => {
    assert.deepEqual([...BUNDLED_PRIORS.keys()].sort(), ['chat', 'default', 'swe', 'swe-limited']);
  });
  for (const [name, p] of BUNDLED_PRIORS) {
    it(`${name}: says where its numbers came from and is internally consistent`, () => {
      assert.ok(p.source.length > 20);
      assert.ok(Object.keys(p.provenance).length >= 4);
      const idle = knotsFor(p.memory.excessBytes, 'idle');
      assert.ok(idle.max >= idle.p99 && idle.p99 >= idle.p90);
      assert.ok(p.memory.startupPeakBytes.max < p.memory.baselineBytes + knotsFor(p.memory.excessBytes, '*').max);
    });
  }
  it('swe matches the AgentCgroup summary (baseline ~185 MB, largest burst ~1.9 GB above it)', () => {
    const p = priorFor('swe');
    assert.ok(Math.abs(p.memory.baselineBytes - 185e6) < 5e6);
    assert.ok(Math.abs(knotsFor(p.memory.excessBytes, 'Bash:test').max - 1.888e9) < 0.02e9);
  });
  it('unknown classes fall back to default; unknown states to *', () => {
    assert.equal(priorFor('no-such-class').agentClass, 'default');
    const p = priorFor('swe');
    assert.deepEqual(knotsFor(p.memory.excessBytes, 'Bash:weird'), p.memory.excessBytes['*']);
  });
  const broken: Array<[string, (o: Record<string, unknown>) => void, string]> = [
    ['unordered knots', (o) => ((o['memory'] as { excessBytes: Record<string, { p50: number }> }).excessBytes['idle']!.p50 = 1e12), 'memory.excessBytes.idle'],
    ['missing idle state', (o) => delete (o['cpu'] as { peakCores: Record<string, unknown> }).peakCores['idle'], 'cpu.peakCores'],
    ['probability above 1', (o) => ((o['toolLoop'] as { pRetryContinues: number }).pRetryContinues = 1.5), 'toolLoop.pRetryContinues'],
    ['no source', (o) => delete o['source'], 'source'],
  ];
  for (const [what, breakIt, field] of broken) {
    it(`rejects a prior with ${what}, naming ${field}`, () => {
      const o = structuredClone(sweJson) as unknown as Record<string, unknown>;
      breakIt(o);
      const r = parsePrior(o, 'x.json');
      assert.equal(r.ok, false);
      if (!r.ok) assert.ok(r.error.startsWith(`x.json: ${field}`), r.error);
    });
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { FitSession } from '../../../models/fit/fit-prior.js';
import { BUNDLED_PRIORS } from '../../../models/priors/index.js';
import { ALL_BUNDLED, leaveOneTraceOut } from '../../../bench/tune/loo-priors.js';
import { buildPriorSetsFile } from '../../../bench/tune/prior-sets-file.js';
import { bundledTraceDir, findTraces } from '../../../bench/replay/bundled-traces.js';
import { loadPriorSets, tracePriors } from '../../../bench/replay/trace-priors.js';

const template = BUNDLED_PRIORS.get('default')!;

function flat(id: string, agentClass: string, mb: number): FitSession {
  const samples = Array.from({ length: 120 }, (_, t) => ({ session: id, t, memBytes: mb * 1e6, cpuCores: 0.1, agentClass }));
  return { id, agentClass, samples };
}

const traces = [
  { name: 'A', sessions: [flat('a1', 'swe', 100), flat('a2', 'only-a', 900)] },
  { name: 'B', sessions: [flat('b1', 'swe', 300)] },
  { name: 'C', sessions: [flat('c1', 'swe', 500), flat('c2', 'chat', 50)] },
];

test('each held-out trace gets priors fitted only on the other traces, for its own classes and default', () => {
  const sets = leaveOneTraceOut(traces, { horizonS: 45, template });
  assert.deepEqual(sets['A']!.fittedOn, ['B', 'C']);
  assert.deepEqual(Object.keys(sets['A']!.priors).sort(), ['default', 'swe'], "class only-a exists only in A: no prior for it");
  // swe fitted on B (300) and C (500): the median baseline never sees A's 100 MB.
  assert.equal(sets['A']!.priors['swe']!.memory.baselineBytes, 400e6);
  assert.match(sets['A']!.priors['swe']!.source, /bundled traces B, C: 2 sessions of class swe/);
  assert.deepEqual(sets[ALL_BUNDLED]!.fittedOn, ['A', 'B', 'C']);
});

test('the replay of a bundled trace names, per class, the prior it uses and where it was fitted', () => {
  const file = { generatedBy: 't', horizonS: 45, template: 't', sets: leaveOneTraceOut(traces, { horizonS: 45, template }) };
  const a = tracePriors('A', ['swe', 'only-a'], file);
  assert.match(a.used['swe']!, /^prior 'swe' fitted without this trace, on B, C/);
  assert.match(a.used['only-a']!, /^prior 'default' .* no fitting trace has class 'only-a'/);
  const user = tracePriors(undefined, ['swe'], file);
  assert.match(user.used['swe']!, /fitted on all bundled traces \(A, B, C\); this trace is not among them/);
});

test('the committed bench/tune/fitted/priors.json is what `npm run fit:priors` regenerates from the bundled traces', async () => {
  const dir = bundledTraceDir()!;
  const fresh = await buildPriorSetsFile(findTraces(dir));
  const committed: unknown = JSON.parse(readFileSync(new URL('../../../bench/tune/fitted/priors.json', import.meta.url), 'utf8'));
  assert.deepEqual(committed, JSON.parse(JSON.stringify(fresh)));
  // No bundled trace's set was fitted on that trace.
  for (const [name, set] of Object.entries(loadPriorSets().sets)) if (name !== ALL_BUNDLED) assert.ok(!set.fittedOn.includes(name), name);
});

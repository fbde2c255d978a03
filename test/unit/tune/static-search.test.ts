import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MiB } from '../../../src/core/resources.js';
import type { ReplayInput, ReplayOutcome, TemplatePolicy } from '../../../bench/replay/replay-types.js';
import { DEFAULT_SIM_SETTINGS } from '../../../bench/sim/defaults.js';
import { disruptionsOf, searchClass, type SearchTrace } from '../../../bench/tune/static-search.js';
import { engine, header } from '../sim/fixtures.js';

const samples = [0, 1, 2].map((t) => ({ session: 's', t, memBytes: 100 * MiB, cpuCores: t === 1 ? 0.9 : 0.3, agentClass: 'swe' }));
const traces: SearchTrace[] = [{ name: 'x', header, samples }];

/** A replay whose score is a function of the sizing static-tuned ships, to test the search's objective alone. */
function fakeReplay(score: (reqMiB: number, limMiB: number) => { disruptions: number; nodeHours: number }) {
  const seen: Array<[number, number]> = [];
  const replay = (input: ReplayInput): Promise<ReplayOutcome> => {
    const s = (input.policy as unknown as TemplatePolicy).podTemplate('swe')!;
    const req = s.requests.memBytes / MiB;
    const lim = s.limits.memBytes / MiB;
    seen.push([req, lim]);
    const { disruptions, nodeHours } = score(req, lim);
    const row = { policy: 'static-tuned', oomKills: disruptions, evictions: 0, nodeHours } as unknown as ReplayOutcome['row'];
    return Promise.resolve({ row } as ReplayOutcome);
  };
  return { replay, seen };
}

const deps = (replay: (i: ReplayInput) => Promise<ReplayOutcome>) => ({ replay, sim: DEFAULT_SIM_SETTINGS, engine: engine(), seed: 1 });

test('the search picks the fewest disruptions first, then the fewest node-hours', async () => {
  const f = fakeReplay((req) => ({ disruptions: req < 256 ? 1 : 0, nodeHours: req / 1024 }));
  const fit = await searchClass('swe', traces, deps(f.replay));
  assert.equal(fit.requests.memBytes, 256 * MiB);
  assert.equal(fit.limits.memBytes, 8192 * MiB, 'ties on the limit keep the larger one');
  assert.deepEqual(fit.fit, { disruptions: 0, nodeHours: 0.25, sessions: 1, replays: f.seen.length });
});

test('a smaller limit wins only when it is strictly better on the fitting traces', async () => {
  const f = fakeReplay((req, lim) => ({ disruptions: lim > 4096 ? 1 : 0, nodeHours: req / 1024 }));
  const fit = await searchClass('swe', traces, deps(f.replay));
  assert.equal(fit.requests.memBytes, 64 * MiB);
  assert.equal(fit.limits.memBytes, 4096 * MiB);
});

test('CPU is set by rule: mean usage requested, the largest sample as the limit', async () => {
  const fit = await searchClass('swe', traces, deps(fakeReplay(() => ({ disruptions: 0, nodeHours: 1 })).replay));
  assert.equal(fit.requests.cpuCores, 0.5);
  assert.equal(fit.limits.cpuCores, 0.9);
});

test('disruptions are the v2 field when present, else OOM kills + evictions + node OOM kills', () => {
  const row = { oomKills: 1, evictions: 2, nodeOomKills: 3 } as unknown as ReplayOutcome['row'];
  assert.equal(disruptionsOf(row), 6);
  assert.equal(disruptionsOf({ ...row, disruptions: 9 }), 9);
});

test('when neither disruptions nor node-hours tell requests apart, the request closest above the typical usage wins', async () => {
  const fit = await searchClass('swe', traces, deps(fakeReplay(() => ({ disruptions: 0, nodeHours: 1 })).replay));
  assert.equal(fit.requests.memBytes, 128 * MiB, 'the sessions sit at 100 MiB');
  assert.equal(fit.limits.memBytes, 8192 * MiB);
});

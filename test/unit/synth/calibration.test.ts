import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { agentcgroupActivities, agentcgroupRealSessions } from '../../../bench/record/importers/agentcgroup.js';
import { readCsv } from '../../../bench/record/importers/csv.js';
import { defaultDataDir } from '../../../bench/record/importers/data-dir.js';
import { defaultResourceParams, synthesizeSession } from '../../../bench/record/synth/resource-model.js';
import { quantile, sessionFigures } from '../../../bench/record/synth/series-stats.js';

// The calibration as a guard: the defaults must keep reproducing the real series' central figures.
// Needs the shared data beside the repository; skipped (and said so) where it is absent.
const dir = join(defaultDataDir(), 'agentcgroup');
const present = existsSync(join(dir, 'samples.csv.gz'));

test('default parameters match AgentCgroup per-task peak and mean memory (medians within 10 %, p90 within 30 %)', { skip: present ? false : `no calibration data at ${dir}` }, async () => {
  const [samples, calls, tasks] = await Promise.all([readCsv(join(dir, 'samples.csv.gz')), readCsv(join(dir, 'tool_calls.csv')), readCsv(join(dir, 'tasks.csv'))]);
  assert.ok(samples.ok && calls.ok && tasks.ok);
  const inRun = (id: string): boolean => id.startsWith('haiku_nolimit/');
  const real = agentcgroupRealSessions(samples.value, tasks.value).filter((s) => inRun(s.id)).map((s) => sessionFigures(s.samples));
  const synth = agentcgroupActivities(calls.value, samples.value, tasks.value)
    .filter((a) => inRun(a.id))
    .flatMap((a) => [1, 2, 3, 4, 5].map((seed) => sessionFigures(synthesizeSession(a, defaultResourceParams, seed))));
  const cases: [string, (f: ReturnType<typeof sessionFigures>) => number, number, number][] = [
    ['peak', (f) => f.peakBytes, 0.5, 0.1],
    ['mean', (f) => f.meanBytes, 0.5, 0.1],
    ['peak', (f) => f.peakBytes, 0.9, 0.3],
    ['mean', (f) => f.meanBytes, 0.9, 0.3],
  ];
  for (const [what, get, q, tol] of cases) {
    const r = quantile(real.map(get), q);
    const s = quantile(synth.map(get), q);
    assert.ok(Math.abs(s / r - 1) <= tol, `${what} p${q * 100}: real ${(r / 1e6).toFixed(0)} MB, synthetic ${(s / 1e6).toFixed(0)} MB`);
  }
});

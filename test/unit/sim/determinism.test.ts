import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TraceSample } from '../../../src/trace/types.js';
import { createRng } from '../../../src/core/rng.js';
import { GiB, MiB, run, sorted, askFor } from './fixtures.js';
import { recorder } from './recording.js';

/** Forty bursty sessions from a seeded generator, enough to exercise OOM, eviction and resizes. */
function busyTrace(): TraceSample[] {
  const rng = createRng(42);
  const parts: TraceSample[][] = [];
  for (let s = 0; s < 40; s++) {
    const start = Math.floor(rng.next() * 600);
    const len = 100 + Math.floor(rng.next() * 400);
    const rows: TraceSample[] = [];
    for (let t = start; t <= start + len; t++) {
      const burst = rng.next() < 0.05 ? 900 : 0;
      rows.push({ session: `s${s}`, t, memBytes: (250 + burst + rng.next() * 50) * MiB, cpuCores: rng.next(), agentClass: 'swe', tool: burst > 0 ? 'Bash:test' : 'Read' });
    }
    parts.push(rows);
  }
  return sorted(...parts);
}

test('the same inputs give byte-identical results (replaySeconds aside)', async () => {
  const trace = busyTrace();
  const policy = askFor({ memBytes: 400 * MiB, cpuCores: 0.3 }, { memBytes: 1.5 * GiB, cpuCores: 1 }, 120);
  const o = { policy, seed: 3, timelineSessions: 3, sim: { nodeAllocatable: { memBytes: 4 * GiB, cpuCores: 4 } } };
  const a = await run(trace, { ...o, hooks: { wallClock: () => 0 } });
  let wall = 0;
  const b = await run(trace, { ...o, hooks: { wallClock: () => (wall += 1234) } });
  assert.notEqual(a.row.replaySeconds, b.row.replaySeconds);
  const strip = (x: typeof a) => JSON.stringify({ ...x, row: { ...x.row, replaySeconds: 0 } });
  assert.equal(strip(a), strip(b));
  assert.ok(a.row.resizes > 0 && a.row.oomKills > 0, 'the trace exercises the interesting paths');
});

test('the seed changes the scrape phases, and so what the policy sees', async () => {
  const trace = busyTrace();
  const stamps = async (seed: number) => {
    const rec = recorder();
    await run(trace, { policy: rec.policy, seed });
    return rec.seen.flatMap((x) => x.samples.map((s) => `${s.pod}@${s.tMs}`)).join(',');
  };
  assert.equal(await stamps(1), await stamps(1));
  assert.notEqual(await stamps(1), await stamps(2));
});

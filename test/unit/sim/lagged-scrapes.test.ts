import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TraceSample } from '../../../src/trace/types.js';
import { SIM_EPOCH_MS } from '../../../bench/sim/defaults.js';
import { MiB, run } from './fixtures.js';
import { recorder } from './recording.js';

// Memory equal to t MiB reveals the instant a scrape was taken; CPU alternates 0 / 1 core each second.
function ramp(): TraceSample[] {
  const out: TraceSample[] = [];
  for (let t = 0; t <= 400; t++) out.push({ session: 'a', t, memBytes: (100 + t) * MiB, cpuCores: t % 2, toolCalls: 1, contextTokens: 1000 + t, tool: t % 30 < 15 ? 'Bash:test' : 'Read', agentClass: 'swe' });
  return out;
}

test('the policy sees each scrape once, per scrape interval, only after the scrape lag', async () => {
  const rec = recorder();
  await run(ramp(), { policy: rec.policy, sim: { scrapeIntervalS: 15, scrapeLagS: 10 } });
  const all = rec.seen.flatMap((s) => s.samples.map((x) => ({ ...x, nowMs: s.nowMs })));
  assert.ok(all.length >= 20);
  for (const s of all) assert.ok(s.tMs <= s.nowMs - 10_000, `a sample of ${s.tMs} seen at ${s.nowMs}, inside the lag`);
  for (let i = 1; i < all.length; i++) assert.equal((all[i]?.tMs ?? 0) - (all[i - 1]?.tMs ?? 0), 15_000, 'one scrape per interval, none repeated');
  // Not starved either: every tick sees what became visible since the last one.
  for (const s of rec.seen.slice(2)) assert.ok(s.samples.length >= 1);
});

test('memory is the working set at the scrape instant, CPU the mean over the interval, counts summed', async () => {
  const rec = recorder();
  await run(ramp(), { policy: rec.policy, sim: { scrapeIntervalS: 15, scrapeLagS: 10 } });
  const all = rec.seen.flatMap((s) => s.samples);
  for (const s of all.slice(1)) {
    const t = (s.tMs - SIM_EPOCH_MS) / 1000;
    assert.equal(s.memBytes, (100 + t) * MiB, 'the gauge at the scrape instant');
    assert.ok(Math.abs(s.cpuCores - 0.5) <= 1 / 15 + 1e-9, `cpu ${s.cpuCores} is the interval's mean`);
    assert.equal(s.toolCalls, 15, 'one call per second over 15 s');
    assert.equal(s.contextTokens, 1000 + t);
    assert.equal(s.tool, t % 30 < 15 ? 'Bash:test' : 'Read');
    assert.equal(s.agentClass, 'swe');
  }
});

test('signals a trace does not carry stay absent, never zero', async () => {
  const rec = recorder();
  const bare: TraceSample[] = [];
  for (let t = 0; t <= 100; t++) bare.push({ session: 'a', t, memBytes: 100 * MiB, cpuCores: 0.1 });
  await run(bare, { policy: rec.policy });
  const s = rec.seen.flatMap((x) => x.samples)[0];
  assert.ok(s);
  assert.equal('toolCalls' in s || 'contextTokens' in s || 'tool' in s, false);
  assert.equal(s.agentClass, 'default');
});

test('the policy is called every engine tick', async () => {
  const rec = recorder();
  await run(ramp(), { policy: rec.policy, engine: { tickIntervalS: 30 } });
  assert.ok(rec.seen.length >= 13);
  for (let i = 1; i < rec.seen.length; i++) assert.equal((rec.seen[i]?.nowMs ?? 0) - (rec.seen[i - 1]?.nowMs ?? 0), 30_000);
});

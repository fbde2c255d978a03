import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Policy } from '../../../src/policy/policy.js';
import { replay } from '../../../bench/replay/replay.js';
import { engine, flat, header, idle, sim, streamOf } from './fixtures.js';

test('the replay refits the policy on the controller cron cadence, on the trace clock', async () => {
  const at: number[] = [];
  const counting: Policy<null> = { ...idle, name: 'counting', refit: (_s, nowMs) => (at.push(nowMs), { classes: 0, pods: 0 }) };
  // Two hours of one session: refits at every 1800 s boundary of trace time.
  await replay({ header, open: streamOf(flat('a', 0, 7200, 200)), policy: counting, sim: sim(), engine: engine(), seed: 1, warmupS: 0, refitEveryS: 1800 });
  assert.ok(at.length >= 4 && at.length <= 5, `refits: ${at.length}`);
  for (let i = 1; i < at.length; i++) assert.equal((at[i] ?? 0) - (at[i - 1] ?? 0), 1_800_000);
});

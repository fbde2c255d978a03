import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Policy, ResizeRecommendation } from '../../../src/policy/policy.js';
import type { TraceSample } from '../../../src/trace/types.js';
import { HintChannel, startsTool, type HintingPod, type HintSettings } from '../../../bench/sim/hints.js';
import { SessionData } from '../../../bench/sim/session.js';
import { policyFactory } from '../../../bench/replay/bench-deps.js';
import { defaultConfig } from '../../../src/config/index.js';
import { engine, flat, GiB, MiB, run, sim, sorted } from './fixtures.js';

function session(tools: Array<string | undefined>): SessionData {
  const s = new SessionData('s', 'swe', 0);
  tools.forEach((tool, t) => s.push({ session: 's', t, memBytes: MiB, cpuCores: 0.1, ...(tool !== undefined ? { tool } : {}) }));
  return s;
}

/** A pod of session `s` whose work has reached sample `cursor`. */
function at(s: SessionData, key: string, cursor: number, restarts = 0): HintingPod {
  return { session: s, key, cursor, restarts, hintedTo: -1 };
}

/** The row without the hint counts (which only a hinted replay has). */
function withoutHintFields(row: Record<string, unknown>): Record<string, unknown> {
  const out = { ...row };
  for (const k of ['hintsSent', 'hintsLost', 'hintsDelivered', 'hintResizes']) delete out[k];
  return out;
}

test('a tool starts where the tool field changes to a non-empty value, not while it continues', () => {
  const s = session([undefined, 'Bash:test', 'Bash:test', '', 'Bash:test', 'Edit', undefined]);
  assert.deepEqual([0, 1, 2, 3, 4, 5, 6].map((i) => startsTool(s, i)), [undefined, 'Bash:test', undefined, undefined, 'Bash:test', 'Edit', undefined]);
  const none = session([undefined, undefined, undefined]);
  assert.equal(none.tools, null);
  assert.deepEqual([0, 1, 2].map((i) => startsTool(none, i)), [undefined, undefined, undefined]);
});

test('a hint is due its latency after the tool start, in send order, and leaves the channel once taken', () => {
  const ch = new HintChannel({ latencyS: 0.25, lossRate: 0 }, 1);
  const s = session([undefined, 'Bash:test', 'Bash:test', 'Edit']);
  const a = at(s, 'agents/a', 1);
  ch.scan(a, 10, true);
  assert.equal(a.hintedTo, 1);
  ch.scan(a, 10, true); // nothing new reached: nothing sent twice
  ch.scan(at(s, 'agents/b', 3), 10, true);
  assert.deepEqual(ch.takeDue(10.25), []);
  const due = ch.takeDue(11);
  assert.deepEqual(due.map((h) => [h.podKey, h.tool, h.dueT]), [['agents/a', 'Bash:test', 10.25], ['agents/b', 'Bash:test', 10.25], ['agents/b', 'Edit', 10.25]]);
  assert.deepEqual(ch.takeDue(100), []);
  assert.deepEqual(ch.counts, { sent: 3, lost: 0, delivered: 0, resized: 0 });
});

test('loss is seeded per tool call: the same seed loses the same calls, another seed others, a redone call draws again', () => {
  const tools = Array.from({ length: 400 }, (_, i) => (i % 2 === 1 ? `T${i}` : undefined));
  const s = session(tools);
  const lostSet = (seed: number, attempt: number): string => {
    const ch = new HintChannel({ latencyS: 0, lossRate: 0.3 }, seed);
    ch.scan(at(s, 'agents/a', 399, attempt), 0, true);
    const kept = new Set(ch.takeDue(1).map((h) => h.tool));
    return tools.filter((t) => t !== undefined && !kept.has(t)).join(',');
  };
  assert.equal(lostSet(1, 0), lostSet(1, 0));
  assert.notEqual(lostSet(1, 0), lostSet(2, 0));
  assert.notEqual(lostSet(1, 0), lostSet(1, 1));
  const lost = lostSet(1, 0).split(',').length;
  assert.ok(lost > 30 && lost < 90, `${lost} of 200 lost at 30 %`);
  const all = new HintChannel({ latencyS: 0, lossRate: 1 }, 1);
  all.scan(at(s, 'agents/a', 399), 0, true);
  assert.deepEqual(all.takeDue(1), []);
  assert.equal(all.counts.lost, 200);
});

test('bad hint settings are refused with the knob named', () => {
  assert.throws(() => new HintChannel({ latencyS: -1, lossRate: 0 }, 1), /hint latency/);
  assert.throws(() => new HintChannel({ latencyS: 0, lossRate: 1.5 }, 1), /hint loss rate/);
});

/** 300 MiB idle, then `Bash:test` from t=100: 8 s of setup at 300 MiB, then 1500 MiB until t=130, then idle. */
function burstTrace(): TraceSample[] {
  const tool = { tool: 'Bash:test' };
  return sorted(flat('a', 0, 99, 300), flat('a', 100, 108, 300, 0.1, tool), flat('a', 109, 130, 1500, 0.1, tool), flat('a', 131, 200, 300));
}

/** A policy that never acts on its tick and raises the memory limit to 2 GiB on a hint: the hint path alone. */
const hintOnly: Policy<null> = {
  name: 'hint-only',
  init: () => null,
  observe: () => undefined,
  recommend: () => [],
  hint: (_s, h, ctx): ResizeRecommendation | undefined => {
    const pod = ctx.pods.find((p) => p.key === h.pod);
    if (!pod || pod.limits.memBytes >= 2 * GiB) return undefined;
    return { kind: 'resize', pod: pod.key, requests: pod.requests, limits: { ...pod.limits, memBytes: 2 * GiB }, reason: `pre-tool hint: ${h.tool}`, inputs: {} };
  },
};

const HINTS: HintSettings = { latencyS: 0.25, lossRate: 0 };
const quick = { tuning: { drainS: 600 } };

test('a hint delivered before the burst avoids the OOM kill the unhinted run suffers', async () => {
  const unhinted = await run(burstTrace(), { policy: hintOnly, hooks: quick });
  assert.ok(unhinted.row.oomKills >= 1, 'without hints the 1 GiB limit is passed at t=109');
  const hinted = await run(burstTrace(), { policy: hintOnly, hints: HINTS, hooks: quick });
  assert.equal(hinted.row.oomKills, 0);
  assert.equal(hinted.row['hintsSent'], 1);
  assert.equal(hinted.row['hintsDelivered'], 1);
  assert.equal(hinted.row['hintResizes'], 1);
  // The hint counts as API writes only through its resize: one PATCH and its Event.
  assert.equal(hinted.row.resizes, 1);
  assert.equal(hinted.row.apiWrites, 2);
});

test('a lost hint, or one that lands after the burst has begun, does not save the pod', async () => {
  const lost = await run(burstTrace(), { policy: hintOnly, hints: { latencyS: 0.25, lossRate: 1 }, hooks: quick });
  assert.ok(lost.row.oomKills >= 1);
  assert.equal(lost.row['hintsLost'], lost.row['hintsSent']);
  // Sent at t=99, due 10 s later: the limit lands after the burst at t=109 has begun.
  const late = await run(burstTrace(), { policy: hintOnly, hints: { latencyS: 10, lossRate: 0 }, hooks: quick });
  assert.ok(late.row.oomKills >= 1);
});

test('a trace without the tool field sends no hints and replays exactly as without them', async () => {
  const samples = sorted(flat('a', 0, 200, 300), flat('b', 50, 250, 1500));
  const plain = await run(samples, { policy: hintOnly, hooks: quick });
  const hinted = await run(samples, { policy: hintOnly, hints: HINTS, hooks: quick });
  assert.equal(hinted.row['hintsSent'], 0);
  assert.deepEqual(withoutHintFields(hinted.row), plain.row);
});

test('baselines and the oracle ignore hints: their rows are identical with and without them', async () => {
  const cfg = defaultConfig();
  const s = sim();
  const e = engine();
  const make = policyFactory(cfg.policies, s, e);
  const samples = sorted(burstTrace(), flat('b', 20, 220, 700, 0.3, { tool: 'Edit' }));
  for (const name of ['static', 'vpa', 'vpa-requests-only', 'reactive', 'oracle']) {
    const once = async (hints?: HintSettings): Promise<Record<string, unknown>> => {
      const p = make(name);
      assert.ok(p.ok, name);
      const out = await run(samples, { policy: p.value, hooks: quick, ...(hints ? { hints } : {}) });
      return withoutHintFields(out.row);
    };
    assert.deepEqual(await once(HINTS), await once(), `${name} changed with hints`);
  }
});

test('predictive+hints is predictive replayed with hints; a policy without a hint path has no +hints twin', () => {
  const make = policyFactory(defaultConfig().policies, sim(), engine());
  const p = make('predictive+hints');
  assert.ok(p.ok && typeof p.value.hint === 'function');
  const s = make('static+hints');
  assert.ok(!s.ok);
  assert.match(s.error, /static takes no hints/);
});

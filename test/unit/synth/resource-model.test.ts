import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { SessionActivity, ToolCall } from '../../../bench/record/synth/activity.js';
import { defaultResourceParams, synthesizeSession, toolProfile, type ResourceModelParams } from '../../../bench/record/synth/resource-model.js';
import { mergeParams } from '../../../bench/record/synth/params-file.js';

const call = (start: number, end: number, tool: string, extra: Partial<ToolCall> = {}): ToolCall => ({ start, end, tool, error: false, retry: false, ...extra });

function activity(tools: ToolCall[], contextPoints: { t: number; tokens: number }[] = [], durationSeconds = 60): SessionActivity {
  return { id: 'task-1', agentClass: 'swe', durationSeconds, tools, contextPoints };
}

const busy = activity([call(2, 3, 'Read'), call(5, 20, 'Bash:test', { error: true }), call(21, 22, 'Bash:test', { retry: true }), call(30, 31, 'Edit')], [{ t: 1, tokens: 1000 }, { t: 25, tokens: 3000 }]);

test('same seed gives identical samples; another seed differs', () => {
  const a = synthesizeSession(busy, defaultResourceParams, 7);
  assert.deepEqual(a, synthesizeSession(busy, defaultResourceParams, 7));
  assert.notDeepEqual(a, synthesizeSession(busy, defaultResourceParams, 8));
});

test('one sample per second from 0 to the end, valid and annotated', () => {
  const s = synthesizeSession(busy, defaultResourceParams, 1);
  assert.equal(s.length, 61);
  s.forEach((x, i) => {
    assert.equal(x.t, i);
    assert.ok(x.memBytes >= 0 && Number.isInteger(x.memBytes));
    assert.ok(x.cpuCores >= 0);
    assert.equal(x.agentClass, 'swe');
  });
  assert.equal(s[0]?.contextTokens, undefined, 'no context before the first model call');
  assert.equal(s[1]?.contextTokens, 1000);
  assert.equal(s[25]?.contextTokens, 3000);
  assert.equal(s[10]?.tool, 'Bash:test');
  assert.equal(s[40]?.tool, undefined);
  assert.equal(s[5]?.toolCalls, 1);
  assert.equal(s[20]?.toolErrors, 1, 'the failing call ends at t = 20');
  assert.equal(s[21]?.toolRetries, 1);
  assert.ok((s[0]?.memBytes ?? 0) < 50e6, 'the first sample is the container starting');
  assert.ok(Math.abs((s[45]?.memBytes ?? 0) - defaultResourceParams.baselineBytes) < 30e6, 'idle near the baseline');
});

const spiky: ResourceModelParams = {
  ...defaultResourceParams,
  heavySessionChance: 0,
  tools: { ...defaultResourceParams.tools, 'Bash:test': { ...(defaultResourceParams.tools['Bash:test'] ?? defaultResourceParams.defaultTool), pBurst: 1 } },
};

test('a tool burst raises memory and CPU while the tool runs', () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    const s = synthesizeSession(activity([call(10, 20, 'Bash:test')], [], 40), spiky, seed);
    const before = s[8]?.memBytes ?? 0;
    const during = Math.max(...s.slice(10, 21).map((x) => x.memBytes));
    const after = s[30]?.memBytes ?? 0;
    assert.ok(during - before > 50e6, `seed ${seed}: burst ${during - before}`);
    assert.ok(Math.abs(after - before) < 30e6, `seed ${seed}: released after the tool`);
    assert.ok(Math.max(...s.slice(10, 21).map((x) => x.cpuCores)) > (s[8]?.cpuCores ?? 0));
  }
});

test('context costs memory only when the model runs in the pod, and more context never costs less', () => {
  const inPod = { ...defaultResourceParams, modelInPod: true };
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 1, max: 1000 }), (low, extra, seed) => {
      const at = (tokens: number, p: ResourceModelParams): number => synthesizeSession(activity([], [{ t: 0, tokens }], 3), p, seed)[2]?.memBytes ?? 0;
      assert.ok(at(low + extra, inPod) > at(low, inPod));
      assert.equal(at(low + extra, defaultResourceParams), at(low, defaultResourceParams));
    }),
    { numRuns: 50 },
  );
});

test('a retry loop holds extra memory while it runs', () => {
  const plain = activity([call(5, 30, 'Edit'), call(31, 50, 'Edit')], [], 55);
  const retried = activity([call(5, 30, 'Edit'), call(31, 50, 'Edit', { retry: true })], [], 55);
  const a = synthesizeSession(plain, defaultResourceParams, 4);
  const b = synthesizeSession(retried, defaultResourceParams, 4);
  assert.ok((b[40]?.memBytes ?? 0) - (a[40]?.memBytes ?? 0) > defaultResourceParams.retryHoldBytes / 2);
  assert.equal(b[20]?.memBytes, a[20]?.memBytes, 'no hold before the retry');
});

test('tool profiles fall back by family', () => {
  const p = defaultResourceParams;
  assert.equal(toolProfile(p, 'Bash:weird'), p.tools['Bash:other']);
  assert.equal(toolProfile(p, 'Api:get_user'), p.tools.Api);
  assert.equal(toolProfile(p, 'mcp__thing'), p.defaultTool);
});

test('parameter files override known keys and merge tool profiles', () => {
  const r = mergeParams(defaultResourceParams, { modelInPod: true, tools: { 'Bash:test': { pBurst: 0.5 } } });
  assert.ok(r.ok);
  assert.equal(r.value.modelInPod, true);
  assert.equal(r.value.tools['Bash:test']?.pBurst, 0.5);
  assert.equal(r.value.tools['Bash:test']?.burstMedianBytes, defaultResourceParams.tools['Bash:test']?.burstMedianBytes);
  assert.equal(mergeParams(defaultResourceParams, { nope: 1 }).ok, false);
  assert.equal(mergeParams(defaultResourceParams, { baselineBytes: 'big' }).ok, false);
  assert.equal(mergeParams(defaultResourceParams, [1]).ok, false);
});

// Importers of a user's own agent logs: Claude Code session JSONL and OTLP JSON GenAI spans, on small
// hand-written fixtures (test/fixtures/agent-logs/), and `trace import --logs` end to end.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { claudeLogActivities, commandHead, parseClaudeLog } from '../../../bench/record/importers/claude-code-jsonl.js';
import { otelActivities, otelSessions, parseOtlpText } from '../../../bench/record/importers/otel-spans.js';
import { traceImportCommand } from '../../../src/cli/trace-import-cmd.js';
import { scanTrace } from '../../../src/trace/reader.js';
import { capture } from '../bench/cli-helpers.js';
import { tempDir } from '../../support/temp-dir.js';

const FIX = join(import.meta.dirname, '..', '..', 'fixtures', 'agent-logs');

test('commandHead finds the command doing the work', () => {
  assert.equal(commandHead('cd repo && python -m pytest -x'), 'python');
  assert.equal(commandHead('FOO=1 pytest -q'), 'pytest');
  assert.equal(commandHead('ls -la'), 'ls');
});

test('Claude Code JSONL: context per response (once per message id, sidechains out), tool calls with times, errors, retries, compaction', () => {
  const log = parseClaudeLog(readFileSync(join(FIX, 'claude-code', 'session-a.jsonl'), 'utf8'));
  assert.equal(log.sessionId, '5e55a1f0-0000-4000-8000-00000000000a');
  assert.deepEqual(log.points.map((p) => p.tokens), [21000, 23500, 26000, 27000, 29000, 9000, 11000]);
  assert.equal(log.compactions, 1);
  assert.equal(log.badLines, 1);
  const calls = log.calls.map((c) => [c.tool, Math.round((c.end - c.start) * 10) / 10, c.error, c.retry]);
  assert.deepEqual(calls, [
    ['Read', 0.4, false, false],
    ['Bash:test', 23, true, false],
    ['Edit', 0.5, false, false],
    ['Bash:test', 22, true, false],
    ['Bash:test', 24, false, true],
    ['Grep', 0.3, false, false], // parallel with the install, back first
    ['Bash:pkg_install', 30, false, false],
  ]);
  const acts = claudeLogActivities(log, 'f');
  assert.equal(acts.length, 1);
  assert.equal(acts[0]?.id, '5e55a1f0#0');
  assert.equal(acts[0]?.startS, Date.parse('2026-11-30T09:00:03Z') / 1000 - 2);
});

test('OTLP JSON: execute_tool spans become calls, chat input tokens the context; invoke_agent left out; sessions by conversation id', () => {
  const { docs, badLines } = parseOtlpText(readFileSync(join(FIX, 'otel', 'spans.jsonl'), 'utf8'));
  assert.equal(badLines, 0);
  const sessions = otelSessions(docs);
  assert.deepEqual([...sessions.keys()], ['conv-a', 'conv-b']);
  const a = sessions.get('conv-a');
  assert.deepEqual(a?.points.map((p) => p.tokens), [5000, 7000, 9000]);
  assert.deepEqual(a?.calls.map((c) => [c.tool, c.end - c.start, c.error]), [['Bash:test', 18, true], ['Bash:test', 22, false]]);
  const acts = otelActivities(sessions);
  assert.deepEqual(acts.map((x) => x.id), ['conv-a#0', 'conv-b#0']);
  assert.equal(acts[0]?.tools[1]?.retry, true);
});

test('trace import --logs writes a valid trace whose header says memory and CPU are modelled', async (t) => {
  for (const [source, path] of [['claude-code', join(FIX, 'claude-code')], ['otel', join(FIX, 'otel', 'spans.jsonl')]] as const) {
    const out = join(tempDir(t), `${source}.jsonl.gz`);
    const c = capture();
    assert.equal(await traceImportCommand([source, '--logs', path, '--out', out], c.io), 0, c.err());
    const scan = await scanTrace(out);
    assert.match(String(scan.header.source), /synthetic resource model .* because the logs carry none/);
    assert.equal(scan.header.resourceModel, 'memory and CPU are modelled from the logged activity, not measured');
    assert.equal(scan.sessions, source === 'otel' ? 2 : 1);
  }
});

test('trace import without its data folder says what it needs and where the data comes from (exit 2)', async (t) => {
  const c = capture();
  assert.equal(await traceImportCommand(['mini-swe-agent', '--data', join(tempDir(t), 'none'), '--out', join(tempDir(t), 'x.jsonl.gz')], c.io), 2);
  assert.match(c.err(), /needs the public data set under .*none.*mini-swe-agent-gemini3pro\/steps\.csv\.gz/);
  assert.match(c.err(), /github\.com\/gruckion\/mini-swe-agent/);
  assert.match(c.err(), /--data DIR/);
  assert.match(c.err(), /trace import claude-code --logs/);
  const none = capture();
  assert.equal(await traceImportCommand(['otel', '--logs', tempDir(t), '--out', join(tempDir(t), 'x.jsonl.gz')], none.io), 1);
  assert.match(none.err(), /--logs: no \.json or \.jsonl file under/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { gzipSync, gunzipSync } from 'node:zlib';
import { traceImportCommand } from '../../../src/cli/trace-import-cmd.js';
import { traceSynthCommand } from '../../../src/cli/trace-synth-cmd.js';
import type { CliIo } from '../../../src/cli/io.js';
import { tempDir, type TempOwner } from '../../support/temp-dir.js';

function capture(): { io: CliIo; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  const sink = (add: (s: string) => void): Writable =>
    new Writable({
      write(chunk: Buffer, _enc, cb): void {
        add(chunk.toString());
        cb();
      },
    });
  return { io: { stdout: sink((s) => (out += s)), stderr: sink((s) => (err += s)), stderrIsTty: false }, out: () => out, err: () => err };
}

/** A tiny shared-data folder: Azure arrivals, a SWE-agent step table, an AgentCgroup series. */
function fixtureData(t: TempOwner): string {
  const dir = tempDir(t, 'bg-import-');
  mkdirSync(join(dir, 'arrivals', 'azure-llm-2023'), { recursive: true });
  const arrivals = ['TIMESTAMP,ContextTokens,GeneratedTokens', ...Array.from({ length: 20 }, (_, i) => `2023-11-16 18:15:${String(10 + i).padStart(2, '0')}.5000000,100,10`)];
  writeFileSync(join(dir, 'arrivals', 'azure-llm-2023', 'AzureLLMInferenceTrace_code.csv'), `${arrivals.join('\n')}\n`);
  mkdirSync(join(dir, 'swe-agent-trajs'));
  const head = 'run,instance_id,step,execution_time_s,action_head,action_chars,observation_chars,thought_chars,query_messages,query_chars,history_ctx_chars,obs_error_hint';
  const steps = ['a', 'b', 'c'].flatMap((id) => Array.from({ length: 6 }, (_, i) => `r,${id},${i},${i === 3 ? 12 : 0.2},${i === 3 ? 'pytest' : 'grep'},40,10,200,0,0,${4000 + i * 500},${i === 3 ? 'Error:' : ''}`));
  writeFileSync(join(dir, 'swe-agent-trajs', 'steps.csv.gz'), gzipSync(`${head}\n${steps.join('\n')}\n`));
  mkdirSync(join(dir, 'agentcgroup'));
  writeFileSync(join(dir, 'agentcgroup', 'tasks.csv'), 'run,task,paper_filter_ok\nhaiku_nolimit,t1,1\n');
  const series = Array.from({ length: 30 }, (_, i) => `haiku_nolimit,t1,${(i * 1.04).toFixed(3)},${i === 0 ? 11000000 : 186000000 + i * 1000},0.05,,,0,0`);
  writeFileSync(join(dir, 'agentcgroup', 'samples.csv.gz'), gzipSync(`run,task,t_s,mem_bytes,cpu_cores,tool,context_tokens,tool_calls_cum,tool_errors_cum\n${series.join('\n')}\n`));
  return dir;
}

function readLines(path: string): Record<string, unknown>[] {
  return gunzipSync(readFileSync(path))
    .toString('utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

test('trace import --help prints usage; bad arguments exit 2', async () => {
  const c = capture();
  assert.equal(await traceImportCommand(['--help'], c.io), 0);
  assert.match(c.out(), /burstguard trace import SOURCE/);
  for (const argv of [[], ['nope', '--out', 'x.jsonl'], ['swe-agent'], ['swe-agent', '--out', 'x', '--seed', '-3'], ['swe-agent', '--bogus']]) {
    const e = capture();
    assert.equal(await traceImportCommand(argv, e.io), 2, argv.join(' '));
    assert.ok(e.err().length > 0);
  }
});

test('trace import swe-agent writes a valid, sorted, reproducible trace with its command', async (t) => {
  const data = fixtureData(t);
  const out = join(data, 'swe.jsonl.gz');
  const argv = ['swe-agent', '--data', data, '--out', out, '--sessions', '2', '--seed', '5'];
  const c = capture();
  assert.equal(await traceImportCommand(argv, c.io), 0, c.err());
  const first = readFileSync(out);
  const lines = readLines(out);
  const header = lines[0] ?? {};
  assert.equal(header.format, 'burstguard-trace');
  assert.equal(header.name, 'swe-agent');
  assert.equal(header.intervalSeconds, 1);
  assert.equal(header.generatedBy, `burstguard trace import ${argv.join(' ')}`);
  assert.match(String(header.license), /CC-BY-4\.0/);
  const samples = lines.slice(1);
  assert.equal(new Set(samples.map((s) => s.session)).size, 2);
  for (let i = 1; i < samples.length; i++) assert.ok(Number(samples[i]?.t) >= Number(samples[i - 1]?.t));
  assert.ok(samples.some((s) => s.tool === 'Bash:test'));
  assert.equal(await traceImportCommand(argv, capture().io), 0);
  assert.deepEqual(readFileSync(out), first, 'same seed, same bytes');
});

test('trace import agentcgroup keeps the measured series and the GPL-2.0 licence', async (t) => {
  const data = fixtureData(t);
  const out = join(data, 'ac.jsonl.gz');
  assert.equal(await traceImportCommand(['agentcgroup', '--data', data, '--out', out], capture().io), 0);
  const lines = readLines(out);
  assert.match(String(lines[0]?.license), /GPL-2\.0/);
  assert.equal(lines.length, 31);
  assert.equal(lines[1]?.memBytes, 11000000);
  assert.equal(lines[1]?.agentClass, 'swe');
});

test('trace synth: --model-in-pod and --params change the model; a bad params file exits 2', async (t) => {
  const data = fixtureData(t);
  const plain = join(data, 'plain.jsonl.gz');
  const inPod = join(data, 'pod.jsonl.gz');
  const base = ['--steps', 'swe-agent', '--data', data, '--sessions', '1'];
  assert.equal(await traceSynthCommand([...base, '--out', plain], capture().io), 0);
  assert.equal(await traceSynthCommand([...base, '--model-in-pod', '--out', inPod], capture().io), 0);
  const mean = (p: string): number => {
    const s = readLines(p).slice(1);
    return s.reduce((a, x) => a + Number(x.memBytes), 0) / s.length;
  };
  assert.ok(mean(inPod) > mean(plain) + 5e6, 'over a thousand context tokens at 8 KiB each');
  assert.match(String(readLines(inPod)[0]?.source), /model in pod/);
  const params = join(data, 'params.json');
  writeFileSync(params, JSON.stringify({ baselineBytes: 400e6 }));
  const heavier = join(data, 'heavier.jsonl.gz');
  assert.equal(await traceSynthCommand([...base, '--params', params, '--out', heavier], capture().io), 0);
  assert.ok(mean(heavier) > mean(plain) + 150e6);
  writeFileSync(params, JSON.stringify({ noSuchKey: 1 }));
  const e = capture();
  assert.equal(await traceSynthCommand([...base, '--params', params, '--out', heavier], e.io), 2);
  assert.match(e.err(), /unknown parameter 'noSuchKey'/);
  const h = capture();
  assert.equal(await traceSynthCommand(['--help'], h.io), 0);
  assert.match(h.out(), /--model-in-pod/);
});

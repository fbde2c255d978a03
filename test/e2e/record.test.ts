// `burstguard trace record` against the tier's real Prometheus (scraping the test exporter, which emits
// cAdvisor's pause-container and pod-level series too): the recorded trace validates, memory per pod
// is the container's own (nothing counted twice), the agent series come through, and the bench
// replays it. No kubelet: the exporter stands in for cAdvisor and the agents.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { benchCommand } from '../../src/cli/bench-cmd.js';
import type { CliIo } from '../../src/cli/io.js';
import { traceRecordCommand } from '../../src/cli/trace-record-cmd.js';
import { scanTrace } from '../../src/trace/reader.js';
import { startExporter, type Exporter } from './harness/exporter.js';
import { waitFor } from './harness/proc.js';
import { startPrometheus, type PromServer } from './harness/prometheus.js';
import { Mi } from './harness/quantities.js';
import { tempDir } from '../support/temp-dir.js';

function capture(): { io: CliIo; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  const sink = (f: (s: string) => void): Writable => new Writable({ write: (c: Buffer, _e, cb) => (f(c.toString()), cb()) });
  return { io: { stdout: sink((s) => (out += s)), stderr: sink((s) => (err += s)), stderrIsTty: false }, out: () => out, err: () => err };
}

describe('trace record from a real Prometheus', () => {
  let exporter: Exporter;
  let prom: PromServer;
  const dir = tempDir({ after }, 'burstguard-e2e-record-');
  let fromS: number;
  before(async () => {
    exporter = await startExporter();
    prom = await startPrometheus([exporter.target]);
    fromS = Math.ceil(Date.now() / 1000) + 1;
    exporter.set('agents', 'swe-1', { memBytes: 300 * Mi, cpuCores: 0.5, contextTokens: 12000, toolCallsInFlight: { 'Bash:test': 1 }, toolCallsPerS: 1 });
    exporter.set('agents', 'swe-2', { memBytes: 700 * Mi, cpuCores: 1, contextTokens: 40000, toolCallsInFlight: {} });
    exporter.set('other', 'not-mine', { memBytes: 5000 * Mi, cpuCores: 2 });
    await waitFor('12 s of scrapes', async () => {
      const r = await prom.query('count_over_time(container_memory_working_set_bytes{pod="swe-2",container="agent"}[30s])');
      return Number(r[0]?.value[1] ?? 0) >= 12 ? true : undefined;
    }, 60_000);
  });
  after(async () => {
    await prom?.close();
    await exporter?.close();
  });

  it('records the namespace in chunks into a trace that validates, memory per pod not double-counted', async (t) => {
    const out = join(dir, 'agents.jsonl.gz');
    const toS = Math.floor(Date.now() / 1000);
    const c = capture();
    const code = await traceRecordCommand(
      ['--prometheus', prom.url, '--namespace', 'agents', '--from', String(fromS + 4), '--to', String(toS), '--step', '1s', '--chunk', '3s', '--out', out, '--agent-class', 'swe'],
      c.io,
    );
    assert.equal(code, 0, c.err());
    assert.match(c.out(), /2 sessions \(pods\), \d+ samples, .*\d+ chunks/);
    t.diagnostic(c.out().trim());
    const scan = await scanTrace(out);
    assert.equal(scan.sessions, 2);
    assert.equal(scan.header.intervalSeconds, 1);
    const samples = gunzipSync(readFileSync(out)).toString().trim().split('\n').slice(1).map((l) => JSON.parse(l) as Record<string, unknown>);
    const swe1 = samples.filter((s) => s.session === 'swe-1');
    const swe2 = samples.filter((s) => s.session === 'swe-2');
    assert.ok(swe1.length >= 5 && swe2.length >= 5, `${swe1.length} / ${swe2.length} samples`);
    // The exporter adds a 1 MB pause container and a pod-level cgroup of usage + 1 MB: neither counts.
    for (const s of swe1) assert.equal(s.memBytes, 300 * Mi);
    for (const s of swe2) assert.equal(s.memBytes, 700 * Mi);
    assert.ok(swe1.every((s) => s.contextTokens === 12000 && s.tool === 'Bash:test' && s.agentClass === 'swe'));
    assert.ok(swe2.every((s) => s.contextTokens === 40000 && s.tool === undefined));
    const cpu = swe2.map((s) => Number(s.cpuCores)).filter((v) => v > 0);
    assert.ok(cpu.some((v) => Math.abs(v - 1) < 0.25), `cpu of swe-2 near 1 core: ${cpu.join(',')}`);

    // And the bench replays it.
    const json = join(dir, 'result.json');
    const b = capture();
    assert.equal(await benchCommand(['--trace', out, '--policies', 'static,predictive', '--json', json], b.io), 0, b.err());
    const result = JSON.parse(readFileSync(json, 'utf8')) as Array<{ trace: { sessions: number }; policies: Array<{ policy: string }> }>;
    t.diagnostic(b.out().trim().split('\n').join(' | '));
    assert.equal(result[0]?.trace.sessions, 2);
    assert.deepEqual(result[0]?.policies.map((p) => p.policy), ['static', 'predictive']);
  });

  it('an empty range and an unreachable Prometheus give clear errors and exit 1', async () => {
    const empty = capture();
    const code = await traceRecordCommand(['--prometheus', prom.url, '--namespace', 'nobody-here', '--since', '20s', '--step', '1s', '--out', join(dir, 'e.jsonl.gz')], empty.io);
    assert.equal(code, 1);
    assert.match(empty.err(), /has no samples for namespace 'nobody-here'/);
    await prom.stop();
    const down = capture();
    assert.equal(await traceRecordCommand(['--prometheus', prom.url, '--namespace', 'agents', '--since', '20s', '--out', join(dir, 'd.jsonl.gz')], down.io), 1);
    assert.match(down.err(), /cannot reach Prometheus at http:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED/);
  });
});

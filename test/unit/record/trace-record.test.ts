// `burstguard trace record` against a fake Prometheus: chunks, the per-pod memory query, resume after a
// failed chunk, and the clear errors for an unreachable, unauthorised or empty server.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { traceRecordCommand } from '../../../src/cli/trace-record-cmd.js';
import { scanTrace } from '../../../src/trace/reader.js';
import { capture } from '../bench/cli-helpers.js';
import { tempDir } from '../../support/temp-dir.js';
import { matrix, podsHandler, signalOf, startFakePrometheus, type FakePrometheus } from '../prometheus/fake-prometheus.js';

const FROM = '2026-12-01T10:00:00Z';
const TO = '2026-12-01T10:30:00Z'; // 121 points at 15 s; chunks of 10 min = 40 points -> 4 chunks
const servers: FakePrometheus[] = [];
after(async () => {
  for (const s of servers) await s.close();
});

async function fake(h = podsHandler(3)): Promise<FakePrometheus> {
  const s = await startFakePrometheus(h);
  servers.push(s);
  return s;
}

async function record(url: string, out: string, extra: string[] = []): Promise<{ code: number; out: string; err: string }> {
  const c = capture();
  const code = await traceRecordCommand(['--prometheus', url, '--namespace', 'agents', '--from', FROM, '--to', TO, '--chunk', '10m', '--out', out, ...extra], c.io);
  return { code, out: c.out(), err: c.err() };
}

test('records every pod in chunks, with the per-pod memory query, into a trace that validates', async (t) => {
  const prom = await fake();
  const out = join(tempDir(t), 'rec.jsonl.gz');
  const r = await record(prom.url, out);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /3 sessions \(pods\), 363 samples, .* 4 chunks/);
  const ranges = prom.requests.filter((q) => q.path === '/api/v1/query_range');
  assert.equal(ranges.length, 7 * 4, 'seven signals per chunk');
  const mem = ranges.find((q) => signalOf(q.query) === 'memory')?.query ?? '';
  // Real containers only, one series per (pod, container), summed by pod: no pause, no pod-level cgroup.
  assert.match(mem, /^sum by \(pod\) \(max by \(pod, container\) \(max_over_time\(container_memory_working_set_bytes\{namespace="agents",container!="",container!="POD"\}\[15s\]\)\)\)$/);
  const starts = ranges.filter((q) => signalOf(q.query) === 'memory').map((q) => Number(q.params.get('start')));
  const ends = ranges.filter((q) => signalOf(q.query) === 'memory').map((q) => Number(q.params.get('end')));
  const t0 = Date.parse(FROM) / 1000;
  assert.deepEqual(starts.map((s) => s - t0), [0, 600, 1200, 1800]);
  assert.deepEqual(ends.map((s) => s - t0), [585, 1185, 1785, 1800]);
  const scan = await scanTrace(out);
  assert.equal(scan.sessions, 3);
  assert.equal(scan.samples, 363);
  assert.equal(scan.header.intervalSeconds, 15);
  assert.equal(scan.lastT, 1800);
  const lines = gunzipSync(readFileSync(out)).toString().trim().split('\n');
  const first = JSON.parse(lines[1] ?? '{}') as Record<string, unknown>;
  assert.deepEqual(first, { session: 'agent-0', t: 0, memBytes: 1e6, cpuCores: 0.1, contextTokens: 1000, toolCalls: 3, toolRetries: 2, toolErrors: 1, tool: 'Read' });
  assert.equal(existsSync(`${out}.progress.json`), false, 'progress file removed when complete');
});

test('a failed chunk keeps the complete ones; --resume appends the rest, same content as one run', async (t) => {
  const whole = join(tempDir(t), 'whole.jsonl.gz');
  assert.equal((await record((await fake()).url, whole)).code, 0);

  let ranges = 0;
  const good = podsHandler(3);
  const prom = await fake((req) => {
    if (req.path === '/api/v1/query_range' && ++ranges > 7 * 2) return { status: 503, body: 'unavailable' };
    return good(req);
  });
  const out = join(tempDir(t), 'cut.jsonl.gz');
  const failed = await record(prom.url, out);
  assert.equal(failed.code, 1);
  assert.match(failed.err, /chunk 3\/4 .*HTTP 503.*2 complete chunks kept, run again with --resume/);
  assert.ok(existsSync(`${out}.progress.json`));
  // A half-written chunk at the end of the file is cut off on resume.
  writeFileSync(out, Buffer.concat([readFileSync(out), Buffer.from('garbage')]));

  prom.handler = good;
  const c = capture();
  const code = await traceRecordCommand(['--prometheus', prom.url, '--namespace', 'agents', '--chunk', '10m', '--out', out, '--resume'], c.io);
  assert.equal(code, 0, c.err());
  assert.match(c.out(), /resumed after chunk 2/);
  // The headers name different servers and files; the samples are the same.
  const samples = (f: string): string[] => gunzipSync(readFileSync(f)).toString().split('\n').slice(1);
  assert.deepEqual(samples(out), samples(whole));
});

test('--resume with nothing to resume, or another server, says so', async (t) => {
  const prom = await fake();
  const out = join(tempDir(t), 'none.jsonl.gz');
  const c = capture();
  assert.equal(await traceRecordCommand(['--prometheus', prom.url, '--namespace', 'agents', '--out', out, '--resume'], c.io), 1);
  assert.match(c.err(), /nothing to resume: .*none\.jsonl\.gz\.progress\.json does not exist/);
});

test('unreachable Prometheus: a clear error, exit 1', async (t) => {
  const r = await record('http://127.0.0.1:1', join(tempDir(t), 'x.jsonl.gz'));
  assert.equal(r.code, 1);
  assert.match(r.err, /cannot reach Prometheus at http:\/\/127\.0\.0\.1:1: .*ECONNREFUSED/);
});

test('unauthorised Prometheus: says to pass a token, or that the token was refused', async (t) => {
  const prom = await fake((req) => (req.headers.authorization === 'Bearer s3cret' ? podsHandler(1)(req) : { status: 401, body: 'Unauthorized' }));
  const dir = tempDir(t);
  const r = await record(prom.url, join(dir, 'x.jsonl.gz'));
  assert.equal(r.code, 1);
  assert.match(r.err, /answered HTTP 401 \(unauthorised\): it wants credentials: pass --bearer-token-file FILE/);
  writeFileSync(join(dir, 'token'), 'wrong\n');
  const wrong = await record(prom.url, join(dir, 'x.jsonl.gz'), ['--bearer-token-file', join(dir, 'token')]);
  assert.match(wrong.err, /the bearer token was refused/);
  assert.doesNotMatch(wrong.err, /wrong/, 'the token never appears in messages');
  writeFileSync(join(dir, 'token'), 's3cret\n');
  const ok = await record(prom.url, join(dir, 'x.jsonl.gz'), ['--bearer-token-file', join(dir, 'token')]);
  assert.equal(ok.code, 0, ok.err);
});

test('empty range: a clear error naming namespace, window and series; no file left behind', async (t) => {
  const prom = await fake(() => matrix([]));
  const out = join(tempDir(t), 'empty.jsonl.gz');
  const r = await record(prom.url, out);
  assert.equal(r.code, 1);
  assert.match(r.err, /has no samples for namespace 'agents' between 2026-12-01T10:00:00\.000Z and 2026-12-01T10:30:00\.000Z .*container_memory_working_set_bytes/);
  assert.equal(existsSync(out), false);
  assert.equal(existsSync(`${out}.progress.json`), false);
});

test('bad flags exit 2 naming the flag', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['--namespace', 'a', '--out', 'x', '--since', '24h'], /need --prometheus URL/],
    [['--prometheus', 'http://p', '--out', 'x', '--since', '24h'], /need --namespace NS/],
    [['--prometheus', 'http://p', '--namespace', 'a', '--out', 'x'], /need the time range/],
    [['--prometheus', 'http://p', '--namespace', 'a', '--out', 'x', '--since', 'yesterday'], /--since expects a duration/],
    [['--prometheus', 'http://p', '--namespace', 'a', '--out', 'x', '--from', FROM, '--to', FROM], /--to .* must be after --from/],
    [['--prometheus', 'p:9090', '--namespace', 'a', '--out', 'x', '--since', '1h'], /--prometheus expects an http/],
  ];
  for (const [args, re] of cases) {
    const c = capture();
    assert.equal(await traceRecordCommand([...args], c.io), 2, args.join(' '));
    assert.match(c.err(), re);
  }
});

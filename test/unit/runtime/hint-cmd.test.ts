// `burstguard hint` against a real loopback server: it sends the token file as a bearer token and
// exits 0 on acceptance, 1 on refusal, 2 on bad usage.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Registry } from 'prom-client';
import { hintCommand } from '../../../src/cli/hint-cmd.js';
import { ok } from '../../../src/core/result.js';
import type { ToolHint } from '../../../src/policy/policy.js';
import { startHttpServer } from '../../../src/runtime/http.js';
import { TokenBuckets } from '../../../src/runtime/token-bucket.js';
import { fixedClock } from '../../support/fakes.js';
import { tempDir } from '../../support/temp-dir.js';

function io() {
  const out = new PassThrough();
  const errs = new PassThrough();
  let o = '';
  let e = '';
  out.on('data', (c: Buffer) => (o += c.toString()));
  errs.on('data', (c: Buffer) => (e += c.toString()));
  return { io: { stdout: out, stderr: errs, stderrIsTty: false }, out: () => o, err: () => e };
}


/** A loopback hint server whose reviewer accepts `tok-a` as pod agents/a; `acted` collects the hints acted on. */
async function hintServer(leading?: () => boolean) {
  const acted: ToolHint[] = [];
  const server = await startHttpServer({
    registry: new Registry(),
    readiness: () => ({ ready: true }),
    port: 0,
    host: '127.0.0.1',
    hints: {
      enabled: () => true,
      namespace: 'agents',
      audience: () => 'burstguard',
      reviewer: { review: (t) => Promise.resolve(ok(t === 'tok-a' ? { authenticated: true, username: 'system:serviceaccount:agents:default', podName: 'a' } : { authenticated: false, error: 'invalid bearer token' })) },
      buckets: new TokenBuckets(() => ({ ratePerMinute: 60, burst: 10 })),
      clock: fixedClock(),
      ...(leading ? { leading } : {}),
      act: (h) => {
        acted.push(h);
        return Promise.resolve({ kind: 'unchanged', reason: 'fake' });
      },
    },
  });
  return { server, acted };
}

test('burstguard hint posts the hint with the pod token and reports the answer', async (t) => {
  const { server: s, acted } = await hintServer();
  try {
    const dir = tempDir(t, 'bg-hint-');
    const good = join(dir, 'good');
    const bad = join(dir, 'bad');
    writeFileSync(good, 'tok-a\n');
    writeFileSync(bad, 'nope');
    const url = `http://127.0.0.1:${s.port}`;
    const a = io();
    assert.equal(await hintCommand(['--container', 'agent', '--tool', 'Bash:test', '--expected-duration', '12', '--token-file', good], a.io, { HOSTNAME: 'a', BURSTGUARD_URL: url }), 0, a.err());
    assert.match(a.out(), /^200 /);
    assert.deepEqual(acted, [{ pod: 'agents/a', container: 'agent', tool: 'Bash:test', expectedDurationS: 12 }]);
    const b = io();
    assert.equal(await hintCommand(['--pod', 'a', '--container', 'agent', '--tool', 'x', '--url', url, '--token-file', bad], b.io, {}), 1);
    assert.match(b.err(), /^401 .*invalid bearer token/);
    const c = io();
    assert.equal(await hintCommand(['--pod', 'a', '--tool', 'x'], c.io, {}), 2);
    assert.match(c.err(), /missing --container, --url/);
  } finally {
    await s.close();
  }
});

test('a standby answers 503 with Retry-After and closes the connection; burstguard hint retries on a new one', async (t) => {
  let calls = 0;
  // The first two connections reach the standby, as a Service may route them.
  const { server: s, acted } = await hintServer(() => ++calls > 2);
  try {
    const dir = tempDir(t, 'bg-hint-');
    const tok = join(dir, 'tok');
    writeFileSync(tok, 'tok-a');
    const url = `http://127.0.0.1:${s.port}`;
    const a = io();
    assert.equal(await hintCommand(['--pod', 'a', '--container', 'agent', '--tool', 'Bash:test', '--url', url, '--token-file', tok], a.io, {}), 0, a.err());
    assert.match(a.out(), /^200 .*\(try 3\)/);
    assert.equal(acted.length, 1);
    // A standby alone: the client gives up after its tries and says why.
    calls = -100;
    const raw = await fetch(new URL('/v1/hints', url), { method: 'POST', headers: { Authorization: 'Bearer tok-a' }, body: '{"pod":"a","container":"agent","tool":"x"}' });
    assert.equal(raw.status, 503);
    assert.equal(raw.headers.get('retry-after'), '0');
    assert.equal(raw.headers.get('connection'), 'close', 'the retry must open a new connection, which the Service routes anew');
    await raw.text();
    const b = io();
    assert.equal(await hintCommand(['--pod', 'a', '--container', 'agent', '--tool', 'Bash:test', '--url', url, '--token-file', tok], b.io, {}), 1);
    assert.match(b.err(), /^503 .*not the leader.*\(try 4\)/);
  } finally {
    await s.close();
  }
});

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPrometheusSource } from '../../../src/adapters/prometheus/index.js';
import { defaultConfig, type PrometheusConfig } from '../../../src/config/index.js';
import { podsHandler } from './fake-prometheus.js';

let dir = '';
let server: Server | undefined;
let url = '';
let skip: string | false = false;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bg-tls-'));
  try {
    // A throw-away self-signed certificate for 127.0.0.1 (EC: quick to generate).
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1',
      '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
    ], { stdio: 'ignore' });
  } catch {
    skip = 'openssl is not available to make a test certificate';
    return;
  }
  const handler = podsHandler(2);
  server = createServer({ key: await readFile(join(dir, 'key.pem')), cert: await readFile(join(dir, 'cert.pem')) }, (req, res) => {
    const u = new URL(req.url ?? '/', 'https://127.0.0.1');
    const a = handler({ path: u.pathname, query: u.searchParams.get('query') ?? '', params: u.searchParams, headers: req.headers });
    res.writeHead(a.status, { 'Content-Type': 'application/json' }).end(a.body);
  });
  const s = server;
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const addr = s.address();
  url = `https://127.0.0.1:${typeof addr === 'object' && addr !== null ? addr.port : 0}`;
});

after(async () => {
  if (server !== undefined) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server?.close(() => resolve()));
  }
  await rm(dir, { recursive: true, force: true });
});

const Q = { namespace: 'agents', fromMs: 1_700_000_000_000 - 30_000, toMs: 1_700_000_000_000, stepS: 15 };

async function fetchWith(over: Partial<PrometheusConfig>) {
  const src = createPrometheusSource({ ...defaultConfig().prometheus, url, timeoutMs: 3000, ...over }, { container: 'agent' });
  assert.ok(src.ok);
  return src.value.fetch(Q, new AbortController().signal);
}

test('https with the CA from caFile is trusted', async (t) => {
  if (skip !== false) return t.skip(skip);
  const r = await fetchWith({ caFile: join(dir, 'cert.pem') });
  assert.ok(r.ok, JSON.stringify(r));
  assert.equal(new Set(r.value.map((s) => s.pod)).size, 2);
});

test('https with an unknown CA is refused', async (t) => {
  if (skip !== false) return t.skip(skip);
  const r = await fetchWith({});
  assert.equal(r.ok, false);
  if (!r.ok) assert.match(r.error.message, /certificate/i);
});

test('insecureSkipVerify accepts the unknown CA', async (t) => {
  if (skip !== false) return t.skip(skip);
  const r = await fetchWith({ insecureSkipVerify: true });
  assert.ok(r.ok, JSON.stringify(r));
});

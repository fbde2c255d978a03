import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { startHttpServer, type Readiness } from '../../../src/runtime/http.js';
import { createMetrics } from '../../../src/telemetry/metrics.js';

async function withServer(readiness: () => Readiness, fn: (base: string, reg: Registry) => Promise<void>): Promise<void> {
  const reg = new Registry();
  const m = createMetrics(reg);
  m.ticksTotal.inc(3);
  const s = await startHttpServer({ registry: reg, readiness, port: 0, host: '127.0.0.1' });
  try {
    await fn(`http://127.0.0.1:${s.port}`, reg);
  } finally {
    await s.close();
  }
}

test('/metrics serves the injected registry in Prometheus text format', async () => {
  await withServer(
    () => ({ ready: true }),
    async (base, reg) => {
      const r = await fetch(`${base}/metrics`);
      assert.equal(r.status, 200);
      assert.equal(r.headers.get('content-type'), reg.contentType);
      const body = await r.text();
      assert.match(body, /^burstguard_ticks_total 3$/m);
      assert.match(body, /# TYPE burstguard_tick_duration_seconds histogram/);
    },
  );
});

test('/healthz answers while the process lives, whatever readiness says', async () => {
  await withServer(
    () => ({ ready: false }),
    async (base) => {
      const r = await fetch(`${base}/healthz`);
      assert.equal(r.status, 200);
      assert.equal(await r.text(), 'ok\n');
    },
  );
});

test('/readyz follows the injected readiness function', async () => {
  let state: Readiness = { ready: false, reason: 'informers not synced' };
  await withServer(
    () => state,
    async (base) => {
      const before = await fetch(`${base}/readyz`);
      assert.equal(before.status, 503);
      assert.match(await before.text(), /informers not synced/);
      state = { ready: true };
      const after = await fetch(`${base}/readyz`);
      assert.equal(after.status, 200);
      await after.text();
    },
  );
});

test('a throwing readiness check is "not ready", not a crash', async () => {
  await withServer(
    () => {
      throw new Error('boom');
    },
    async (base) => {
      const r = await fetch(`${base}/readyz`);
      assert.equal(r.status, 503);
      assert.match(await r.text(), /boom/);
    },
  );
});

test('unknown paths are 404 and other methods 405', async () => {
  await withServer(
    () => ({ ready: true }),
    async (base) => {
      const nf = await fetch(`${base}/nope`);
      assert.equal(nf.status, 404);
      await nf.text();
      const m = await fetch(`${base}/metrics`, { method: 'POST' });
      assert.equal(m.status, 405);
      await m.text();
    },
  );
});

// Liveness must not wait for the API server: with a kubeconfig whose server never answers, /healthz
// answers 200 while /readyz says what is missing. The process is the real CLI, stopped by its PID.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

import { kubeconfigText } from '../../support/manifests.js';
import { tempDir } from '../../support/temp-dir.js';

const bin = new URL('../../../bin/burstguard.js', import.meta.url).pathname;

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const a = s.address();
  await new Promise<void>((r) => s.close(() => r()));
  return typeof a === 'object' && a !== null ? a.port : 0;
}

async function status(url: string): Promise<{ code: number; body: string }> {
  try {
    const r = await fetch(url, { signal: AbortSignal.timeout(1000) });
    return { code: r.status, body: await r.text() };
  } catch {
    return { code: 0, body: '' };
  }
}

test('/healthz answers before the API server does; /readyz says why it is not ready', async (t) => {
  const dir = tempDir(t, 'bg-healthz-');
  // A TCP port nobody listens on: every API call fails, none ever succeeds.
  const deadApi = await freePort();
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, kubeconfigText(`https://127.0.0.1:${deadApi}`, 'agents', 't'));
  const port = await freePort();
  const child = spawn(process.execPath, [bin, 'run', '--kubeconfig', kubeconfig, '--metrics-port', String(port)], {
    stdio: 'ignore',
    env: { PATH: process.env.PATH, HOME: dir },
  });
  try {
    let health = { code: 0, body: '' };
    for (let i = 0; i < 200 && health.code !== 200; i++) {
      await new Promise((r) => setTimeout(r, 100));
      health = await status(`http://127.0.0.1:${port}/healthz`);
    }
    assert.equal(health.code, 200);
    const ready = await status(`http://127.0.0.1:${port}/readyz`);
    assert.equal(ready.code, 503);
    assert.match(ready.body, /not ready: waiting for the ConfigMap/);
  } finally {
    if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGKILL');
  }
});

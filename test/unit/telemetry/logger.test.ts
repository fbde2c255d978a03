import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { componentLogger, createLogger } from '../../../src/telemetry/logger.js';
import type { Logger } from '../../../src/engine/ports.js';

function sink(): { stream: Writable; lines: () => Array<Record<string, unknown>> } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk.toString('utf8'));
      cb();
    },
  });
  return {
    stream,
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

test('JSON lines with level label, name and component', () => {
  const s = sink();
  const root = createLogger({ level: 'info', destination: s.stream });
  const log: Logger = componentLogger(root, 'prometheus');
  log.info({ samples: 3 }, 'fetched');
  log.debug({ hidden: true }, 'below level');
  const lines = s.lines();
  assert.equal(lines.length, 1);
  assert.equal(lines[0]?.['level'], 'info');
  assert.equal(lines[0]?.['name'], 'burstguard');
  assert.equal(lines[0]?.['component'], 'prometheus');
  assert.equal(lines[0]?.['samples'], 3);
  assert.equal(lines[0]?.['msg'], 'fetched');
});

test('secrets are redacted wherever they sit', () => {
  const s = sink();
  const log = createLogger({ level: 'debug', destination: s.stream });
  const secret = 'hunter2-abcdef';
  log.info({ token: secret, headers: { authorization: `Bearer ${secret}` } }, 'a');
  log.warn({ req: { headers: { Authorization: secret } }, cfg: { db: { password: secret } } }, 'b');
  log.error({ bearerToken: secret, apiKey: secret }, 'c');
  const text = s.lines().map((l) => JSON.stringify(l)).join('\n');
  assert.ok(!text.includes(secret), text);
  assert.ok(text.includes('[redacted]'));
  assert.equal(s.lines().length, 3);
});

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { externalScalerProtoPath } from '../../../src/adapters/keda/external-scaler.js';

// The runtime loads the vendored proto (an image has no Go toolchain); it must be KEDA's own, byte for
// byte below the licence header, at the version the e2e tier pins. Needs Go and the module proxy (or a
// warm module cache); skipped with the reason otherwise.
test('third_party/keda/externalscaler.proto is the pinned KEDA module file below its header', (t) => {
  const script = fileURLToPath(new URL('../../../tools/fetch-keda-proto.sh', import.meta.url));
  let fetched: string;
  try {
    fetched = execFileSync('bash', [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 }).trim();
  } catch (e) {
    t.skip(`cannot fetch the pinned proto: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
    return;
  }
  const vendored = readFileSync(externalScalerProtoPath(), 'utf8').split('\n');
  const header = vendored.findIndex((l) => !l.startsWith('//'));
  assert.ok(vendored.slice(0, header).join('\n').includes('Apache License'), 'the vendored proto keeps its licence header');
  assert.equal(vendored.slice(header + 1).join('\n'), readFileSync(fetched, 'utf8'));
});

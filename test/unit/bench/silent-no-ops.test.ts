// Inputs that used to replay to nothing, or fail only after the replay, are refused up front (exit 2)
// or warned about: a header-only trace, --warmup past the last sample, an unwritable output, and a
// misspelt optional trace field (ignored by the format, so it would silently drop a signal).
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runBenchCommand } from '../../../src/cli/bench-cmd.js';
import { traceValidateCommand } from '../../../src/cli/trace-validate-cmd.js';
import type { ReplayFn } from '../../../bench/replay/run-bench.js';
import { replay } from '../../../bench/replay/replay.js';
import { capture, tinyTrace } from './cli-helpers.js';
import { tempDir, type TempOwner } from '../../support/temp-dir.js';

const HEADER = JSON.stringify({ format: 'burstguard-trace', version: 1, name: 'h', source: 'test', license: 'CC0-1.0', intervalSeconds: 5 });
const neverReplayed: ReplayFn = () => Promise.reject(new Error('the replay must not start'));

function headerOnly(t: TempOwner): string {
  const p = join(tempDir(t), 'header-only.jsonl');
  writeFileSync(p, `${HEADER}\n`);
  return p;
}

test('a header-only trace: bench refuses it (exit 2) before replaying; trace validate warns', async (t) => {
  const p = headerOnly(t);
  const c = capture();
  assert.equal(await runBenchCommand(['--trace', p, '--policies', 'static'], c.io, neverReplayed), 2);
  assert.equal(c.err(), `burstguard bench: ${p}: the trace has a header but no samples: nothing to replay\n`);
  const v = capture();
  assert.equal(await traceValidateCommand([p], v.io), 0);
  assert.match(v.err(), /warning: .*header-only\.jsonl: the trace has a header but no samples/);
});

test('--warmup past the last sample: refused with the trace\'s end named', async (t) => {
  const c = capture();
  assert.equal(await runBenchCommand(['--trace', tinyTrace(t), '--policies', 'static', '--warmup', '100000'], c.io, neverReplayed), 2);
  assert.match(c.err(), /--warmup 100000 s reaches past the trace's last sample \(t = \d+ s\): nothing would be scored/);
});

test('an output that cannot be written is refused before the replay', async (t) => {
  for (const [flag, path, why] of [
    ['--json', '/nonexistent-dir/r.json', /--json \/nonexistent-dir\/r\.json: cannot be written: the folder \/nonexistent-dir does not exist/],
    ['--report', tempDir(t), /--report .*: is a directory; name a file/],
  ] as const) {
    const c = capture();
    assert.equal(await runBenchCommand(['--trace', tinyTrace(t), '--policies', 'static', flag, path], c.io, neverReplayed), 2);
    assert.match(c.err(), why);
  }
});

test('a misspelt optional field: a warning naming the line and the nearest known field; the replay goes on', async (t) => {
  const p = join(tempDir(t), 'typo.jsonl');
  const lines = [HEADER];
  for (let t = 0; t <= 60; t += 5) lines.push(JSON.stringify({ session: 's', t, memBytes: 2 ** 28, cpuCores: 0.2, contextTokns: 100 * t, myExtension: 1 }));
  writeFileSync(p, `${lines.join('\n')}\n`);
  const c = capture();
  assert.equal(await runBenchCommand(['--trace', p, '--policies', 'static'], c.io, replay), 0);
  // Once per field, and deliberate extensions far from every known name are left alone.
  assert.equal(c.err(), `burstguard bench: warning: ${p}:2: contextTokns: not a trace field, ignored; did you mean 'contextTokens'?\n`);
  const v = capture();
  assert.equal(await traceValidateCommand([p], v.io), 0);
  assert.match(v.err(), /^warning: .*typo\.jsonl:2: contextTokns: not a trace field, ignored; did you mean 'contextTokens'\?\n$/);
});

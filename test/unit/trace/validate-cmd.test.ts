import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { traceValidateCommand } from '../../../src/cli/trace-validate-cmd.js';
import type { CliIo } from '../../../src/cli/io.js';
import { HEADER, sampleJson, traceFile } from './fixtures.js';
import { tempDir } from '../../support/temp-dir.js';

function capture(): { io: CliIo; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  const sink = (append: (s: string) => void): Writable =>
    new Writable({
      write(chunk: Buffer, _enc, cb) {
        append(chunk.toString());
        cb();
      },
    });
  return { io: { stdout: sink((s) => (out += s)), stderr: sink((s) => (err += s)), stderrIsTty: false }, out: () => out, err: () => err };
}

const root = fileURLToPath(new URL('../../../', import.meta.url));

describe('burstguard trace validate', () => {
  it('prints a summary for a valid file and exits 0', async (t) => {
    const path = traceFile('ok.jsonl.gz', [JSON.stringify(HEADER), sampleJson({ t: 0 }), sampleJson({ session: 'b', t: 30 }), sampleJson({ t: 90 })], t);
    const c = capture();
    assert.equal(await traceValidateCommand([path], c.io), 0);
    assert.match(c.out(), /ok: "tiny" \(MIT\), 2 sessions, 3 samples, duration 1m30s/);
    assert.equal(c.err(), '');
  });

  it('prints the located error and exits 2 when any file is invalid', async (t) => {
    const good = traceFile('ok.jsonl', [JSON.stringify(HEADER), sampleJson()], t);
    const bad = traceFile('bad.jsonl', [JSON.stringify(HEADER), sampleJson({ memBytes: -1 })], t);
    const c = capture();
    assert.equal(await traceValidateCommand([good, bad], c.io), 2);
    assert.match(c.out(), /ok\.jsonl: ok/);
    assert.equal(c.err(), `${bad}:2: memBytes: must be >= 0, got -1\n`);
  });

  it('exits 2 with usage when no file or an unknown option is given', async () => {
    assert.equal(await traceValidateCommand([], capture().io), 2);
    assert.equal(await traceValidateCommand(['--strict'], capture().io), 2);
  });

  it('the real CLI exits 2 on garbage', (t) => {
    const path = join(tempDir(t), 'garbage.jsonl.gz');
    writeFileSync(path, Buffer.from([0x1f, 0x8b, 8, 0, 1, 2, 3, 250, 251, 99]));
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'trace', 'validate', path], { cwd: root, encoding: 'utf8' });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:1: gzip: `));
  });
});

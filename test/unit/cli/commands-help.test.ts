// The first hour: the `burstguard` bin runs straight after `npm ci` (no build), answers --version, and
// every command and command group answers --help with exit 0.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);
const bin = new URL('../../../bin/burstguard.js', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string; bin: Record<string, string> };

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [bin, ...args]);
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}

test('package.json points its bin at the shim, which exists without a build', () => {
  assert.equal(pkg.bin.burstguard, 'bin/burstguard.js');
});

test('--version prints the package version', async () => {
  const r = await cli('--version');
  assert.equal(r.code, 0);
  assert.equal(r.stdout, `burstguard ${pkg.version}\n`);
});

for (const args of [['bench'], ['tune'], ['plan'], ['run'], ['config', 'validate'], ['trace', 'validate'], ['trace', 'synth'], ['trace', 'import'], ['trace', 'record'], ['trace'], ['config']]) {
  test(`${args.join(' ')} --help exits 0 with a usage text`, async () => {
    const r = await cli(...args, '--help');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /usage/i);
  });
}

test('a group alone lists its subcommands and exits 2', async () => {
  const r = await cli('trace');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /burstguard trace validate/);
});

// The first hour: the `burstguard` bin runs straight after `npm ci` (no build), answers --version, and
// every command and command group answers --help with exit 0.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { tempDir } from '../../support/temp-dir.js';

const run = promisify(execFile);
const bin = new URL('../../../bin/burstguard.js', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string; bin: Record<string, string>; scripts: Record<string, string> };
const linkBin = new URL('../../../tools/link-bin.mjs', import.meta.url).pathname;

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

test('npm ci links this package\'s own bin (prepare), so npx burstguard finds it in a clone', async (t) => {
  assert.equal(pkg.scripts.prepare, 'node tools/link-bin.mjs');
  const root = tempDir(t, 'bg-link-');
  mkdirSync(join(root, 'bin'));
  mkdirSync(join(root, 'node_modules'));
  writeFileSync(join(root, 'bin', 'burstguard.js'), '');
  writeFileSync(join(root, 'package.json'), JSON.stringify({ bin: pkg.bin }));
  // Twice: npm ci runs prepare on every install, over an existing link.
  await run(process.execPath, [linkBin, root]);
  await run(process.execPath, [linkBin, root]);
  assert.equal(realpathSync(join(root, 'node_modules', '.bin', 'burstguard')), realpathSync(join(root, 'bin', 'burstguard.js')));
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

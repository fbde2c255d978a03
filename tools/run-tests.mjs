#!/usr/bin/env node
// The one test command (`npm test`): type-check, make sure the real control plane binaries exist
// (built once per version into ~/.cache/burstguard), then run every test file in one node:test run so
// its closing summary counts all of them. `--unit` skips the end-to-end tier, `--e2e` runs only it.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const args = new Set(process.argv.slice(2));
const wantUnit = !args.has('--e2e');
const wantE2e = !args.has('--unit');

function find(dir) {
  let out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out = out.concat(find(p));
    else if (name.endsWith('.test.ts')) out.push(relative(root, p));
  }
  return out.sort();
}

function run(cmd, argv, env = process.env) {
  const r = spawnSync(cmd, argv, { cwd: root, stdio: 'inherit', env });
  return r.status ?? 1;
}

if (run('npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']) !== 0) {
  console.error('type-check failed');
  process.exit(1);
}

const all = find(join(root, 'test'));
const files = all.filter((f) => (f.startsWith('test/e2e/') ? wantE2e : wantUnit));
const env = { ...process.env };
if (files.some((f) => f.startsWith('test/e2e/'))) {
  const built = spawnSync('bash', ['tools/build-control-plane.sh'], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  if (built.status !== 0) {
    console.error('could not build or find kube-apiserver and etcd (see above); set KUBEBUILDER_ASSETS to prebuilt binaries to skip the build');
    process.exit(1);
  }
  env.KUBEBUILDER_ASSETS = built.stdout.trim().split('\n').pop();
}
process.exit(run(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files], env));

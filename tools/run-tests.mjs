#!/usr/bin/env node
// The one test command (`npm test`): type-check, make sure the real binaries of the e2e tier exist
// (control plane, Prometheus, the real node; built once per version into ~/.cache/burstguard), then run every test file in one node:test run so
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
    console.error('could not build or find the e2e binaries (see above); set KUBEBUILDER_ASSETS (and PROMETHEUS_BIN) to prebuilt binaries to skip the build');
    process.exit(1);
  }
  // KEY=VALUE lines (PROMETHEUS_BIN, HELM, BURSTGUARD_NODE_ASSETS, KEDA_OPERATOR), then the assets folder as the last line.
  const lines = built.stdout.trim().split('\n');
  env.KUBEBUILDER_ASSETS = lines.pop();
  for (const line of lines) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line);
    if (m !== null && (env[m[1]] === undefined || env[m[1]] === '')) env[m[1]] = m[2];
  }
}
process.exit(run(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files], env));

#!/usr/bin/env node
// The one test command (`npm test`): type-check, make sure the real binaries of the e2e tier exist
// (control plane, Prometheus, the real node; built once per version into ~/.cache/burstguard), then run
// the unit files and the e2e files as two node:test runs, each closing with its summary, and a last
// line `N passed, N failed` for both. `--unit` skips the end-to-end tier, `--e2e` runs only it.
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { collectUnitTmp, makeUnitTmp } from './unit-tmp.mjs';

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
// The unit tests first (CPU-bound: node's default file concurrency), then the e2e tier, whose files
// mostly wait on real processes: two at a time, a real-node file beside a fake-kubelet one (the real
// node's lock in harness/real-node/node.ts serialises any two real-node files that meet).
const unit = files.filter((f) => !f.startsWith('test/e2e/'));
const e2e = interleave(files.filter((f) => f.startsWith('test/e2e/')));
const e2eConcurrency = process.env.BURSTGUARD_E2E_CONCURRENCY ?? '2';
const totals = { pass: 0, fail: 0 };
let status = 0;
if (unit.length > 0) status |= await unitPhase(unit);
if (e2e.length > 0) status |= await phase(['--test', '--test-reporter=spec', `--test-concurrency=${e2eConcurrency}`, ...e2e]);
if (unit.length > 0 && e2e.length > 0) console.log(`${totals.pass} passed, ${totals.fail} failed (unit and e2e together)`);
process.exit(status === 0 ? 0 : 1);

/** Real-node and other e2e files alternated, so the two running at once are rarely both real-node. */
function interleave(list) {
  const real = list.filter((f) => f.includes('/real-node-'));
  const other = list.filter((f) => !f.includes('/real-node-'));
  const out = [];
  for (let i = 0; i < Math.max(real.length, other.length); i++) {
    if (i < real.length) out.push(real[i]);
    if (i < other.length) out.push(other[i]);
  }
  return out;
}

/**
 * The unit files in a temp folder of their own (tools/unit-tmp.mjs); a file or folder a test of ours
 * left in it fails the phase, named by prefix, so a test that stops cleaning up is caught the day it
 * does, whatever other runs put in /tmp meanwhile.
 */
async function unitPhase(unitFiles) {
  const tmp = makeUnitTmp();
  const code = await phase(['--test', '--test-reporter=spec', ...unitFiles], { ...env, TMPDIR: tmp });
  const left = collectUnitTmp(tmp);
  if (left.others.length > 0) console.log(`note: tools the unit tests ran left in their temp dir (removed now): ${left.others.join(', ')}`);
  if (left.ours.length === 0) return code;
  console.log(`✖ the unit tests left temp files behind (removed now; use tempDir(t) from test/support/temp-dir.ts): ${left.ours.join(', ')}`);
  totals.fail += 1;
  return 1;
}

/** One node:test run, echoed as it goes; its pass and fail counts are added to the totals. */
async function phase(args, phaseEnv = env) {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: root, stdio: ['inherit', 'pipe', 'inherit'], env: phaseEnv });
  // The spec reporter's summary lines (ℹ pass N, ℹ fail N) come before the list of failures, so every
  // line is looked at, not only the end.
  let partial = '';
  const seen = { pass: 0, fail: 0 };
  const scan = (text) => {
    const lines = (partial + text).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      const m = /^ℹ (pass|fail) (\d+)$/.exec(line);
      if (m !== null) seen[m[1]] = Number(m[2]);
    }
  };
  child.stdout.on('data', (chunk) => {
    process.stdout.write(chunk);
    scan(chunk.toString('utf8'));
  });
  const code = await new Promise((resolve) => child.on('close', (c) => resolve(c ?? 1)));
  scan('\n');
  totals.pass += seen.pass;
  totals.fail += seen.fail;
  return code;
}

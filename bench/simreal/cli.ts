/**
 * `npm run bench:sim-vs-real`: replays a seeded pick of real-memory trace sessions on a real node
 * (kubelet + containerd + the kernel, through the e2e tier's harness) under each policy, then the same
 * sessions, sizes and ConfigMap in the simulator, and writes both sides as JSON and a markdown table.
 *
 *   npm run bench:sim-vs-real -- [--sessions 12] [--window 300] [--seed 1] [--policies static,predictive]
 *                                [--drain 120] [--out bench/simreal/fixtures/sim-vs-real-DATE.json]
 *
 * Linux and root only (a kubelet and cgroups). It takes /tmp/burstguard-real-node.lock with flock for
 * the whole run, as every real-node run on a shared machine must, and builds or finds the tier's
 * binaries with tools/build-control-plane.sh when the environment does not name them.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, hostname, release, totalmem } from 'node:os';
import { dirname, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { compareRun, figuresOf, markdownTable, type PolicyRun, type SimRealResult } from './figures.js';
import { simSideFrom } from './measured.js';
import { loadSessions, REAL_MEMORY_TRACE, SIM_REAL_SIZES } from './setup.js';
import { simulate } from './simulate.js';

const root = new URL('../../', import.meta.url).pathname;
const LOCK = '/tmp/burstguard-real-node.lock';
const LOCK_ENV = 'BURSTGUARD_SIM_VS_REAL_LOCKED';

function die(msg: string): never {
  process.stderr.write(`bench:sim-vs-real: ${msg}\n`);
  process.exit(2);
}

/** Re-runs this script under `flock LOCK` unless it already holds it. */
function underLock(): void {
  if (process.env[LOCK_ENV] === '1') return;
  const r = spawnSync('flock', [LOCK, process.execPath, ...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit', env: { ...process.env, [LOCK_ENV]: '1' } });
  if (r.error !== undefined) die(`cannot run flock (util-linux): ${r.error.message}`);
  process.exit(r.status ?? 1);
}

/** KUBEBUILDER_ASSETS, PROMETHEUS_BIN, BURSTGUARD_NODE_ASSETS as `npm test` sets them. */
function tierEnvironment(): void {
  if (process.env.KUBEBUILDER_ASSETS && process.env.PROMETHEUS_BIN && process.env.BURSTGUARD_NODE_ASSETS) return;
  const built = spawnSync('bash', ['tools/build-control-plane.sh'], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  if (built.status !== 0) die('tools/build-control-plane.sh failed (see above)');
  const lines = built.stdout.trim().split('\n');
  process.env.KUBEBUILDER_ASSETS ||= lines.pop();
  for (const line of lines) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line);
    if (m?.[1] !== undefined && !process.env[m[1]]) process.env[m[1]] = m[2];
  }
}

function git(args: string[]): string {
  return spawnSync('git', args, { cwd: root, encoding: 'utf8' }).stdout.trim();
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: {
    sessions: { type: 'string', default: '12' }, window: { type: 'string', default: '300' }, seed: { type: 'string', default: '1' },
    policies: { type: 'string', default: 'static,predictive' }, drain: { type: 'string', default: '120' }, out: { type: 'string' },
  } });
  const num = (name: string, v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) die(`--${name} must be a positive integer (got ${v})`);
    return n;
  };
  const req = { count: num('sessions', values.sessions), windowS: num('window', values.window), seed: num('seed', values.seed) };
  const drainS = num('drain', values.drain);
  const policies = values.policies.split(',').filter((p) => p !== '');
  if (process.platform !== 'linux' || process.getuid?.() !== 0) die('the real node needs Linux and root (a kubelet, containerd and cgroups)');
  underLock();
  tierEnvironment();
  const date = new Date().toISOString().slice(0, 10);
  const out = values.out ?? `${root}bench/simreal/fixtures/sim-vs-real-${date}.json`;

  const sessions = await loadSessions(req);
  // The harness is loaded only now: it reads the environment tierEnvironment() just set.
  const { startRealWorld } = await import('../../test/e2e/harness/real-node/world.js');
  const { runOnRealNode } = await import('./real-run.js');
  const { realNodeSkipReason } = await import('../../test/e2e/harness/real-node/node.js');
  const skip = realNodeSkipReason();
  if (skip !== undefined) die(skip);
  const log = (l: string): void => void process.stderr.write(`${new Date().toISOString()} ${l}\n`);
  const world = await startRealWorld({ allocatableMemBytes: SIM_REAL_SIZES.nodeAllocatable.memBytes });
  const realRuns: Array<Awaited<ReturnType<typeof runOnRealNode>> & { policy: string }> = [];
  try {
    for (const policy of policies) {
      log(`real node: ${policy}, ${sessions.length} sessions`);
      const r = await runOnRealNode(world, sessions, { policy, requests: SIM_REAL_SIZES.requests, limits: SIM_REAL_SIZES.limits, drainS, log });
      realRuns.push({ ...r, policy });
    }
  } finally {
    await world.close();
  }

  const simSide = simSideFrom(realRuns.map((r) => r.figures), { nodeAllocatable: SIM_REAL_SIZES.nodeAllocatable, drainS });
  const runs: PolicyRun[] = [];
  for (const r of realRuns) {
    log(`simulator: ${r.policy}`);
    const { actions: simActions, ...sim } = await simulate(sessions, r.startOffsetsS, r.config, simSide, { deployed: true });
    const simBench = figuresOf(await simulate(sessions, r.startOffsetsS, r.config, simSide, { deployed: false }));
    runs.push({ policy: r.policy, startOffsetsS: r.startOffsetsS, real: r.figures, sim, simBench, actions: { real: r.actions, sim: simActions } });
  }
  const config = { ...(realRuns[0]?.config ?? {}) };
  delete config.prometheus;
  const cpu = cpus();
  const result: SimRealResult = {
    schemaVersion: 1,
    provenance: {
      date: new Date().toISOString(),
      machine: `${hostname()}: ${cpu.length} × ${cpu[0]?.model ?? '?'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Linux ${release()}`,
      commit: `${git(['rev-parse', 'HEAD'])}${git(['status', '--porcelain']) === '' ? '' : ' (with uncommitted changes)'}`,
      command: `npm run bench:sim-vs-real -- --sessions ${req.count} --window ${req.windowS} --seed ${req.seed} --policies ${policies.join(',')} --drain ${drainS}`,
      kubelet: process.env.BURSTGUARD_NODE_ASSETS?.split('/').pop() ?? '?',
    },
    settings: { trace: relative(root, REAL_MEMORY_TRACE), seed: req.seed, sessions: req.count, windowS: req.windowS, memScale: SIM_REAL_SIZES.memScale, cpuScale: SIM_REAL_SIZES.cpuScale, drainS, nodeAllocatable: SIM_REAL_SIZES.nodeAllocatable, config },
    picked: sessions.map((s) => ({ name: s.name, source: s.source })),
    simSide: { scrapeIntervalS: simSide.scrapeIntervalS, scrapeLagS: simSide.scrapeLagS, resizeLatencyS: simSide.resizeLatencyS, oomBackoffS: simSide.oomBackoffS },
    policies: runs,
  };
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  const table = markdownTable(result);
  writeFileSync(out.replace(/\.json$/, '.md'), table);
  process.stdout.write(table);
  for (const c of runs.flatMap(compareRun)) process.stdout.write(`${c.ok ? 'within' : 'OUTSIDE'} tolerance: ${c.what}: real ${c.real}, sim ${c.sim}, allowed ±${Math.round(c.allowed)}\n`);
  process.stdout.write(`written: ${relative(root, out)}\n`);
}

await main();

/**
 * Where a policy's node-hours go: runs `bench` (same flags, same wiring, priors out of sample) with every
 * policy wrapped so that, at each engine tick, the simulated cluster is sampled. Per trace and policy it
 * prints, time-weighted over the scored run:
 *
 * - nodes: mean alive, of which provisioning and empty (waiting out the removal delay);
 * - packing: what perfect packing of the requests would need (Σ requests / node, per resource) against
 *   the nodes alive, and which resource binds on the nodes (the fuller one by requests);
 * - requests against usage, memory and CPU, by pod age (cold start vs settled), and the share of
 *   pod-time spent in each age band.
 *
 *   node --import tsx tools/bench-diagnose.ts --node-shape 4x8Gi --scale 4 --policies vpa-requests-only,predictive [--trace PATH]
 *
 * A diagnostic only: it reads the simulator's state, it changes nothing in it.
 */
import { replay } from '../bench/replay/replay.js';
import type { ReplayInput, ReplayOutcome } from '../bench/replay/replay-types.js';
import type { SimCluster } from '../bench/sim/cluster.js';
import { SIM_EPOCH_MS } from '../bench/sim/defaults.js';
import { Phase } from '../bench/sim/pod.js';
import { runBenchCommand } from '../src/cli/bench-cmd.js';
import type { Policy } from '../src/policy/policy.js';

const AGE_BANDS_S = [60, 300, 900, Infinity] as const;
/** BURSTGUARD_DIAG_TIMELINE=S prints the cluster every S seconds of trace time (0: not at all). */
const TIMELINE_EVERY_S = Number(process.env['BURSTGUARD_DIAG_TIMELINE'] ?? 0) || Infinity;

interface Acc {
  seconds: number;
  nodes: number;
  provisioning: number;
  empty: number;
  packMem: number;
  packCpu: number;
  memBound: number;
  cpuBound: number;
  pending: number;
  /** Every TIMELINE_EVERY_S: nodes alive, pods running, pending, and Σ requests / node capacity per resource. */
  timeline: string[];
  nextLineT: number;
  band: Array<{ podS: number; reqMem: number; useMem: number; reqCpu: number; useCpu: number }>;
}

const newAcc = (): Acc => ({
  seconds: 0,
  nodes: 0,
  provisioning: 0,
  empty: 0,
  packMem: 0,
  packCpu: 0,
  memBound: 0,
  cpuBound: 0,
  pending: 0,
  timeline: [],
  nextLineT: 0,
  band: AGE_BANDS_S.map(() => ({ podS: 0, reqMem: 0, useMem: 0, reqCpu: 0, useCpu: 0 })),
});

function sample(c: SimCluster, a: Acc, T: number, dt: number): void {
  const cap = c.pool.allocatable;
  a.seconds += dt;
  a.nodes += c.pool.nodes.length * dt;
  let reqMem = 0;
  let reqCpu = 0;
  for (const n of c.pool.nodes) {
    if (!n.isReady(T)) a.provisioning += dt;
    else if (n.pods.length === 0) a.empty += dt;
    else if (n.reqMem / cap.memBytes >= n.reqCpu / cap.cpuCores) a.memBound += dt;
    else a.cpuBound += dt;
    reqMem += n.reqMem;
    reqCpu += n.reqCpu;
  }
  if (T >= a.nextLineT) {
    const running = c.live.filter((p) => p.phase === Phase.Running).length;
    a.timeline.push(`t=${Math.round(T)} nodes ${c.pool.nodes.length} pods ${running} pending ${c.pending.length} Σreq/cap mem ${f(reqMem / cap.memBytes)} cpu ${f(reqCpu / cap.cpuCores)}`);
    a.nextLineT = T + TIMELINE_EVERY_S;
  }
  a.packMem += (reqMem / cap.memBytes) * dt;
  a.packCpu += (reqCpu / cap.cpuCores) * dt;
  for (const p of c.live) {
    if (p.phase === Phase.Pending) {
      a.pending += dt;
      continue;
    }
    if (p.phase !== Phase.Running) continue;
    const age = T - p.startedT;
    const b = a.band[AGE_BANDS_S.findIndex((x) => age < x)] ?? a.band[a.band.length - 1];
    if (!b) continue;
    b.podS += dt;
    b.reqMem += p.allocReqMem * dt;
    b.useMem += p.usageMem * dt;
    b.reqCpu += p.allocReqCpu * dt;
    b.useCpu += p.usageCpu * dt;
  }
}

const results: Array<{ trace: string; policy: string; acc: Acc }> = [];

/** Wraps the policy so the replay hands it the cluster (as it does the oracle) and samples at each recommend. */
function instrumented(policy: Policy, acc: Acc, warmupS: number): Policy {
  let cluster: SimCluster | undefined;
  let lastT = Number.NaN;
  const inner = policy as Policy & { connect?: (c: unknown) => void };
  const w = Object.create(policy) as Policy & { connect: (c: unknown) => void };
  w.connect = (c: unknown): void => {
    cluster = c as SimCluster;
    inner.connect?.(c);
  };
  w.recommend = (st, ctx) => {
    const T = (ctx.nowMs - SIM_EPOCH_MS) / 1000;
    if (cluster && T > warmupS && Number.isFinite(lastT)) sample(cluster, acc, T, T - lastT);
    lastT = T;
    return policy.recommend(st, ctx);
  };
  return w;
}

async function diagnosingReplay(input: ReplayInput): Promise<ReplayOutcome> {
  const acc = newAcc();
  const out = await replay({ ...input, policy: instrumented(input.policy, acc, input.warmupS) });
  results.push({ trace: input.header.name, policy: input.policy.name, acc });
  return out;
}

const f = (x: number, d = 2): string => (Number.isFinite(x) ? x.toFixed(d) : '-');

function report(r: { trace: string; policy: string; acc: Acc }): string {
  const a = r.acc;
  const h = (x: number): string => f(x / 3600);
  const lines = [
    `${r.trace} / ${r.policy}: ${h(a.nodes)} node-h sampled; provisioning ${h(a.provisioning)}, empty ${h(a.empty)}, ` +
      `mem-bound ${h(a.memBound)}, cpu-bound ${h(a.cpuBound)}; perfect packing of requests: mem ${h(a.packMem)} / cpu ${h(a.packCpu)} node-h; pending ${h(a.pending)} pod-h`,
    `  ${'pod age'.padEnd(10)}${'pod-h'.padStart(8)}${'memReq/use'.padStart(12)}${'req GiB'.padStart(9)}${'use GiB'.padStart(9)}${'cpuReq/use'.padStart(12)}${'req c'.padStart(8)}${'use c'.padStart(8)}`,
  ];
  a.band.forEach((b, i) => {
    const lo = i === 0 ? 0 : AGE_BANDS_S[i - 1];
    const label = `${lo}-${AGE_BANDS_S[i] === Infinity ? '' : AGE_BANDS_S[i]}s`;
    const gib = (x: number): string => f(x / b.podS / 2 ** 30);
    lines.push(
      `  ${label.padEnd(10)}${h(b.podS).padStart(8)}${f(b.reqMem / b.useMem).padStart(12)}${gib(b.reqMem).padStart(9)}${gib(b.useMem).padStart(9)}` +
        `${f(b.reqCpu / b.useCpu).padStart(12)}${f(b.reqCpu / b.podS).padStart(8)}${f(b.useCpu / b.podS).padStart(8)}`,
    );
  });
  return [...lines, ...a.timeline.map((l) => `  ${l}`)].join('\n');
}

const sink = { write: (): boolean => true };
const code = await runBenchCommand(process.argv.slice(2), { stdout: sink, stderr: process.stderr, stderrIsTty: false } as never, diagnosingReplay);
process.stdout.write(results.map(report).join('\n\n') + '\n');
process.exit(code);

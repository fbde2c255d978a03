/**
 * Which pods a policy disrupts, and what its writes are for: runs `bench` (same flags, same wiring, priors
 * out of sample) with every policy wrapped so that the replay hands it the simulated cluster. Per trace
 * and policy it prints
 *
 * - every OOM kill (at the limit or by the node; evictions are not listed): the pod, its age, what admission
 *   set, the limit in force, and the writes the pod got before it;
 * - every eviction and OOM kill with its node at that second (each pod's usage, request and limit);
 * - the writes by what they changed (`writes: …` in predictive's reasons; the policy's own words
 *   otherwise), and how many pods got 0, 1, 2, 3+ of them.
 *
 *   node --import tsx tools/bench-pod-log.ts --node-shape 4x8Gi --scale 4 --cv 5 --policies predictive [--trace PATH]
 *
 * With BURSTGUARD_POD_LOG_REASONS=1 it also prints the writes of the pods with the most of them
 * (BURSTGUARD_POD_LOG_PODS pods, default 12), each with its trace time and the action's full reason.
 * Resizes are counted per action the engine sent (the PATCHes); the Event writes are in the bench's row.
 *
 * A diagnostic only: it reads the simulator's state, it changes nothing in it.
 */
import type { Action } from '../src/core/types.js';
import { replay } from '../bench/replay/replay.js';
import type { ReplayInput, ReplayOutcome } from '../bench/replay/replay-types.js';
import type { SimCluster } from '../bench/sim/cluster.js';
import { SIM_EPOCH_MS } from '../bench/sim/defaults.js';
import { runBenchCommand } from '../src/cli/bench-cmd.js';
import type { Policy } from '../src/policy/policy.js';

interface PodLog {
  admitted: string;
  writes: string[];
  kills: number;
}

interface Log {
  trace: string;
  policy: string;
  pods: Map<string, PodLog>;
  fields: Map<string, number>;
  /** Resizes by the change that made them material on their own (see triggerOf). */
  triggers: Map<string, number>;
  disruptions: string[];
  /** Evictions and OOM kills with their node, as the simulator marked them (watchNodeEvents). */
  events: string[];
  /** Trace seconds of the latest tick, for the write lines. */
  nowT: number;
}

const mi = (b: number): string => `${Math.round(b / 2 ** 20)}Mi`;
const res = (r: { memBytes: number; cpuCores: number }, l: { memBytes: number; cpuCores: number }): string =>
  `${mi(r.memBytes)}/${mi(l.memBytes)} ${Math.round(r.cpuCores * 1000)}m/${Math.round(l.cpuCores * 1000)}m`;

function podLog(log: Log, key: string): PodLog {
  let p = log.pods.get(key);
  if (!p) log.pods.set(key, (p = { admitted: 'template', writes: [], kills: 0 }));
  return p;
}

/** What a write changed: predictive names it after `writes:`; other policies get one bucket. */
function fieldsOf(a: Action): string[] {
  const m = /writes: (.*?)(?:;|$)/.exec(a.reason);
  if (!m?.[1]) return [`${a.policy} (unclassified)`];
  return m[1].split(', ').map((f) => f.replace(/ \[.*$/, ''));
}

/**
 * The change that made a write go, in the order of what can justify a write alone: a protecting memory-limit
 * raise first, then a CPU limit raise, then request changes; the rest of a write's fields rode along.
 */
const TRIGGERS = ['memory limit up', 'cpu limit up', 'memory request up', 'memory request down', 'cpu request up', 'cpu request down', 'memory limit down'];
function triggerOf(fields: readonly string[]): string {
  return TRIGGERS.find((t) => fields.includes(t)) ?? fields[0] ?? '?';
}

function watch(c: SimCluster, log: Log, T: number): void {
  for (const p of c.live) {
    const l = podLog(log, p.key);
    if (p.oomKills > l.kills) {
      const what = p.lastOomT === T ? 'oom kill' : 'oom kill (node or limit)';
      const age = Math.round(T - p.startedT);
      log.disruptions.push(
        `  t=${Math.round(T)} ${p.key} ${what}: age ${age}s, admitted ${l.admitted}, limit spec ${mi(p.specLimMem)} actual ${mi(p.actLimMem)}, ` +
          `request ${mi(p.allocReqMem)}, peak held ${mi(p.peakHeldMem)}, node ${p.node?.name ?? '-'}\n` +
          l.writes.map((w) => `      ${w}`).join('\n'),
      );
      l.kills = p.oomKills;
    }
  }
}

/**
 * Every eviction and OOM kill as the simulator marks it, with its node at that second: each pod's usage
 * against its allocated request and limit, so a node-pressure eviction or a node OOM kill shows which
 * pods had grown past their requests. An OOM kill whose pod was at its limit is "at the limit", else the
 * node's kernel.
 */
function watchNodeEvents(c: SimCluster, log: Log): void {
  const mark = c.mark.bind(c);
  // oomKill counts the kill before it marks it: a node OOM kill is one that moved nodeOomKills.
  let nodeKills = c.score.nodeOomKills;
  c.mark = (pod, T, event): void => {
    const byNode = c.score.nodeOomKills > nodeKills;
    nodeKills = c.score.nodeOomKills;
    if ((event === 'evicted' || event === 'oom') && c.scored(T)) {
      const n = pod.node;
      const what = event === 'evicted' ? 'evicted' : byNode ? 'oom kill by the node' : 'oom kill at the limit';
      const pods = n ? n.pods.map((q) => `${q.key.replace(/^.*\//, '')} ${mi(q.usageMem)}/${mi(q.allocReqMem)}/${mi(q.actLimMem)}`).join(', ') : '';
      log.events.push(
        `  t=${Math.round(T)} ${pod.key} ${what}: usage ${mi(pod.usageMem)}, request ${mi(pod.allocReqMem)} (spec ${mi(pod.specReqMem)}), limit ${mi(pod.actLimMem)}; ` +
          `node ${n?.name ?? '-'} Σusage ${mi(n?.usageMem ?? 0)} Σrequests ${mi(n?.reqMem ?? 0)}; pods usage/request/limit: ${pods}`,
      );
    }
    mark(pod, T, event);
  };
}

const logs: Log[] = [];

function instrumented(policy: Policy, log: Log): Policy {
  let cluster: SimCluster | undefined;
  const inner = policy as Policy & { connect?: (c: unknown) => void };
  const w = Object.create(policy) as Policy & { connect: (c: unknown) => void };
  w.connect = (c: unknown): void => {
    cluster = c as SimCluster;
    inner.connect?.(c);
    watchNodeEvents(cluster, log);
    // The replay wires admission after connect: wrap it as it is set, to see what each pod was created with.
    let admission = cluster.admission;
    Object.defineProperty(cluster, 'admission', {
      get: () => admission,
      set: (a: SimCluster['admission']): void => {
        admission = a
          ? (pod, tS) => {
              const r = a(pod, tS);
              if (r) podLog(log, pod.key).admitted = res(r.requests, r.limits);
              return r;
            }
          : a;
      },
    });
  };
  w.recommend = (st, ctx) => {
    log.nowT = Math.round((ctx.nowMs - SIM_EPOCH_MS) / 1000);
    if (cluster) watch(cluster, log, (ctx.nowMs - SIM_EPOCH_MS) / 1000);
    return policy.recommend(st, ctx);
  };
  return w;
}

async function loggingReplay(input: ReplayInput): Promise<ReplayOutcome> {
  const log: Log = { trace: input.header.name, policy: input.policy.name, pods: new Map(), fields: new Map(), triggers: new Map(), disruptions: [], events: [], nowT: 0 };
  const out = await replay(
    { ...input, policy: instrumented(input.policy, log) },
    {
      observer: {
        actionDone(a: Action, outcome: string): void {
          if (a.kind !== 'resize') return;
          const key = `${a.pod.namespace}/${a.pod.name}`;
          const fs = fieldsOf(a);
          for (const f of fs) log.fields.set(f, (log.fields.get(f) ?? 0) + 1);
          const trigger = triggerOf(fs);
          log.triggers.set(trigger, (log.triggers.get(trigger) ?? 0) + 1);
          podLog(log, key).writes.push(`${outcome} t=${log.nowT} ${res(a.requests, a.limits)}: ${fs.join(', ')}${process.env['BURSTGUARD_POD_LOG_REASONS'] === '1' ? ` | ${a.reason}` : ''}`);
        },
      },
    },
  );
  logs.push(log);
  return out;
}

function report(l: Log): string {
  const per = [0, 0, 0, 0];
  let writes = 0;
  for (const p of l.pods.values()) {
    per[Math.min(3, p.writes.length)] = (per[Math.min(3, p.writes.length)] ?? 0) + 1;
    writes += p.writes.length;
  }
  const table = (m: Map<string, number>): string[] => [...m.entries()].sort((a, b) => b[1] - a[1]).map(([f, n]) => `    ${String(n).padStart(5)}  ${f}`);
  const shown = Number(process.env['BURSTGUARD_POD_LOG_PODS'] ?? 12);
  return [
    `${l.trace} / ${l.policy}: ${l.pods.size} pods, ${writes} resizes; pods with 0/1/2/3+ resizes: ${per.join('/')}`,
    '  resizes by what they change (a resize can change several):',
    ...table(l.fields),
    '  resizes by the change that made them go (the first of: memory limit up, cpu limit up, memory request up/down, cpu request up/down):',
    ...table(l.triggers),
    ...(process.env['BURSTGUARD_POD_LOG_REASONS'] === '1' ? [...l.pods.entries()].sort((a, b) => b[1].writes.length - a[1].writes.length).slice(0, shown).map(([k, p]) => `  ${k} admitted ${p.admitted}\n${p.writes.map((w) => `      ${w}`).join('\n')}`) : []),
    `  disruptions (${l.disruptions.length}):`,
    ...l.disruptions,
    `  evictions and OOM kills with their node (${l.events.length}):`,
    ...l.events,
  ].join('\n');
}

const sink = { write: (): boolean => true };
const code = await runBenchCommand(process.argv.slice(2), { stdout: sink, stderr: process.stderr, stderrIsTty: false } as never, loggingReplay);
process.stdout.write(logs.map(report).join('\n\n') + '\n');
process.exit(code);

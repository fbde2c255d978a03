// `npm run bench:controller`: the controller's tick with fake I/O at 1,000 and 10,000 agent pods.
// What is real: the engine tick, the configured policy (predictive by default), the Prometheus
// MetricSource with its HTTP transport (query rendering, receiving, JSON parsing, the join by pod), and
// the informer-backed ClusterView (V1Pod → PodView on every snapshot). What is fake: Prometheus (a
// loopback HTTP server in its own process, so making the answers costs the controller nothing; its
// generation time is subtracted from wall time), the pod cache (in memory) and the actuator (it keeps
// the new resources, as the API server would). Prints figures; asserts nothing.
//
// CPU time is the tick's own (process.cpuUsage, GC included) and the figure to compare on a shared
// machine; wall time waits for the other processes on the cores. BENCH_CPU_PROFILE=FILE profiles the
// steady ticks; BENCH_HEAP_SNAPSHOT=FILE writes a heap snapshot after them. The child runs with the
// chart's V8 flags (values.yaml heapLimitMiB and semiSpaceMiB), as the controller is deployed.
//
// Each size runs in its own child process so RSS is that size's alone; the fake Prometheus is
// bench/perf/fake-prometheus.ts, in a process of its own too.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { writeHeapSnapshot } from 'node:v8';
import { performance } from 'node:perf_hooks';
import type { V1Pod } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { KubeClusterView } from '../../src/adapters/kube/pod-view.js';
import { formatCpu, formatMemory } from '../../src/adapters/kube/quantity.js';
import { createPrometheusSource, type HttpGet } from '../../src/adapters/prometheus/index.js';
import { NAMESPACE, startFakePrometheus } from './fake-prometheus.js';
import { createHttpGet } from '../../src/adapters/prometheus/transport.js';
import { defaultConfig } from '../../src/config/index.js';
import { ok } from '../../src/core/result.js';
import type { Action } from '../../src/core/types.js';
import type { Actuator, Logger } from '../../src/engine/ports.js';
import { newEngineState, tick } from '../../src/engine/tick.js';
import { createPolicy } from '../../src/policy/registry.js';

const SIZES = [1000, 10000];
const silent: Logger = { debug() {}, info() {}, warn(o, m) { if (process.env.BENCH_DEBUG) console.error(m, JSON.stringify(o).slice(0, 300)); }, error() {} };

function pod(i: number): V1Pod {
  const resources = { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '1', memory: '1Gi' } };
  return {
    metadata: { name: `agent-${i}`, namespace: NAMESPACE, labels: { 'burstguard.io/agent-class': i % 3 === 0 ? 'coder' : 'researcher' }, resourceVersion: '1' },
    spec: { nodeName: `node-${i % 50}`, containers: [{ name: 'agent', image: 'agent:1', resources }] },
    status: {
      phase: 'Running',
      qosClass: 'Burstable',
      containerStatuses: [{ name: 'agent', image: 'agent:1', imageID: '', ready: true, restartCount: 0, state: { running: { startedAt: new Date(0) } }, resources }],
    },
  };
}

function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * (s.length - 1) + 0.5))] ?? NaN;
}

async function runSize(n: number): Promise<void> {
  const base = defaultConfig();
  const cfg = { ...base.engine, namespace: NAMESPACE, dryRun: false };
  const policy = createPolicy(base.policy, base.policies);
  if (!policy.ok) throw new Error(policy.error);
  // The real HTTP transport against the fake Prometheus in its own process (servePrometheus).
  const fake = await startFakePrometheus(n);
  const transport = createHttpGet({ caFile: '', insecureSkipVerify: false });
  if (!transport.ok) throw new Error(transport.error);
  const prom = { requests: 0, answerMs: 0 };
  const get: HttpGet = (url, headers, abort, open) => ((prom.requests += 1), transport.value.get(url, headers, abort, open));
  // A long query timeout: the fake makes seven 10,000-series answers one after another on a busy machine,
  // and a timed-out fetch would hold the tick (the figures count held ticks, which should be 0).
  const source = createPrometheusSource({ ...base.prometheus, url: fake.url, timeoutMs: 600_000 }, { container: base.targets.container, httpGet: get, token: { current: () => Promise.resolve(ok('')) } });
  if (!source.ok) throw new Error(source.error.message);
  const pods = Array.from({ length: n }, (_, i) => pod(i));
  const view = new KubeClusterView(
    { pods: { items: () => ok(pods) } },
    () => ({ agentClassLabel: base.targets.agentClassLabel, defaultAgentClass: 'default' }),
    silent,
  );
  // The actuator does what the API server would keep: the pod's spec takes the new resources, so the
  // next tick sees them (otherwise every pod would be re-resized every tick).
  let actions = 0;
  const index = new Map(pods.map((p, i) => [p.metadata!.name!, i]));
  const actuator: Actuator = {
    apply: (action: Action) => {
      actions += 1;
      const i = action.kind === 'resize' ? index.get(action.pod.name) : undefined;
      const p = i === undefined ? undefined : pods[i];
      if (p && i !== undefined && action.kind === 'resize') {
        // A new object, as the informer delivers on a watch event.
        const q = (r: { cpuCores: number; memBytes: number }) => ({ cpu: formatCpu(r.cpuCores), memory: formatMemory(r.memBytes) });
        const resources = { requests: q(action.requests), limits: q(action.limits) };
        pods[i] = { ...p, spec: { ...p.spec!, containers: [{ ...p.spec!.containers[0]!, resources }] } };
      }
      return Promise.resolve(ok({ outcome: 'applied' as const, action }));
    },
  };
  let nowMs = Date.parse('2026-11-27T08:00:00Z');
  const deps = { clock: { now: () => nowMs }, source: source.value, view, actuator, policy: policy.value, log: silent };
  const state = newEngineState(policy.value);
  const signal = new AbortController().signal;
  const warmup = 5;
  let held = 0;
  let firstTickMs = 0;
  let firstTickCpuMs = 0;
  const cpuTimes: number[] = [];
  let rssAfterFirstMb = 0;
  const measured = n >= 10000 ? 10 : 30;
  const times: number[] = [];
  let fetches = 0;
  const spent = { view: 0, fetch: 0, viewCpu: 0, fetchCpu: 0 };
  const timed = async <T>(key: 'view' | 'fetch', f: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const r = await f();
    const c = process.cpuUsage(c0);
    spent[key] += performance.now() - t0;
    spent[key === 'view' ? 'viewCpu' : 'fetchCpu'] += (c.user + c.system) / 1000;
    return r;
  };
  const counted = {
    ...deps,
    view: { snapshot: (ns: string) => timed('view', () => view.snapshot(ns)) },
    source: { name: 'counted', fetch: (q: Parameters<typeof source.value.fetch>[0], s: AbortSignal) => ((fetches += 1), timed('fetch', () => source.value.fetch(q, s))) },
  };
  let measuredView = 0;
  let measuredFetch = 0;
  let measuredFetchCpu = 0;
  // Queries are counted over the steady ticks; the first tick's backfill is read in chunks and reported apart.
  let steadyFrom = { fetches: 0, requests: 0 };
  let firstTickQueries = 0;
  const profiler = process.env.BENCH_CPU_PROFILE ? new Session() : undefined;
  for (let k = 0; k < warmup + measured; k++) {
    // BENCH_CPU_PROFILE=FILE: a CPU profile of the measured (steady) ticks only, without the first tick.
    if (profiler && k === warmup) {
      profiler.connect();
      await post(profiler, 'Profiler.enable');
      await post(profiler, 'Profiler.start');
    }
    nowMs += cfg.tickIntervalS * 1000;
    const answerBefore = (await fake.stats()).genMs;
    const before = { ...spent };
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const rep = await tick(counted, state, cfg, signal);
    if (rep.held) held += 1;
    if (process.env.BENCH_DEBUG) console.error(k, rep.samples, rep.actions.length, rep.skipped.length, JSON.stringify(rep.skipped.slice(0, 2)), rep.held, JSON.stringify(rep.sourceError));
    const tickWall = performance.now() - t0;
    const c = process.cpuUsage(c0);
    // CPU time of the tick: this process, all threads (GC included); the answers are made in another.
    const cpuMs = (c.user + c.system) / 1000;
    // Wall time less the time the fake Prometheus spent generating the answers (the tick waited for it).
    const answer = (await fake.stats()).genMs - answerBefore;
    const dt = tickWall - answer;
    if (k === 0) firstTickQueries = prom.requests;
    if (k === warmup - 1) steadyFrom = { fetches, requests: prom.requests };
    if (k === 0) {
      // The first tick backfills initialLookbackS of history for every pod: its own figure.
      firstTickMs = dt;
      firstTickCpuMs = cpuMs;
      (globalThis as { gc?: () => void }).gc?.();
      rssAfterFirstMb = process.resourceUsage().maxRSS / 1024;
    }
    if (k >= warmup) {
      times.push(dt);
      cpuTimes.push(cpuMs);
      measuredView += spent.view - before.view;
      measuredFetch += spent.fetch - before.fetch - answer;
      measuredFetchCpu += spent.fetchCpu - before.fetchCpu;
    }
  }
  if (profiler && process.env.BENCH_CPU_PROFILE) {
    const { profile } = (await post(profiler, 'Profiler.stop')) as { profile: object };
    writeFileSync(`${process.env.BENCH_CPU_PROFILE}.${n}.cpuprofile`, JSON.stringify(profile));
    profiler.disconnect();
  }
  // BENCH_HEAP_SNAPSHOT=FILE: the live heap after the measured ticks (what the controller keeps per pod).
  if (process.env.BENCH_HEAP_SNAPSHOT) {
    (globalThis as { gc?: () => void }).gc?.();
    writeHeapSnapshot(`${process.env.BENCH_HEAP_SNAPSHOT}.${n}.heapsnapshot`);
  }
  fake.stop();
  transport.value.close();
  const ticks = warmup + measured;
  // Peak RSS over the run (the figure a memory limit must cover), and the live heap once garbage is gone.
  const rssPeakMb = process.resourceUsage().maxRSS / 1024;
  (globalThis as { gc?: () => void }).gc?.();
  const rssMb = process.memoryUsage().rss / 2 ** 20;
  const heapMb = process.memoryUsage().heapUsed / 2 ** 20;
  console.log(
    [
      `pods=${n}`,
      `tick_ms_median=${quantile(times, 0.5).toFixed(1)}`,
      `tick_ms_p95=${quantile(times, 0.95).toFixed(1)}`,
      `tick_cpu_ms_median=${quantile(cpuTimes, 0.5).toFixed(1)}`,
      `tick_cpu_ms_p95=${quantile(cpuTimes, 0.95).toFixed(1)}`,
      `first_tick_ms=${firstTickMs.toFixed(0)}`,
      `first_tick_cpu_ms=${firstTickCpuMs.toFixed(0)}`,
      `rss_peak_first_tick_mb=${rssAfterFirstMb.toFixed(0)}`,
      `rss_peak_mb=${rssPeakMb.toFixed(0)}`,
      `rss_after_gc_mb=${rssMb.toFixed(0)}`,
      `live_heap_mb=${heapMb.toFixed(0)}`,
      `fetch_calls_per_tick=${((fetches - steadyFrom.fetches) / measured).toFixed(2)}`,
      `promql_queries_per_tick=${((prom.requests - steadyFrom.requests) / measured).toFixed(2)}`,
      `first_tick_promql_queries=${firstTickQueries}`,
      `of_which_view_ms=${(measuredView / measured).toFixed(1)}`,
      `of_which_fetch_parse_join_ms=${(measuredFetch / measured).toFixed(1)}`,
      `of_which_fetch_parse_join_cpu_ms=${(measuredFetchCpu / measured).toFixed(1)}`,
      `actions_per_tick=${(actions / ticks).toFixed(1)}`,
      `ticks_measured=${measured}`,
      `ticks_held=${held}`,
    ].join(' '),
  );
}

function post(s: Session, method: string): Promise<unknown> {
  return new Promise((resolve, reject) => s.post(method, (e, r) => (e ? reject(e) : resolve(r))));
}

/** The V8 flags the chart gives the controller (values.yaml heapLimitMiB, semiSpaceMiB: the source of truth). */
function chartV8Flags(): string[] {
  const root = new URL(import.meta.url).pathname.replace(/\/(dist\/)?bench\/perf\/controller-tick\.[jt]s$/, '');
  const values = parse(readFileSync(`${root}/deploy/helm/burstguard/values.yaml`, 'utf8')) as { heapLimitMiB?: number; semiSpaceMiB?: number };
  if (typeof values.heapLimitMiB !== 'number') throw new Error('deploy/helm/burstguard/values.yaml has no heapLimitMiB');
  if (typeof values.semiSpaceMiB !== 'number') throw new Error('deploy/helm/burstguard/values.yaml has no semiSpaceMiB');
  return [`--max-old-space-size=${values.heapLimitMiB}`, `--max-semi-space-size=${values.semiSpaceMiB}`];
}

const arg = process.argv.indexOf('--pods');
if (arg >= 0) {
  await runSize(Number(process.argv[arg + 1]));
} else {
  // The V8 flags the chart gives the controller (values.yaml heapLimitMiB, semiSpaceMiB → NODE_OPTIONS): RSS
  // is measured as deployed, not with V8's default, which lets garbage grow to several times the live heap.
  const v8Flags = chartV8Flags();
  console.log(
    `controller tick, policy=${defaultConfig().policy}, node ${process.version}, ${v8Flags.join(' ')} (the chart's heapLimitMiB, semiSpaceMiB) ` +
      '(the fake Prometheus answers over loopback HTTP from its own process; tick wall time excludes its generating them, CPU time is this process alone: receiving, parsing, joining, deciding)',
  );
  for (const n of SIZES) {
    // Each size in a fresh process (so RSS is its own); compiled JS runs as is, TypeScript through tsx.
    const self = new URL(import.meta.url).pathname;
    const loader = self.endsWith('.ts') ? ['--import', 'tsx'] : [];
    const r = spawnSync(process.execPath, ['--expose-gc', ...v8Flags, ...loader, self, '--pods', String(n)], { stdio: 'inherit' });
    if (r.status !== 0) process.exitCode = 1;
  }
}

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
// chart's heap cap (values.yaml heapLimitMiB).
//
// Each size runs in its own child process so RSS is that size's alone.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, get as httpGet } from 'node:http';
import { Session } from 'node:inspector';
import type { AddressInfo } from 'node:net';
import { writeHeapSnapshot } from 'node:v8';
import { performance } from 'node:perf_hooks';
import type { V1Pod } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { KubeClusterView } from '../../src/adapters/kube/pod-view.js';
import { formatCpu, formatMemory } from '../../src/adapters/kube/quantity.js';
import { createPrometheusSource, renderQueries, SIGNALS, type HttpGet, type Signal } from '../../src/adapters/prometheus/index.js';
import { createHttpGet } from '../../src/adapters/prometheus/transport.js';
import { defaultConfig } from '../../src/config/index.js';
import { ok } from '../../src/core/result.js';
import type { Action } from '../../src/core/types.js';
import type { Actuator, Logger } from '../../src/engine/ports.js';
import { newEngineState, tick } from '../../src/engine/tick.js';
import { createPolicy } from '../../src/policy/registry.js';

const NAMESPACE = 'agents';
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

/**
 * A deterministic usage curve per pod: sessions of 10 to 16 minutes, quiet for their first 80 % and
 * growing context (memory, then CPU) in the last 20 %, then reset. Pods are out of phase, so at any
 * tick about a fifth of them are bursting, as in a namespace of agents.
 */
function episodeOf(i: number): { readonly len: number; readonly offset: number } {
  return { len: 600 + (i % 7) * 60, offset: i * 37 };
}

function usage(i: number, tS: number): { mem: number; cpu: number; tokens: number; tools: number } {
  const { len, offset } = episodeOf(i);
  const phase = (tS + offset) % len;
  const burst = Math.max(0, phase - 0.8 * len);
  const mem = (300 + (i % 5) * 40) * 2 ** 20 + burst * 4 * 2 ** 20;
  const cpu = 0.15 + (i % 10) / 100 + (burst > 0 ? 0.3 : 0);
  return { mem, cpu, tokens: 2000 + phase * 20 + burst * 400, tools: burst > 0 ? 3 : (i + Math.floor(tS / 60)) % 2 };
}

/** The CPU counter (container_cpu_usage_seconds_total) of `usage`'s rate: its integral, in closed form. */
function cpuCounter(i: number, tS: number): number {
  const { len, offset } = episodeOf(i);
  const t = tS + offset;
  const burstSeconds = Math.floor(t / len) * 0.2 * len + Math.max(0, (t % len) - 0.8 * len);
  return (0.15 + (i % 10) / 100) * t + 0.3 * burstSeconds;
}

/** A raw query's text without its range (`[600s]`): the window changes from fetch to fetch. */
const withoutWindow = (q: string): string => q.replace(/\[\d+s\]$/, '');

/** cAdvisor stamps every 15 s, each pod at its own offset (not on the query grid). */
const CADVISOR_EVERY_S = 15;

/**
 * A fake Prometheus's answer: `query_range` on the step grid for the agent signals, and `query` of a
 * range selector (`…[600s]`) for cAdvisor memory and CPU, answered with the raw samples in that range
 * as the controller reads them (raw-series.ts).
 */
function answer(n: number, querySignal: ReadonlyMap<string, Signal>, url: URL): string {
  const query = url.searchParams.get('query') ?? '';
  const signal = querySignal.get(withoutWindow(query));
  const raw = url.pathname.endsWith('/api/v1/query');
  let start: number;
  let end: number;
  let step: number;
  if (raw) {
    end = Number(url.searchParams.get('time'));
    start = end - Number(/\[(\d+)s\]$/.exec(query)?.[1] ?? '60');
    step = CADVISOR_EVERY_S;
  } else {
    start = Number(url.searchParams.get('start'));
    end = Number(url.searchParams.get('end'));
    step = Number((url.searchParams.get('step') ?? '15s').replace('s', ''));
  }
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    const values: string[] = [];
    // Raw samples sit at the pod's own offset within the scrape interval; grid points on the grid.
    const off = raw ? (i % 13) + 0.25 : 0;
    // A range selector holds (start, end]: the first raw sample is the pod's first stamp after start.
    const first = raw ? (Math.floor((start - off) / step) + 1) * step + off : start;
    for (let t = first; t <= end + 1e-9; t += step) {
      const u = usage(i, t);
      const v = signal === 'memory' ? u.mem : signal === 'cpu' ? cpuCounter(i, t) : signal === 'contextTokens' ? u.tokens : signal === 'toolCallsInFlight' ? 1 : u.tools;
      values.push(`[${t.toFixed(3)},"${v}"]`);
    }
    const labels = raw ? `"pod":"agent-${i}","container":"agent","id":"/kubepods/pod${i}"` : `"pod":"agent-${i}"`;
    const tool = signal === 'toolCallsInFlight' ? `,"tool":"${i % 2 === 0 ? 'Bash:test' : 'Read'}"` : '';
    parts.push(`{"metric":{${labels}${tool}},"values":[${values.join(',')}]}`);
  }
  return `{"status":"success","data":{"resultType":"matrix","result":[${parts.join(',')}]}}`;
}

/** The queries the controller sends, by signal, without their windows. */
function querySignals(): Map<string, Signal> {
  const base = defaultConfig();
  const queries = renderQueries(base.prometheus, base.targets.container, { namespace: NAMESPACE, stepS: base.engine.scrapeIntervalS });
  return new Map(SIGNALS.map((s) => [withoutWindow(queries[s]), s] as const));
}

/**
 * `--serve-prometheus N`: the fake Prometheus as an HTTP server on a loopback port (printed as
 * `PORT <n>`), in its own process, so generating the answers and their garbage never count in the
 * controller's CPU time or heap; `GET /stats` says how long generating took, to subtract from wall time.
 */
function servePrometheus(n: number): void {
  const querySignal = querySignals();
  const stats = { requests: 0, genMs: 0 };
  const server = createServer({ keepAliveTimeout: 600_000 }, (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/stats') {
      res.end(JSON.stringify(stats));
      return;
    }
    const t0 = performance.now();
    const body = answer(n, querySignal, url);
    stats.requests += 1;
    stats.genMs += performance.now() - t0;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(body);
  });
  server.listen(0, '127.0.0.1', () => console.log(`PORT ${(server.address() as AddressInfo).port}`));
  // Ends with its parent (the bench closes stdin, or dies).
  process.stdin.on('end', () => process.exit(0));
  process.stdin.resume();
}

/** Starts the fake Prometheus process and resolves with its URL and a way to stop it (by its PID). */
async function startFakePrometheus(n: number): Promise<{ url: string; stats: () => Promise<{ requests: number; genMs: number }>; stop: () => void }> {
  const self = new URL(import.meta.url).pathname;
  const loader = self.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const child = spawn(process.execPath, [...loader, self, '--serve-prometheus', String(n)], { stdio: ['pipe', 'pipe', 'inherit'] });
  let stopped = false;
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    child.stdin?.end();
    try {
      if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGTERM');
    } catch {
      // Already gone (it ends when its stdin closes).
    }
  };
  process.once('exit', stop);
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /PORT (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`fake Prometheus exited (${code})`)));
  });
  const url = `http://127.0.0.1:${port}`;
  // A new connection each time (no keep-alive race with the server closing an idle socket).
  const stats = (): Promise<{ requests: number; genMs: number }> =>
    new Promise((resolve, reject) => {
      httpGet(`${url}/stats`, { agent: false }, (res) => {
        let text = '';
        res.on('data', (b: Buffer) => (text += b.toString()));
        res.on('end', () => resolve(JSON.parse(text) as { requests: number; genMs: number }));
      }).on('error', reject);
    });
  return { url, stats, stop };
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
  const get: HttpGet = (url, headers, abort) => ((prom.requests += 1), transport.value.get(url, headers, abort));
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

/** heapLimitMiB from the chart's values.yaml (the source of truth for how the controller runs). */
function chartHeapLimitMiB(): number {
  const root = new URL(import.meta.url).pathname.replace(/\/(dist\/)?bench\/perf\/controller-tick\.[jt]s$/, '');
  const values = parse(readFileSync(`${root}/deploy/helm/burstguard/values.yaml`, 'utf8')) as { heapLimitMiB?: number };
  if (typeof values.heapLimitMiB !== 'number') throw new Error('deploy/helm/burstguard/values.yaml has no heapLimitMiB');
  return values.heapLimitMiB;
}

const arg = process.argv.indexOf('--pods');
const serve = process.argv.indexOf('--serve-prometheus');
if (serve >= 0) {
  servePrometheus(Number(process.argv[serve + 1]));
} else if (arg >= 0) {
  await runSize(Number(process.argv[arg + 1]));
} else {
  // The heap cap the chart gives the controller (values.yaml heapLimitMiB → --max-old-space-size): RSS
  // is measured as deployed, not with V8's default, which lets garbage grow to several times the live heap.
  const heapMiB = chartHeapLimitMiB();
  console.log(
    `controller tick, policy=${defaultConfig().policy}, node ${process.version}, --max-old-space-size=${heapMiB} (the chart's heapLimitMiB) ` +
      '(the fake Prometheus answers over loopback HTTP from its own process; tick wall time excludes its generating them, CPU time is this process alone: receiving, parsing, joining, deciding)',
  );
  for (const n of SIZES) {
    // Each size in a fresh process (so RSS is its own); compiled JS runs as is, TypeScript through tsx.
    const self = new URL(import.meta.url).pathname;
    const loader = self.endsWith('.ts') ? ['--import', 'tsx'] : [];
    const r = spawnSync(process.execPath, ['--expose-gc', `--max-old-space-size=${heapMiB}`, ...loader, self, '--pods', String(n)], { stdio: 'inherit' });
    if (r.status !== 0) process.exitCode = 1;
  }
}

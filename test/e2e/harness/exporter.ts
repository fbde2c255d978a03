/**
 * The test tier's metrics exporter: a node:http server that Prometheus scrapes, exposing what cAdvisor and
 * an instrumented agent would for the test pods. The test sets each pod's usage (directly, or by stepping
 * through a trace) and the exporter turns it into gauges and monotonic counters.
 *
 * Like real cAdvisor it also emits a pod-level cgroup series (container="") and the pause container
 * (container="POD"), so a query that forgets to filter them out double-counts and the tests notice.
 */
import { createServer, type Server } from 'node:http';
import type { TraceSample } from '../../../src/trace/types.js';

/** What a pod is doing right now, as the test dictates. */
export interface PodUsage {
  memBytes: number;
  /** Cores; the CPU counter grows by this many seconds per wall-clock second. */
  cpuCores: number;
  contextTokens?: number;
  /** Tool calls in flight by tool name. */
  toolCallsInFlight?: Record<string, number>;
  /** Rates per second of the agent counters. */
  toolCallsPerS?: number;
  toolErrorsPerS?: number;
  toolRetriesPerS?: number;
  /**
   * false: a workload without agent instrumentation, which exports only what cAdvisor does. By default
   * a pod also exports the agent counters, at zero until a rate is set, as an instrumented harness does.
   */
  agentSeries?: boolean;
}

/** Series names of the agent signals (the controller's defaults for metricNames 'cadvisor'). */
export interface AgentSeriesNames {
  contextTokens: string;
  toolCallsInFlight: string;
  toolCalls: string;
  toolErrors: string;
  toolRetries: string;
}

export const DEFAULT_AGENT_SERIES: AgentSeriesNames = {
  contextTokens: 'burstguard_agent_context_tokens',
  toolCallsInFlight: 'burstguard_agent_tool_calls_in_flight',
  toolCalls: 'burstguard_agent_tool_calls_total',
  toolErrors: 'burstguard_agent_tool_errors_total',
  toolRetries: 'burstguard_agent_tool_retries_total',
};

interface PodState {
  readonly namespace: string;
  readonly pod: string;
  readonly container: string;
  usage: PodUsage;
  cpuSeconds: number;
  toolCalls: number;
  toolErrors: number;
  toolRetries: number;
  lastMs: number;
  trace: readonly TraceSample[];
  traceIndex: number;
}

export interface Exporter {
  /** host:port for Prometheus's static_configs. */
  readonly target: string;
  /** Sets (part of) a pod's usage; creates the pod's series on first use. */
  set(namespace: string, pod: string, usage: Partial<PodUsage>, container?: string): void;
  /** Stops exporting a pod's series. */
  remove(namespace: string, pod: string): void;
  /** Gives a pod a trace to step through with `advance`. */
  loadTrace(namespace: string, pod: string, samples: readonly TraceSample[], container?: string): void;
  /** Moves the pod `steps` samples on in its trace (stays at the last one); returns the sample now shown. */
  advance(namespace: string, pod: string, steps?: number): TraceSample | undefined;
  /**
   * Sets a series of any other exporter the test stands in for (e.g. the agent-sandbox controller's
   * `agent_sandbox_claim_creation_total`), exposed as a counter family of that name.
   */
  setCounter(name: string, labels: Record<string, string>, value: number): void;
  /** The exposition text (what a scrape returns). */
  render(): string;
  close(): Promise<void>;
}

function esc(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function labels(l: Record<string, string>): string {
  return `{${Object.entries(l).map(([k, v]) => `${k}="${esc(v)}"`).join(',')}}`;
}

function fromSample(s: TraceSample): Partial<PodUsage> {
  const u: Partial<PodUsage> = { memBytes: s.memBytes, cpuCores: s.cpuCores };
  if (s.contextTokens !== undefined) u.contextTokens = s.contextTokens;
  u.toolCallsInFlight = s.tool !== undefined ? { [s.tool]: 1 } : {};
  return u;
}

/** Starts the exporter on a free loopback port. */
export async function startExporter(names: AgentSeriesNames = DEFAULT_AGENT_SERIES): Promise<Exporter> {
  const pods = new Map<string, PodState>();
  const key = (ns: string, pod: string): string => `${ns}/${pod}`;
  const counters = new Map<string, Map<string, [Record<string, string>, number]>>();

  // Counters integrate the current rates over wall time, so a scrape sees them grow smoothly.
  const integrate = (p: PodState, now: number): void => {
    const dt = Math.max(0, now - p.lastMs) / 1000;
    p.cpuSeconds += p.usage.cpuCores * dt;
    p.toolCalls += (p.usage.toolCallsPerS ?? 0) * dt;
    p.toolErrors += (p.usage.toolErrorsPerS ?? 0) * dt;
    p.toolRetries += (p.usage.toolRetriesPerS ?? 0) * dt;
    p.lastMs = now;
  };

  const ensure = (ns: string, pod: string, container: string): PodState => {
    const k = key(ns, pod);
    let p = pods.get(k);
    if (p === undefined) {
      p = { namespace: ns, pod, container, usage: { memBytes: 0, cpuCores: 0 }, cpuSeconds: 0, toolCalls: 0, toolErrors: 0, toolRetries: 0, lastMs: Date.now(), trace: [], traceIndex: -1 };
      pods.set(k, p);
    }
    return p;
  };

  const render = (): string => {
    const now = Date.now();
    const out: string[] = [];
    const family = (name: string, type: 'gauge' | 'counter', help: string, rows: Array<[Record<string, string>, number]>): void => {
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      for (const [l, v] of rows) out.push(`${name}${labels(l)} ${v}`);
    };
    const all = [...pods.values()];
    for (const p of all) integrate(p, now);
    const c = (p: PodState, container: string): Record<string, string> => ({ namespace: p.namespace, pod: p.pod, container });
    family('container_memory_working_set_bytes', 'gauge', 'Current working set of the container in bytes.', all.flatMap((p) => [
      [c(p, p.container), p.usage.memBytes],
      [c(p, 'POD'), 1_000_000],
      [c(p, ''), p.usage.memBytes + 1_000_000],
    ] as Array<[Record<string, string>, number]>));
    family('container_cpu_usage_seconds_total', 'counter', 'Cumulative cpu time consumed in seconds.', all.flatMap((p) => [
      [c(p, p.container), p.cpuSeconds],
      [c(p, 'POD'), 0.01],
      [c(p, ''), p.cpuSeconds + 0.01],
    ] as Array<[Record<string, string>, number]>));
    const agent = (p: PodState): Record<string, string> => ({ namespace: p.namespace, pod: p.pod });
    const agents = all.filter((p) => p.usage.agentSeries !== false);
    family(names.contextTokens, 'gauge', 'Context tokens at the latest model call.',
      agents.filter((p) => p.usage.contextTokens !== undefined).map((p) => [agent(p), p.usage.contextTokens ?? 0]));
    family(names.toolCallsInFlight, 'gauge', 'Tool calls in flight by tool.',
      agents.flatMap((p) => Object.entries(p.usage.toolCallsInFlight ?? {}).map(([tool, n]): [Record<string, string>, number] => [{ ...agent(p), tool }, n])));
    family(names.toolCalls, 'counter', 'Tool calls made.', agents.map((p) => [agent(p), p.toolCalls]));
    family(names.toolErrors, 'counter', 'Tool calls that failed.', agents.map((p) => [agent(p), p.toolErrors]));
    family(names.toolRetries, 'counter', 'Tool calls retried.', agents.map((p) => [agent(p), p.toolRetries]));
    for (const [name, rows] of counters) family(name, 'counter', `${name} (set by the test).`, [...rows.values()]);
    return `${out.join('\n')}\n`;
  };

  const server: Server = createServer((req, res) => {
    if (req.url === '/metrics') {
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' });
      res.end(render());
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  const port = typeof addr === 'object' && addr !== null ? addr.port : 0;

  return {
    target: `127.0.0.1:${port}`,
    set(ns, pod, usage, container = 'agent') {
      const p = ensure(ns, pod, container);
      integrate(p, Date.now());
      p.usage = { ...p.usage, ...usage };
    },
    remove(ns, pod) {
      pods.delete(key(ns, pod));
    },
    loadTrace(ns, pod, samples, container = 'agent') {
      const p = ensure(ns, pod, container);
      p.trace = samples;
      p.traceIndex = -1;
    },
    advance(ns, pod, steps = 1) {
      const p = pods.get(key(ns, pod));
      if (p === undefined || p.trace.length === 0) return undefined;
      p.traceIndex = Math.min(p.trace.length - 1, p.traceIndex + steps);
      const s = p.trace[p.traceIndex];
      if (s !== undefined) {
        integrate(p, Date.now());
        p.usage = { ...p.usage, ...fromSample(s) };
      }
      return s;
    },
    setCounter(name, l, value) {
      let rows = counters.get(name);
      if (rows === undefined) counters.set(name, (rows = new Map<string, [Record<string, string>, number]>()));
      rows.set(labels(l), [l, value]);
    },
    render,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

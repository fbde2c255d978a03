// The fake Prometheus of `npm run bench:controller`: answers the controller's queries for N agent pods
// over loopback HTTP, from a process of its own (`fake-prometheus.ts --serve N`), so generating the
// answers and their garbage never count in the controller's CPU time or heap. cAdvisor memory and CPU
// are answered raw, as the controller reads them; the agent signals on the step grid.
import { spawn } from 'node:child_process';
import { createServer, get as httpGet } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { renderQueries, SIGNALS, type Signal } from '../../src/adapters/prometheus/index.js';
import { defaultConfig } from '../../src/config/index.js';

export const NAMESPACE = 'agents';

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
 * `--serve N`: the fake Prometheus as an HTTP server on a loopback port (printed as
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
export async function startFakePrometheus(n: number): Promise<{ url: string; stats: () => Promise<{ requests: number; genMs: number }>; stop: () => void }> {
  const self = new URL(import.meta.url).pathname;
  const loader = self.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const child = spawn(process.execPath, [...loader, self, '--serve', String(n)], { stdio: ['pipe', 'pipe', 'inherit'] });
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

const serve = process.argv.indexOf('--serve');
if (serve >= 0 && new URL(import.meta.url).pathname === process.argv[1]) servePrometheus(Number(process.argv[serve + 1]));

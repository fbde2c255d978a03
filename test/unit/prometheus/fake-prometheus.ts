import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';

/** One request the fake received. */
export interface SeenRequest {
  readonly path: string;
  readonly query: string;
  readonly params: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
}

/** What the fake answers: a status and a raw body (so tests can send garbage). */
export interface FakeAnswer {
  readonly status: number;
  readonly body: string;
  /** Wait this long before answering (for timeout tests). */
  readonly delayMs?: number;
}

export type Handler = (req: SeenRequest) => FakeAnswer;

/** A node:http stand-in for Prometheus's HTTP API on 127.0.0.1 (KEDA's httptest style). */
export interface FakePrometheus {
  readonly url: string;
  readonly requests: SeenRequest[];
  handler: Handler;
  close(): Promise<void>;
}

export async function startFakePrometheus(handler: Handler): Promise<FakePrometheus> {
  const requests: SeenRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const state = { handler };
  const server: Server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    const seen: SeenRequest = { path: u.pathname, query: u.searchParams.get('query') ?? '', params: u.searchParams, headers: req.headers };
    requests.push(seen);
    const a = state.handler(seen);
    const send = (): void => {
      res.writeHead(a.status, { 'Content-Type': 'application/json' });
      res.end(a.body);
    };
    if (a.delayMs === undefined) send();
    else {
      const t = setTimeout(() => {
        timers.delete(t);
        send();
      }, a.delayMs);
      timers.add(t);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get handler() {
      return state.handler;
    },
    set handler(h: Handler) {
      state.handler = h;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A successful matrix answer. */
export function matrix(series: ReadonlyArray<{ metric: Record<string, string>; values: ReadonlyArray<readonly [number, string]> }>): FakeAnswer {
  return { status: 200, body: JSON.stringify({ status: 'success', data: { resultType: 'matrix', result: series } }) };
}

/** The signal a default query is about, recognised by its metric name. */
export function signalOf(query: string): string {
  if (query.includes('container_memory_working_set_bytes')) return 'memory';
  if (query.includes('container_cpu_usage_seconds_total')) return 'cpu';
  if (query.includes('context_tokens') || query.includes('token_usage')) return 'contextTokens';
  if (query.includes('in_flight')) return 'toolCallsInFlight';
  if (query.includes('tool_calls_total')) return 'toolCalls';
  if (query.includes('errors_total')) return 'toolErrors';
  if (query.includes('retries_total')) return 'toolRetries';
  return 'unknown';
}

/**
 * A plausible Prometheus for `pods` pods: every signal answers one series per pod at every step of
 * the asked window. Values encode pod index and signal so joins can be checked.
 */
export function podsHandler(pods: number): Handler {
  return (req) => {
    if (req.path === '/api/v1/query') return rawPods(pods, req);
    const start = Number(req.params.get('start'));
    const end = Number(req.params.get('end'));
    const step = Number((req.params.get('step') ?? '15s').replace('s', ''));
    const times: number[] = [];
    for (let t = start; t <= end + 1e-9; t += step) times.push(t);
    const signal = signalOf(req.query);
    const series = [];
    for (let i = 0; i < pods; i++) {
      const pod = `agent-${i}`;
      if (signal === 'toolCallsInFlight') {
        series.push({ metric: { pod, tool: 'Bash' }, values: times.map((t) => [t, '1'] as const) });
        series.push({ metric: { pod, tool: 'Read' }, values: times.map((t) => [t, i % 2 === 0 ? '2' : '1'] as const) });
        continue;
      }
      const v: Record<string, number> = { memory: 1e6 * (i + 1), cpu: 0.1 * (i + 1), contextTokens: 1000 + i, toolCalls: 3, toolErrors: 1, toolRetries: 2 };
      series.push({ metric: { pod }, values: times.map((t) => [t, String(v[signal] ?? 0)] as const) });
    }
    return matrix(series);
  };
}

/**
 * The raw memory and CPU series of `pods` pods (instant query of a range selector): a sample every 15 s
 * back from `time` over the bracketed range; memory 1e6·(i+1) bytes, the CPU counter growing at
 * 0.1·(i+1) cores.
 */
function rawPods(pods: number, req: SeenRequest): FakeAnswer {
  const time = Number(req.params.get('time'));
  const rangeS = Number(/\[(\d+)s\]/.exec(req.query)?.[1] ?? '0');
  const times: number[] = [];
  for (let t = time; t > time - rangeS; t -= 15) times.unshift(t);
  const memory = signalOf(req.query) === 'memory';
  const series = [];
  for (let i = 0; i < pods; i++) {
    const v = (t: number): string => String(memory ? 1e6 * (i + 1) : 0.1 * (i + 1) * (t - 1_600_000_000));
    series.push({ metric: { pod: `agent-${i}`, container: 'agent' }, values: times.map((t) => [t, v(t)] as const) });
  }
  return matrix(series);
}

/**
 * The controller under test, as its own process, started exactly as the container would start it
 * (`burstguard run`), with only the ServiceAccount kubeconfig. Its JSON log lines are kept for the
 * assertions and printed when a scenario fails.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, startProc, tail, waitFor, type Proc } from './proc.js';

const repoRoot = new URL('../../../', import.meta.url).pathname;

export interface ControllerOptions {
  readonly kubeconfig: string;
  readonly namespace: string;
  readonly configmap: string;
  readonly identity: string;
  /** Folder for the log file. */
  readonly dir: string;
  /** More `burstguard run` flags (e.g. the admission webhook's). */
  readonly extraArgs?: readonly string[];
}

export interface Controller {
  readonly identity: string;
  readonly metricsPort: number;
  readonly proc: Proc;
  /** Parsed JSON log lines so far (non-JSON lines come back as `{ msg: line }`). */
  logLines(): Array<Record<string, unknown>>;
  logTail(lines?: number): string;
  /** Waits for a log line that satisfies `pred`. */
  waitForLog(what: string, pred: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** The /metrics text, or '' when unreachable. */
  metrics(): Promise<string>;
  /** The HTTP status of a path on its HTTP server (0 when unreachable). */
  httpStatus(path: string): Promise<number>;
  stop(): Promise<void>;
  /** SIGKILL: the process dies without releasing anything (its Lease stays held until it expires). */
  kill(): Promise<void>;
}

/** Starts `burstguard run` and returns at once (use waitForLog / httpStatus to wait for it). */
export async function startController(o: ControllerOptions): Promise<Controller> {
  const metricsPort = await freePort();
  const logFile = join(o.dir, `controller-${o.identity}.log`);
  const args = [
    '--import', 'tsx', join(repoRoot, 'src/cli/main.ts'), 'run',
    '--kubeconfig', o.kubeconfig, '--namespace', o.namespace, '--configmap', o.configmap,
    '--metrics-port', String(metricsPort), '--identity', o.identity, ...(o.extraArgs ?? []),
  ];
  // No KUBECONFIG or in-cluster variables leak in: the flag is the only way to the API server.
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'test', TZ: 'UTC' };
  const proc = startProc(`controller-${o.identity}`, process.execPath, args, logFile, env);
  const logLines = (): Array<Record<string, unknown>> => {
    let text: string;
    try {
      text = readFileSync(logFile, 'utf8');
    } catch {
      return [];
    }
    return text.split('\n').filter((l) => l.trim() !== '').map((l) => {
      try {
        const v = JSON.parse(l) as unknown;
        return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : { msg: l };
      } catch {
        return { msg: l };
      }
    });
  };
  const get = async (path: string): Promise<Response | undefined> => {
    try {
      return await fetch(`http://127.0.0.1:${metricsPort}${path}`, { signal: AbortSignal.timeout(3000) });
    } catch {
      return undefined;
    }
  };
  return {
    identity: o.identity,
    metricsPort,
    proc,
    logLines,
    logTail: (lines = 40) => tail(logFile, lines),
    waitForLog: (what, pred, timeoutMs = 30_000) =>
      waitFor(`controller ${o.identity} to log ${what}`, () => logLines().find(pred), timeoutMs),
    metrics: async () => {
      const r = await get('/metrics');
      return r?.ok === true ? r.text() : '';
    },
    httpStatus: async (path) => (await get(path))?.status ?? 0,
    stop: () => proc.stop(5000),
    kill: () => proc.kill(),
  };
}

/** Sum of a metric's samples in exposition text whose labels include all of `match`. */
export function metricValue(text: string, name: string, match: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!m || m[1] !== name) continue;
    const labels = m[2] ?? '';
    if (Object.entries(match).every(([k, v]) => labels.includes(`${k}="${v}"`))) sum += Number(m[3]);
  }
  return sum;
}

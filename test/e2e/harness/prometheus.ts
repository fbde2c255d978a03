/**
 * A real Prometheus (3.x, built from its Go module by tools/build-control-plane.sh and passed in as
 * $PROMETHEUS_BIN) scraping the test exporter every second, on a free loopback port with its own
 * temporary storage. It can be stopped and started again on the same port
 * and storage, which is how the "Prometheus went away" scenario is played.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { freePort, GiveUp, startProc, tail, waitFor, type Proc } from './proc.js';

export interface PromServer {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Instant query; the result vector, or throws on an API error. */
  query(promql: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>>;
  logs(lines?: number): string;
  /** Stops it and removes its storage. */
  close(): Promise<void>;
}

function prometheusBin(): string {
  const fromEnv = process.env.PROMETHEUS_BIN;
  if (fromEnv !== undefined && fromEnv !== '') {
    if (!existsSync(fromEnv)) throw new Error(`PROMETHEUS_BIN=${fromEnv} does not exist`);
    return fromEnv;
  }
  if (existsSync('/usr/bin/prometheus')) return '/usr/bin/prometheus';
  throw new Error('no Prometheus: run the tier through `npm test` (tools/run-tests.mjs builds it and sets PROMETHEUS_BIN), or set PROMETHEUS_BIN');
}

/**
 * Starts Prometheus scraping `targets` (host:port) at `scrapeIntervalS` and waits for /-/ready.
 * `extraScrapeConfigs` are added as they are (the real node adds the kubelet's cAdvisor and its pods).
 */
export async function startPrometheus(targets: readonly string[], scrapeIntervalS = 1, extraScrapeConfigs: readonly object[] = []): Promise<PromServer> {
  const dir = mkdtempSync(join(tmpdir(), 'burstguard-e2e-prom-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const config = {
    global: { scrape_interval: `${scrapeIntervalS}s`, scrape_timeout: `${scrapeIntervalS}s`, evaluation_interval: `${scrapeIntervalS}s` },
    // honor_labels keeps the exporter's namespace/pod/container labels as the series' own.
    scrape_configs: [{ job_name: 'agents', honor_labels: true, static_configs: [{ targets: [...targets] }] }, ...extraScrapeConfigs],
  };
  writeFileSync(join(dir, 'prometheus.yml'), stringify(config));
  const logFile = join(dir, 'prometheus.log');
  const args = [
    `--config.file=${join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--storage.tsdb.retention.time=1h',
    '--log.level=warn',
  ];
  let proc: Proc | undefined;

  const start = async (): Promise<void> => {
    proc = startProc('prometheus', prometheusBin(), args, logFile);
    const p = proc;
    await waitFor('prometheus /-/ready', async () => {
      if (!p.isRunning()) throw new GiveUp(`prometheus exited (${String(await p.exited)})\n${tail(logFile)}`);
      try {
        const r = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(2000) });
        return r.ok ? true : undefined;
      } catch {
        return undefined;
      }
    }, 60_000);
  };
  const stop = async (): Promise<void> => {
    await proc?.stop();
  };
  const query: PromServer['query'] = async (promql) => {
    const r = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`, { signal: AbortSignal.timeout(5000) });
    const body = (await r.json()) as { status: string; error?: string; data?: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } };
    if (body.status !== 'success' || body.data === undefined) throw new Error(`query ${promql} failed: ${body.error ?? r.status}`);
    return body.data.result;
  };
  const close = async (): Promise<void> => {
    await stop();
    if (process.env.BURSTGUARD_E2E_KEEP !== '1') rmSync(dir, { recursive: true, force: true });
  };

  try {
    await start();
  } catch (e) {
    await close().catch(() => undefined);
    throw e;
  }
  return { url, start, stop, query, logs: (lines = 30) => tail(logFile, lines), close };
}

/**
 * The composition root of `burstguard run`: the only place that knows every concrete adapter. It
 * builds the logger, metrics, API clients, informers, actuators, policy and leader election, then
 * runs the engine tick on a schedule while this replica leads, until the stop signal.
 */
import { createServer, type Server } from 'node:http';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { KubeRuntime } from '../adapters/kube/kube-runtime.js';
import { kubeLeaseApi } from '../adapters/kube/lease-api.js';
import { configMapWatch } from '../adapters/kube/informers.js';
import { resolveClusterAccess, processEnv, type ClusterAccessEnv } from '../adapters/kube/kube-config.js';
import { createPrometheusSource } from '../adapters/prometheus/index.js';
import type { RunArgs } from '../cli/run-cmd.js';
import { defaultConfig, type Config } from '../config/index.js';
import type { EngineConfig } from '../engine/engine-config.js';
import type { Logger } from 'pino';
import type { Clock, MetricSource } from '../engine/ports.js';
import { newEngineState, tick, type EngineState } from '../engine/tick.js';
import type { Policy } from '../policy/policy.js';
import { createPolicy } from '../policy/registry.js';
import { createLogger } from '../telemetry/logger.js';
import { createMetrics, metricsObserver } from '../telemetry/metrics.js';
import { watchConfig } from './config-watch.js';
import { LeaderElector } from './leader-election.js';

const realClock: Clock = { now: () => Date.now() };
/** How long start-up waits for the ConfigMap before running on the defaults. */
const CONFIG_WAIT_MS = 30_000;

/** Runs the controller until `stop` aborts; resolves to the process exit code. */
export async function runController(args: RunArgs, stop: AbortSignal, env: ClusterAccessEnv = processEnv): Promise<number> {
  const access = resolveClusterAccess(args, env);
  const { kc, namespace, identity } = access;
  let config: Config = defaultConfig();
  const log = createLogger({ level: config.log.level, base: { replica: identity, namespace } });
  // pino children keep the level they were created with: remember them so a reload can change theirs too.
  const children: Logger[] = [];
  const child = (component: string): Logger => {
    const c = log.child({ component });
    children.push(c);
    return c;
  };
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const metrics = createMetrics(registry);
  const clock = realClock;

  const kube = new KubeRuntime({ kc, namespace, identity, clock, log: child('kube'), config: () => config });
  const configMapTarget = { apiVersion: 'v1', kind: 'ConfigMap', namespace, name: args.configMap };

  // Policy and engine state follow the config; a policy change starts from fresh state.
  let policy: Policy = mustPolicy(config);
  let state: EngineState = newEngineState(policy);
  let source: MetricSource | undefined;
  const rebuildSource = (): void => {
    const s = createPrometheusSource(config.prometheus, { container: config.targets.container, logger: child('prometheus') });
    if (s.ok) source = s.value;
    else log.error({ err: s.error.message }, 'cannot build the Prometheus source; holding');
  };

  const feed = { delivered: false, synced: (): boolean => false };
  const cfgWatch = watchConfig(
    (onData) => {
      const cache = configMapWatch(kc, namespace, args.configMap, child('config'), (cm) => {
        feed.delivered = true;
        onData(cm?.data);
      });
      feed.synced = () => cache.isSynced();
      void cache.start();
      return { stop: () => void cache.stop() };
    },
    {
      logger: child('config'),
      reloads: metrics.configReloadsTotal,
      recordEvent: (e) => kube.events.record(configMapTarget, { type: e.type, reason: `Burstguard${e.reason}`, message: e.message }),
      onApply: (next, previous) => {
        config = next;
        log.level = next.log.level;
        for (const c of children) c.level = next.log.level;
        if (!previous || previous.policy !== next.policy || JSON.stringify(previous.policies) !== JSON.stringify(next.policies)) {
          policy = mustPolicy(next);
          state = newEngineState(policy);
        }
        if (!previous || JSON.stringify(previous.prometheus) !== JSON.stringify(next.prometheus)) rebuildSource();
        if (previous) void kube.sync();
      },
    },
  );
  // Leader election, the port and the first informers need the ConfigMap's values: wait for its first
  // version (or for proof there is none usable), then fall back to the defaults (dry-run) if need be.
  await waitUntil(() => feed.delivered || feed.synced(), CONFIG_WAIT_MS, stop);
  if (cfgWatch.watcher.current() === undefined) {
    log.warn({ configMap: args.configMap }, 'no valid configuration; running on the defaults (dryRun) until one arrives');
    rebuildSource();
  }

  const le = config.leaderElection;
  const elector = new LeaderElector(kubeLeaseApi(kc, namespace, le.leaseName), {
    identity,
    leaseDurationS: le.leaseDurationS,
    renewDeadlineS: le.renewDeadlineS,
    retryPeriodS: le.retryPeriodS,
    clock,
    log: child('leader-election'),
    onStartedLeading: () => metrics.leader.set(1),
    onStoppedLeading: () => metrics.leader.set(0),
  });
  // Whether leader election is on is read once: switching it needs a restart (config-watch says so).
  const electing = le.enabled;
  const leading = (): boolean => !electing || elector.isLeader();

  await kube.sync();
  const http = await serveHttp(args.metricsPort ?? config.http.port, registry, () => kube.ready());
  log.info({ namespace, identity, inCluster: access.inCluster, configMap: args.configMap, port: args.metricsPort ?? config.http.port }, 'burstguard controller started');

  const election = electing ? elector.run(stop) : Promise.resolve();
  const observer = metricsObserver(metrics);
  while (!stop.aborted) {
    const started = clock.now();
    if (leading() && source) {
      const engineCfg: EngineConfig = { ...config.engine, namespace };
      const tickSignal = AbortSignal.any([stop, AbortSignal.timeout(Math.max(1000, engineCfg.tickIntervalS * 1000 * 4))]);
      try {
        await tick({ clock, source, view: kube.view, actuator: kube.actuator, policy, log, observer }, state, engineCfg, tickSignal);
      } catch (e) {
        // A tick never throws by design; if one does, log and keep the loop alive.
        log.error({ err: e instanceof Error ? e.stack : String(e) }, 'tick failed');
      }
    }
    await sleep(Math.max(0, config.engine.tickIntervalS * 1000 - (clock.now() - started)), stop);
  }

  log.info({}, 'shutting down');
  cfgWatch.stop();
  await election; // run() releases the Lease once the signal has aborted
  await kube.stop();
  await new Promise<void>((resolve) => http.close(() => resolve()));
  log.flush();
  return 0;
}

function mustPolicy(config: Config): Policy {
  const p = createPolicy(config.policy, config.policies);
  if (!p.ok) throw new Error(p.error);
  return p.value;
}

function serveHttp(port: number, registry: Registry, ready: () => boolean): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/metrics') {
      registry.metrics().then(
        (body) => res.writeHead(200, { 'content-type': registry.contentType }).end(body),
        () => res.writeHead(500).end(),
      );
    } else if (path === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
    } else if (path === '/readyz') {
      const r = ready();
      res.writeHead(r ? 200 : 503, { 'content-type': 'text/plain' }).end(r ? 'ready\n' : 'informers not synced\n');
    } else {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => resolve(server));
  });
}

async function waitUntil(done: () => boolean, timeoutMs: number, signal: AbortSignal): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!done() && !signal.aborted && Date.now() < until) await sleep(100, signal);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * The composition root of `burstguard run`: the only place that knows every concrete adapter. It
 * builds the logger, metrics, API clients, informers, actuators, policy and leader election, then lets
 * the scheduler run the engine tick (and pre-warm windows) while this replica leads, until `stop`.
 */
import type { Logger } from 'pino';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { configMapWatch } from '../adapters/kube/informers.js';
import { resolveClusterAccess, processEnv, type ClusterAccessEnv } from '../adapters/kube/kube-config.js';
import { KubeRuntime } from '../adapters/kube/kube-runtime.js';
import { kubeLeaseApi } from '../adapters/kube/lease-api.js';
import { kubeTokenReviewer } from '../adapters/kube/token-review.js';
import { kubeHpaApi, kubeSandboxApi, kubeWarmPoolScaleApi } from '../adapters/kube/apis.js';
import { leasePoolMemoryStore, poolMemoryLeaseName } from '../adapters/kube/pool-memory-lease.js';
import { planPrewarm } from '../adapters/kube/prewarm-plan.js';
import { createClaimReader, type ClaimReader } from '../adapters/prometheus/claims.js';
import { createPrometheusSource } from '../adapters/prometheus/index.js';
import { listenAddressFor, type RunArgs } from '../cli/run-cmd.js';
import { defaultConfig, type Config } from '../config/index.js';
import type { Clock, MetricSource, TickObserver } from '../engine/ports.js';
import { actOnHint } from '../engine/hint.js';
import { clampAdmission } from '../engine/admission-bounds.js';
import { newEngineState, tick, type EngineState } from '../engine/tick.js';
import type { Policy } from '../policy/policy.js';
import { createPolicy } from '../policy/registry.js';
import { createLogger } from '../telemetry/logger.js';
import { createMetrics, metricsObserver } from '../telemetry/metrics.js';
import { AgentSandboxLoop } from './agent-sandbox.js';
import { watchConfig } from './config-watch.js';
import { NOT_LEADER, type HintDeps } from './hints.js';
import { startHttpServer, type Readiness, type RunningHttpServer } from './http.js';
import { startKedaScaler } from './keda-scaler.js';
import { startAdmissionWebhook } from './admission-webhook.js';
import type { AdmissionContext } from '../adapters/kube/admission-review.js';
import { LeaderElector } from './leader-election.js';
import { startScheduler, type ScheduleConfig, type Scheduler } from './scheduler.js';
import { TokenBuckets } from './token-bucket.js';

const realClock: Clock = { now: () => Date.now() };
/** How long start-up waits for the ConfigMap before running on the defaults (dry-run). */
const CONFIG_WAIT_MS = 30_000;

/** Runs the controller until `stop` aborts; resolves to the process exit code. */
export async function runController(args: RunArgs, stop: AbortSignal, env: ClusterAccessEnv = processEnv, stderr: NodeJS.WritableStream = process.stderr): Promise<number> {
  const resolved = resolveClusterAccess(args, env);
  if (!resolved.ok) {
    stderr.write(`burstguard run: ${resolved.error}\n`);
    return 1;
  }
  const access = resolved.value;
  const { kc, namespace, identity } = access;
  const clock = realClock;
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
  // /healthz answers from the first second: liveness must not wait for the API server or the ConfigMap
  // (/readyz says what is still missing). The port is the flag's, else the default until the config names one.
  const readiness: { check: () => Readiness } = { check: () => ({ ready: false, reason: 'waiting for the ConfigMap' }) };
  // POST /v1/hints (docs/hints.md): until the controller is up, `acting` says retry like a standby.
  const acting: { leading: () => boolean; act: HintDeps['act'] } = {
    leading: () => false,
    act: () => Promise.resolve({ kind: 'unavailable', reason: NOT_LEADER }),
  };
  const hints: HintDeps = {
    enabled: () => config.hints.enabled,
    namespace,
    audience: () => config.hints.audience,
    reviewer: kubeTokenReviewer(kc),
    buckets: new TokenBuckets(() => config.hints),
    clock,
    logger: child('hints'),
    leading: () => acting.leading(),
    act: (hint) => acting.act(hint),
  };
  const host = listenAddressFor(args, access.inCluster);
  const startHttp = (port: number): Promise<RunningHttpServer> =>
    startHttpServer({ registry, port, host, logger: child('http'), readiness: () => readiness.check(), hints });
  let http = await startHttp(args.metricsPort ?? config.http.port);
  const kube = new KubeRuntime({ kc, namespace, identity, clock, log: child('kube'), config: () => config, annotatePods: args.annotatePods === true, configMap: args.configMap,
    onNodeAllocatableKnown: (known) => metrics.nodeAllocatableKnown.set(known ? 1 : 0),
  });

  // Policy, engine state and metric source follow the config; a policy change starts from fresh state.
  let policy: Policy = mustPolicy(config);
  let state: EngineState = newEngineState(policy);
  let source: MetricSource | undefined;
  let claimReader: ClaimReader | undefined;
  const rebuildSource = (): void => {
    const s = createPrometheusSource(config.prometheus, { container: config.targets.container, logger: child('prometheus') });
    if (s.ok) source = s.value;
    else log.error({ err: s.error.message }, 'cannot build the Prometheus source; holding');
    claimReader?.close();
    const c = createClaimReader(config.prometheus, config.agentSandbox.claims);
    claimReader = c.ok ? c.value : undefined;
  };
  // Created after the first config; the config callback reconfigures it once it exists.
  const sched: { current?: Scheduler } = {};
  const configMapTarget = { apiVersion: 'v1', kind: 'ConfigMap', namespace, name: args.configMap };
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
        if (!previous || JSON.stringify(previous.prometheus) !== JSON.stringify(next.prometheus) || JSON.stringify(previous.agentSandbox.claims) !== JSON.stringify(next.agentSandbox.claims)) rebuildSource();
        sched.current?.reconfigure(scheduleOf(next));
        if (previous) void kube.sync();
      },
    },
  );
  // Leader election, the port and the first informers need the ConfigMap's values: wait for its first
  // version (or for proof that there is none), then fall back to the defaults if need be.
  await waitUntil(() => feed.delivered || feed.synced(), CONFIG_WAIT_MS, stop);
  readiness.check = () =>
    cfgWatch.watcher.current() === undefined
      ? { ready: false, reason: 'no valid configuration yet' }
      : kube.ready()
        ? { ready: true }
        : { ready: false, reason: 'informers not synced' };
  if (cfgWatch.watcher.current() === undefined) {
    log.warn({ configMap: args.configMap }, 'no valid configuration; running on the defaults (dryRun) until one arrives');
    rebuildSource();
  }

  // Set once the agent-sandbox loop exists: it reloads what it remembered when this replica leads again.
  const leadership = { onStopped: (): void => undefined };
  const le = config.leaderElection;
  const elector = new LeaderElector(kubeLeaseApi(kc, namespace, le.leaseName), {
    identity,
    leaseDurationS: le.leaseDurationS,
    renewDeadlineS: le.renewDeadlineS,
    retryPeriodS: le.retryPeriodS,
    clock,
    log: child('leader-election'),
    onStartedLeading: () => metrics.leader.set(1),
    onStoppedLeading: () => {
      metrics.leader.set(0);
      leadership.onStopped();
    },
  });
  // Leader election on/off is read once: switching it needs a restart (config-watch reports it).
  const electing = le.enabled;
  if (!electing) metrics.leader.set(1);
  const leading = (): boolean => !electing || elector.isLeader();

  const metricsHooks = metricsObserver(metrics);
  const observer: TickObserver = {
    ...metricsHooks,
    // A warning Event on the ConfigMap (the controller's own object) when pods go unseen.
    samplelessPods: (r) => {
      metricsHooks.samplelessPods(r);
      if (r.newly.length === 0) return;
      const names = r.newly.slice(0, 10).join(', ') + (r.newly.length > 10 ? ', …' : '');
      void kube.events.record(configMapTarget, { type: 'Warning', reason: 'BurstguardNoSamples', message: `${r.without.length} managed pod(s) without samples (${names}): ${r.causes}` });
    },
  };
  await kube.sync();
  if (args.metricsPort === undefined && config.http.port !== http.port) {
    // The ConfigMap names another port and no flag pins one: move there (probes follow the flag in the chart).
    await http.close();
    http = await startHttp(config.http.port);
  }
  // Hints are served from now on; before this a hint was told to retry. Leadership is checked again
  // in act: it can be lost while the token is reviewed.
  acting.leading = leading;
  acting.act = (hint) =>
    !leading() || stop.aborted
      ? Promise.resolve({ kind: 'unavailable', reason: NOT_LEADER } as const)
      : actOnHint({ clock, view: kube.view, actuator: kube.actuator, policy, log, observer }, state, { ...config.engine, namespace }, hint, AbortSignal.any([stop, AbortSignal.timeout(5_000)]));

  const kedaScaler = await startKedaScaler({
    config: () => config,
    policy: () => policy,
    state: () => state,
    nowMs: () => clock.now(),
    leading,
    host,
    logger: child('keda-scaler'),
    onCall: (method, code) => metrics.kedaScalerCallsTotal.inc({ method, code }),
  });

  // The admission webhook answers from the live policy state: pods are created at the size the bench's
  // admission gives them (docs/models.md "Admission-time sizing"). Only the leader's models are warm.
  const webhook = await startAdmissionWebhook(args.admission, {
    host,
    logger: child('admission'),
    onReview: (outcome) => metrics.admissionReviewsTotal.inc({ outcome }),
    context: () => admissionContext({ namespace, config, policy, state, leading: leading(), nowMs: clock.now() }),
  });

  const sandboxLoop = new AgentSandboxLoop({
    namespace,
    config: () => config,
    clock,
    log: child('agent-sandbox'),
    scale: kubeWarmPoolScaleApi(kc),
    sandboxApi: kubeSandboxApi(kc),
    hpas: kubeHpaApi(kc),
    memoryStore: leasePoolMemoryStore(kc, namespace, poolMemoryLeaseName(le.leaseName)),
    sandboxes: () => kube.sandboxes(),
    events: kube.events,
    windows: () => sched.current?.openWindows() ?? [],
    claims: () => claimReader,
    count: (kind, outcome) => metrics.actionsTotal.inc({ kind, outcome }),
  });
  leadership.onStopped = () => sandboxLoop.invalidate();
  const lastInWindowMs = new Map<string, number>();
  let inFlight: Promise<void> = Promise.resolve();
  const onTick = (): Promise<void> => (inFlight = tickOnce());
  const tickOnce = async (): Promise<void> => {
    if (!leading() || !source || stop.aborted) return;
    const engineCfg = { ...config.engine, namespace };
    const signal = AbortSignal.any([stop, AbortSignal.timeout(Math.max(5_000, engineCfg.tickIntervalS * 4_000))]);
    await tick({ clock, source, view: kube.view, actuator: kube.actuator, policy, log, observer }, state, engineCfg, signal);
    await prewarm(signal, engineCfg.dryRun);
    if (config.agentSandbox.enabled) {
      const snap = await kube.view.snapshot(namespace);
      await sandboxLoop.step(snap.ok ? snap.value.pods : [], engineCfg.dryRun, signal);
    }
    // Once per tick: Event series counts due, and the summary of Events past the tick's budget.
    await kube.events.flush();
  };
  // Pre-warm windows are reconciled on every tick: level-triggered, so a new leader finishes the job.
  const prewarm = async (signal: AbortSignal, dryRun: boolean): Promise<void> => {
    const scheduler = sched.current;
    if (config.keda.scaledObjects.length === 0 || !scheduler) return;
    const snap = await kube.view.snapshot(namespace);
    if (!snap.ok) return;
    const actions = planPrewarm({
      nowMs: clock.now(),
      targets: config.keda.scaledObjects,
      windows: scheduler.openWindows(),
      scaledObjects: snap.value.scaledObjects,
      restoreAfterS: config.keda.restoreAfterS,
      lastInWindowMs,
    });
    metrics.prewarmWindowsActive.set(scheduler.openWindows().length);
    for (const a of actions) {
      const r = await kube.actuator.apply(a, { dryRun, signal });
      metricsHooks.actionDone(a, r.ok ? r.value.outcome : `error:${r.error.code}`);
      if (r.ok) log.info({ target: a.scaledObject.name, minReplicas: a.minReplicas, outcome: r.value.outcome, reason: r.value.action.reason }, 'pre-warm scale');
      else log.warn({ target: a.scaledObject.name, code: r.error.code, err: r.error.message }, 'pre-warm scale failed');
    }
  };
  const scheduler = startScheduler(scheduleOf(config), {
    clock,
    logger: child('scheduler'),
    onTick,
    // The policies fold every sample as it arrives and re-solve after enough new evidence; the cron
    // refit re-solves everything, so quiet classes do not keep stale fits.
    onRefit: () => {
      const done = policy.refit?.(state.policyState, clock.now());
      log.info({ policy: policy.name, ...(done ?? {}) }, done ? 'model refit' : 'model refit: this policy keeps no cached fits');
      return Promise.resolve();
    },
    onWindowStart: () => undefined,
    onWindowEnd: () => undefined,
    onTickSkipped: () => metrics.ticksSkippedTotal.inc(),
  });
  sched.current = scheduler;
  const election = electing ? elector.run(stop) : Promise.resolve();
  // replica and namespace are already on every line (the logger's base): not repeated here.
  log.info({ inCluster: access.inCluster, configMap: args.configMap, host, port: http.port, kedaScalerPort: kedaScaler?.port ?? 0, admissionPort: webhook.port }, 'burstguard controller started');

  await new Promise<void>((resolve) => (stop.aborted ? resolve() : stop.addEventListener('abort', () => resolve(), { once: true })));
  log.info({}, 'shutting down');
  scheduler.stop();
  cfgWatch.stop();
  // Let the tick in flight finish (its signal is aborted, so it stops at the next action) before the Lease goes.
  await Promise.race([inFlight, new Promise((r) => setTimeout(r, 5_000).unref())]);
  await election; // run() releases the Lease once the signal has aborted
  await kube.stop();
  await http.close();
  await kedaScaler?.close();
  await webhook.close();
  claimReader?.close();
  log.flush();
  return 0;
}

/** What one admission review is decided with: the config, policy and state live at that moment. */
function admissionContext(o: { namespace: string; config: Config; policy: Policy; state: EngineState; leading: boolean; nowMs: number }): AdmissionContext {
  const { policy, state, nowMs } = o;
  const admit = policy.admit?.bind(policy);
  return {
    namespace: o.namespace,
    agentClassLabel: o.config.targets.agentClassLabel,
    container: o.config.targets.container,
    leading: o.leading,
    dryRun: o.config.engine.dryRun,
    admit: admit
      ? (pod) => {
          const a = admit(state.policyState, pod, nowMs);
          return a && clampAdmission(a, o.config.engine.guards);
        }
      : undefined,
    policyName: policy.name,
  };
}

function scheduleOf(c: Config): ScheduleConfig {
  return { tickIntervalS: c.engine.tickIntervalS, modelRefit: c.schedules.modelRefit, prewarm: c.schedules.prewarm };
}

function mustPolicy(config: Config): Policy {
  const p = createPolicy(config.policy, config.policies);
  if (!p.ok) throw new Error(p.error);
  return p.value;
}

async function waitUntil(done: () => boolean, timeoutMs: number, signal: AbortSignal): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!done() && !signal.aborted && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 100));
  }
}

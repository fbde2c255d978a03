/**
 * KEDA for real (docs/keda.md, docs/e2e.md): KEDA's own operator (built from the pinned
 * github.com/kedacore/keda/v2 module), kube-scheduler and kube-controller-manager (Deployment,
 * ReplicaSet and HPA controllers) run against the tier's API server, with pods on the real node.
 * - the patch path: a burst of new `coder` agent sessions makes burstguard raise the ScaledObject's
 *   minReplicaCount (a forecast); KEDA's operator writes it into the HPA it owns; the HPA controller
 *   scales the Deployment; the scheduler and the kubelet run the new pods. After the hold burstguard
 *   restores the original and KEDA puts the HPA's floor back;
 * - the external scaler: a ScaledObject whose trigger is burstguard's gRPC scaler on loopback; KEDA's
 *   operator asks it for the metric spec (the HPA it builds names burstguard's metric), polls IsActive and
 *   GetMetrics, and activates the Deployment 0 → 1 itself once burstguard forecasts sessions.
 * No metrics adapter runs (KEDA's adapter is an aggregated API server), so the HPA cannot read the
 * external metrics: it enforces its min/max only (ScalingActive False, asserted and stated as the gap).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { metricValue } from './harness/controller.js';
import { KEDA } from './harness/crd.js';
import { kedaOperatorSkipReason } from './harness/keda-operator.js';
import { eventsFor } from './harness/observe.js';
import { freePort, waitFor } from './harness/proc.js';
import { Mi } from './harness/quantities.js';
import { realNodeSkipReason } from './harness/real-node/node.js';
import type { PlanStep } from './harness/real-node/pods.js';
import { startRealWorld, type RealWorld } from './harness/real-node/world.js';
import { clusterApis, createWorkerDeployment, deploymentReplicas, hpaCondition, kedaHpa, runningWorkers, type ClusterApis } from './harness/real-node/workloads.js';
import { baseConfig, merge, type Scene } from './harness/world.js';

const skip = realNodeSkipReason() ?? kedaOperatorSkipReason() ?? false;
const PATIENCE = 60_000;
const ORIGINAL_MIN = 'burstguard.io/original-min-replicas';
/** cAdvisor stamps container samples every 10–20 s and they reach Prometheus seconds later. */
const REAL_NODE_ENGINE = { staleAfterS: 45 };
/** A small, long-lived agent session (memory drives the join, so each pod is one session). */
const SESSION: PlanStep[] = Array.from({ length: 600 }, () => ({ m: 24 * Mi, c: 0.01, t: 4000 }));
const SESSION_SIZE = { requests: { memBytes: 48 * Mi, cpuCores: 0.02 }, limits: { memBytes: 96 * Mi, cpuCores: 0.1 } };
/** Seconds instead of minutes: fast arrival rate over 5 s, a 10 s horizon, an 8 s hold. */
const FAST_FORECAST = { arrivalFastTauS: 5, arrivalSlowTauS: 600, scaleHorizonS: 10, scaleCooldownS: 8, prewarmBurstIndex: 1.5, sessionsPerReplica: 1 };
const QUIET_S = 12;
const BURST_PODS = 5;

interface ScaledObjectState {
  metadata: { annotations?: Record<string, string> };
  spec: { minReplicaCount?: number; maxReplicaCount?: number };
  status?: { conditions?: Array<{ type: string; status: string; reason?: string }> };
}

describe('real node: KEDA\'s operator with burstguard', { skip, timeout: 300_000 }, () => {
  let world: RealWorld;
  let apis: ClusterApis;
  let patch: Scene;
  let trigger: Scene;
  let scalerPort = 0;

  const readSo = async (ns: string, name: string): Promise<ScaledObjectState> =>
    (await world.admin.custom.getNamespacedCustomObject({ ...KEDA, namespace: ns, name })) as ScaledObjectState;
  const session = async (scene: Scene, name: string): Promise<void> => {
    await world.agentPod(scene, { name, plan: { intervalMs: 1000, steps: SESSION }, ...SESSION_SIZE });
  };
  /** ServiceAccount admission is on in a cluster world: a namespace's pods wait for its `default` account. */
  const clusterScene = async (prefix: string): Promise<Scene> => {
    const s = await world.scene(prefix);
    await waitFor(`ServiceAccount ${s.ns}/default`, () => world.admin.core.readNamespacedServiceAccount({ name: 'default', namespace: s.ns }).catch(() => undefined), 30_000);
    return s;
  };
  const explain = (e: unknown): Error => {
    const err = e instanceof Error ? e : new Error(String(e));
    err.message += `\n${world.keda?.logs(25) ?? ''}\n${world.controllers?.logs(10) ?? ''}`;
    return err;
  };

  before(async () => {
    world = await startRealWorld({ cluster: true, keda: true });
    apis = clusterApis(world.admin);

    // The patch path: Deployment at 1, its ScaledObject's floor 1, a trigger KEDA can evaluate with the
    // API server alone (the class's agent pods: active while any runs, so KEDA leaves scaling to the HPA).
    const patchScene = async (): Promise<void> => {
      patch = await clusterScene('keda-patch');
      await createWorkerDeployment(apis, patch.ns, 'coder-workers', 1);
      await world.admin.custom.createNamespacedCustomObject({ ...KEDA, namespace: patch.ns, body: {
        apiVersion: `${KEDA.group}/${KEDA.version}`, kind: 'ScaledObject', metadata: { name: 'coder-workers' },
        spec: {
          scaleTargetRef: { name: 'coder-workers' }, minReplicaCount: 1, maxReplicaCount: 4, pollingInterval: 1,
          triggers: [{ type: 'kubernetes-workload', metadata: { podSelector: 'burstguard.io/agent-class=coder', value: '100' } }],
        },
      } });
      await patch.writeConfig(merge(baseConfig(patch.ns, world.prom.url), {
        engine: REAL_NODE_ENGINE, policy: 'predictive', policies: { predictive: FAST_FORECAST },
        keda: { scaledObjects: [{ name: 'coder-workers', agentClass: 'coder', maxPrewarmReplicas: 4 }], restoreAfterS: 3 },
      }));
      await patch.startController('keda-patch-0');
      await session(patch, 'quiet-0');
    };

    // The external scaler: Deployment at 0; KEDA asks burstguard whether to activate it.
    const triggerScene = async (): Promise<void> => {
      trigger = await clusterScene('keda-scaler');
      scalerPort = await freePort();
      await createWorkerDeployment(apis, trigger.ns, 'coder-pool', 0);
      await trigger.writeConfig(merge(baseConfig(trigger.ns, world.prom.url), {
        engine: REAL_NODE_ENGINE, policy: 'predictive', policies: { predictive: FAST_FORECAST },
        keda: { mode: 'externalScaler', scaledObjects: [{ name: 'coder-pool', agentClass: 'coder', maxPrewarmReplicas: 3 }], externalScaler: { port: scalerPort } },
      }));
      await trigger.startController('keda-scaler-0');
      await world.admin.custom.createNamespacedCustomObject({ ...KEDA, namespace: trigger.ns, body: {
        apiVersion: `${KEDA.group}/${KEDA.version}`, kind: 'ScaledObject', metadata: { name: 'coder-pool' },
        spec: {
          scaleTargetRef: { name: 'coder-pool' }, minReplicaCount: 0, maxReplicaCount: 3, pollingInterval: 1,
          triggers: [{ type: 'external', metadata: { scalerAddress: `127.0.0.1:${scalerPort}`, agentClass: 'coder' } }],
        },
      } });
      await session(trigger, 'session-0');
    };
    // Side by side: each scene's controller takes seconds to start.
    await Promise.all([patchScene(), triggerScene()]);
  });
  after(async () => {
    await world?.close();
  });

  it('patch path: burstguard raises minReplicaCount, KEDA sets its HPA, the controller-manager scales a real Deployment onto the node, and the restore puts the floor back', async (tc) => {
    await patch.check(async () => {
      const node = world.node.name;
      // Baseline: KEDA made its HPA with the ScaledObject's floor; one worker runs on the node.
      await waitFor('KEDA\'s HPA at minReplicas 1', async () => ((await kedaHpa(apis, patch.ns, 'coder-workers'))?.spec?.minReplicas === 1 ? true : undefined), PATIENCE, 500);
      await waitFor('one worker running on the node', async () => ((await runningWorkers(world.admin.core, patch.ns, 'coder-workers', node)).length === 1 ? true : undefined), PATIENCE, 500);
      // Quiet start: the controller has seen the class (its first cAdvisor sample), then nothing new.
      await waitFor('quiet-0\'s memory in Prometheus', async () => ((await world.prom.query(`container_memory_working_set_bytes{namespace="${patch.ns}",pod="quiet-0",container="agent"}`)).length > 0 ? true : undefined), PATIENCE, 500);
      await new Promise((r) => setTimeout(r, QUIET_S * 1000));
      assert.equal((await readSo(patch.ns, 'coder-workers')).spec.minReplicaCount, 1, 'nothing raised while quiet');

      const burstAt = Date.now();
      for (let i = 0; i < BURST_PODS; i++) {
        await session(patch, `burst-${i}`);
        await new Promise((r) => setTimeout(r, 500));
      }
      const raised = await waitFor('burstguard raising minReplicaCount with the original remembered', async () => {
        const so = await readSo(patch.ns, 'coder-workers');
        const min = so.spec.minReplicaCount ?? 0;
        return min > 1 && so.metadata.annotations?.[ORIGINAL_MIN] === '1' ? min : undefined;
      }, PATIENCE, 250);
      const raisedAt = Date.now();
      // KEDA's operator carries the floor into its HPA; the HPA controller scales the Deployment; the
      // scheduler binds the new pods to the node and the kubelet runs them.
      await waitFor(`KEDA's HPA at minReplicas ≥ ${raised}`, async () => ((await kedaHpa(apis, patch.ns, 'coder-workers'))?.spec?.minReplicas ?? 0) >= raised ? true : undefined, 30_000, 250);
      const hpaAt = Date.now();
      const want = (await kedaHpa(apis, patch.ns, 'coder-workers'))?.spec?.minReplicas ?? raised;
      await waitFor(`the Deployment at ${want} replicas`, async () => ((await deploymentReplicas(apis, patch.ns, 'coder-workers')) >= want ? true : undefined), 30_000, 250);
      const workers = await waitFor(`${want} workers running on the node`, async () => {
        const w = await runningWorkers(world.admin.core, patch.ns, 'coder-workers', node);
        return w.length >= want ? w : undefined;
      }, 60_000, 250);
      const runningAt = Date.now();
      const rescale = await eventsFor(world.admin.core, patch.ns, { object: 'keda-hpa-coder-workers', reason: 'SuccessfulRescale' });
      assert.ok(rescale.some((e) => /below Spec.MinReplicas/.test(e.message ?? '')), `the HPA controller scaled for the floor: ${rescale.map((e) => e.message).join(' | ')}`);
      const ev = await eventsFor(world.admin.core, patch.ns, { object: 'coder-workers', reason: 'BurstguardScaled' });
      assert.ok(ev.some((e) => /pre-warm \d+ replicas/.test(e.message ?? '')), 'burstguard says why it raised the floor');
      tc.diagnostic(`minReplicaCount ${raised} ${((raisedAt - burstAt) / 1000).toFixed(1)} s after the burst began; HPA floor +${((hpaAt - raisedAt) / 1000).toFixed(1)} s; ${workers.length} workers running +${((runningAt - hpaAt) / 1000).toFixed(1)} s`);

      // The restore: the original floor back on the ScaledObject and, through KEDA, on the HPA.
      await waitFor('burstguard restoring minReplicaCount 1 without its annotation', async () => {
        const so = await readSo(patch.ns, 'coder-workers');
        return so.spec.minReplicaCount === 1 && so.metadata.annotations?.[ORIGINAL_MIN] === undefined ? true : undefined;
      }, PATIENCE, 250);
      await waitFor('KEDA\'s HPA back at minReplicas 1', async () => ((await kedaHpa(apis, patch.ns, 'coder-workers'))?.spec?.minReplicas === 1 ? true : undefined), 30_000, 250);
      // Scaling in is the HPA's metric decision, and the metric needs KEDA's metrics adapter (not run):
      // the HPA says so, and holds the replicas it has.
      const active = await waitFor('the HPA\'s ScalingActive condition', async () => {
        const c = hpaCondition(await kedaHpa(apis, patch.ns, 'coder-workers'), 'ScalingActive');
        return c?.startsWith('ScalingActive=False') === true ? c : undefined;
      }, 30_000, 250);
      assert.match(active, /^ScalingActive=False\/FailedGetExternalMetric/, `the HPA cannot read KEDA's metric without the adapter: ${active}`);
      tc.diagnostic(`after the restore: HPA minReplicas 1, Deployment at ${await deploymentReplicas(apis, patch.ns, 'coder-workers')} replicas (${active})`);
      assert.deepEqual(patch.forbidden(), []);
    }).catch((e: unknown) => {
      throw explain(e);
    });
  });

  it('external scaler: KEDA\'s operator calls burstguard (GetMetricSpec, IsActive, GetMetrics) and activates the Deployment 0 → 1', async (tc) => {
    await trigger.check(async () => {
      const node = world.node.name;
      // GetMetricSpec: the HPA KEDA builds carries burstguard's metric name and target.
      const hpa = await waitFor('KEDA\'s HPA for coder-pool', async () => kedaHpa(apis, trigger.ns, 'coder-pool'), PATIENCE, 500);
      const metric = hpa.spec?.metrics?.[0]?.external;
      assert.match(metric?.metric.name ?? '', /burstguard-sessions-coder$/, `metric from GetMetricSpec: ${JSON.stringify(metric)}`);
      assert.equal(String(metric?.target.averageValue), '1', 'target = sessionsPerReplica');
      // IsActive: once burstguard forecasts sessions of the class, KEDA's operator activates the target itself.
      const activated = await waitFor('KEDA activating coder-pool 0 → 1', async () => {
        const ev = await eventsFor(world.admin.core, trigger.ns, { object: 'coder-pool', reason: 'KEDAScaleTargetActivated' });
        return ev.find((e) => /from 0 to 1/.test(e.message ?? ''));
      }, PATIENCE, 500);
      await waitFor('one coder-pool worker running on the node', async () => ((await runningWorkers(world.admin.core, trigger.ns, 'coder-pool', node)).length >= 1 ? true : undefined), 60_000, 250);
      const so = await readSo(trigger.ns, 'coder-pool');
      assert.ok(so.status?.conditions?.some((c) => c.type === 'Active' && c.status === 'True'), `ScaledObject Active: ${JSON.stringify(so.status?.conditions)}`);
      // burstguard's side: the calls KEDA made, counted by RPC and status.
      const text = await trigger.controllers[0]?.metrics() ?? '';
      const calls = (method: string, code = 'OK'): number => metricValue(text, 'burstguard_keda_scaler_calls_total', { method, code });
      for (const m of ['GetMetricSpec', 'IsActive', 'GetMetrics']) assert.ok(calls(m) >= 1, `KEDA called ${m}: ${calls(m)}`);
      tc.diagnostic(`${activated.message ?? ''}; calls OK: GetMetricSpec ${calls('GetMetricSpec')}, IsActive ${calls('IsActive')}, GetMetrics ${calls('GetMetrics')}; GetMetrics NOT_FOUND (before the class had a session) ${calls('GetMetrics', 'NOT_FOUND')}`);
      // HPA-driven scaling on the forecast would read GetMetrics through KEDA's metrics adapter: not run here.
      const h = await kedaHpa(apis, trigger.ns, 'coder-pool');
      tc.diagnostic(`HPA: ${hpaCondition(h, 'ScalingActive') ?? 'no ScalingActive condition yet'}`);
      assert.deepEqual(trigger.forbidden(), []);
    }).catch((e: unknown) => {
      throw explain(e);
    });
  });
});

/**
 * agent-sandbox against the real API server, with the CRDs of the pinned sigs.k8s.io/agent-sandbox
 * module (no agent-sandbox controller, no HPA controller: the test creates the objects):
 * - a SandboxWarmPool is pre-warmed for an open window through its scale subresource (managedFields
 *   prove the subresource), and the user's spec.replicas comes back once the window is gone, restored
 *   by a new leader (the value is remembered in burstguard's own Lease, not in the process);
 * - a pool that an HPA scales is left alone, with a BurstguardHPAOwnsReplicas Event and a log line;
 * - a Sandbox's pod, resized in place (the static policy asks for more, the fake kubelet applies it),
 *   gets its Sandbox's spec.podTemplate updated in the right container, other resources kept.
 * - a burst of claims in the agent-sandbox controller's own counter (agent_sandbox_claim_creation_total,
 *   served by the test exporter, scraped by the real Prometheus, read with the default query) pre-warms
 *   a pool of its own ahead of the claims still to come.
 */
import assert from 'node:assert/strict';
import type * as k8s from '@kubernetes/client-node';
import { after, before, describe, it } from 'node:test';
import { installAgentSandboxCrds, sandbox, SANDBOX, WARM_POOL, warmPool } from './harness/agent-sandbox.js';
import { metricValue } from './harness/controller.js';
import { drive, type Driver } from './harness/drive.js';
import { createAgentPod, markRunning } from './harness/kubelet.js';
import { eventsFor } from './harness/observe.js';
import { waitFor } from './harness/proc.js';
import { Mi } from './harness/quantities.js';
import { baseConfig, merge, startWorld, type Scene, type World } from './harness/world.js';

const PATIENCE = 30_000;
const CLAIMS = 'agent_sandbox_claim_creation_total';

interface Pool {
  metadata: { managedFields?: Array<{ manager?: string; subresource?: string }> };
  spec: { replicas?: number };
}

interface SandboxObj {
  metadata: { uid: string; managedFields?: Array<{ manager?: string }> };
  spec: { podTemplate: { spec: { containers: Array<{ name: string; resources?: { requests?: Record<string, string>; limits?: Record<string, string> } }> } } };
}

describe('agent-sandbox: warm-pool pre-warm, HPA left alone, Sandbox template write-back', { timeout: 180_000 }, () => {
  let world: World;
  let scene: Scene;
  let config: Record<string, unknown>;
  const drivers: Driver[] = [];
  const replicas: Array<{ name: string; replicas: number }> = [];
  let polling = true;
  let poll: Promise<void> | undefined;
  /** When the leader that folds the claims started (its first reading is the baseline). */
  let leaderSinceMs = 0;
  let claims = { warm: 40, cold: 2 };
  const publishClaims = (): void => {
    const base = { namespace: scene.ns, sandbox_template: 'python-template', warmpool_name: 'pool-claims', pod_condition: 'ready', created_by: 'python-client' };
    world.exporter.setCounter(CLAIMS, { ...base, launch_type: 'warm' }, claims.warm);
    world.exporter.setCounter(CLAIMS, { ...base, launch_type: 'cold' }, claims.cold);
  };

  const readPool = async (name: string): Promise<Pool> =>
    (await world.admin.custom.getNamespacedCustomObject({ ...WARM_POOL, namespace: scene.ns, name })) as Pool;

  before(async () => {
    world = await startWorld();
    await installAgentSandboxCrds(world.admin);
    scene = await world.scene('sandbox');
    const { custom, objects, core } = world.admin;
    for (const [name, n] of [['pool-win', 2], ['pool-hpa', 3], ['pool-claims', 1]] as const) {
      await custom.createNamespacedCustomObject({ ...WARM_POOL, namespace: scene.ns, body: warmPool(name, n) });
    }
    await objects.create({
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'pool-hpa-scaler', namespace: scene.ns },
      spec: { scaleTargetRef: { apiVersion: `${WARM_POOL.group}/${WARM_POOL.version}`, kind: 'SandboxWarmPool', name: 'pool-hpa' }, minReplicas: 3, maxReplicas: 30 },
    } as never);
    // The Sandbox and its pod, as the agent-sandbox controller would have made them.
    const sb = (await custom.createNamespacedCustomObject({
      ...SANDBOX, namespace: scene.ns,
      body: sandbox('sb-1', { requests: { cpu: '250m', memory: '256Mi', 'ephemeral-storage': '1Gi' }, limits: { cpu: '1', memory: '1Gi' } }),
    })) as SandboxObj;
    await createAgentPod(core, scene.ns, {
      name: 'sb-1',
      requests: { memBytes: 256 * Mi, cpuCores: 0.25 },
      limits: { memBytes: 1024 * Mi, cpuCores: 1 },
      ownerReferences: [{ apiVersion: `${SANDBOX.group}/${SANDBOX.version}`, kind: 'Sandbox', name: 'sb-1', uid: sb.metadata.uid, controller: true }],
    });
    await markRunning(core, scene.ns, 'sb-1');
    drivers.push(drive(world.exporter, scene.ns, 'sb-1', () => ({ memBytes: 300 * Mi, cpuCores: 0.2 })));
    publishClaims();
    poll = (async () => {
      while (polling) {
        for (const name of ['pool-win', 'pool-hpa', 'pool-claims']) {
          try {
            replicas.push({ name, replicas: (await readPool(name)).spec.replicas ?? -1 });
          } catch {
            /* keep polling */
          }
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    config = merge(baseConfig(scene.ns, world.prom.url), {
      // static asks more than the pod has: one in-place raise (raises pass the guards at once), QoS stays Burstable.
      policy: 'static',
      agentSandbox: {
        enabled: true,
        warmPools: [
          { name: 'pool-win', agentClass: 'coder', maxPrewarmReplicas: 8 },
          { name: 'pool-hpa', agentClass: 'coder', maxPrewarmReplicas: 8 },
          // No window applies to this class: only the claim forecast can raise it.
          { name: 'pool-claims', agentClass: 'researcher', maxPrewarmReplicas: 10 },
        ],
        restoreAfterS: 1,
        claims: { horizonS: 20 },
      },
      // Seconds, not minutes: a 5 s fast rate against a 10-minute slow one (the KEDA pre-warm test's settings).
      policies: {
        static: { requests: { memory: '512Mi', cpu: '500m' }, limits: { memory: '2Gi', cpu: '2' } },
        predictive: { arrivalFastTauS: 5, arrivalSlowTauS: 600, scaleCooldownS: 4, prewarmBurstIndex: 1.5 },
      },
      // Open at every minute for two minutes: open from the first tick until the config drops it.
      schedules: { prewarm: [{ name: 'e2e-burst', cron: '* * * * *', durationMinutes: 2, agentClass: 'coder', minReplicas: 5 }] },
    });
    await scene.writeConfig(config);
    await scene.startController('sandbox-0');
    leaderSinceMs = Date.now();
  });
  after(async () => {
    polling = false;
    await poll;
    for (const d of drivers) d.stop();
    await world?.close();
  });

  it('pre-warms a pool through its scale subresource and restores the user\'s value after the window', async () => {
    await scene.check(async () => {
      await waitFor('pool-win raised to the window\'s 5', () => (replicas.some((r) => r.name === 'pool-win' && r.replicas === 5) ? true : undefined), PATIENCE);
      const raised = await readPool('pool-win');
      assert.ok(raised.metadata.managedFields?.some((f) => f.manager === 'burstguard' && f.subresource === 'scale'), `written through /scale: ${JSON.stringify(raised.metadata.managedFields)}`);
      const ev = await waitFor('a BurstguardScaled Event on pool-win', async () => (await eventsFor(world.admin.core, scene.ns, { object: 'pool-win', reason: 'BurstguardScaled' }))[0], PATIENCE);
      assert.match(ev.message ?? '', /spec.replicas 2 → 5 by prewarm: pre-warm window e2e-burst open until/);
      assert.equal(ev.involvedObject.kind, 'SandboxWarmPool');

      // The user's 2 is remembered in burstguard's own Lease, so a new leader restores it: hand over now.
      const lease = await world.admin.objects.read<k8s.V1Lease>({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'burstguard-agent-sandbox', namespace: scene.ns } });
      assert.deepEqual(JSON.parse(lease.metadata?.annotations?.['burstguard.io/warm-pool-memory'] ?? '{}'), { 'pool-win': { original: 2, written: 5 } });
      await scene.controllers[0]!.stop();
      const next = await scene.startController('sandbox-1');
      leaderSinceMs = Date.now();
      await next.waitForLog('the remembered values loaded', (l) => l.msg === 'remembered warm-pool values loaded', PATIENCE);

      // The window goes with the config (hot reload); 1 s later the new leader puts the user's 2 back.
      await scene.writeConfig({ ...config, schedules: { prewarm: [] } });
      await waitFor('pool-win restored to 2', async () => ((await readPool('pool-win')).spec.replicas === 2 ? true : undefined), PATIENCE);
      const restore = await waitFor('the restore Event', async () =>
        (await eventsFor(world.admin.core, scene.ns, { object: 'pool-win', reason: 'BurstguardScaled' })).find((e) => /restore the user's spec.replicas 2/.test(e.message ?? '')), PATIENCE);
      assert.match(restore.message ?? '', /5 → 2/);
      assert.equal(restore.reportingInstance, 'sandbox-1', 'restored by the new leader');
      assert.ok(replicas.filter((r) => r.name === 'pool-win').every((r) => r.replicas <= 8), 'never above maxPrewarmReplicas');
    });
  });

  it('leaves a pool an HPA scales alone, and says so in an Event and the log', async () => {
    await scene.check(async () => {
      const ev = await waitFor('BurstguardHPAOwnsReplicas on pool-hpa', async () => (await eventsFor(world.admin.core, scene.ns, { object: 'pool-hpa', reason: 'BurstguardHPAOwnsReplicas' }))[0], PATIENCE);
      assert.match(ev.message ?? '', /HorizontalPodAutoscaler pool-hpa-scaler scales this pool/);
      assert.ok(scene.controllers.some((c) => c.logLines().some((l) => l.msg === 'SandboxWarmPool left alone' && l.pool === 'pool-hpa')));
      assert.ok(replicas.filter((r) => r.name === 'pool-hpa').every((r) => r.replicas === 3), 'pool-hpa never written, even with the window open');
      assert.equal((await eventsFor(world.admin.core, scene.ns, { object: 'pool-hpa', reason: 'BurstguardScaled' })).length, 0);
      assert.ok(!(await readPool('pool-hpa')).metadata.managedFields?.some((f) => f.manager === 'burstguard'));
      const said = (await eventsFor(world.admin.core, scene.ns, { object: 'pool-hpa', reason: 'BurstguardHPAOwnsReplicas' })).length;
      assert.ok(said >= 1 && said <= scene.controllers.length, `said once per leader, not every tick (${said})`);
    });
  });

  it('writes an applied in-place resize of a Sandbox pod into the Sandbox\'s podTemplate (the right container)', async () => {
    await scene.check(async () => {
      const sb = await waitFor('sb-1 podTemplate agent container updated', async () => {
        const s = (await world.admin.custom.getNamespacedCustomObject({ ...SANDBOX, namespace: scene.ns, name: 'sb-1' })) as SandboxObj;
        const agent = s.spec.podTemplate.spec.containers.find((c) => c.name === 'agent');
        return agent?.resources?.limits?.memory === '2Gi' ? s : undefined;
      }, PATIENCE);
      const pod = await world.admin.core.readNamespacedPod({ namespace: scene.ns, name: 'sb-1' });
      const [sidecar, agent] = sb.spec.podTemplate.spec.containers;
      assert.deepEqual(agent!.resources, {
        requests: { ...pod.spec!.containers[0]!.resources!.requests, 'ephemeral-storage': '1Gi' },
        limits: pod.spec!.containers[0]!.resources!.limits,
      });
      assert.deepEqual(agent!.resources?.requests, { cpu: '500m', memory: '512Mi', 'ephemeral-storage': '1Gi' });
      assert.deepEqual(sidecar!.resources, { requests: { cpu: '10m', memory: '16Mi' } }, 'the sidecar is untouched');
      assert.ok(sb.metadata.managedFields?.some((f) => f.manager === 'burstguard'));
      const ev = await waitFor('BurstguardSandboxTemplateUpdated', async () => (await eventsFor(world.admin.core, scene.ns, { object: 'sb-1', reason: 'BurstguardSandboxTemplateUpdated' }))[0], PATIENCE);
      assert.match(ev.message ?? '', /pod sb-1 was resized in place: .*limits.memory 1Gi → 2Gi/);
      assert.equal(ev.involvedObject.kind, 'Sandbox');
      // Written once: a later tick finds the template in step.
      await new Promise((r) => setTimeout(r, 2000));
      assert.equal((await eventsFor(world.admin.core, scene.ns, { object: 'sb-1', reason: 'BurstguardSandboxTemplateUpdated' })).length, 1);

    });
  });

  it('pre-warms a pool ahead of a burst of claims read from the agent-sandbox controller\'s counter', async (tc) => {
    await scene.check(async () => {
      assert.ok(replicas.filter((r) => r.name === 'pool-claims').every((r) => r.replicas === 1), 'quiet claims: untouched');
      // The leader's model needs a quiet stretch against which the burst stands out (burst index ≈ quiet s / 5 s).
      await waitFor('10 s of quiet claims since the leader started', () => (Date.now() - leaderSinceMs >= 10_000 ? true : undefined), 20_000, 250);
      const burstAt = Date.now();
      for (let i = 0; i < 4; i++) {
        claims = { warm: claims.warm + 3, cold: claims.cold + (i % 2) };
        publishClaims();
        await new Promise((r) => setTimeout(r, 1000));
      }
      const raised = await waitFor('pool-claims raised above 1', () => replicas.find((r) => r.name === 'pool-claims' && r.replicas > 1), PATIENCE);
      assert.ok(raised.replicas <= 10, 'within maxPrewarmReplicas');
      const ev = await waitFor('a claims BurstguardScaled Event', async () =>
        (await eventsFor(world.admin.core, scene.ns, { object: 'pool-claims', reason: 'BurstguardScaled' })).find((e) => /by claims/.test(e.message ?? '')), PATIENCE);
      const m = /spec.replicas 1 → (\d+) by claims: pre-warm \d+ replicas.*?[\d.]+ claims\/min, (\d+) claims at p95 over \d+ s/.exec(ev.message ?? '');
      assert.ok(m, `the forecast is in the Event: ${ev.message ?? ''}`);
      assert.ok(Number(m[2]) >= 1, 'claims still to come were forecast');
      if (m[1] === '10') assert.match(ev.message ?? '', /capped at maxPrewarmReplicas 10/);
      tc.diagnostic(`pool-claims raised ${Math.round((Date.now() - burstAt) / 100) / 10} s after the burst began: ${ev.message ?? ''}`);

      const logs = scene.controllers.flatMap((c) => c.logLines());
      assert.ok(!logs.some((l) => /claim metrics unreadable/.test(String(l.msg))), 'the claim query works against the real Prometheus');
      // Every write is counted: the new leader's restore of pool-win and its raise of pool-claims.
      const text = await scene.controllers.at(-1)!.metrics();
      assert.ok(metricValue(text, 'burstguard_actions_total', { kind: 'warm-pool', outcome: 'applied' }) >= 2, text.split('\n').filter((l) => l.startsWith('burstguard_actions_total')).join('\n'));
      assert.deepEqual(scene.forbidden(), [], 'the Role covers sandboxes, sandboxwarmpools/scale, horizontalpodautoscalers and the memory Lease');
    });
  });
});

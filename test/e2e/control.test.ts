/**
 * How the controller is steered and made safe, against the real API server:
 * - dryRun: recommendations become Events, the pod spec never changes;
 * - an invalid ConfigMap change is rejected, named by field path, and the last good config keeps running;
 *   a later valid change is hot-reloaded;
 * - two replicas: exactly one holds the Lease and acts; when it is killed the other takes over within
 *   the lease duration and acts;
 * - KEDA: a ScaledObject (real CRD schema) is raised for a pre-warm window, clamped to its max, and restored.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { installKedaCrd, KEDA, scaledObject } from './harness/crd.js';
import { drive, ramp, type Driver } from './harness/drive.js';
import { createAgentPod, markRunning } from './harness/kubelet.js';
import { eventsFor } from './harness/observe.js';
import { waitFor } from './harness/proc.js';
import { Gi, Mi } from './harness/quantities.js';
import { baseConfig, merge, startWorld, type Scene, type World } from './harness/world.js';

const PATIENCE = 120_000;

describe('control: dryRun, config reloads, leader election, KEDA', { timeout: 540_000 }, () => {
  let world: World;
  const drivers: Driver[] = [];

  const growingPod = async (scene: Scene, name: string): Promise<void> => {
    await createAgentPod(world.admin.core, scene.ns, { name, requests: { memBytes: 256 * Mi, cpuCores: 0.25 }, limits: { memBytes: 1 * Gi, cpuCores: 1 } });
    await markRunning(world.admin.core, scene.ns, name);
    const mem = ramp(300 * Mi, 960 * Mi, 30);
    drivers.push(drive(world.exporter, scene.ns, name, (t) => ({ memBytes: mem(t), cpuCores: 0.2, contextTokens: 8000 + 1000 * t })));
  };

  before(async () => {
    world = await startWorld();
    await installKedaCrd(world.admin);
  });
  after(async () => {
    for (const d of drivers) d.stop();
    await world?.close();
  });

  describe('dryRun and ConfigMap reloads', () => {
    let scene: Scene;
    before(async () => {
      scene = await world.scene('config');
      await growingPod(scene, 'dry');
      await scene.writeConfig(merge(baseConfig(scene.ns, world.prom.url), { engine: { dryRun: true } }));
      await scene.startController('config-0');
    });

    it('dryRun writes its recommendation as an Event and changes nothing', async () => {
      await scene.check(async () => {
        const ev = await waitFor('a BurstguardDryRun Event for the growing pod', async () => {
          const e = await eventsFor(world.admin.core, scene.ns, { object: 'dry', reason: 'BurstguardDryRun' });
          return e.length > 0 ? e : undefined;
        }, PATIENCE);
        assert.match(ev[0]?.message ?? '', /would set/);
        const pod = await world.admin.core.readNamespacedPod({ name: 'dry', namespace: scene.ns });
        assert.equal(pod.metadata?.generation, 1, 'the spec was never changed');
        assert.ok((scene.history.byPod.get('dry') ?? []).every((s) => s.limits.memBytes === 1 * Gi));
      });
    });

    it('repeated recommendations are one Event whose series counts them (events.k8s.io/v1)', async () => {
      await scene.check(async () => {
        const ev = await waitFor('a series count on the dry-run Event', async () => {
          const e = await eventsFor(world.admin.core, scene.ns, { object: 'dry', reason: 'BurstguardDryRun' });
          return e.some((x) => (x.series?.count ?? 0) >= 2) ? e : undefined;
        }, PATIENCE);
        assert.equal(ev.length, 1, 'one Event for the repeated recommendation, not one per tick');
        assert.equal(ev[0]?.reportingComponent, 'burstguard');
        assert.equal(ev[0]?.action, 'Recommend');
      });
    });

    it('rejects an invalid ConfigMap naming the field, keeps the last good config, then reloads a valid one', async () => {
      await scene.check(async () => {
        const good = merge(baseConfig(scene.ns, world.prom.url), { engine: { dryRun: true } });
        await scene.writeConfig(merge(good, { engine: { dryRun: false, guards: { maxDecreaseFraction: 2 } } }));
        const field = 'engine.guards.maxDecreaseFraction';
        await waitFor(`the rejection to name ${field} (Event or log)`, async () => {
          const ev = await eventsFor(world.admin.core, scene.ns, { reason: /ConfigRejected$/ });
          const inEvent = ev.some((e) => (e.message ?? '').includes(field));
          const inLog = scene.controllers[0]!.logLines().some((l) => JSON.stringify(l).includes(field));
          return inEvent || inLog ? true : undefined;
        }, 60_000);
        // The invalid change also asked for dryRun: false; the last good config (dryRun) still runs.
        // Counted in the log: repeats of one recommendation are one Event (its series is written at most once a minute).
        const dryRuns = (): number => scene.controllers[0]!.logLines().filter((l) => l.outcome === 'dry-run' && l.target === `${scene.ns}/dry`).length;
        const dryRunsBefore = dryRuns();
        await waitFor('dry-run recommendations continue under the last good config', () => (dryRuns() > dryRunsBefore ? true : undefined), 60_000);
        const pod = await world.admin.core.readNamespacedPod({ name: 'dry', namespace: scene.ns });
        assert.equal(pod.metadata?.generation, 1, 'nothing acted on the invalid config');
        assert.equal(await scene.controllers[0]!.httpStatus('/healthz'), 200);

        // A valid change is picked up without a restart: actuation on, the pod gets resized.
        await scene.writeConfig(stringify(merge(good, { engine: { dryRun: false } })));
        await waitFor('the pod resized after the valid reload', () =>
          scene.history.byPod.get('dry')?.find((s) => s.limits.memBytes > 1 * Gi), PATIENCE);
      });
    });
  });

  describe('two replicas', () => {
    let scene: Scene;
    before(async () => {
      scene = await world.scene('leader');
      await scene.writeConfig(baseConfig(scene.ns, world.prom.url));
      await scene.startController('replica-a');
      await scene.startController('replica-b');
      await growingPod(scene, 'lead');
    });

    const holder = async (): Promise<string | undefined> => {
      try {
        const l = await world.admin.coordination.readNamespacedLease({ name: 'burstguard', namespace: scene.ns });
        return l.spec?.holderIdentity ?? undefined;
      } catch {
        return undefined;
      }
    };

    it('exactly one replica holds the Lease and acts; the other takes over within the lease duration when it dies', async () => {
      await scene.check(async () => {
        const leader = await waitFor('a Lease holder', async () => {
          const h = await holder();
          return h === 'replica-a' || h === 'replica-b' ? h : undefined;
        }, 60_000);
        await waitFor('the leader resizes the growing pod', () =>
          scene.history.byPod.get('lead')?.find((s) => s.limits.memBytes > 1 * Gi), PATIENCE);
        const acted = await eventsFor(world.admin.core, scene.ns, { reason: /^Burstguard(Resized|ResizeDeferred|ResizeInfeasible|ResizeFailed|DryRun)$/ });
        assert.ok(acted.length > 0);
        const actors = new Set(acted.map((e) => e.reportingInstance ?? e.source?.host ?? '?'));
        assert.deepEqual([...actors], [leader], 'only the leader acted');

        const other = leader === 'replica-a' ? 'replica-b' : 'replica-a';
        const killed = Date.now();
        await scene.controllers.find((c) => c.identity === leader)!.kill();
        await waitFor(`${other} to take the Lease`, async () => ((await holder()) === other ? true : undefined), 60_000, 200);
        const tookMs = Date.now() - killed;
        // leaseDurationS 6 + retryPeriodS 1, plus 2 s for a busy CI machine's polling.
        assert.ok(tookMs <= 6_000 + 1_000 + 2_000, `took over after ${tookMs} ms`);

        await growingPod(scene, 'lead-2');
        await waitFor('the new leader resizes a new growing pod', () =>
          scene.history.byPod.get('lead-2')?.find((s) => s.limits.memBytes > 1 * Gi), PATIENCE);
        const later = await eventsFor(world.admin.core, scene.ns, { object: 'lead-2', reason: 'BurstguardResized' });
        assert.ok(later.every((e) => (e.reportingInstance ?? other) === other));
        assert.deepEqual(scene.forbidden(), [], 'the Role covers leader election');
      });
    });
  });

  describe('KEDA ScaledObjects', () => {
    let scene: Scene;
    const timeline: Array<{ name: string; min: number; max: number; annotated: boolean }> = [];
    let polling = true;
    let poll: Promise<void> | undefined;

    before(async () => {
      scene = await world.scene('keda');
      for (const [name, min, max] of [['so-a', 1, 5], ['so-b', 1, 2]] as const) {
        await world.admin.custom.createNamespacedCustomObject({ ...KEDA, namespace: scene.ns, body: scaledObject(name, min, max) });
      }
      poll = (async () => {
        while (polling) {
          for (const name of ['so-a', 'so-b']) {
            try {
              const so = (await world.admin.custom.getNamespacedCustomObject({ ...KEDA, namespace: scene.ns, name })) as {
                metadata: { annotations?: Record<string, string> }; spec: { minReplicaCount?: number; maxReplicaCount?: number };
              };
              const annotated = Object.keys(so.metadata.annotations ?? {}).some((k) => k.startsWith('burstguard.io/'));
              timeline.push({ name, min: so.spec.minReplicaCount ?? 0, max: so.spec.maxReplicaCount ?? 100, annotated });
            } catch {
              /* keep polling */
            }
          }
          await new Promise((r) => setTimeout(r, 300));
        }
      })();
      // A 6 s pre-warm window every 20 s (node-cron, seconds field): however slowly the controller
      // starts, a window comes, and between windows (6 s + 3 s restore) the original is back.
      const cron = '*/20 * * * * *';
      await scene.writeConfig(merge(baseConfig(scene.ns, world.prom.url), {
        keda: {
          scaledObjects: [
            { name: 'so-a', agentClass: 'coder', maxPrewarmReplicas: 4 },
            { name: 'so-b', agentClass: 'coder', maxPrewarmReplicas: 4 },
          ],
          restoreAfterS: 3,
        },
        schedules: { prewarm: [{ name: 'e2e-window', cron, durationMinutes: 0.1, agentClass: 'coder', minReplicas: 4 }] },
      }));
      await scene.startController('keda-0');
    });
    after(async () => {
      polling = false;
      await poll;
    });

    it('raises minReplicaCount for the window, never above maxReplicaCount, and restores the original', async () => {
      await scene.check(async () => {
        await waitFor('so-a raised to 4', () => (timeline.some((t) => t.name === 'so-a' && t.min === 4) ? true : undefined), PATIENCE);
        await waitFor('so-b raised and clamped to its max 2', () => (timeline.some((t) => t.name === 'so-b' && t.min === 2) ? true : undefined), PATIENCE);
        await waitFor('both restored to 1 with burstguard annotations removed', () => {
          const last = (n: string) => timeline.filter((t) => t.name === n).at(-1);
          const a = last('so-a');
          const b = last('so-b');
          return a?.min === 1 && b?.min === 1 && !a.annotated && !b.annotated ? true : undefined;
        }, PATIENCE);
        assert.ok(timeline.every((t) => t.min <= t.max), 'min never above max');
        const events = await eventsFor(world.admin.core, scene.ns, { reason: 'BurstguardScaled' });
        assert.ok(events.some((e) => e.involvedObject.name === 'so-a'));
        assert.deepEqual(scene.forbidden(), [], 'the Role covers ScaledObject patches, Leases, Events and the ConfigMap');
      });
    });
  });
});

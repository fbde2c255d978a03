/**
 * Predictive KEDA pre-warm, against the real API server and Prometheus: after a quiet start (one agent
 * session of class `coder`), a burst of new `coder` pods (each with exporter series, so Prometheus has
 * samples) makes the controller raise the `coder` ScaledObjects' minReplicaCount for sessions that have
 * not arrived yet (a forecast, written into a BurstguardScaled Event), never above maxReplicaCount, and
 * put the original back once no burst has been forecast for the hold. A ScaledObject of another class
 * is never touched. No pre-warm window is configured: every change comes from the policy's forecast.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { installKedaCrd, KEDA, scaledObject } from './harness/crd.js';
import { drive, type Driver } from './harness/drive.js';
import { createAgentPod, markRunning } from './harness/kubelet.js';
import { eventsFor } from './harness/observe.js';
import { waitFor } from './harness/proc.js';
import { Gi, Mi } from './harness/quantities.js';
import { baseConfig, merge, startWorld, type Scene, type World } from './harness/world.js';

const PATIENCE = 90_000;
const ORIGINAL_MIN = 'burstguard.io/original-min-replicas';
/** [name, agentClass, minReplicaCount, maxReplicaCount] */
const OBJECTS = [
  ['so-wide', 'coder', 1, 20],
  ['so-narrow', 'coder', 1, 2],
  ['so-other', 'researcher', 1, 5],
] as const;
/** The quiet start is long against the fast arrival time constant, so the first arrivals read as a burst. */
const QUIET_S = 20;
const BURST_PODS = 6;

interface Seen {
  readonly tMs: number;
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly original: string | undefined;
}

describe('predictive pre-warm of KEDA ScaledObjects', { timeout: 300_000 }, () => {
  let world: World;
  let scene: Scene;
  const drivers: Driver[] = [];
  const timeline: Seen[] = [];
  let polling = true;
  let poll: Promise<void> | undefined;

  const agentPod = async (name: string): Promise<void> => {
    await createAgentPod(world.admin.core, scene.ns, { name, requests: { memBytes: 256 * Mi, cpuCores: 0.25 }, limits: { memBytes: 1 * Gi, cpuCores: 1 } });
    await markRunning(world.admin.core, scene.ns, name);
    // The series start after the pod is in the API server, so the controller knows the pod's class
    // (its label) by the time Prometheus shows the new session.
    drivers.push(drive(world.exporter, scene.ns, name, () => ({ memBytes: 300 * Mi, cpuCores: 0.2, contextTokens: 8000 })));
  };

  before(async () => {
    world = await startWorld();
    await installKedaCrd(world.admin);
    scene = await world.scene('prewarm');
    for (const [name, , min, max] of OBJECTS) {
      await world.admin.custom.createNamespacedCustomObject({ ...KEDA, namespace: scene.ns, body: scaledObject(name, min, max) });
    }
    poll = (async () => {
      while (polling) {
        for (const [name] of OBJECTS) {
          try {
            const so = (await world.admin.custom.getNamespacedCustomObject({ ...KEDA, namespace: scene.ns, name })) as {
              metadata: { annotations?: Record<string, string> }; spec: { minReplicaCount?: number; maxReplicaCount?: number };
            };
            timeline.push({ tMs: Date.now(), name, min: so.spec.minReplicaCount ?? 0, max: so.spec.maxReplicaCount ?? 100, original: so.metadata.annotations?.[ORIGINAL_MIN] });
          } catch {
            /* keep polling */
          }
        }
        await new Promise((r) => setTimeout(r, 250));
      }
    })();
    await agentPod('quiet-0');
    await scene.writeConfig(merge(baseConfig(scene.ns, world.prom.url), {
      policy: 'predictive',
      policies: {
        predictive: {
          // Seconds instead of minutes: fast rate over 5 s against a 10-minute long-run rate, a 10 s
          // horizon, and an 8 s hold after the forecast last asked for the raise.
          arrivalFastTauS: 5,
          arrivalSlowTauS: 600,
          scaleHorizonS: 10,
          scaleCooldownS: 8,
          prewarmBurstIndex: 1.5,
          sessionsPerReplica: 1,
        },
      },
      keda: {
        scaledObjects: OBJECTS.map(([name, agentClass, , max]) => ({ name, agentClass, maxPrewarmReplicas: max })),
        restoreAfterS: 3,
      },
    }));
    await scene.startController('prewarm-0');
  });
  after(async () => {
    polling = false;
    await poll;
    for (const d of drivers) d.stop();
    await world?.close();
  });

  const latest = (name: string): Seen | undefined => timeline.filter((t) => t.name === name).at(-1);

  it('raises the class\'s minReplicaCount ahead of a burst of new pods, within maxReplicaCount, and restores it after the hold', async (tc) => {
    await scene.check(async () => {
      // Quiet start: one session, seen by the controller, and nothing raised.
      const quietFrom = Date.now();
      await waitFor('the controller to size the quiet pod (it sees the coder class)', async () => {
        const ev = await eventsFor(world.admin.core, scene.ns, { object: 'quiet-0', reason: /^Burstguard/ });
        return ev.length > 0 || (scene.history.byPod.get('quiet-0')?.length ?? 0) > 1 ? true : undefined;
      }, PATIENCE);
      await waitFor(`a quiet start of ${QUIET_S} s`, () => (Date.now() - quietFrom >= QUIET_S * 1000 ? true : undefined), QUIET_S * 1000 + 5_000, 500);
      assert.ok(timeline.length > 0 && timeline.every((t) => t.min === 1 && t.original === undefined), 'nothing raised while quiet');

      // The burst: new coder sessions, one every 0.5 s.
      const burstAt = Date.now();
      for (let i = 0; i < BURST_PODS; i++) {
        await agentPod(`burst-${i}`);
        await new Promise((r) => setTimeout(r, 500));
      }

      const raised = await waitFor('so-wide raised above 1 with the original remembered', () => {
        const t = latest('so-wide');
        return t && t.min > 1 && t.original === '1' ? t : undefined;
      }, PATIENCE);
      assert.ok(raised.tMs > burstAt, 'raised after the burst began, not before');
      await waitFor('so-narrow raised to its maxReplicaCount 2', () => (latest('so-narrow')?.min === 2 ? true : undefined), PATIENCE);

      // The reason: a forecast of arrivals still to come, more replicas than sessions in flight.
      const ev = await waitFor('a BurstguardScaled pre-warm Event for so-wide', async () => {
        const e = await eventsFor(world.admin.core, scene.ns, { object: 'so-wide', reason: 'BurstguardScaled' });
        return e.find((x) => /pre-warm \d+ replicas/.test(x.message ?? ''));
      }, 30_000);
      const msg = ev.message ?? '';
      const m = /pre-warm (\d+) replicas.*?(\d+) arrivals at p95 over \d+ s, (\d+) in flight, burst index ([\d.]+|∞)/.exec(msg);
      assert.ok(m, `the Event gives the forecast: ${msg}`);
      const [target, upper, inFlight] = [Number(m[1]), Number(m[2]), Number(m[3])];
      assert.ok(upper >= 1, `arrivals forecast over the horizon: ${msg}`);
      assert.ok(target > inFlight, `replicas for sessions not yet arrived (${target} > ${inFlight} in flight): ${msg}`);
      assert.ok(target <= 20);
      tc.diagnostic(`first pre-warm of so-wide ${Math.round((raised.tMs - burstAt) / 100) / 10} s after the burst began: ${msg}`);
      const narrow = await eventsFor(world.admin.core, scene.ns, { object: 'so-narrow', reason: 'BurstguardScaled' });
      assert.ok(narrow.some((e) => /capped at maxReplicas 2/.test(e.message ?? '')), 'the cap is in the reason');

      // After the hold: the originals are back and burstguard's annotation is gone.
      await waitFor('both coder ScaledObjects restored to 1 without the annotation', () => {
        const w = latest('so-wide');
        const n = latest('so-narrow');
        return w && n && w.tMs > raised.tMs && w.min === 1 && n.min === 1 && w.original === undefined && n.original === undefined ? true : undefined;
      }, PATIENCE);
      const restores = await eventsFor(world.admin.core, scene.ns, { object: 'so-wide', reason: 'BurstguardScaled' });
      assert.ok(restores.some((e) => /restore minReplicaCount 1/.test(e.message ?? '')), 'the restore has its reason');

      assert.ok(timeline.every((t) => t.min <= t.max), 'minReplicaCount never above maxReplicaCount');
      assert.ok(timeline.filter((t) => t.name === 'so-other').every((t) => t.min === 1 && t.original === undefined), 'another class is never touched');
      assert.equal((await eventsFor(world.admin.core, scene.ns, { object: 'so-other' })).length, 0);
      assert.deepEqual(scene.forbidden(), []);
    });
  });
});

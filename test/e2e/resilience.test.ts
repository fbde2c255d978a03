/**
 * The controller when the world misbehaves, one controller process watching one namespace through a
 * recording proxy in front of the real API server:
 * - a resize meets a real 409 (the pod changed between the controller's read and its patch) and is retried;
 * - Prometheus goes away: the controller holds (no scale-down on missing data) and resumes when it returns;
 * - kube-apiserver restarts: the controller reconnects (watch, Lease, actuation) without being restarted.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { drive, ramp, type Driver } from './harness/drive.js';
import { mergePatch } from './harness/kube.js';
import { createAgentPod, markRunning } from './harness/kubelet.js';
import { waitFor } from './harness/proc.js';
import { Gi, Mi } from './harness/quantities.js';
import { baseConfig, merge, startWorld, type Scene, type World } from './harness/world.js';

const PATIENCE = 120_000;

describe('resilience: conflicts, Prometheus outage, API server restart', { timeout: 480_000 }, () => {
  let world: World;
  let scene: Scene;
  const drivers: Driver[] = [];

  const growingPod = async (name: string): Promise<void> => {
    await createAgentPod(world.admin.core, scene.ns, { name, requests: { memBytes: 256 * Mi, cpuCores: 0.25 }, limits: { memBytes: 1 * Gi, cpuCores: 1 } });
    await markRunning(world.admin.core, scene.ns, name);
    const mem = ramp(300 * Mi, 960 * Mi, 40);
    drivers.push(drive(world.exporter, scene.ns, name, (t) => ({ memBytes: mem(t), cpuCores: 0.2, contextTokens: 8000 + 1000 * t })));
  };

  before(async () => {
    world = await startWorld();
    scene = await world.scene('resilience', { viaProxy: true });
    // The first resize of 'conflict' meets a pod that changed after the controller read it.
    let bumped = false;
    scene.proxy!.beforeForward = async (req) => {
      if (bumped || req.method !== 'PATCH' || !req.path.startsWith(`/api/v1/namespaces/${scene.ns}/pods/conflict/resize`)) return;
      bumped = true;
      await world.admin.core.patchNamespacedPod({ name: 'conflict', namespace: scene.ns, body: { metadata: { annotations: { 'e2e/touched': String(Date.now()) } } } }, mergePatch);
    };
    await growingPod('conflict');

    // A 16 Gi ceiling (the node's size) so an oversized limit comes down in several bounded steps.
    await scene.writeConfig(merge(baseConfig(scene.ns, world.prom.url), { engine: { guards: { maxResources: { memory: '16Gi', cpu: '4' } } } }));
    await scene.startController('resilience-0');
  });

  after(async () => {
    for (const d of drivers) d.stop();
    await world?.close();
  });

  it('retries a resize that met a 409 conflict', async () => {
    await scene.check(async () => {
      await waitFor('conflict memory limit raised', () => scene.history.byPod.get('conflict')?.find((s) => s.limits.memBytes > 1 * Gi), PATIENCE);
      const resizes = scene.proxy!.seen.filter((r) => r.method === 'PATCH' && r.path.includes('/pods/conflict/resize'));
      assert.equal(resizes[0]?.status, 409, `first resize answered ${resizes[0]?.status}`);
      assert.ok(resizes.some((r) => r.status === 200), 'a later attempt succeeded');
    });
  });

  it('holds (no scale-down) while Prometheus is away and resumes when it returns', async () => {
    await scene.check(async () => {
      // Created now so that its step-by-step descent (limit 12 Gi towards a few Gi, at most 25 % per
      // step, one step per 3 s cooldown) is under way when Prometheus goes. It exports no agent series,
      // so its target is the memory-only one (headroom ≤ 3 × its 150 Mi baseline). With the agent
      // counters at zero it turned into an agent once rate() had two scrapes of them (~20 s, which a
      // loaded CI machine reaches before the first step lands): the class tail (3.4 Gi at this ε) then
      // set the creation floor at 2 × 3.5 Gi, and a limit-only cut from 9 Gi buys no node, so nothing resumed.
      await createAgentPod(world.admin.core, scene.ns, { name: 'idle', requests: { memBytes: 1 * Gi, cpuCores: 0.5 }, limits: { memBytes: 12 * Gi, cpuCores: 1 } });
      await markRunning(world.admin.core, scene.ns, 'idle');
      drivers.push(drive(world.exporter, scene.ns, 'idle', () => ({ memBytes: 150 * Mi, cpuCores: 0.05, agentSeries: false })));
      const memOf = (s: { requests: { memBytes: number }; limits: { memBytes: number } }) => ({ req: s.requests.memBytes, lim: s.limits.memBytes });
      await waitFor('a first memory-limit decrease of the idle pod', () =>
        (scene.history.byPod.get('idle') ?? []).some((s) => s.limits.memBytes < 12 * Gi) ? true : undefined, PATIENCE);
      await world.prom.stop();
      const held = memOf(scene.history.latest('idle')!);
      const stoppedAt = Date.now();
      try {
        // Several cooldowns (3 s) and ticks (1 s) long: a controller that ignored the outage would step down.
        await new Promise((r) => setTimeout(r, 12_000));
        const during = (scene.history.byPod.get('idle') ?? []).filter((s) => s.tMs >= stoppedAt).map(memOf);
        assert.ok(during.every((m) => m.req >= held.req && m.lim >= held.lim), `went below ${JSON.stringify(held)} while Prometheus was down: ${JSON.stringify(during)}`);
        assert.ok(scene.controllers[0]!.proc.isRunning(), 'the controller survives the outage');
      } finally {
        await world.prom.start();
      }
      await waitFor('scale-down resumed after Prometheus returned', () =>
        scene.history.latest('idle')!.limits.memBytes < held.lim ? true : undefined, PATIENCE);
    });
  });

  it('recovers after kube-apiserver restarts: a pod created afterwards is resized', async () => {
    await scene.check(async () => {
      await world.cp.stopApiServer();
      await new Promise((r) => setTimeout(r, 3_000));
      await world.cp.startApiServer();
      assert.ok(scene.controllers[0]!.proc.isRunning(), 'the controller rode out the restart');
      await growingPod('after-restart');
      await waitFor('after-restart memory limit raised', () =>
        scene.history.byPod.get('after-restart')?.find((s) => s.limits.memBytes > 1 * Gi), PATIENCE);
      const lease = await world.admin.coordination.readNamespacedLease({ name: 'burstguard', namespace: scene.ns });
      assert.equal(lease.spec?.holderIdentity, 'resilience-0');
    });
  });
});

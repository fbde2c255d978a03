/**
 * Bursts against the real API server, Prometheus and the controller process (ServiceAccount token, deploy/
 * Role only). Five agent pods run side by side in one namespace, each playing one story; the tests then
 * read what landed in the API server:
 * - ctx: context growth (a trace replayed by the exporter) is resized before usage reaches the old limit;
 * - tool: a tool loop drives CPU up and the CPU limit is raised;
 * - down: an oversized idle pod is scaled down slowly and never below its usage;
 * - deferred / infeasible: the kubelet answers PodResizePending and the controller handles it.
 * And the RBAC boundary: the controller's token cannot read Secrets or touch another namespace.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { contextGrowthTrace, drive, driveTrace, ramp, type Driver } from './harness/drive.js';
import { callStatus, clients, tokenKubeConfig } from './harness/kube.js';
import { createAgentPod, markRunning } from './harness/kubelet.js';
import { eventsFor } from './harness/observe.js';
import { waitFor } from './harness/proc.js';
import { Gi, Mi, parseQuantity } from './harness/quantities.js';
import { metricValue } from './harness/controller.js';
import { mintToken } from './harness/sa-token.js';
import { baseConfig, merge, startWorld, type Scene, type World } from './harness/world.js';

const PATIENCE = 120_000;
const INFEASIBLE_ABOVE = 600 * Mi;
const REFUSAL = 'e2e-kubelet: memory usage is above the requested memory limit';

describe('bursts: resize through the real API server', { timeout: 420_000 }, () => {
  let world: World;
  let scene: Scene;
  const drivers = new Map<string, Driver>();

  before(async () => {
    world = await startWorld();
    scene = await world.scene('bursts');
    const { ns } = scene;
    const core = world.admin.core;
    const pods = [
      { name: 'ctx', requests: { memBytes: 256 * Mi, cpuCores: 0.25 }, limits: { memBytes: 1 * Gi, cpuCores: 1 } },
      { name: 'tool', requests: { memBytes: 256 * Mi, cpuCores: 0.2 }, limits: { memBytes: 1 * Gi, cpuCores: 0.5 } },
      { name: 'down', requests: { memBytes: 1 * Gi, cpuCores: 0.5 }, limits: { memBytes: 12 * Gi, cpuCores: 1 } },
      { name: 'deferred', requests: { memBytes: 256 * Mi, cpuCores: 0.25 }, limits: { memBytes: 1 * Gi, cpuCores: 1 } },
      { name: 'infeasible', requests: { memBytes: 256 * Mi, cpuCores: 0.25 }, limits: { memBytes: 1 * Gi, cpuCores: 1 } },
      { name: 'refuse', requests: { memBytes: 512 * Mi, cpuCores: 0.25 }, limits: { memBytes: 6 * Gi, cpuCores: 1 } },
    ];
    for (const p of pods) {
      await createAgentPod(core, ns, p);
      await markRunning(core, ns, p.name);
    }
    scene.answer('deferred', { kind: 'deferred' });
    // The node has 600 Mi left for this pod: a kubelet answers Infeasible to larger memory requests.
    scene.answer('infeasible', (p) => {
      const req = p.spec?.containers[0]?.resources?.requests?.memory;
      return parseQuantity(req) > INFEASIBLE_ABOVE ? { kind: 'infeasible', message: 'Node didn\'t have enough capacity: memory' } : { kind: 'accept' };
    });

    // The kubelet refuses to lower this pod's memory limit (usage spiked past the new limit meanwhile).
    scene.answer('refuse', (p) => {
      const spec = parseQuantity(p.spec?.containers[0]?.resources?.limits?.memory);
      const applied = parseQuantity(p.status?.containerStatuses?.[0]?.resources?.limits?.memory);
      return spec < applied ? { kind: 'error', message: REFUSAL } : { kind: 'accept' };
    });

    const ex = world.exporter;
    // 300 Mi growing 12 Mi/s: reaches the old 1 Gi limit about 60 s in, unless resized first.
    drivers.set('ctx', driveTrace(ex, ns, 'ctx', contextGrowthTrace('ctx', 120, 300 * Mi, 12 * Mi)));
    const toolCpu = ramp(0.1, 0.48, 20);
    drivers.set('tool', drive(ex, ns, 'tool', (t) => ({
      memBytes: 300 * Mi, cpuCores: toolCpu(t), toolCallsInFlight: { 'Bash:test': 3 }, toolCallsPerS: 2, toolRetriesPerS: 0.5, toolErrorsPerS: 0.5,
    })));
    drivers.set('down', drive(ex, ns, 'down', () => ({ memBytes: 200 * Mi, cpuCores: 0.05, contextTokens: 4000 })));
    const toPlateau = ramp(300 * Mi, 920 * Mi, 30);
    drivers.set('deferred', drive(ex, ns, 'deferred', (t) => ({ memBytes: toPlateau(t), cpuCores: 0.2 })));
    drivers.set('infeasible', drive(ex, ns, 'infeasible', (t) => ({ memBytes: toPlateau(t), cpuCores: 0.2 })));
    drivers.set('refuse', drive(ex, ns, 'refuse', () => ({ memBytes: 300 * Mi, cpuCores: 0.1 })));

    // A 16 Gi ceiling (the node's size) so the oversized pod's limit has room to come down step by step.
    await scene.writeConfig(merge(baseConfig(ns, world.prom.url), { engine: { guards: { maxResources: { memory: '16Gi', cpu: '4' } } } }));
    await scene.startController('bursts-0');
  });

  after(async () => {
    for (const d of drivers.values()) d.stop();
    await world?.close();
  });

  it('resizes a context-growth burst before usage reaches the old limit', async () => {
    await scene.check(async () => {
      const raised = await waitFor('ctx memory limit above 1Gi', () => {
        const first = scene.history.byPod.get('ctx')?.find((s) => s.limits.memBytes > 1 * Gi);
        return first;
      }, PATIENCE);
      const reached = drivers.get('ctx')?.firstMemAtLeast(1 * Gi);
      assert.ok(reached === undefined || raised.tMs < reached,
        `limit raised at ${raised.tMs}, usage reached the old limit at ${reached}`);
      assert.ok(drivers.get('ctx')!.peakMemUntil(raised.tMs) < 1 * Gi);
      const events = await waitFor('an Event explaining the resize', async () => {
        const ev = await eventsFor(world.admin.core, scene.ns, { object: 'ctx', reason: 'BurstguardResized' });
        return ev.length > 0 ? ev : undefined;
      }, 30_000);
      assert.match(events[0]?.message ?? '', /limit/);
    });
  });

  it('raises CPU for a tool-loop burst', async () => {
    await scene.check(async () => {
      const raised = await waitFor('tool cpu limit above 500m', () =>
        scene.history.byPod.get('tool')?.find((s) => s.limits.cpuCores > 0.5), PATIENCE);
      assert.ok(raised.limits.cpuCores > 0.5);
      assert.ok(raised.requests.cpuCores <= raised.limits.cpuCores, 'stays Burstable');
    });
  });

  it('scales down slowly and never below usage', async () => {
    await scene.check(async () => {
      // The idle pod has a 12 Gi limit and uses 200 Mi: the limit comes down in bounded steps (the
      // request may drop straight to usage + margin, but never below usage). It stops at
      // CREATED_LIMIT_TRUST × the model's target (~7 Gi here: the coder prior's burst is +3.4 Gi), so one
      // step of at most maxDecreaseFraction is what this scene can show.
      await waitFor('a memory-limit decrease of the idle pod', () => {
        const h = scene.history.byPod.get('down') ?? [];
        const decreases = h.filter((s, i) => i > 0 && s.limits.memBytes < h[i - 1]!.limits.memBytes);
        return decreases.length >= 1 ? true : undefined;
      }, PATIENCE);
      const usage = 200 * Mi;
      const h = scene.history.byPod.get('down') ?? [];
      for (let i = 1; i < h.length; i++) {
        const prev = h[i - 1]!;
        const cur = h[i]!;
        // maxDecreaseFraction 0.25: one step keeps at least 75 % of the limit (1 % for quantity rounding).
        assert.ok(cur.limits.memBytes >= prev.limits.memBytes * 0.75 * 0.99, `limit step ${prev.limits.memBytes} -> ${cur.limits.memBytes} too large`);
        assert.ok(cur.limits.memBytes >= usage * 1.15 * 0.99, `limit ${cur.limits.memBytes} below usage + 15 % margin`);
        assert.ok(cur.requests.memBytes >= usage * 0.99, `request ${cur.requests.memBytes} below usage ${usage}`);
        assert.ok(cur.requests.memBytes < cur.limits.memBytes, 'stays Burstable');
      }
    });
  });

  it('records a Deferred resize; the resize completes once the kubelet has room', async () => {
    await scene.check(async () => {
      await waitFor('PodResizePending/Deferred on the pod', () =>
        scene.history.byPod.get('deferred')?.find((s) => s.conditions.includes('PodResizePending/Deferred')), PATIENCE);
      await waitFor('a BurstguardResizeDeferred Event on the pod', async () => {
        const ev = await eventsFor(world.admin.core, scene.ns, { object: 'deferred', reason: 'BurstguardResizeDeferred' });
        return ev.length > 0 ? true : undefined;
      }, 30_000);
      scene.answer('deferred', { kind: 'accept' });
      const done = await waitFor('the deferred resize applied', () => {
        const s = scene.history.latest('deferred');
        return s !== undefined && s.limits.memBytes > 1 * Gi && s.statusLimitsMem === s.limits.memBytes && s.conditions.length === 0 ? s : undefined;
      }, 60_000);
      assert.ok(done.limits.memBytes > 1 * Gi);
    });
  });

  it('records an Infeasible resize and falls back to a size the node can fit', async () => {
    await scene.check(async () => {
      await waitFor('PodResizePending/Infeasible on the pod', () =>
        scene.history.byPod.get('infeasible')?.find((s) => s.conditions.includes('PodResizePending/Infeasible')), PATIENCE);
      await waitFor('a BurstguardResizeInfeasible Event on the pod', async () => {
        const ev = await eventsFor(world.admin.core, scene.ns, { object: 'infeasible', reason: 'BurstguardResizeInfeasible' });
        return ev.length > 0 ? true : undefined;
      }, 60_000);
      const settled = await waitFor('a request that fits, applied by the kubelet', () => {
        const s = scene.history.latest('infeasible');
        return s !== undefined && s.requests.memBytes <= INFEASIBLE_ABOVE && s.statusLimitsMem === s.limits.memBytes && s.conditions.length === 0 ? s : undefined;
      }, PATIENCE);
      assert.ok(settled.requests.memBytes <= INFEASIBLE_ABOVE);
      const inf = metricValue(await scene.controllers[0]!.metrics(), 'burstguard_actions_total', { kind: 'resize' });
      assert.ok(inf > 0);
    });
  });

  it('records a memory-limit decrease the kubelet refuses (PodResizeInProgress Error)', async () => {
    await scene.check(async () => {
      await waitFor('PodResizeInProgress/Error on the pod', () =>
        scene.history.byPod.get('refuse')?.find((s) => s.conditions.includes('PodResizeInProgress/Error')), PATIENCE);
      await waitFor('a BurstguardResizeError Event carrying the kubelet\'s message', async () => {
        const ev = await eventsFor(world.admin.core, scene.ns, { object: 'refuse', reason: 'BurstguardResizeError' });
        return ev.some((e) => (e.message ?? '').includes(REFUSAL)) ? true : undefined;
      }, 30_000);
    });
  });

  it('the controller\'s token is bound to the Role only: no Secrets, no other namespace, and it never met a 403', async () => {
    await scene.check(async () => {
      const token = await mintToken(world.admin, scene.ns);
      const sa = clients(tokenKubeConfig(world.cp, 'sa', token, scene.ns));
      assert.equal(await callStatus(() => sa.core.listNamespacedSecret({ namespace: scene.ns })), 403);
      assert.equal(await callStatus(() => sa.core.readNamespacedSecret({ name: 'any', namespace: scene.ns })), 403);
      assert.equal(await callStatus(() => sa.core.listNamespacedPod({ namespace: 'default' })), 403);
      assert.equal(await callStatus(() => sa.core.createNamespacedPod({ namespace: scene.ns, body: { metadata: { name: 'x' }, spec: { containers: [{ name: 'x', image: 'x' }] } } })), 403);
      assert.equal(await callStatus(() => sa.core.listNamespacedPod({ namespace: scene.ns })), 200);
      assert.deepEqual(scene.forbidden(), [], 'the Role covers everything the controller called');
    });
  });
});

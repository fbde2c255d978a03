/**
 * What a real kubelet (v1.36.3 on containerd 1.6, cgroup v1) does that a fake one would not, and how
 * burstguard copes (docs/e2e.md "The real node"):
 * - after an OOM kill and restart, a memory decrease and a CPU change are applied. Usually at once; when
 *   the kubelet has no memory usage for the restarted container yet, the decrease is refused with the
 *   reference recipe's "missing container memory usage" quirk, and the remedy burstguard's guards use
 *   (a raise past the limit in force, guards.ts) clears it, after which the decrease applies;
 * - a resize the node has no room for is Deferred by the kubelet (burstguard says so in an Event) and
 *   completes once room frees.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventsFor } from './harness/observe.js';
import { waitFor } from './harness/proc.js';
import { Mi, parseQuantity } from './harness/quantities.js';
import { realNodeSkipReason } from './harness/real-node/node.js';
import { agentGauge, agentStatus } from './harness/real-node/pods.js';
import { patchResize } from './harness/real-node/resize.js';
import { deletePods, readPod, resizeConditions, waitRunning } from './harness/real-node/scenario.js';
import { startRealWorld, type RealWorld } from './harness/real-node/world.js';
import { baseConfig, merge } from './harness/world.js';

const skip = realNodeSkipReason() ?? false;
const REAL_NODE_ENGINE = { staleAfterS: 45 };
const steady = (m: number, steps = 5): Array<{ m: number; c: number; t: number }> => Array.from({ length: steps }, () => ({ m, c: 0.05, t: 10_000 }));
const memOf = (p: Awaited<ReturnType<typeof readPod>>, where: 'spec' | 'status', kind: 'limits' | 'requests', res: 'memory' | 'cpu'): number =>
  parseQuantity(where === 'spec' ? p.spec?.containers[0]?.resources?.[kind]?.[res] : agentStatus(p)?.resources?.[kind]?.[res]);

describe('real node: kubelet quirks and room', { skip, timeout: 600_000 }, () => {
  let world: RealWorld;

  before(async () => {
    world = await startRealWorld();
  });
  after(async () => {
    await world?.close();
  });

  it('after an OOM kill a memory decrease and a CPU change are applied (a "missing container memory usage" refusal is cleared by a raise)', async () => {
    const scene = await world.scene('quirk');
    const core = world.admin.core;
    // A spike past the limit on the first run only: the kernel OOM-kills it once, the restart stays at 150 Mi.
    const spike = [100, 300, 500, 700, 900].map((mi) => ({ m: mi * Mi, c: 0.05, o: true }));
    const { port } = await world.agentPod(scene, { name: 'quirk', plan: { intervalMs: 1000, steps: [...spike, ...steady(150 * Mi)] }, requests: { memBytes: 200 * Mi, cpuCores: 0.1 }, limits: { memBytes: 600 * Mi, cpuCores: 0.5 } });
    await scene.check(async () => {
      await waitFor('the agent OOM-killed once and running again', async () => {
        const st = agentStatus(await readPod(core, scene.ns, 'quirk'));
        return (st?.restartCount ?? 0) >= 1 && st?.lastState?.terminated?.reason === 'OOMKilled' && st.state?.running !== undefined ? true : undefined;
      }, 60_000, 250);
      await waitFor('150 Mi held again', async () => ((await agentGauge(port, 'e2e_agent_ballast_bytes')) ?? 0) >= 150 * Mi ? true : undefined, 30_000);
      // The reference recipe saw this decrease stuck on "missing container memory usage" after any
      // restart. On this node (kubelet v1.36.3 with --containerd) it is usually applied at once, but not
      // always: on a loaded machine the kubelet can lack the restarted container's usage for a while
      // (seen once in a CI-like run, 2026-12-05). Either way the decrease must land in the end, and on
      // the refusal the way out is the guards' own (guards.ts busyResize): raise the limit past the one
      // in force, which clears the stuck resize, then decrease again.
      const decrease = async (what: string): Promise<string> => {
        await patchResize(core, scene.ns, 'quirk', { limits: { memory: '450Mi' } });
        return waitFor(what, async () => {
          const p = await readPod(core, scene.ns, 'quirk');
          const refused = resizeConditions(p).find((c) => c.startsWith('PodResizeInProgress/Error'));
          if (refused !== undefined) return refused;
          return memOf(p, 'status', 'limits', 'memory') === 450 * Mi && resizeConditions(p).length === 0 ? 'applied' : undefined;
        }, 60_000, 500);
      };
      let outcome = await decrease('the decrease applied or refused');
      for (let round = 1; outcome !== 'applied' && round <= 3; round++) {
        assert.match(outcome, /missing container "agent" memory usage/, 'the only refusal expected after a restart is the quirk');
        const raised = (600 + round) * Mi;
        await patchResize(core, scene.ns, 'quirk', { limits: { memory: `${600 + round}Mi` } });
        await waitFor('the raise that clears the stuck decrease', async () => {
          const p = await readPod(core, scene.ns, 'quirk');
          return memOf(p, 'status', 'limits', 'memory') === raised && resizeConditions(p).length === 0 ? true : undefined;
        }, 60_000, 500);
        outcome = await decrease('the decrease again, after the raise');
      }
      assert.equal(outcome, 'applied');
      await patchResize(core, scene.ns, 'quirk', { limits: { cpu: '600m' } });
      await waitFor('the CPU change applied', async () =>
        memOf(await readPod(core, scene.ns, 'quirk'), 'status', 'limits', 'cpu') === 0.6 ? true : undefined, 30_000, 500);
      assert.equal(agentStatus(await readPod(core, scene.ns, 'quirk'))?.restartCount, 1);
    });
    await deletePods(core, scene.ns);
  });

  it('a raise the node has no room for is Deferred by the kubelet and completes when room frees', async () => {
    const scene = await world.scene('deferred');
    // static asks every managed pod for 900 Mi of requests at once: more than the 350 Mi the filler leaves.
    await scene.writeConfig(merge(baseConfig(scene.ns, world.prom.url), { engine: REAL_NODE_ENGINE, policy: 'static', policies: { static: {
      requests: { memory: '900Mi', cpu: '100m' }, limits: { memory: '1200Mi', cpu: '500m' },
    } } }));
    const core = world.admin.core;
    await scene.check(async () => {
      const node = await core.readNode({ name: world.node.name });
      const allocatable = parseQuantity(node.status?.allocatable?.memory);
      const onNode = (await core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${world.node.name}` })).items;
      const requested = onNode.reduce((sum, p) => sum + parseQuantity(p.spec?.containers[0]?.resources?.requests?.memory), 0);
      // The filler leaves 350 Mi of requests free: the growing pod's first raises fit, a later one does not.
      const filler = Math.floor((allocatable - requested - 250 * Mi - 350 * Mi) / Mi) * Mi;
      assert.ok(filler > 0, `node allocatable ${allocatable} leaves room for a filler`);
      await world.agentPod(scene, { name: 'filler', plan: { intervalMs: 1000, steps: steady(20 * Mi) }, requests: { memBytes: filler, cpuCores: 0.01 }, limits: { memBytes: filler, cpuCores: 0.1 }, labels: { 'burstguard.io/managed': 'false' } });
      await world.agentPod(scene, { name: 'grow', plan: { intervalMs: 1000, steps: steady(300 * Mi) }, requests: { memBytes: 250 * Mi, cpuCores: 0.1 }, limits: { memBytes: 1200 * Mi, cpuCores: 0.5 } });
      await waitRunning(core, scene.ns, 'grow');
      await scene.startController('deferred-0');

      const deferred = await waitFor('PodResizePending/Deferred on the growing pod', async () =>
        resizeConditions(await readPod(core, scene.ns, 'grow')).find((c) => c.startsWith('PodResizePending/Deferred')), 90_000, 500);
      assert.match(deferred, /memory/);
      await waitFor('a BurstguardResizeDeferred Event', async () =>
        (await eventsFor(core, scene.ns, { object: 'grow', reason: 'BurstguardResizeDeferred' })).length > 0 ? true : undefined, 60_000, 1000);
      await core.deleteNamespacedPod({ name: 'filler', namespace: scene.ns, gracePeriodSeconds: 1 });
      const done = await waitFor('the raise applied once room freed', async () => {
        const p = await readPod(core, scene.ns, 'grow');
        const req = memOf(p, 'spec', 'requests', 'memory');
        return req === 900 * Mi && memOf(p, 'status', 'requests', 'memory') === req && resizeConditions(p).length === 0 ? p : undefined;
      }, 120_000, 500);
      assert.equal(agentStatus(done)?.restartCount, 0);
    });
    await deletePods(core, scene.ns);
  });
});

/**
 * burstguard against a real kubelet (docs/e2e.md "The real node"): every assertion reads what the kernel,
 * the kubelet and the API server really did.
 * - a real burst: the same context-growth replay in two pods of the same size; under `static` the
 *   kernel OOM-kills it (OOMKilled, restartCount), under `predictive` burstguard raises the limit in time
 *   and the replay runs to its end with no kill;
 * - a memory-limit decrease below usage: the kubelet answers PodResizeInProgress and then Error; once
 *   burstguard acts it raises the limit above usage (the needed raise is not given up), the resize
 *   completes, and it does not keep writing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventsFor } from './harness/observe.js';
import { waitFor } from './harness/proc.js';
import { Mi, parseQuantity } from './harness/quantities.js';
import { realNodeSkipReason } from './harness/real-node/node.js';
import { agentGauge, agentStatus, type PlanStep } from './harness/real-node/pods.js';
import { patchResize } from './harness/real-node/resize.js';
import { deletePods, readPod, resizeConditions, waitRunning } from './harness/real-node/scenario.js';
import { startRealWorld, type RealWorld } from './harness/real-node/world.js';
import { baseConfig, merge, type Scene } from './harness/world.js';

const skip = realNodeSkipReason() ?? false;
const SIZE = { requests: { memBytes: 200 * Mi, cpuCores: 0.1 }, limits: { memBytes: 400 * Mi, cpuCores: 0.5 } };
/** cAdvisor stamps container samples every 10–20 s and they reach Prometheus seconds later. */
const REAL_NODE_ENGINE = { staleAfterS: 45 };

/** Context growth: 150 Mi growing 6 Mi/s with the context, past the 400 Mi limit about 42 s in, to 744 Mi. */
function contextBurst(steps = 100): PlanStep[] {
  return Array.from({ length: steps }, (_, i) => ({ m: (150 + 6 * i) * Mi, c: 0.1, t: 8000 + 1500 * i, tool: i % 3 === 0 ? 'Read' : 'Grep', calls: 1 }));
}

describe('real node: bursts and refusals with burstguard acting', { skip, timeout: 600_000 }, () => {
  let world: RealWorld;

  before(async () => {
    world = await startRealWorld();
  });
  after(async () => {
    await world?.close();
  });

  const sceneWith = async (prefix: string, extra: Record<string, unknown>): Promise<Scene> => {
    const scene = await world.scene(prefix);
    await scene.writeConfig(merge(baseConfig(scene.ns, world.prom.url), merge({ engine: REAL_NODE_ENGINE }, extra)));
    await scene.startController(`${prefix}-0`);
    return scene;
  };

  it('a real burst: OOM-killed by the kernel under static, survived with predictive', async () => {
    const mem = (b: number): string => `${Math.round(b / Mi)}Mi`;
    const fixed = await sceneWith('static', { policy: 'static', policies: { static: {
      requests: { memory: mem(SIZE.requests.memBytes), cpu: '100m' }, limits: { memory: mem(SIZE.limits.memBytes), cpu: '500m' },
    } } });
    const pred = await sceneWith('predictive', { policy: 'predictive' });
    const plan = { intervalMs: 1000, steps: contextBurst() };
    await world.agentPod(fixed, { name: 'burst', plan, ...SIZE });
    const { port } = await world.agentPod(pred, { name: 'burst', plan, ...SIZE });
    const core = world.admin.core;

    await fixed.check(async () => {
      const s = await waitFor('static: OOMKilled and restarted', async () => {
        const st = agentStatus(await readPod(core, fixed.ns, 'burst'));
        return (st?.restartCount ?? 0) >= 1 && st?.lastState?.terminated?.reason === 'OOMKilled' ? st : undefined;
      }, 150_000, 500);
      assert.equal(s.lastState?.terminated?.exitCode, 137);
    });
    await pred.check(async () => {
      const last = plan.steps.length - 1;
      await waitFor('predictive: the replay at its last step (or a restart)', async () => {
        const st = agentStatus(await readPod(core, pred.ns, 'burst'));
        if ((st?.restartCount ?? 0) > 0) return true;
        return (await agentGauge(port, 'e2e_agent_replay_step')) === last ? true : undefined;
      }, 150_000, 500);
      const st = agentStatus(await readPod(core, pred.ns, 'burst'));
      assert.equal(st?.restartCount, 0, `no restart (last state ${JSON.stringify(st?.lastState)})`);
      assert.equal(st?.lastState?.terminated, undefined);
      const applied = parseQuantity(st?.resources?.limits?.memory);
      assert.ok(applied > 744 * Mi, `the applied limit ${applied} holds the whole burst`);
      const raised = await eventsFor(core, pred.ns, { object: 'burst', reason: 'BurstguardResized' });
      assert.ok(raised.length > 0, 'burstguard says why it resized');
    });
    await deletePods(core, fixed.ns);
    await deletePods(core, pred.ns);
  });

  it('a memory-limit decrease below usage: the kubelet answers Error; burstguard raises above usage and stops', async () => {
    const scene = await sceneWith('refuse', { policy: 'predictive', engine: { dryRun: true } });
    const core = world.admin.core;
    const steady = Array.from({ length: 5 }, () => ({ m: 300 * Mi, c: 0.05, t: 20_000 }));
    const { port } = await world.agentPod(scene, { name: 'refuse', plan: { intervalMs: 1000, steps: steady }, requests: { memBytes: 400 * Mi, cpuCores: 0.1 }, limits: { memBytes: 1024 * Mi, cpuCores: 0.5 } });
    await scene.check(async () => {
      await waitRunning(core, scene.ns, 'refuse');
      await waitFor('300 Mi held by the agent', async () => ((await agentGauge(port, 'e2e_agent_ballast_bytes')) ?? 0) >= 300 * Mi ? true : undefined, 30_000);
      // Someone (a stale tool, a person) lowers the limit below what the container uses.
      await patchResize(core, scene.ns, 'refuse', { requests: { memory: '150Mi' }, limits: { memory: '200Mi' } });
      const refused = await waitFor('the kubelet refusing the decrease (PodResizeInProgress/Error)', async () => {
        const c = resizeConditions(await readPod(core, scene.ns, 'refuse'));
        return c.find((x) => x.startsWith('PodResizeInProgress/Error'));
      }, 60_000, 500);
      assert.match(refused, /cannot decrease memory limits/);
      // burstguard acts now: the limit it needs is above usage, so it raises it, and the kubelet applies that.
      await scene.writeConfig(merge(baseConfig(scene.ns, world.prom.url), { engine: { ...REAL_NODE_ENGINE, dryRun: false }, policy: 'predictive' }));
      const done = await waitFor('burstguard\'s raise applied by the kubelet', async () => {
        const p = await readPod(core, scene.ns, 'refuse');
        const spec = parseQuantity(p.spec?.containers[0]?.resources?.limits?.memory);
        const applied = parseQuantity(agentStatus(p)?.resources?.limits?.memory);
        return spec > 300 * Mi && applied === spec && resizeConditions(p).length === 0 ? p : undefined;
      }, 120_000, 500);
      assert.equal(agentStatus(done)?.restartCount, 0);
      // No loop: over the next 20 s burstguard writes the pod at most twice (a settle step at most).
      const before = scene.history.byPod.get('refuse')?.length ?? 0;
      await new Promise((r) => setTimeout(r, 20_000));
      const changes = (scene.history.byPod.get('refuse')?.length ?? 0) - before;
      assert.ok(changes <= 4, `${changes} pod changes in 20 s after the resize completed`);
    });
    await deletePods(core, scene.ns);
  });
});

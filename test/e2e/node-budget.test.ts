/**
 * The node risk budget against the real API server: the controller reads node `e2e-node`'s allocatable
 * only with the read-only ClusterRole of deploy/manifests/node-read/ bound. Two scenes, the same pod and
 * the same usage, run side by side: with the role, the predictive policy's reasons name the node budget
 * (`node e2e-node: Σα … of budget …`); without it (403 on nodes), no reason does, the controller says so
 * once and gauges burstguard_node_allocatable_known 0, and it still acts.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type * as k8s from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import type { Controller } from './harness/controller.js';
import { createAgentPod, markRunning } from './harness/kubelet.js';
import { waitFor } from './harness/proc.js';
import { Mi } from './harness/quantities.js';
import { baseConfig, merge, startWorld, type Scene, type World } from './harness/world.js';

const BUDGET_NOTE = /node e2e-node: Σα \S+ of budget \S+ \(C /;

/** The shipped node-read manifest, its binding's subject moved to the scene's namespace. */
async function bindNodeReader(world: World, ns: string): Promise<void> {
  const docs = parseAllDocuments(readFileSync(new URL('../../deploy/manifests/node-read/node-reader.yaml', import.meta.url), 'utf8')).map((d) => d.toJS() as { kind: string });
  const role = docs.find((d) => d.kind === 'ClusterRole') as unknown as k8s.V1ClusterRole;
  const binding = docs.find((d) => d.kind === 'ClusterRoleBinding') as unknown as k8s.V1ClusterRoleBinding;
  await world.admin.rbac.createClusterRole({ body: role });
  await world.admin.rbac.createClusterRoleBinding({ body: { ...binding, subjects: (binding.subjects ?? []).map((s) => ({ ...s, namespace: ns })) } });
}

describe('node risk budget: node allocatable only with the node-read ClusterRole', { timeout: 180_000 }, () => {
  let world: World;
  const scenes: Record<'bound' | 'unbound', { scene: Scene; ctl: Controller }> = {} as never;

  before(async () => {
    world = await startWorld();
    for (const which of ['bound', 'unbound'] as const) {
      const scene = await world.scene(`node-${which}`);
      if (which === 'bound') await bindNodeReader(world, scene.ns);
      await createAgentPod(world.admin.core, scene.ns, { name: 'agent-0', requests: { memBytes: 128 * Mi, cpuCores: 0.1 }, limits: { memBytes: 192 * Mi, cpuCores: 0.2 } });
      await markRunning(world.admin.core, scene.ns, 'agent-0');
      // Running near its limit, in a tool call: the policy raises the limit (a protecting write).
      world.exporter.set(scene.ns, 'agent-0', { memBytes: 185 * Mi, cpuCores: 0.1, contextTokens: 20000, toolCallsInFlight: { 'Bash:test': 1 } });
      await scene.writeConfig(merge(baseConfig(scene.ns, world.prom.url), { policy: 'predictive' }));
      scenes[which] = { scene, ctl: await scene.startController(`${which}-0`) };
    }
  });
  after(async () => {
    await world?.close();
  });

  const actionsOf = (ctl: Controller): Array<Record<string, unknown>> => ctl.logLines().filter((l) => String(l.target).endsWith('/agent-0') && typeof l.reason === 'string');
  it('with the ClusterRole bound, the action\'s reason names the node budget of e2e-node', async () => {
    const { scene, ctl } = scenes.bound;
    await scene.check(async () => {
      // The first action sizes the new pod from the class prior (no budget yet); the tick's plans follow.
      const a = await waitFor('an action whose reason names the node budget', () => Promise.resolve(actionsOf(ctl).find((l) => BUDGET_NOTE.test(String(l.reason)))), 60_000, 250);
      process.stdout.write(`node budget in the reason: ${String(a.reason).match(/node e2e-node: [^;]*/)?.[0] ?? ''}\n`);
      assert.match(await ctl.metrics(), /^burstguard_node_allocatable_known 1$/m);
      assert.deepEqual(ctl.logLines().filter((l) => /cannot list Nodes/.test(String(l.msg))), []);
    });
  });

  it('without it, no reason names the node budget, the 403 is said once, and the controller still acts', async () => {
    const { scene, ctl } = scenes.unbound;
    await scene.check(async () => {
      // A plan of the tick (its reason lists the writes), past the stage where the node budget notes its numbers.
      const planned = await waitFor('a tick plan on agent-0', () => Promise.resolve(actionsOf(ctl).find((l) => /; writes: /.test(String(l.reason)))), 60_000, 250);
      process.stdout.write(`without the role: ${String(planned.reason)}\n`);
      for (const a of actionsOf(ctl)) assert.doesNotMatch(String(a.reason), /node e2e-node: Σα/);
      assert.equal(ctl.logLines().filter((l) => /cannot list Nodes/.test(String(l.msg))).length, 1);
      assert.match(await ctl.metrics(), /^burstguard_node_allocatable_known 0$/m);
      assert.deepEqual(scene.forbidden(), [], 'nothing else was refused');
    });
  });
});

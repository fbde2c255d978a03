/**
 * Pre-tool hints against the real API server: an agent pod gets a real pod-bound token for audience
 * burstguard from the TokenRequest API; the controller checks it with a real TokenReview (its
 * ServiceAccount bound to system:auth-delegator, as deploy/manifests/hints/clusterrolebinding.yaml does).
 * A hinted pod is resized (the PATCH sent) within 1 s of the hint; a hint for another pod gets 403.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createAgentPod, markRunning } from './harness/kubelet.js';
import { statusOf } from './harness/kube.js';
import { Mi } from './harness/quantities.js';
import { baseConfig, merge, startWorld, type Scene, type World } from './harness/world.js';
import type { Controller } from './harness/controller.js';
import { waitFor } from './harness/proc.js';

const AGENT_SA = 'agent';

describe('pre-tool hints', { timeout: 300_000 }, () => {
  let world: World;
  let scene: Scene;
  let ctl: Controller;
  const tokens = new Map<string, string>();

  before(async () => {
    world = await startWorld();
    scene = await world.scene('hints', { viaProxy: true });
    const { ns } = scene;
    await world.admin.core.createNamespacedServiceAccount({ namespace: ns, body: { metadata: { name: AGENT_SA } } }).catch((e: unknown) => {
      if (statusOf(e) !== 409) throw e;
    });
    await world.admin.rbac.createClusterRoleBinding({
      body: {
        metadata: { name: `burstguard-${ns}-auth-delegator` },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:auth-delegator' },
        subjects: [{ kind: 'ServiceAccount', name: 'burstguard', namespace: ns }],
      },
    });
    for (const name of ['hinted', 'bystander']) {
      const pod = await createAgentPod(world.admin.core, ns, { name, serviceAccountName: AGENT_SA, requests: { memBytes: 128 * Mi, cpuCores: 0.1 }, limits: { memBytes: 192 * Mi, cpuCores: 0.2 } });
      await markRunning(world.admin.core, ns, name);
      const tr = await world.admin.core.createNamespacedServiceAccountToken({
        name: AGENT_SA,
        namespace: ns,
        body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { audiences: ['burstguard'], expirationSeconds: 600, boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name, uid: pod.metadata?.uid } } },
      });
      tokens.set(name, tr.status?.token ?? '');
    }
    await scene.writeConfig(merge(baseConfig(ns, world.prom.url), { hints: { enabled: true, ratePerMinute: 60, burst: 10 }, policy: 'predictive' }));
    ctl = await scene.startController('c1');
    await waitFor('controller leads', async () => ((await ctl.metrics()).match(/^burstguard_leader 1$/m) ? true : undefined), 60_000, 250);
  });

  after(async () => {
    await scene?.close();
    await world?.close();
  });

  const post = async (pod: string, token: string | undefined) => {
    const t0 = performance.now();
    const r = await fetch(`http://127.0.0.1:${ctl.metricsPort}/v1/hints`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ pod, container: 'agent', tool: 'Bash:test', expectedDurationS: 30 }),
    });
    return { status: r.status, body: (await r.json()) as Record<string, unknown>, ms: performance.now() - t0 };
  };

  it('a hint for another pod gets 403 and sends nothing', async () => {
    await scene.check(async () => {
      const r = await post('bystander', tokens.get('hinted'));
      assert.equal(r.status, 403, JSON.stringify(r.body));
      assert.match(String(r.body.reason), /may only hint for itself/);
      const un = await post('hinted', undefined);
      assert.equal(un.status, 401);
      // The tick may size the bystander on its own; no hint-driven action may touch it.
      const hinted = ctl.logLines().filter((l) => String(l.target).endsWith('/bystander') && String(l.reason).startsWith('pre-tool hint'));
      assert.deepEqual(hinted, []);
    });
  });

  it('a hinted pod is resized within 1 s of the hint, with the hint in the reason', async () => {
    await scene.check(async () => {
      const r = await post('hinted', tokens.get('hinted'));
      assert.equal(r.status, 200, JSON.stringify(r.body));
      // The reply comes after the actuator's PATCH: its time bounds hint → PATCH sent.
      assert.ok(r.body.outcome === 'pending' || r.body.outcome === 'applied', JSON.stringify(r.body));
      assert.match(String(r.body.reason), /^pre-tool hint: tool Bash:test starting/);
      assert.ok(scene.proxy!.seen.some((s) => s.method === 'PATCH' && s.path.split('?', 1)[0]!.endsWith('/pods/hinted/resize')));
      process.stdout.write(`hint → PATCH sent, measured round trip: ${r.ms.toFixed(0)} ms\n`);
      assert.ok(r.ms < 1000, `hint took ${r.ms} ms`);
    });
  });
});

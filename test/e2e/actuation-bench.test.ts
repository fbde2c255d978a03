/**
 * The building blocks of `npm run bench:actuation` at 20 pods, so the bench cannot rot: pods created
 * Running in bulk, one tick's resizes through the controller's actuator against the real API server,
 * every call counted, and Event coalescing visible in what the API server holds: with a budget of 5 new
 * Events a tick, 20 resizes make 5 Events and one summary; the next tick's repeats grow those Events'
 * series instead of adding Events. No timing is asserted.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { SUMMARY_REASON } from '../../src/adapters/kube/events.js';
import { actuationStack, createRunningPods, raiseAll, sendTick } from './harness/actuation-bench.js';
import { startControlPlane, type ControlPlane } from './harness/control-plane.js';
import { adminKubeConfig, clients, createNamespace, type Clients } from './harness/kube.js';
import { createNode } from './harness/kubelet.js';
import { Gi, Mi } from './harness/quantities.js';

const BASE = { requests: { memBytes: 256 * Mi, cpuCores: 0.25 }, limits: { memBytes: 512 * Mi, cpuCores: 1 } };

describe('actuation bench building blocks', { timeout: 180_000 }, () => {
  let cp: ControlPlane;
  let admin: Clients;
  before(async () => {
    cp = await startControlPlane();
    admin = clients(adminKubeConfig(cp));
    await createNode(admin.core, { memBytes: 64 * Gi, cpuCores: 64 });
  });
  after(async () => {
    await cp?.stop();
  });

  it('sends a tick of resizes through the real actuator, counting writes, and coalesces the Events', async () => {
    const ns = await createNamespace(admin.core, 'act-smoke');
    const pods = await createRunningPods(admin.core, ns, 20, { concurrency: 8, ...BASE });
    assert.equal(pods.length, 20);
    assert.ok(pods.every((p) => p.status?.phase === 'Running' && p.status.containerStatuses?.[0]?.resources !== undefined));

    const cache = new Map(pods.map((p) => [`${ns}/${p.metadata!.name!}`, p]));
    const stack = actuationStack(admin.kc, { cache, coalesce: { seriesWindowMs: 360_000, seriesPatchIntervalMs: 60_000, maxNewPerFlush: 5 }, summaryTarget: { namespace: ns, name: 'burstguard' } });
    const first = await sendTick(stack, raiseAll(pods, BASE, 1.25), 4);
    assert.equal(first.failed, 0, first.failures.join('; '));
    assert.deepEqual(first.calls, { podReads: 0, resizePatches: 20, eventCreates: 6, eventPatches: 0 });
    assert.equal(first.writes, 26);
    const resized = await admin.core.readNamespacedPod({ name: pods[0]!.metadata!.name!, namespace: ns });
    assert.equal(resized.spec?.containers[0]?.resources?.limits?.memory, '640Mi');

    // The informer would have the new resourceVersions by the next tick.
    for (const p of (await admin.core.listNamespacedPod({ namespace: ns })).items) cache.set(`${ns}/${p.metadata!.name!}`, p);
    const second = await sendTick(stack, raiseAll(pods, BASE, 1.5), 4);
    assert.equal(second.failed, 0, second.failures.join('; '));
    assert.equal(second.calls.eventPatches, 5, "the 5 Events' series");
    assert.equal(second.calls.eventCreates, 6, '5 new Events for pods without one, and a summary');

    const events = (await admin.kc.makeApiClient(k8s.EventsV1Api).listNamespacedEvent({ namespace: ns })).items;
    const resizedEvents = events.filter((e) => e.reason === 'BurstguardResized');
    assert.equal(resizedEvents.length, 10);
    assert.equal(resizedEvents.filter((e) => e.series?.count === 2).length, 5, 'a repeat is a series count, not a new Event');
    const summaries = events.filter((e) => e.reason === SUMMARY_REASON);
    assert.equal(summaries.length, 2);
    assert.match(summaries[0]?.note ?? '', /15 more Event\(s\) this tick/);
    assert.equal(summaries[0]?.regarding?.kind, 'ConfigMap');
  });
});

/**
 * The harness checks itself against the real components before any scenario relies on it: the control
 * plane serves, a resize goes through the real validation, the fake kubelet's status is what the API
 * server demands, TokenRequest works and RBAC bites, KEDA's CRD validates, Prometheus scrapes the exporter.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { startApiProxy } from './harness/api-proxy.js';
import { withControlPlane } from './harness/api-fixture.js';
import { installKedaCrd, KEDA, scaledObject } from './harness/crd.js';
import { startExporter, type Exporter } from './harness/exporter.js';
import { adminKubeConfig, callStatus, clients, mergePatch, strategicPatch, tokenKubeConfig } from './harness/kube.js';
import { createAgentPod, createNode, markRunning, reconcileResizes } from './harness/kubelet.js';
import { waitFor } from './harness/proc.js';
import { startPrometheus, type PromServer } from './harness/prometheus.js';
import { Gi, Mi, specResources } from './harness/quantities.js';
import { createControllerIdentity, mintToken } from './harness/sa-token.js';
import { tempDir } from '../support/temp-dir.js';

describe('e2e harness', { timeout: 240_000 }, () => {
  const api = withControlPlane('harness');
  before(() => createNode(api.admin.core));

  it('resizes a running pod through pods/resize once its status carries resources, and the fake kubelet applies it', async () => {
    await createAgentPod(api.admin.core, api.ns, { name: 'p1', requests: { memBytes: 256 * Mi, cpuCores: 0.25 }, limits: { memBytes: 512 * Mi, cpuCores: 1 } });
    const pod = await api.admin.core.readNamespacedPod({ name: 'p1', namespace: api.ns });
    pod.status = { ...pod.status, phase: 'Running', containerStatuses: [{ name: 'agent', image: 'x', imageID: '', ready: true, restartCount: 0, state: { running: {} } }] };
    await api.admin.core.replaceNamespacedPodStatus({ name: 'p1', namespace: api.ns, body: pod });
    const body = { spec: { containers: [{ name: 'agent', resources: { limits: { memory: '768Mi' } } }] } };
    // Running without status resources: the API server refuses (why the fake kubelet writes them).
    assert.equal(await callStatus(() => api.admin.core.patchNamespacedPodResize({ name: 'p1', namespace: api.ns, body }, strategicPatch)), 422);

    await markRunning(api.admin.core, api.ns, 'p1');
    const patched = await api.admin.core.patchNamespacedPodResize({ name: 'p1', namespace: api.ns, body }, strategicPatch);
    assert.equal(specResources(patched).limits.memBytes, 768 * Mi);
    const written = await reconcileResizes(api.admin.core, api.ns, () => ({ kind: 'accept' }));
    assert.deepEqual(written, ['p1']);
    const after = await api.admin.core.readNamespacedPod({ name: 'p1', namespace: api.ns });
    assert.equal(after.status?.containerStatuses?.[0]?.resources?.limits?.memory, '768Mi');

    // A QoS change (Burstable -> Guaranteed) is rejected by the real validation.
    const qos = { spec: { containers: [{ name: 'agent', resources: { requests: { memory: '768Mi', cpu: '1' } } }] } };
    assert.equal(await callStatus(() => api.admin.core.patchNamespacedPodResize({ name: 'p1', namespace: api.ns, body: qos }, strategicPatch)), 422);
  });

  it('writes Infeasible and InProgress conditions as the scenario dictates', async () => {
    await createAgentPod(api.admin.core, api.ns, { name: 'p2', requests: { memBytes: 256 * Mi, cpuCores: 0.25 }, limits: { memBytes: 512 * Mi, cpuCores: 1 } });
    await markRunning(api.admin.core, api.ns, 'p2');
    const body = { spec: { containers: [{ name: 'agent', resources: { limits: { memory: '2Gi' } } }] } };
    await api.admin.core.patchNamespacedPodResize({ name: 'p2', namespace: api.ns, body }, strategicPatch);
    await reconcileResizes(api.admin.core, api.ns, (p) => (p.metadata?.name === 'p2' ? { kind: 'infeasible' } : { kind: 'ignore' }));
    const pod = await api.admin.core.readNamespacedPod({ name: 'p2', namespace: api.ns });
    const c = pod.status?.conditions?.find((x) => x.type === 'PodResizePending');
    assert.equal(c?.reason, 'Infeasible');
    assert.equal(pod.status?.containerStatuses?.[0]?.resources?.limits?.memory, '512Mi');
    assert.equal(specResources(pod).limits.memBytes, 2 * Gi);

    // Admitted but not yet actuated: PodResizeInProgress with no reason, status resources unchanged.
    await reconcileResizes(api.admin.core, api.ns, (p) => (p.metadata?.name === 'p2' ? { kind: 'in-progress' } : { kind: 'ignore' }));
    const inProgress = await api.admin.core.readNamespacedPod({ name: 'p2', namespace: api.ns });
    const ip = inProgress.status?.conditions?.find((x) => x.type === 'PodResizeInProgress');
    assert.equal(ip?.reason, undefined);
    assert.equal(inProgress.status?.conditions?.some((x) => x.type === 'PodResizePending'), false);
  });

  it('mints a ServiceAccount token with TokenRequest; the Role allows pods here and forbids Secrets and other namespaces', async () => {
    const { source } = await createControllerIdentity(api.admin, api.ns);
    const token = await mintToken(api.admin, api.ns);
    const sa = clients(tokenKubeConfig(api.cp, 'sa', token, api.ns));
    assert.equal(await callStatus(() => sa.core.listNamespacedPod({ namespace: api.ns })), 200, `Role from ${source}`);
    assert.equal(await callStatus(() => sa.core.listNamespacedSecret({ namespace: api.ns })), 403);
    assert.equal(await callStatus(() => sa.core.listNamespacedPod({ namespace: 'default' })), 403);
  });

  it('installs KEDA ScaledObject CRD whose schema rejects minReplicaCount above maxReplicaCount', async () => {
    await installKedaCrd(api.admin);
    await api.admin.custom.createNamespacedCustomObject({ ...KEDA, namespace: api.ns, body: scaledObject('so1', 1, 5) });
    const bad = { spec: { minReplicaCount: 9 } };
    const status = await callStatus(() => api.admin.custom.patchNamespacedCustomObject({ ...KEDA, namespace: api.ns, name: 'so1', body: bad }, mergePatch));
    assert.equal(status, 422);
    const ok = { spec: { minReplicaCount: 3 } };
    const got = (await api.admin.custom.patchNamespacedCustomObject({ ...KEDA, namespace: api.ns, name: 'so1', body: ok }, mergePatch)) as { spec: { minReplicaCount: number } };
    assert.equal(got.spec.minReplicaCount, 3);
  });

  it('passes requests and watches through the recording proxy', async (t) => {
    const dir = tempDir(t, 'burstguard-e2e-proxy-');
    const proxy = await startApiProxy(api.cp.server, api.cp.caFile, dir);
    try {
      const kc = adminKubeConfig({ server: proxy.server, caFile: proxy.caFile });
      const seen: string[] = [];
      const watch = await new k8s.Watch(kc).watch(`/api/v1/namespaces/${api.ns}/configmaps`, {}, (type, obj: k8s.V1ConfigMap) => seen.push(`${type} ${obj.metadata?.name}`), () => undefined);
      await api.admin.core.createNamespacedConfigMap({ namespace: api.ns, body: { metadata: { name: 'via-proxy' } } });
      await waitFor('the watch event through the proxy', () => (seen.includes('ADDED via-proxy') ? true : undefined), 10_000);
      watch.abort();
      assert.ok(proxy.seen.some((r) => r.path.includes('watch=true') && r.status === 200));
    } finally {
      await proxy.close();
    }
  });

  it('comes back after kube-apiserver restarts, with its data', async () => {
    await api.cp.stopApiServer();
    assert.equal(await callStatus(() => api.admin.core.readNamespace({ name: api.ns })), 0);
    await api.cp.startApiServer();
    assert.equal(await callStatus(() => api.admin.core.readNamespacedPod({ name: 'p1', namespace: api.ns })), 200);
  });

  describe('Prometheus', () => {
    let exporter: Exporter;
    let prom: PromServer;
    before(async () => {
      exporter = await startExporter();
      prom = await startPrometheus([exporter.target]);
    });
    after(async () => {
      await prom?.close();
      await exporter?.close();
    });

    it('scrapes the exporter: memory gauge and CPU counter per pod, plus agent series', async () => {
      exporter.set('ns1', 'pod-a', { memBytes: 300 * Mi, cpuCores: 0.5, contextTokens: 12000, toolCallsInFlight: { Bash: 1 } });
      const mem = await waitFor('memory series', async () => {
        const r = await prom.query('container_memory_working_set_bytes{namespace="ns1",pod="pod-a",container="agent"}');
        return r[0] !== undefined ? Number(r[0].value[1]) : undefined;
      }, 30_000);
      assert.equal(mem, 300 * Mi);
      // A rate over a window the series only partly covers is extrapolated low: wait for a full window.
      await waitFor('5 s of CPU samples', async () => {
        const r = await prom.query('count_over_time(container_cpu_usage_seconds_total{pod="pod-a",container="agent"}[6s])');
        return Number(r[0]?.value[1] ?? 0) >= 5 ? true : undefined;
      }, 30_000);
      const r = await prom.query('rate(container_cpu_usage_seconds_total{pod="pod-a",container="agent"}[5s])');
      const rate = Number(r[0]?.value[1]);
      assert.ok(Math.abs(rate - 0.5) < 0.1, `cpu rate ${rate}`);
      const tokens = await prom.query('burstguard_agent_context_tokens{pod="pod-a"}');
      assert.equal(Number(tokens[0]?.value[1]), 12000);
    });

    it('can be stopped and started again on the same port, keeping its data', async () => {
      await prom.stop();
      await assert.rejects(prom.query('up'));
      await prom.start();
      const r = await prom.query('max_over_time(container_memory_working_set_bytes{pod="pod-a",container="agent"}[10m])');
      assert.equal(Number(r[0]?.value[1]), 300 * Mi);
    });
  });
});

/**
 * The admission webhook against the real API server: a MutatingWebhookConfiguration (failurePolicy
 * Ignore, timeoutSeconds 2, the scene's namespace and managed pods only) points at the controller's
 * `--admission-port` on 127.0.0.1, trusted through a throwaway CA made with openssl. A managed pod created
 * in the namespace gets the resources predictive's admit() gives its class, once the class has a live
 * pod with settled samples (its typical baseline: "median of 1 live pods"), with the reason as an
 * annotation; the pod stays Burstable. With the controller stopped, pod creation is not blocked.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { metricValue, type Controller } from './harness/controller.js';
import { drive, type Driver } from './harness/drive.js';
import { AGENT_CONTAINER, createAgentPod, markRunning, NODE_NAME } from './harness/kubelet.js';
import { freePort, waitFor } from './harness/proc.js';
import { Mi, specResources } from './harness/quantities.js';
import { baseConfig, merge, startWorld, type Scene, type World } from './harness/world.js';

const ANNOTATION = 'burstguard.io/admission';
const template = { requests: { memBytes: 512 * Mi, cpuCores: 0.25 }, limits: { memBytes: 1024 * Mi, cpuCores: 1 } };

/** A CA and a serving certificate for IP 127.0.0.1 signed by it, as files in `dir`. */
function throwawayTls(dir: string): { caPem: string; certFile: string; keyFile: string } {
  const f = (n: string): string => join(dir, n);
  const ssl = (...args: string[]): void => void execFileSync('openssl', args, { stdio: 'ignore' });
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('ca.key'), '-out', f('ca.crt'), '-days', '1', '-subj', '/CN=burstguard-e2e-webhook-ca',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign');
  ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('tls.key'), '-out', f('tls.csr'), '-subj', '/CN=127.0.0.1');
  writeFileSync(f('ext.cnf'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  ssl('x509', '-req', '-in', f('tls.csr'), '-CA', f('ca.crt'), '-CAkey', f('ca.key'), '-CAcreateserial', '-out', f('tls.crt'), '-days', '1', '-extfile', f('ext.cnf'));
  return { caPem: readFileSync(f('ca.crt'), 'utf8'), certFile: f('tls.crt'), keyFile: f('tls.key') };
}

/** The pod a template creates, with a name; `dryRun` only runs admission (nothing is stored). */
function agentPod(name: string): k8s.V1Pod {
  const q = (r: { memBytes: number; cpuCores: number }): Record<string, string> => ({ memory: `${r.memBytes / Mi}Mi`, cpu: `${Math.round(r.cpuCores * 1000)}m` });
  return {
    metadata: { name, labels: { 'burstguard.io/managed': 'true', 'burstguard.io/agent-class': 'coder' } },
    spec: { nodeName: NODE_NAME, containers: [{ name: AGENT_CONTAINER, image: 'registry.invalid/agent:e2e', resources: { requests: q(template.requests), limits: q(template.limits) } }] },
  };
}

describe('admission webhook', { timeout: 180_000 }, () => {
  let world: World;
  let scene: Scene;
  let ctl: Controller;
  let webhooks: k8s.AdmissionregistrationV1Api;
  let configName = '';
  const drivers: Driver[] = [];

  before(async () => {
    world = await startWorld();
    scene = await world.scene('admission');
    const { ns } = scene;
    const tls = throwawayTls(world.dir);
    const port = await freePort();
    // The scene binds no node-read ClusterRole: the node size admission prices against is configured (the fake node's).
    await scene.writeConfig(merge(baseConfig(ns, world.prom.url), { policy: 'predictive', policies: { predictive: { nodeMemBytes: '16Gi', nodeCpuCores: 8 } } }));
    ctl = await scene.startController('c1', ['--admission-port', String(port), '--admission-cert', tls.certFile, '--admission-key', tls.keyFile]);
    await waitFor('controller leads', async () => ((await ctl.metrics()).match(/^burstguard_leader 1$/m) ? true : undefined), 60_000, 250);
    webhooks = world.admin.kc.makeApiClient(k8s.AdmissionregistrationV1Api);
    configName = `burstguard-${ns}`;
    // As the chart renders it (deploy/helm/burstguard/templates/admission-webhook.yaml), with a URL for a Service.
    await webhooks.createMutatingWebhookConfiguration({
      body: {
        metadata: { name: configName },
        webhooks: [{
          name: 'admit.burstguard.io',
          admissionReviewVersions: ['v1'],
          clientConfig: { url: `https://127.0.0.1:${port}/v1/admit`, caBundle: Buffer.from(tls.caPem).toString('base64') },
          rules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods'], scope: 'Namespaced' }],
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } },
          objectSelector: { matchLabels: { 'burstguard.io/managed': 'true' } },
          failurePolicy: 'Ignore',
          sideEffects: 'None',
          timeoutSeconds: 2,
          reinvocationPolicy: 'Never',
        }],
      },
    });
  });

  after(async () => {
    for (const d of drivers) d.stop();
    if (configName !== '') await webhooks?.deleteMutatingWebhookConfiguration({ name: configName }).catch(() => undefined);
    await scene?.close();
    await world?.close();
  });

  it('a managed pod is created at the class’s admitted resources, with the reason, still Burstable', async () => {
    await scene.check(async () => {
      const { ns } = scene;
      // One live pod of the class, driven at 150Mi, gives the class a typical baseline.
      await createAgentPod(world.admin.core, ns, { name: 'live-0', ...template });
      await markRunning(world.admin.core, ns, 'live-0');
      drivers.push(drive(world.exporter, ns, 'live-0', () => ({ memBytes: 150 * Mi, cpuCores: 0.05 })));
      // Server-side dry runs go through admission: probe until the answer is priced from the live pod.
      const probed = await waitFor('an admission priced from the live pod', async () => {
        const p = await world.admin.core.createNamespacedPod({ namespace: ns, body: agentPod('probe'), dryRun: 'All' });
        return /median of 1 live pods/.test(p.metadata?.annotations?.[ANNOTATION] ?? '') ? p : undefined;
      }, 60_000, 1000);
      assert.match(probed.metadata?.annotations?.[ANNOTATION] ?? '', /: predictive admission: class 'coder' typical baseline 1[45]\dMi/);

      const created = await world.admin.core.createNamespacedPod({ namespace: ns, body: agentPod('admitted') });
      const reason = created.metadata?.annotations?.[ANNOTATION] ?? '';
      assert.match(reason, /^set agent .*: predictive admission: class 'coder'/);
      const r = specResources(created);
      assert.ok(r.limits.memBytes >= template.limits.memBytes, `the memory limit is never below the template's (${r.limits.memBytes})`);
      assert.ok(r.requests.memBytes < r.limits.memBytes, 'Burstable stays Burstable');
      // Cold class (0 of 100 outcomes) on a known node: the lower of the template's request and its price.
      assert.match(reason, /request \S+ \(the lower of the template's and the class's price/);
      assert.ok(r.requests.memBytes <= template.requests.memBytes);
      assert.notDeepEqual(r, template, 'the webhook changed the template');
      // The annotation states what was set, in the quantities written into the pod.
      const said = /^set agent (\S+)\/(\S+) memory, (\S+)\/(\S+) cpu/.exec(reason);
      assert.ok(said, reason);
      const res = created.spec?.containers[0]?.resources;
      assert.deepEqual([res?.requests?.memory, res?.limits?.memory, res?.requests?.cpu, res?.limits?.cpu], said.slice(1));
      process.stdout.write(`admitted: ${JSON.stringify(created.spec?.containers[0]?.resources)}\n  ${reason}\n`);
      const m = await ctl.metrics();
      assert.ok(metricValue(m, 'burstguard_admission_reviews_total', { outcome: 'patched' }) >= 2, m.split('\n').filter((l) => l.includes('admission')).join('\n'));
    });
  });

  it('with the webhook down, pod creation is not blocked (failurePolicy Ignore): the pod keeps its template', async () => {
    await scene.check(async () => {
      await ctl.stop();
      const t0 = performance.now();
      const created = await world.admin.core.createNamespacedPod({ namespace: scene.ns, body: agentPod('unsized') });
      const ms = performance.now() - t0;
      assert.equal(created.metadata?.annotations?.[ANNOTATION], undefined);
      assert.deepEqual(specResources(created), template);
      process.stdout.write(`pod created with the webhook down in ${ms.toFixed(0)} ms\n`);
      assert.ok(ms < 5_000, `creation took ${ms} ms`);
    });
  });
});

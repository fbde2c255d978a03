/**
 * The deploy/ artefacts against real tools: `helm lint` and `helm template` of the chart (helm built from
 * its Go module by tools/build-control-plane.sh), then every rendered object applied with server-side dry
 * run to the real API server (the same validation and admission as `kubectl apply --dry-run=server`).
 * The chart's Role must be the Role the other e2e files bind the controller to.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { withControlPlane } from './harness/api-fixture.js';
import { helmBin } from './harness/helm.js';
import type { Clients } from './harness/kube.js';
import { deployRole } from './harness/sa-token.js';
import { parseConfigYaml } from '../../src/config/index.js';

const repoRoot = new URL('../../', import.meta.url).pathname;
const chart = join(repoRoot, 'deploy/helm/burstguard');
/** A registry the user controls, as they would name it (the chart refuses the placeholder). */
const IMAGE = ['--set', 'image.repository=localhost:5000/burstguard'];

const helm = helmBin();
const skip = !existsSync(join(chart, 'Chart.yaml')) ? 'deploy/helm/burstguard has no Chart.yaml yet' : helm === undefined ? 'no helm binary (run tools/build-control-plane.sh)' : false;

describe('deploy: Helm chart renders and the API server accepts it', { timeout: 180_000, skip }, () => {
  const api = withControlPlane('deploy');
  let rendered: k8s.KubernetesObject[] = [];

  it('refuses to render while image.repository is the placeholder, saying what to do', () => {
    const r = spawnSync(helm!, ['template', 'burstguard', chart], { encoding: 'utf8' });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /image\.repository is "registry\.example\.com\/burstguard", a placeholder: no burstguard image is published\. Build one from deploy\/Dockerfile/);
  });

  it('values.schema.json refuses a mistyped value by name', () => {
    const r = spawnSync(helm!, ['template', 'burstguard', chart, ...IMAGE, '--set', 'metricsPort=http'], { encoding: 'utf8' });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /metricsPort/);
  });

  it('annotates the pod with the metrics port from values', () => {
    const out = execFileSync(helm!, ['template', 'burstguard', chart, ...IMAGE, '--set', 'metricsPort=9400'], { encoding: 'utf8' });
    assert.match(out, /prometheus\.io\/port: "9400"/);
    assert.match(out, /containerPort: 9400/);
  });

  it('passes helm lint', () => {
    const r = spawnSync(helm!, ['lint', chart, ...IMAGE], { encoding: 'utf8' });
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  });

  it('renders with helm template into namespaced objects with a least-privilege Role', () => {
    const out = execFileSync(helm!, ['template', 'burstguard', chart, '--namespace', api.ns, ...IMAGE], { encoding: 'utf8' });
    rendered = k8s.loadAllYaml(out).filter((o): o is k8s.KubernetesObject => o !== null && typeof o === 'object' && 'kind' in o);
    const kinds = rendered.map((o) => o.kind);
    for (const k of ['ServiceAccount', 'Role', 'RoleBinding', 'Deployment', 'ConfigMap']) assert.ok(kinds.includes(k), `chart renders a ${k} (got ${kinds.join(', ')})`);
    // Cluster-wide: only the read-only node-read ClusterRole (nodeRead.enabled, default on) and its binding.
    const cluster = rendered.filter((o) => String(o.kind).startsWith('Cluster'));
    assert.deepEqual(cluster.map((o) => o.kind).sort(), ['ClusterRole', 'ClusterRoleBinding']);
    assert.deepEqual(JSON.stringify((cluster.find((o) => o.kind === 'ClusterRole') as k8s.V1ClusterRole).rules), JSON.stringify([{ apiGroups: [''], resources: ['nodes'], verbs: ['list', 'watch'] }]));
    const off = k8s.loadAllYaml(execFileSync(helm!, ['template', 'burstguard', chart, '--namespace', api.ns, ...IMAGE, '--set', 'nodeRead.enabled=false'], { encoding: 'utf8' }));
    assert.ok(!off.some((o) => o !== null && typeof o === 'object' && String((o as k8s.KubernetesObject).kind).startsWith('Cluster')), 'nodeRead.enabled=false: a namespace Role, no cluster-wide rights');
    const role = rendered.find((o) => o.kind === 'Role') as k8s.V1Role;
    const rules = JSON.stringify(role.rules ?? []);
    assert.ok(!/"secrets"/.test(rules), 'the Role grants nothing on Secrets');
    const plain = deployRole();
    if (plain !== undefined) {
      assert.deepEqual(normalise(role.rules ?? []), normalise(plain.rules), `the chart's Role matches ${plain.file}`);
    }
  });

  it('keeps hostNetwork and the API server override off by default; the schema and template refuse bad values', () => {
    const deployment = (...set: string[]): k8s.V1Deployment => {
      const out = execFileSync(helm!, ['template', 'burstguard', chart, '--namespace', api.ns, ...IMAGE, ...set.flatMap((v) => ['--set', v])], { encoding: 'utf8' });
      return k8s.loadAllYaml(out).find((o: { kind?: string } | null) => o?.kind === 'Deployment') as k8s.V1Deployment;
    };
    const envNames = (d: k8s.V1Deployment): string[] => (d.spec?.template.spec?.containers[0]?.env ?? []).map((e) => e.name);
    const plainPod = deployment().spec?.template.spec;
    assert.equal(plainPod?.hostNetwork, undefined);
    assert.ok(!envNames(deployment()).includes('KUBERNETES_SERVICE_HOST'));
    assert.deepEqual(JSON.parse(JSON.stringify(plainPod?.containers[0]?.securityContext)), { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    const onNode = deployment('hostNetwork=true', 'apiServer.host=10.0.0.5', 'apiServer.port=6443');
    assert.equal(onNode.spec?.template.spec?.hostNetwork, true);
    assert.equal(onNode.spec?.template.spec?.dnsPolicy, 'ClusterFirstWithHostNet');
    const env = onNode.spec?.template.spec?.containers[0]?.env ?? [];
    assert.deepEqual(env.filter((e) => e.name.startsWith('KUBERNETES_SERVICE_')).map((e) => `${e.name}=${e.value ?? ''}`), ['KUBERNETES_SERVICE_HOST=10.0.0.5', 'KUBERNETES_SERVICE_PORT=6443']);
    const refused = (set: string, why: RegExp): void => {
      const r = spawnSync(helm!, ['template', 'burstguard', chart, ...IMAGE, '--set', set], { encoding: 'utf8' });
      assert.notEqual(r.status, 0, `--set ${set} must fail`);
      assert.match(r.stderr, why);
    };
    refused('apiServer.host=10.0.0.5', /apiServer.port is needed/);
    refused('hostNetwork=yes', /hostNetwork/);
    refused('metricsPort=0', /metricsPort/);
  });

  it('admissionWebhook: off by default; on, a MutatingWebhookConfiguration that never blocks, limited to the namespace, trusting the Secret it serves with', async () => {
    const render = (...set: string[]): k8s.KubernetesObject[] =>
      k8s.loadAllYaml(execFileSync(helm!, ['template', 'burstguard', chart, '--namespace', api.ns, ...IMAGE, ...set.flatMap((v) => ['--set', v])], { encoding: 'utf8' }))
        .filter((o): o is k8s.KubernetesObject => o !== null && typeof o === 'object' && 'kind' in o)
        .map((o) => JSON.parse(JSON.stringify(o)) as k8s.KubernetesObject); // plain objects, for deepEqual
    assert.ok(!render().some((o) => o.kind === 'MutatingWebhookConfiguration' || o.kind === 'Secret'), 'off by default');
    const on = render('admissionWebhook.enabled=true');
    const mwc = on.find((o) => o.kind === 'MutatingWebhookConfiguration') as k8s.V1MutatingWebhookConfiguration;
    const secret = on.find((o) => o.kind === 'Secret') as k8s.V1Secret;
    const wh = mwc.webhooks?.[0];
    assert.ok(wh && secret);
    assert.equal(wh.failurePolicy, 'Ignore');
    assert.equal(wh.sideEffects, 'None');
    assert.ok((wh.timeoutSeconds ?? 10) <= 2);
    assert.deepEqual(wh.namespaceSelector, { matchLabels: { 'kubernetes.io/metadata.name': api.ns } });
    assert.deepEqual(wh.objectSelector, { matchLabels: { 'burstguard.io/managed': 'true' } });
    assert.deepEqual(wh.rules, [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods'], scope: 'Namespaced' }]);
    assert.deepEqual(wh.clientConfig.service, { name: 'burstguard', namespace: api.ns, path: '/v1/admit', port: 443 });
    // The caBundle signed the serving certificate, issued for the Service's DNS name.
    const ca = new X509Certificate(Buffer.from(wh.clientConfig.caBundle ?? '', 'base64'));
    const served = new X509Certificate(Buffer.from(secret.data?.['tls.crt'] ?? '', 'base64'));
    assert.ok(served.verify(ca.publicKey), 'the serving certificate is signed by the caBundle');
    assert.ok(served.checkHost(`burstguard.${api.ns}.svc`) !== undefined, served.subjectAltName);
    const dep = on.find((o) => o.kind === 'Deployment') as k8s.V1Deployment;
    const c = dep.spec?.template.spec?.containers[0];
    assert.deepEqual(c?.args?.slice(c.args.indexOf('--admission-port')), ['--admission-port', '8443', '--admission-cert', '/etc/burstguard/admission/tls.crt', '--admission-key', '/etc/burstguard/admission/tls.key']);
    assert.equal(dep.spec?.template.spec?.volumes?.[0]?.secret?.secretName, secret.metadata?.name);
    const svc = on.find((o) => o.kind === 'Service') as k8s.V1Service;
    assert.deepEqual(svc.spec?.ports?.find((p) => p.name === 'admission'), { name: 'admission', port: 443, targetPort: 'admission' });
    // The Role is the same with the webhook on: the Secret is mounted, never read through the API.
    assert.deepEqual(on.find((o) => o.kind === 'Role'), render().find((o) => o.kind === 'Role'));
    const failures: string[] = [];
    for (const obj of on.filter((o) => o.kind === 'MutatingWebhookConfiguration' || o.kind === 'Secret')) {
      try {
        await api.admin.objects.create(obj, undefined, 'All');
      } catch (e) {
        failures.push(`${obj.kind}/${obj.metadata?.name}: ${(e as { body?: string }).body ?? String(e)}`);
      }
    }
    assert.deepEqual(failures, []);
    // A loopback listenAddress would never answer the API server: refused with the reason.
    const loop = spawnSync(helm!, ['template', 'burstguard', chart, ...IMAGE, ...['admissionWebhook.enabled=true', 'hostNetwork=true', 'listenAddress=127.0.0.1', 'probes.host=127.0.0.1'].flatMap((v) => ['--set', v])], { encoding: 'utf8' });
    assert.notEqual(loop.status, 0);
    assert.match(loop.stderr, /admissionWebhook\.enabled: the API server calls the webhook .* "127\.0\.0\.1" \(loopback\)/);
  });

  it('listens where the binary chooses and probes the pod IP by default; listenAddress and probes.host render as documented', () => {
    const container = (...set: string[]): k8s.V1Container => {
      const out = execFileSync(helm!, ['template', 'burstguard', chart, '--namespace', api.ns, ...IMAGE, ...set.flatMap((v) => ['--set', v])], { encoding: 'utf8' });
      const d = k8s.loadAllYaml(out).find((o: { kind?: string } | null) => o?.kind === 'Deployment') as k8s.V1Deployment;
      return d.spec?.template.spec?.containers[0] as k8s.V1Container;
    };
    const probeHosts = (c: k8s.V1Container): (string | undefined)[] => [c.startupProbe, c.livenessProbe, c.readinessProbe].map((p) => p?.httpGet?.host);
    const plain = container();
    assert.ok(!(plain.args ?? []).includes('--listen-address'), `no --listen-address by default (${(plain.args ?? []).join(' ')})`);
    assert.deepEqual(probeHosts(plain), [undefined, undefined, undefined]);
    const onLoopback = container('hostNetwork=true', 'listenAddress=127.0.0.1', 'probes.host=127.0.0.1');
    const args = onLoopback.args ?? [];
    assert.equal(args[args.indexOf('--listen-address') + 1], '127.0.0.1');
    assert.deepEqual(probeHosts(onLoopback), ['127.0.0.1', '127.0.0.1', '127.0.0.1']);
    const refused = (set: string[], why: RegExp): void => {
      const r = spawnSync(helm!, ['template', 'burstguard', chart, ...IMAGE, ...set.flatMap((v) => ['--set', v])], { encoding: 'utf8' });
      assert.notEqual(r.status, 0, `--set ${set.join(' ')} must fail`);
      assert.match(r.stderr, why);
    };
    // Probes that could never reach the controller are refused with the fix.
    refused(['listenAddress=127.0.0.1'], /listenAddress is "127\.0\.0\.1" \(loopback\): the kubelet's probes reach it only with hostNetwork: true and probes\.host: 127\.0\.0\.1/);
    refused(['hostNetwork=true', 'listenAddress=127.0.0.1'], /probes\.host: 127\.0\.0\.1/);
    refused(['probes.host=127.0.0.1'], /probes\.host is "127\.0\.0\.1" but hostNetwork is false/);
    refused(['listenAddress=localhost'], /listenAddress/);
    refused(['probes.hots=127.0.0.1'], /hots/);
  });

  it('is accepted by the real API server (server-side dry run of every rendered object)', async () => {
    assert.ok(rendered.length > 0, 'rendered in the previous test');
    assert.deepEqual(await dryRunRefusals(api.admin, rendered, api.ns), []);
    // Dry run: nothing was stored.
    const sas = await api.admin.core.listNamespacedServiceAccount({ namespace: api.ns });
    assert.equal(sas.items.length, 0);
  });
});

describe("deploy: the chart exposes KEDA's external scaler when asked", { timeout: 180_000, skip }, () => {
  const api = withControlPlane('deploy-scaler');

  const template = (...set: string[]): ReturnType<typeof spawnSync> =>
    spawnSync(helm!, ['template', 'burstguard', chart, '--namespace', api.ns, ...IMAGE, ...set.flatMap((x) => ['--set', x])], { encoding: 'utf8' });

  it('opens the gRPC port on the container and the Service and writes it into the ConfigMap; the API server accepts them', async () => {
    const r = template('keda.externalScaler.enabled=true', 'keda.externalScaler.port=9500');
    assert.equal(r.status, 0, String(r.stderr));
    const objs = k8s.loadAllYaml(String(r.stdout)).filter((o): o is k8s.KubernetesObject => o !== null && typeof o === 'object' && 'kind' in o);
    const svc = objs.find((o) => o.kind === 'Service') as k8s.V1Service;
    assert.deepEqual({ ...svc.spec?.ports?.find((p) => p.name === 'keda-scaler') }, { name: 'keda-scaler', port: 9500, targetPort: 'keda-scaler' });
    const dep = objs.find((o) => o.kind === 'Deployment') as k8s.V1Deployment;
    assert.deepEqual({ ...dep.spec?.template.spec?.containers[0]?.ports?.find((p) => p.name === 'keda-scaler') }, { name: 'keda-scaler', containerPort: 9500 });
    const cm = objs.find((o) => o.kind === 'ConfigMap') as k8s.V1ConfigMap;
    const cfg = parseConfigYaml(cm.data?.['config.yaml'] ?? '');
    assert.ok(cfg.ok, JSON.stringify(cfg));
    assert.equal(cfg.value.keda.externalScaler.port, 9500);
    assert.equal(cfg.value.keda.mode, 'externalScaler');
    assert.deepEqual(await dryRunRefusals(api.admin, objs, api.ns), []);
  });

  it('adds no port by default, and refuses a scaler the config asks for but the chart would not expose', () => {
    const plain = template();
    assert.equal(plain.status, 0, String(plain.stderr));
    assert.doesNotMatch(String(plain.stdout), /keda-scaler/);
    const hidden = template('config.keda.mode=externalScaler');
    assert.notEqual(hidden.status, 0);
    assert.match(String(hidden.stderr), /set keda\.externalScaler\.enabled=true/);
    const twoPorts = template('keda.externalScaler.enabled=true', 'config.keda.externalScaler.port=1234');
    assert.match(String(twoPorts.stderr), /differs from keda\.externalScaler\.port/);
    const typo = template('keda.externalScaler.enabld=true');
    assert.match(String(typo.stderr), /additional properties 'enabld' not allowed/, 'values.schema.json refuses a misspelt value');
  });
});

/**
 * Each object created with a server-side dry run in `ns` (unless it names its own), as `kubectl apply
 * --dry-run=server` would; what the API server refused, one line each. Prometheus Operator objects are
 * skipped: their CRDs are not part of this tier.
 */
async function dryRunRefusals(admin: Clients, objs: readonly k8s.KubernetesObject[], ns: string): Promise<string[]> {
  const refused: string[] = [];
  for (const obj of objs) {
    if (obj.apiVersion?.startsWith('monitoring.coreos.com/')) continue;
    obj.metadata = { ...obj.metadata, namespace: obj.metadata?.namespace ?? ns };
    try {
      await admin.objects.create(obj, undefined, 'All');
    } catch (e) {
      refused.push(`${obj.kind}/${obj.metadata.name}: ${(e as { body?: string }).body ?? String(e)}`);
    }
  }
  return refused;
}

function normalise(rules: readonly k8s.V1PolicyRule[]): string[] {
  return rules.flatMap((r) => (r.apiGroups ?? ['']).flatMap((g) => (r.resources ?? []).flatMap((res) => (r.verbs ?? []).map((v) => `${g}/${res}/${v}`)))).sort();
}

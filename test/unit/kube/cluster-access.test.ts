import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { resolveClusterAccess, SERVICE_ACCOUNT_NAMESPACE_FILE, type ClusterAccessEnv } from '../../../src/adapters/kube/kube-config.js';
import { parseRunArgs } from '../../../src/cli/run-cmd.js';

const dir = mkdtempSync(join(tmpdir(), 'bg-kc-'));
const kubeconfig = join(dir, 'kubeconfig');
writeFileSync(
  kubeconfig,
  `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: 'https://127.0.0.1:6443', insecure-skip-tls-verify: true}}]
users: [{name: u, user: {token: t0k3n}}]
contexts: [{name: x, context: {cluster: c, user: u, namespace: team-a}}]
current-context: x
`,
);

function env(vars: Record<string, string>, files: Record<string, string> = {}): ClusterAccessEnv {
  return { env: vars, readFile: (p) => files[p], hostname: () => 'host-1' };
}

test('a kubeconfig file: its context namespace, identity from POD_NAME or the hostname', () => {
  const a = resolveClusterAccess({ kubeconfig }, env({}));
  assert.equal(a.inCluster, false);
  assert.equal(a.namespace, 'team-a');
  assert.equal(a.identity, 'host-1');
  assert.equal(a.kc.getCurrentCluster()?.server, 'https://127.0.0.1:6443');
  const b = resolveClusterAccess({ kubeconfig, namespace: 'agents', identity: 'me' }, env({ POD_NAME: 'pod-7' }));
  assert.equal(b.namespace, 'agents');
  assert.equal(b.identity, 'me');
  assert.equal(resolveClusterAccess({ kubeconfig }, env({ POD_NAME: 'pod-7' })).identity, 'pod-7');
});

test('in a cluster: service-account config and namespace file', () => {
  const a = resolveClusterAccess({}, env({ KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443' }, { [SERVICE_ACCOUNT_NAMESPACE_FILE]: 'agents\n' }));
  assert.equal(a.inCluster, true);
  assert.equal(a.namespace, 'agents');
  // client-node reads the service host from process.env itself; what matters here is the choice of config.
  assert.equal(a.kc.getCurrentUser()?.name, 'inClusterUser');
});

test('run flags: defaults, values, and refusals', () => {
  const d = parseRunArgs([]);
  assert.ok(d.ok && d.value !== 'help');
  assert.deepEqual(d.value, { configMap: 'burstguard' });
  const all = parseRunArgs(['--kubeconfig', '/k', '--namespace', 'agents', '--configmap', 'bg', '--metrics-port', '9090', '--identity', 'r1']);
  assert.ok(all.ok);
  assert.deepEqual(all.value, { kubeconfig: '/k', namespace: 'agents', configMap: 'bg', metricsPort: 9090, identity: 'r1' });
  const ann = parseRunArgs(['--annotate-pods']);
  assert.ok(ann.ok && ann.value !== 'help' && ann.value.annotatePods === true);
  const help = parseRunArgs(['--help']);
  assert.ok(help.ok && help.value === 'help');
  for (const bad of [['--metrics-port', 'x'], ['--metrics-port', '70000'], ['--namespace', 'Bad_NS'], ['--nope'], ['extra'], ['--configmap', ' ']]) {
    assert.equal(parseRunArgs(bad).ok, false, bad.join(' '));
  }
});

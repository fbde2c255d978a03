import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import {
  resolveClusterAccess as resolveResult,
  SERVICE_ACCOUNT_NAMESPACE_FILE,
  SERVICE_ACCOUNT_TOKEN_FILE,
  type ClusterAccess,
  type ClusterAccessEnv,
  type ClusterAccessOptions,
} from '../../../src/adapters/kube/kube-config.js';
import { kubeconfigText } from '../../support/manifests.js';
import { tempDir } from '../../support/temp-dir.js';
import { listenAddressFor, parseRunArgs } from '../../../src/cli/run-cmd.js';

const dir = tempDir({ after }, 'bg-kc-');
const kubeconfig = join(dir, 'kubeconfig');
writeFileSync(kubeconfig, kubeconfigText('https://127.0.0.1:6443', 'team-a'));

/** Files: the given ones, and the real kubeconfig written above. */
function env(vars: Record<string, string>, files: Record<string, string> = {}, home = '/nonexistent-home'): ClusterAccessEnv {
  const all: Record<string, string> = { [kubeconfig]: 'x', ...files };
  return { env: vars, readFile: (p) => all[p], hostname: () => 'host-1', home: () => home };
}

function resolveClusterAccess(o: ClusterAccessOptions, e: ClusterAccessEnv): ClusterAccess {
  const r = resolveResult(o, e);
  assert.ok(r.ok, r.ok ? '' : r.error);
  return r.value;
}

function refusal(o: ClusterAccessOptions, e: ClusterAccessEnv): string {
  const r = resolveResult(o, e);
  assert.equal(r.ok, false);
  return r.ok ? '' : r.error;
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
  const a = resolveClusterAccess({}, env({ KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443' }, { [SERVICE_ACCOUNT_NAMESPACE_FILE]: 'agents\n', [SERVICE_ACCOUNT_TOKEN_FILE]: 'tok' }));
  assert.equal(a.inCluster, true);
  assert.equal(a.namespace, 'agents');
  // client-node reads the service host from process.env itself; what matters here is the choice of config.
  assert.equal(a.kc.getCurrentUser()?.name, 'inClusterUser');
});

test('no kubeconfig and not in a pod: says plainly that no cluster was found, and what was tried', () => {
  const m = refusal({}, env({}));
  assert.match(m, /^no cluster found: not running in a pod \(KUBERNETES_SERVICE_HOST is unset\), no --kubeconfig given, \$KUBECONFIG is unset and \/nonexistent-home\/\.kube\/config does not exist/);
});

test('in a pod without a token: the missing token file is named', () => {
  assert.match(refusal({}, env({ KUBERNETES_SERVICE_HOST: '10.0.0.1' })), /no service-account token at \/var\/run\/secrets/);
});

test('a bad kubeconfig names its file and what is wrong', () => {
  const bad = join(dir, 'broken');
  writeFileSync(bad, 'garbage: [\n');
  assert.match(refusal({ kubeconfig: bad }, env({}, { [bad]: 'x' })), new RegExp(`^kubeconfig ${bad}: not a valid kubeconfig: `));
  assert.equal(refusal({ kubeconfig: '/nope/kc' }, env({})), 'kubeconfig /nope/kc: cannot be read (missing, or not a readable file)');
  assert.match(refusal({}, env({ KUBECONFIG: '/nope/kc' })), /^kubeconfig \/nope\/kc: cannot be read/);
  const noContext = join(dir, 'no-context');
  writeFileSync(noContext, 'apiVersion: v1\nkind: Config\nclusters: []\nusers: []\ncontexts: []\n');
  assert.match(refusal({ kubeconfig: noContext }, env({}, { [noContext]: 'x' })), /no current-context set/);
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

test('--listen-address: an IP literal, else refused by name; unset keeps 0.0.0.0 in a pod and 127.0.0.1 outside', () => {
  for (const addr of ['127.0.0.1', '0.0.0.0', '::1', '::', '10.0.0.5']) {
    const r = parseRunArgs(['--listen-address', addr]);
    assert.ok(r.ok && r.value !== 'help', addr);
    assert.equal(r.value.listenAddress, addr);
    assert.equal(listenAddressFor(r.value, true), addr);
    assert.equal(listenAddressFor(r.value, false), addr);
  }
  for (const bad of ['localhost', '', '127.0.0.1:8080', '256.0.0.1', ' 127.0.0.1']) {
    const r = parseRunArgs(['--listen-address', bad]);
    assert.equal(r.ok, false, bad);
    assert.equal(r.ok ? '' : r.error, `--listen-address: '${bad}' is not an IP address (e.g. 127.0.0.1, 0.0.0.0, ::1)`);
  }
  const d = parseRunArgs([]);
  assert.ok(d.ok && d.value !== 'help');
  assert.equal(d.value.listenAddress, undefined);
  assert.equal(listenAddressFor(d.value, true), '0.0.0.0');
  assert.equal(listenAddressFor(d.value, false), '127.0.0.1');
});

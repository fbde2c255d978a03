// The deploy/ Role must grant exactly what the code calls: every API call listed in api-calls.ts, and
// nothing more (no Secrets, no wildcards, no cluster scope). And the list must be honest: every
// client-node method used anywhere in src/ must be one of CLIENT_METHODS, whose calls are in the list.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { API_CALLS, CLIENT_METHODS } from '../../../src/adapters/kube/api-calls.js';
import { parseConfigYaml } from '../../../src/config/index.js';

const root = new URL('../../../', import.meta.url).pathname;

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

function manifests(file: string): Array<Record<string, unknown>> {
  return parseAllDocuments(readFileSync(join(root, file), 'utf8')).map((d) => d.toJS() as Record<string, unknown>);
}

function grants(rules: Rule[]): Set<string> {
  const out = new Set<string>();
  for (const r of rules) for (const g of r.apiGroups) for (const res of r.resources) for (const v of r.verbs) out.add(`${g}|${res}|${v}`);
  return out;
}

const role = manifests('deploy/manifests/role.yaml').find((m) => m.kind === 'Role');
const rules = (role?.rules ?? []) as Rule[];

test('the Role grants every call the code makes (opt-in calls excepted)', () => {
  const have = grants(rules);
  for (const c of API_CALLS.filter((x) => !x.optIn)) assert.ok(have.has(`${c.group}|${c.resource}|${c.verb}`), `missing ${c.verb} ${c.group}/${c.resource} (${c.why})`);
});

test('the Role grants nothing the code does not call', () => {
  const needed = new Set(API_CALLS.filter((x) => !x.optIn).map((c) => `${c.group}|${c.resource}|${c.verb}`));
  for (const g of grants(rules)) assert.ok(needed.has(g), `granted but never called: ${g}`);
});

test('no Secrets, no wildcards, no cluster scope, names pinned where RBAC allows', () => {
  assert.equal(role?.kind, 'Role');
  for (const r of rules) {
    for (const f of [r.apiGroups, r.resources, r.verbs]) assert.ok(!f.includes('*'), JSON.stringify(r));
    assert.ok(!r.resources.includes('secrets'));
  }
  const cm = rules.find((r) => r.resources.includes('configmaps'));
  assert.deepEqual(cm?.resourceNames, ['burstguard']);
  const leaseNamed = rules.find((r) => r.resources.includes('leases') && r.verbs.includes('update'));
  // The leader-election Lease and the agent-sandbox memory Lease (src/adapters/kube/pool-memory-lease.ts).
  assert.deepEqual(leaseNamed?.resourceNames, ['burstguard', 'burstguard-agent-sandbox']);
  for (const f of ['deploy/manifests/rolebinding.yaml', 'deploy/manifests/role.yaml']) {
    for (const m of manifests(f)) assert.ok(!String(m.kind).startsWith('Cluster'), `${f}: ${String(m.kind)}`);
  }
});

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

test('every client-node call in src/ is accounted for in CLIENT_METHODS and API_CALLS', () => {
  const listed = new Set(API_CALLS.map((c) => `${c.group}|${c.resource}|${c.verb}`));
  for (const [m, calls] of Object.entries(CLIENT_METHODS)) {
    for (const c of calls) assert.ok(listed.has(`${c.group}|${c.resource}|${c.verb}`), `${m} → ${c.verb} ${c.resource} not in API_CALLS`);
  }
  const call = /\b((?:read|list|create|patch|replace|delete|get|deleteCollection)(?:Namespaced)?[A-Z][A-Za-z]*?)(?:WithHttpInfo)?\s*\(|\b(makeInformer)\b|\bnew (Watch|ListWatch)\b|\b(\w+ForAllNamespaces|\w+ClusterCustomObject)\b/g;
  const found = new Map<string, string>();
  for (const file of sources(join(root, 'src'))) {
    const text = readFileSync(file, 'utf8');
    if (!text.includes('@kubernetes/client-node')) continue;
    for (const m of text.matchAll(call)) {
      const name = m[1] ?? m[2] ?? m[3] ?? m[4]!;
      // Only names that look like API methods: the generated clients' verbs + Namespaced, or the informers.
      if (m[1] && !/Namespaced|ForAllNamespaces/.test(name)) continue;
      found.set(name, file.slice(root.length));
    }
  }
  assert.ok(found.size > 0, 'the scan found the adapters');
  for (const [name, file] of found) assert.ok(name in CLIENT_METHODS, `${file} calls ${name}, which is not in CLIENT_METHODS / API_CALLS`);
});

test('the example ConfigMap is a valid configuration', () => {
  const cm = manifests('deploy/manifests/configmap.yaml')[0] as { data: Record<string, string> };
  const r = parseConfigYaml(cm.data['config.yaml']!);
  assert.ok(r.ok, r.ok ? '' : JSON.stringify(r.error));
});

test('the Deployment runs non-root with a read-only root filesystem', () => {
  const d = manifests('deploy/manifests/deployment.yaml')[0] as {
    spec: { template: { spec: { serviceAccountName: string; securityContext: { runAsNonRoot: boolean }; containers: Array<{ securityContext: { readOnlyRootFilesystem: boolean; allowPrivilegeEscalation: boolean } }> } } };
  };
  const pod = d.spec.template.spec;
  assert.equal(pod.serviceAccountName, 'burstguard');
  assert.equal(pod.securityContext.runAsNonRoot, true);
  assert.equal(pod.containers[0]!.securityContext.readOnlyRootFilesystem, true);
  assert.equal(pod.containers[0]!.securityContext.allowPrivilegeEscalation, false);
});

test('the Helm chart Role template names every call of the default Role', () => {
  const text = readFileSync(join(root, 'deploy/helm/burstguard/templates/role.yaml'), 'utf8');
  for (const c of API_CALLS.filter((x) => x.clusterRoleBinding === undefined)) {
    assert.ok(text.includes(`"${c.resource}"`), `chart Role lacks ${c.resource}`);
    assert.ok(text.includes(`"${c.verb}"`), `chart Role lacks verb ${c.verb}`);
  }
  assert.ok(!/secrets|"\*"/.test(text));
});

test('the one cluster-scoped call (TokenReview, for hints) is granted by binding system:auth-delegator, and nothing else is', () => {
  const clusterCalls = API_CALLS.filter((c) => c.clusterRoleBinding !== undefined);
  assert.deepEqual(clusterCalls.map((c) => `${c.group}|${c.resource}|${c.verb}`), ['authentication.k8s.io|tokenreviews|create']);
  assert.ok(clusterCalls.every((c) => c.optIn !== undefined), 'a cluster-scoped grant must be opt-in');
  assert.ok(!rules.some((r) => r.resources.includes('tokenreviews')), 'the namespace Role cannot grant a cluster-scoped API');
  const crb = manifests('deploy/manifests/hints/clusterrolebinding.yaml') as Array<{ kind: string; roleRef: { kind: string; name: string }; subjects: Array<{ kind: string; name: string }> }>;
  assert.equal(crb.length, 1);
  assert.equal(crb[0]!.kind, 'ClusterRoleBinding');
  assert.deepEqual(crb[0]!.roleRef, { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterCalls[0]!.clusterRoleBinding });
  assert.deepEqual(crb[0]!.subjects.map((x) => `${x.kind}/${x.name}`), ['ServiceAccount/burstguard']);
  const chart = readFileSync(join(root, 'deploy/helm/burstguard/templates/clusterrolebinding.yaml'), 'utf8');
  assert.match(chart, /^\{\{- if \.Values\.hints\.enabled \}\}/, 'the chart binds it only with hints on');
  assert.match(chart, /name: system:auth-delegator/);
  // No other Cluster* object anywhere in deploy/: no ClusterRole of our own, no other binding.
  for (const f of readdirSync(join(root, 'deploy/manifests')).filter((n) => n.endsWith('.yaml'))) {
    for (const m of manifests(`deploy/manifests/${f}`)) assert.ok(!String(m.kind).startsWith('Cluster'), `${f}: ${String(m.kind)}`);
  }
  for (const f of readdirSync(join(root, 'deploy/helm/burstguard/templates'))) {
    if (f === 'clusterrolebinding.yaml') continue;
    assert.ok(!/kind:\s*Cluster/.test(readFileSync(join(root, 'deploy/helm/burstguard/templates', f), 'utf8')), f);
  }
});

test('agent-sandbox: the Role grants exactly its calls, both ways, and a warm pool only through its scale subresource', () => {
  const groups = new Set(['agents.x-k8s.io', 'extensions.agents.x-k8s.io', 'autoscaling']);
  const called = new Set(API_CALLS.filter((c) => groups.has(c.group)).map((c) => `${c.group}|${c.resource}|${c.verb}`));
  const granted = new Set([...grants(rules)].filter((g) => groups.has(g.split('|')[0]!)));
  assert.deepEqual([...granted].sort(), [...called].sort());
  assert.deepEqual([...called].sort(), [
    'agents.x-k8s.io|sandboxes|list',
    'agents.x-k8s.io|sandboxes|patch',
    'agents.x-k8s.io|sandboxes|watch',
    'autoscaling|horizontalpodautoscalers|list',
    'extensions.agents.x-k8s.io|sandboxwarmpools/scale|get',
    'extensions.agents.x-k8s.io|sandboxwarmpools/scale|patch',
  ]);
  // Never the pool itself (its template ref, update strategy…), never a Sandbox get/create/delete, never an HPA write.
  for (const g of grants(rules)) {
    assert.ok(!g.startsWith('extensions.agents.x-k8s.io|sandboxwarmpools|'), g);
    assert.ok(!/^agents\.x-k8s\.io\|sandboxes\|(get|create|update|delete)/.test(g), g);
    assert.ok(!/^autoscaling\|.*\|(patch|update|create|delete)$/.test(g), g);
  }
  // The chart grants them only with agentSandbox.enabled.
  const chart = readFileSync(join(root, 'deploy/helm/burstguard/templates/role.yaml'), 'utf8');
  const gated = chart.slice(chart.indexOf('{{- if .Values.agentSandbox.enabled }}'));
  assert.ok(gated.length < chart.length, 'the chart gates the agent-sandbox rules');
  for (const r of ['"sandboxes"', '"sandboxwarmpools/scale"', '"horizontalpodautoscalers"']) {
    assert.ok(gated.includes(r), `${r} in the gated block`);
    assert.equal(chart.indexOf(r), chart.indexOf(r, chart.indexOf('{{- if .Values.agentSandbox.enabled }}')), `${r} only in the gated block`);
  }
});

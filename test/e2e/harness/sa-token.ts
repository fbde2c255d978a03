/**
 * The controller's identity in the tests: a ServiceAccount bound only to the Role shipped in deploy/, and
 * a token for it from the TokenRequest API, written into a kubeconfig that holds nothing else. If the Role
 * misses a verb the controller needs, the scenarios fail with 403 — that is the point.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type * as k8s from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import type { ControlPlane } from './control-plane.js';
import { writeKubeconfigFile, type Clients } from './kube.js';

const repoRoot = new URL('../../../', import.meta.url).pathname;

/**
 * Used only while deploy/ has no plain Role manifest: what the controller is expected to call, nothing more.
 * Once deploy/ ships its Role, the tests use that one instead (see `deployRole`).
 */
const FALLBACK_RULES: k8s.V1PolicyRule[] = [
  { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch', 'patch'] },
  { apiGroups: [''], resources: ['pods/resize'], verbs: ['patch'] },
  { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['', 'events.k8s.io'], resources: ['events'], verbs: ['create', 'patch'] },
  { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] },
  { apiGroups: ['keda.sh'], resources: ['scaledobjects'], verbs: ['get', 'list', 'watch', 'patch'] },
];

interface Manifest {
  readonly kind?: string;
  readonly metadata?: { name?: string };
  readonly rules?: k8s.V1PolicyRule[];
}

function yamlFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    // Helm templates are not YAML until rendered; the deploy check renders them separately.
    if (statSync(p).isDirectory()) return name === 'helm' || name === 'templates' ? [] : yamlFiles(p);
    return /\.ya?ml$/.test(name) ? [p] : [];
  });
}

/** The namespace Role from deploy/ (plain manifests), with the file it came from; undefined if none yet. */
export function deployRole(): { name: string; rules: k8s.V1PolicyRule[]; file: string } | undefined {
  for (const file of yamlFiles(join(repoRoot, 'deploy'))) {
    for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
      const m = doc.toJS() as Manifest | null;
      if (m?.kind === 'Role' && Array.isArray(m.rules)) return { name: m.metadata?.name ?? 'burstguard', rules: m.rules, file };
    }
  }
  return undefined;
}

/** The rules the tests bind: deploy/'s Role, else the fallback above. */
export function controllerRole(): { name: string; rules: k8s.V1PolicyRule[]; source: string } {
  const r = deployRole();
  return r ? { name: r.name, rules: r.rules, source: r.file } : { name: 'burstguard', rules: FALLBACK_RULES, source: 'test/e2e/harness/sa-token.ts (fallback)' };
}

/** Creates ServiceAccount `sa` in `namespace`, bound to the controller Role there. */
export async function createControllerIdentity(c: Clients, namespace: string, sa = 'burstguard'): Promise<{ role: string; source: string }> {
  const role = controllerRole();
  await c.core.createNamespacedServiceAccount({ namespace, body: { metadata: { name: sa } } });
  await c.rbac.createNamespacedRole({ namespace, body: { metadata: { name: role.name }, rules: role.rules } });
  await c.rbac.createNamespacedRoleBinding({
    namespace,
    body: {
      metadata: { name: role.name },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.name },
      subjects: [{ kind: 'ServiceAccount', name: sa, namespace }],
    },
  });
  return { role: role.name, source: role.source };
}

/** A bound token for the ServiceAccount from the TokenRequest API (served by kube-apiserver itself). */
export async function mintToken(c: Clients, namespace: string, sa = 'burstguard', expirationSeconds = 3600): Promise<string> {
  const tr = await c.core.createNamespacedServiceAccountToken({
    name: sa,
    namespace,
    body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { audiences: [], expirationSeconds } },
  });
  const token = tr.status?.token;
  if (token === undefined || token === '') throw new Error('TokenRequest returned no token');
  return token;
}

/** Mints a token and writes a kubeconfig holding only it; returns the token. */
export async function writeServiceAccountKubeconfig(c: Clients, cp: Pick<ControlPlane, 'server' | 'caFile'>, path: string, namespace: string, sa = 'burstguard'): Promise<string> {
  const token = await mintToken(c, namespace, sa);
  writeKubeconfigFile(path, cp, `system:serviceaccount:${namespace}:${sa}`, token, namespace);
  return token;
}

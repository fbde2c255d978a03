/**
 * Kubernetes clients for the tests: the admin identity (static token, system:masters), kubeconfig files
 * for processes, and small helpers the scenarios share (namespaces, status codes of failed calls).
 */
import { writeFileSync } from 'node:fs';
import * as k8s from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { ADMIN_TOKEN, type ControlPlane } from './control-plane.js';

/** A KubeConfig for `token` against the control plane. */
export function tokenKubeConfig(cp: Pick<ControlPlane, 'server' | 'caFile'>, user: string, token: string, namespace = 'default'): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'e2e', server: cp.server, caFile: cp.caFile, skipTLSVerify: false }],
    users: [{ name: user, token }],
    contexts: [{ name: 'e2e', cluster: 'e2e', user, namespace }],
    currentContext: 'e2e',
  });
  return kc;
}

/** The tests' own all-powerful identity. */
export function adminKubeConfig(cp: Pick<ControlPlane, 'server' | 'caFile'>): k8s.KubeConfig {
  return tokenKubeConfig(cp, 'admin', ADMIN_TOKEN);
}

/** Writes a kubeconfig file holding only `token` (what a ServiceAccount's pod would have). */
export function writeKubeconfigFile(path: string, cp: Pick<ControlPlane, 'server' | 'caFile'>, user: string, token: string, namespace: string): void {
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'e2e', cluster: { server: cp.server, 'certificate-authority': cp.caFile } }],
    users: [{ name: user, user: { token } }],
    contexts: [{ name: 'e2e', context: { cluster: 'e2e', user, namespace } }],
    'current-context': 'e2e',
  };
  writeFileSync(path, stringify(doc), { mode: 0o600 });
}

/** The API clients the scenarios use. */
export interface Clients {
  readonly kc: k8s.KubeConfig;
  readonly core: k8s.CoreV1Api;
  readonly rbac: k8s.RbacAuthorizationV1Api;
  readonly coordination: k8s.CoordinationV1Api;
  readonly custom: k8s.CustomObjectsApi;
  readonly ext: k8s.ApiextensionsV1Api;
  readonly objects: k8s.KubernetesObjectApi;
}

export function clients(kc: k8s.KubeConfig): Clients {
  return {
    kc,
    core: kc.makeApiClient(k8s.CoreV1Api),
    rbac: kc.makeApiClient(k8s.RbacAuthorizationV1Api),
    coordination: kc.makeApiClient(k8s.CoordinationV1Api),
    custom: kc.makeApiClient(k8s.CustomObjectsApi),
    ext: kc.makeApiClient(k8s.ApiextensionsV1Api),
    objects: k8s.KubernetesObjectApi.makeApiClient(kc),
  };
}

/** The HTTP status of a failed client call (0 when it never reached the server). */
export function statusOf(e: unknown): number {
  if (e instanceof k8s.ApiException) return e.code;
  const code = (e as { code?: unknown; statusCode?: unknown } | null)?.code ?? (e as { statusCode?: unknown } | null)?.statusCode;
  return typeof code === 'number' ? code : 0;
}

/** Resolves with the status of `call`: 200 when it succeeded, else the error's status. */
export async function callStatus(call: () => Promise<unknown>): Promise<number> {
  try {
    await call();
    return 200;
  } catch (e) {
    return statusOf(e);
  }
}

let seq = 0;
/** Creates a namespace with a unique name starting with `prefix`. */
export async function createNamespace(core: k8s.CoreV1Api, prefix: string): Promise<string> {
  seq += 1;
  const name = `${prefix}-${process.pid}-${seq}`.slice(0, 63);
  await core.createNamespace({ body: { metadata: { name } } });
  return name;
}

/** Options that set the Content-Type of a PATCH (client-node defaults to JSON Patch). */
export const mergePatch = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);
export const strategicPatch = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch);

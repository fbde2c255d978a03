/**
 * KEDA's own ScaledObject CRD, fetched from the github.com/kedacore/keda/v2 Go module by
 * tools/fetch-keda-crd.sh and installed into the test API server, so ScaledObject patches meet the
 * real schema (including its CEL rule minReplicaCount <= maxReplicaCount).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as k8s from '@kubernetes/client-node';
import type { Clients } from './kube.js';
import { waitFor } from './proc.js';

const repoRoot = new URL('../../../', import.meta.url).pathname;

export const KEDA = { group: 'keda.sh', version: 'v1alpha1', plural: 'scaledobjects' } as const;

/** Path of the cached CRD file (fetching it on first use). */
export function kedaCrdFile(): string {
  const out = execFileSync('bash', [`${repoRoot}tools/fetch-keda-crd.sh`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return out.trim().split('\n').pop() ?? '';
}

/** One file of the pinned KEDA module (tools/fetch-keda-file.sh), cached under `kind`. */
export function kedaModuleFile(rel: string, kind: string): string {
  const out = execFileSync('bash', [`${repoRoot}tools/fetch-keda-file.sh`, rel, kind], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return out.trim().split('\n').pop() ?? '';
}

/** Every CRD KEDA's operator watches (it will not start without them), from the same module version. */
export const KEDA_OPERATOR_CRDS = [
  'keda.sh_scaledobjects.yaml', 'keda.sh_scaledjobs.yaml', 'keda.sh_triggerauthentications.yaml',
  'keda.sh_clustertriggerauthentications.yaml', 'eventing.keda.sh_cloudeventsources.yaml', 'eventing.keda.sh_clustercloudeventsources.yaml',
] as const;

/** Installs the ScaledObject CRD (idempotent) and waits until it is Established. */
export async function installKedaCrd(c: Clients, file = kedaCrdFile()): Promise<void> {
  // loadYaml maps the YAML keys onto the client's models; a plain object would lose every
  // `x-kubernetes-*` key when the client serialises it (and the API server would reject the schema).
  const crd = k8s.loadYaml<k8s.V1CustomResourceDefinition>(readFileSync(file, 'utf8'));
  const name = crd.metadata?.name ?? file;
  try {
    await c.ext.createCustomResourceDefinition({ body: crd });
  } catch (e) {
    if ((e as { code?: number }).code !== 409) throw e;
  }
  await waitFor(`CRD ${name} Established`, async () => {
    const got = await c.ext.readCustomResourceDefinition({ name });
    return got.status?.conditions?.some((x) => x.type === 'Established' && x.status === 'True') ? true : undefined;
  }, 30_000);
}

/** Installs all of KEDA_OPERATOR_CRDS. */
export async function installKedaOperatorCrds(c: Clients): Promise<void> {
  for (const f of KEDA_OPERATOR_CRDS) await installKedaCrd(c, kedaModuleFile(`config/crd/bases/${f}`, 'crds'));
}

/** A ScaledObject for a Deployment (which need not exist: no KEDA operator runs). */
export function scaledObject(name: string, minReplicaCount: number, maxReplicaCount: number): object {
  return {
    apiVersion: `${KEDA.group}/${KEDA.version}`,
    kind: 'ScaledObject',
    metadata: { name },
    spec: {
      scaleTargetRef: { name: `${name}-workers` },
      minReplicaCount,
      maxReplicaCount,
      triggers: [{ type: 'prometheus', metadata: { serverAddress: 'http://prometheus:9090', query: 'sum(agent_queue_depth)', threshold: '5' } }],
    },
  };
}

/**
 * kubernetes-sigs/agent-sandbox's own CRDs, fetched from the pinned sigs.k8s.io/agent-sandbox Go module
 * by tools/fetch-agent-sandbox-crds.sh and installed into the test API server, so Sandbox patches and
 * the SandboxWarmPool scale subresource meet the real schemas. No agent-sandbox controller runs: the
 * tests create the Sandboxes, pools and pods themselves.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import type { Clients } from './kube.js';
import { waitFor } from './proc.js';

const repoRoot = new URL('../../../', import.meta.url).pathname;

export const SANDBOX = { group: 'agents.x-k8s.io', version: 'v1beta1', plural: 'sandboxes' } as const;
export const WARM_POOL = { group: 'extensions.agents.x-k8s.io', version: 'v1beta1', plural: 'sandboxwarmpools' } as const;

/** The folder of cached CRD files (fetching them on first use). */
export function agentSandboxCrdDir(): string {
  const out = execFileSync('bash', [`${repoRoot}tools/fetch-agent-sandbox-crds.sh`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return out.trim().split('\n').pop() ?? '';
}

/** Installs the Sandbox and SandboxWarmPool CRDs (idempotent) and waits until both are Established. */
export async function installAgentSandboxCrds(c: Clients): Promise<void> {
  const dir = agentSandboxCrdDir();
  const names: string[] = [];
  for (const f of ['agents.x-k8s.io_sandboxes.yaml', 'extensions.agents.x-k8s.io_sandboxwarmpools.yaml']) {
    // loadYaml keeps the `x-kubernetes-*` keys a plain object would lose (see crd.ts).
    const crd = k8s.loadYaml<k8s.V1CustomResourceDefinition>(readFileSync(join(dir, f), 'utf8'));
    names.push(crd.metadata?.name ?? f);
    try {
      await c.ext.createCustomResourceDefinition({ body: crd });
    } catch (e) {
      if ((e as { code?: number }).code !== 409) throw e;
    }
  }
  for (const name of names) {
    await waitFor(`CRD ${name} Established`, async () => {
      const got = await c.ext.readCustomResourceDefinition({ name });
      return got.status?.conditions?.some((x) => x.type === 'Established' && x.status === 'True') ? true : undefined;
    }, 30_000);
  }
}

/** A SandboxWarmPool (its SandboxTemplate need not exist: no controller reads it here). */
export function warmPool(name: string, replicas: number): object {
  return {
    apiVersion: `${WARM_POOL.group}/${WARM_POOL.version}`,
    kind: 'SandboxWarmPool',
    metadata: { name },
    spec: { replicas, sandboxTemplateRef: { name: 'python-template' } },
  };
}

/** A Sandbox whose pod template has a sidecar before the agent container (the write-back must find the right one). */
export function sandbox(name: string, agentResources: k8s.V1ResourceRequirements): object {
  return {
    apiVersion: `${SANDBOX.group}/${SANDBOX.version}`,
    kind: 'Sandbox',
    metadata: { name },
    spec: {
      podTemplate: {
        spec: {
          containers: [
            { name: 'sidecar', image: 'registry.invalid/sidecar:e2e', resources: { requests: { cpu: '10m', memory: '16Mi' } } },
            { name: 'agent', image: 'registry.invalid/agent:e2e', resources: agentResources },
          ],
        },
      },
    },
  };
}

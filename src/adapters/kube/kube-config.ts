import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { KubeConfig } from '@kubernetes/client-node';

/** Where an in-cluster pod finds its own namespace. */
export const SERVICE_ACCOUNT_NAMESPACE_FILE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

export interface ClusterAccessOptions {
  readonly kubeconfig?: string;
  readonly namespace?: string;
  readonly identity?: string;
}

/** What the process environment offers; injected so tests need no cluster and no files. */
export interface ClusterAccessEnv {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly readFile: (path: string) => string | undefined;
  readonly hostname: () => string;
}

export const processEnv: ClusterAccessEnv = {
  env: process.env,
  readFile: (p) => {
    try {
      return readFileSync(p, 'utf8');
    } catch {
      return undefined;
    }
  },
  hostname,
};

export interface ClusterAccess {
  readonly kc: KubeConfig;
  readonly inCluster: boolean;
  readonly namespace: string;
  /** The Lease holder identity and Events' reportingInstance: the pod name in a cluster. */
  readonly identity: string;
}

/**
 * Resolves how to reach the API server and where to work:
 * kubeconfig: `--kubeconfig`, else in-cluster (service-account token) inside a pod, else $KUBECONFIG/~/.kube/config;
 * namespace: `--namespace`, else the service-account namespace file, else $POD_NAMESPACE, else the context's, else `default`;
 * identity: `--identity`, else $POD_NAME, else hostname.
 */
export function resolveClusterAccess(o: ClusterAccessOptions, e: ClusterAccessEnv = processEnv): ClusterAccess {
  const kc = new KubeConfig();
  const inCluster = o.kubeconfig === undefined && e.env.KUBERNETES_SERVICE_HOST !== undefined;
  if (o.kubeconfig !== undefined) kc.loadFromFile(o.kubeconfig);
  else if (inCluster) kc.loadFromCluster();
  else kc.loadFromDefault();
  const contextNs = kc.getContextObject(kc.getCurrentContext())?.namespace;
  const namespace =
    o.namespace ?? (inCluster ? e.readFile(SERVICE_ACCOUNT_NAMESPACE_FILE)?.trim() : undefined) ?? e.env.POD_NAMESPACE ?? contextNs ?? 'default';
  const identity = o.identity ?? e.env.POD_NAME ?? e.hostname();
  return { kc, inCluster, namespace, identity };
}

import { readFileSync } from 'node:fs';
import { homedir, hostname } from 'node:os';
import { delimiter, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { err, ok, type Result } from '../../core/result.js';

/** Where an in-cluster pod finds its own namespace. */
export const SERVICE_ACCOUNT_NAMESPACE_FILE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';
/** The token an in-cluster pod authenticates with. */
export const SERVICE_ACCOUNT_TOKEN_FILE = '/var/run/secrets/kubernetes.io/serviceaccount/token';

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
  /** The user's home, where ~/.kube/config lives. */
  readonly home?: () => string;
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
  home: homedir,
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
 * The error says plainly what was tried (no cluster found) or which file is bad and why.
 */
export function resolveClusterAccess(o: ClusterAccessOptions, e: ClusterAccessEnv = processEnv): Result<ClusterAccess, string> {
  const kc = new KubeConfig();
  const inCluster = o.kubeconfig === undefined && e.env.KUBERNETES_SERVICE_HOST !== undefined;
  if (inCluster) {
    if (e.readFile(SERVICE_ACCOUNT_TOKEN_FILE) === undefined) {
      return err(`in a pod (KUBERNETES_SERVICE_HOST is set) but no service-account token at ${SERVICE_ACCOUNT_TOKEN_FILE}: is automountServiceAccountToken off?`);
    }
    kc.loadFromCluster();
  } else {
    const files = o.kubeconfig !== undefined ? [o.kubeconfig] : defaultKubeconfigFiles(e);
    if (files.length === 0) {
      return err(
        'no cluster found: not running in a pod (KUBERNETES_SERVICE_HOST is unset), no --kubeconfig given, ' +
          `$KUBECONFIG is unset and ${join(e.home?.() ?? homedir(), '.kube', 'config')} does not exist. ` +
          'Point --kubeconfig at a cluster\'s kubeconfig, or run `burstguard bench` to try it without one.',
      );
    }
    const loaded = loadKubeconfigs(kc, files, e);
    if (!loaded.ok) return loaded;
  }
  const contextNs = kc.getContextObject(kc.getCurrentContext())?.namespace;
  const namespace =
    o.namespace ?? (inCluster ? e.readFile(SERVICE_ACCOUNT_NAMESPACE_FILE)?.trim() : undefined) ?? e.env.POD_NAMESPACE ?? contextNs ?? 'default';
  const identity = o.identity ?? e.env.POD_NAME ?? e.hostname();
  return ok({ kc, inCluster, namespace, identity });
}

/** $KUBECONFIG's files (as kubectl: a path list), else ~/.kube/config if it exists; [] when neither. */
function defaultKubeconfigFiles(e: ClusterAccessEnv): string[] {
  const list = (e.env.KUBECONFIG ?? '').split(delimiter).filter((f) => f !== '');
  if (list.length > 0) return list;
  const home = join(e.home?.() ?? homedir(), '.kube', 'config');
  return e.readFile(home) !== undefined ? [home] : [];
}

/** Loads and merges kubeconfig files; an error names the file and what is wrong with it. */
function loadKubeconfigs(kc: KubeConfig, files: readonly string[], e: ClusterAccessEnv): Result<void, string> {
  for (const [i, file] of files.entries()) {
    if (e.readFile(file) === undefined) return err(`kubeconfig ${file}: cannot be read (missing, or not a readable file)`);
    const one = i === 0 ? kc : new KubeConfig();
    try {
      one.loadFromFile(file);
    } catch (x) {
      return err(`kubeconfig ${file}: not a valid kubeconfig: ${(x instanceof Error ? x.message : String(x)).split('\n', 1)[0] ?? ''}`);
    }
    if (one !== kc) kc.mergeConfig(one);
  }
  const context = kc.getCurrentContext();
  if (context === '' || context === undefined) return err(`kubeconfig ${files.join(delimiter)}: no current-context set (kubectl config use-context NAME)`);
  if (kc.getCurrentCluster() === null) return err(`kubeconfig ${files.join(delimiter)}: current-context '${context}' names no cluster in the file`);
  return ok(undefined);
}

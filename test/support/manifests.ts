// Small manifests the tests write to files: a kubeconfig, a ConfigMap holding config.yaml.
/** A one-cluster kubeconfig with a token user, as tests write it to a file. */
export function kubeconfigText(server: string, namespace: string, token = 't0k3n'): string {
  return `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: '${server}', insecure-skip-tls-verify: true}}]
users: [{name: u, user: {token: ${token}}}]
contexts: [{name: x, context: {cluster: c, user: u, namespace: ${namespace}}}]
current-context: x
`;
}

/** A ConfigMap manifest named burstguard whose config.yaml is `body` (indented into the block). */
export function configMapManifest(body: string): string {
  const indented = body.split('\n').map((l) => (l === '' ? l : `    ${l}`)).join('\n');
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: burstguard\ndata:\n  config.yaml: |\n${indented}`;
}

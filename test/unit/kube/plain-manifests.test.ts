// The plain manifests (deploy/manifests/) are a complete install on their own: the Service that the hint
// docs and Prometheus address selects the Deployment's pods and reaches its named HTTP port.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

const read = (p: string): string => readFileSync(new URL(`../../../${p}`, import.meta.url), 'utf8');

interface Deployment {
  metadata: { name: string; namespace: string };
  spec: { template: { metadata: { labels: Record<string, string> }; spec: { containers: Array<{ args: string[]; ports: Array<{ name: string; containerPort: number }> }> } } };
}
interface Service {
  metadata: { name: string; namespace: string };
  spec: { selector: Record<string, string>; ports: Array<{ name: string; port: number; targetPort: string }> };
}

const dep = parse(read('deploy/manifests/deployment.yaml')) as Deployment;
const svc = parse(read('deploy/manifests/service.yaml')) as Service;

test('the Service selects the Deployment pods and targets their named HTTP port', () => {
  assert.equal(svc.metadata.namespace, dep.metadata.namespace);
  const labels = dep.spec.template.metadata.labels;
  for (const [k, v] of Object.entries(svc.spec.selector)) assert.equal(labels[k], v, `selector ${k}`);
  const container = dep.spec.template.spec.containers[0];
  const http = container?.ports.find((p) => p.name === 'http');
  assert.ok(http, 'the container names its port http');
  const port = svc.spec.ports.find((p) => p.name === 'http');
  assert.equal(port?.targetPort, 'http');
  assert.equal(port?.port, http.containerPort);
  assert.ok(container?.args.join(' ').includes(`--metrics-port ${http.containerPort}`));
});

test('the hints doc addresses this Service by name, namespace and port', () => {
  const url = `http://${svc.metadata.name}.${svc.metadata.namespace}.svc:${svc.spec.ports[0]?.port}`;
  assert.ok(read('docs/hints.md').includes(url), `docs/hints.md names ${url}`);
});

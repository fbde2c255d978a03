import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { V1Pod } from '@kubernetes/client-node';
import { stripManagedFields, transformingCallback, transformList } from '../../../src/adapters/kube/cache-transform.js';
import { podToView } from '../../../src/adapters/kube/pod-to-view.js';

const pod = (): V1Pod => ({
  metadata: {
    name: 'agent-1',
    namespace: 'agents',
    resourceVersion: '7',
    labels: { 'burstguard.io/agent-class': 'coder' },
    managedFields: [{ manager: 'kubelet', operation: 'Update', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:status': {} } }],
  },
  spec: { nodeName: 'n1', containers: [{ name: 'agent', image: 'a:1', resources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '1', memory: '1Gi' } } }] },
  status: { phase: 'Running', qosClass: 'Burstable' },
});

test('the pod cache drops managedFields and nothing the view reads', () => {
  const opts = { agentClassLabel: 'burstguard.io/agent-class', defaultAgentClass: 'default' };
  const stripped = stripManagedFields(pod());
  assert.equal(stripped.metadata?.managedFields, undefined);
  assert.equal(stripped.metadata?.resourceVersion, '7');
  assert.deepEqual(podToView(stripped, opts), podToView(pod(), opts));
  const list = transformList({ apiVersion: 'v1', kind: 'PodList', metadata: {}, items: [pod(), pod()] }, stripManagedFields);
  assert.ok(list.items.every((p) => p.metadata?.managedFields === undefined));
});

test('watch events: added, modified and deleted objects are transformed; errors and bookmarks pass as they are', () => {
  const seen: Array<[string, unknown]> = [];
  const cb = transformingCallback<V1Pod>((phase, obj) => seen.push([phase, obj]), stripManagedFields);
  for (const phase of ['ADDED', 'MODIFIED', 'DELETED']) cb(phase, pod());
  const status = { kind: 'Status', code: 410, metadata: { managedFields: 'kept' } };
  const bookmark = { kind: 'Pod', metadata: { resourceVersion: '9', managedFields: 'kept' } };
  cb('ERROR', status);
  cb('BOOKMARK', bookmark);
  assert.deepEqual(
    seen.slice(0, 3).map(([phase, o]) => [phase, (o as V1Pod).metadata?.managedFields]),
    [['ADDED', undefined], ['MODIFIED', undefined], ['DELETED', undefined]],
  );
  assert.equal(seen[3]?.[1], status);
  assert.equal(seen[4]?.[1], bookmark);
});

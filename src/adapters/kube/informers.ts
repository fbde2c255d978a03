import { CoreV1Api, CustomObjectsApi, ListWatch, makeInformer, Watch, type KubeConfig, type KubernetesListObject, type V1ConfigMap, type V1Node, type V1Pod } from '@kubernetes/client-node';
import type { Logger } from '../../engine/ports.js';
import { SANDBOX, type Sandbox } from './agent-sandbox.js';
import { KEDA, type ScaledObject } from './scaled-object-view.js';
import { stripManagedFields, transformList, TransformingWatch } from './cache-transform.js';
import { SyncedCache } from './synced-cache.js';

/**
 * The agent pods of one namespace matching the ConfigMap's selector, listed once and then kept current
 * by a watch (pods list + watch). A selector change means a new cache: the caller rebuilds it.
 */
export function podCache(kc: KubeConfig, namespace: string, labelSelector: string, log: Logger): SyncedCache<V1Pod> {
  const core = kc.makeApiClient(CoreV1Api);
  // Pods are cached without their managedFields (cache-transform.ts): at 10,000 pods they are tens of MB.
  const informer = new ListWatch<V1Pod>(
    `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`,
    new TransformingWatch<V1Pod>(kc, stripManagedFields),
    async () => transformList(await core.listNamespacedPod({ namespace, labelSelector }), stripManagedFields),
    false,
    labelSelector,
  );
  return new SyncedCache(informer, { name: 'pods', log });
}

/**
 * Every Node of the cluster (nodes list + watch, cluster-scoped: the read-only ClusterRole of
 * deploy/manifests/node-read/), for their allocatable. Quiet failures: NodeAllocatables reports a
 * missing permission once; a 403 is retried at most every 5 minutes, so binding the role later is seen.
 */
export function nodeCache(kc: KubeConfig, log: Logger): SyncedCache<V1Node> {
  const core = kc.makeApiClient(CoreV1Api);
  const informer = new ListWatch<V1Node>('/api/v1/nodes', new TransformingWatch<V1Node>(kc, stripManagedFields), async () => transformList(await core.listNode(), stripManagedFields), false);
  return new SyncedCache(informer, { name: 'nodes', log, quietFailures: true, backoffMs: { initial: 1000, max: 300_000 } });
}

/** KEDA ScaledObjects of the namespace (scaledobjects list + watch through the custom-objects API). */
export function scaledObjectCache(kc: KubeConfig, namespace: string, log: Logger): SyncedCache<ScaledObject & { metadata: object }> {
  return customObjectCache<ScaledObject>(kc, KEDA, namespace, log);
}

/** agent-sandbox Sandboxes of the namespace (sandboxes list + watch): their pod templates, for write-back. */
export function sandboxCache(kc: KubeConfig, namespace: string, log: Logger): SyncedCache<Sandbox & { metadata: object }> {
  return customObjectCache<Sandbox>(kc, SANDBOX, namespace, log);
}

/** One namespaced custom resource, listed and watched at the same coordinates; the cache is named by its plural. */
function customObjectCache<T>(kc: KubeConfig, crd: { group: string; version: string; plural: string }, namespace: string, log: Logger): SyncedCache<T & { metadata: object }> {
  const custom = kc.makeApiClient(CustomObjectsApi);
  const { group, version, plural } = crd;
  const path = `/apis/${group}/${version}/namespaces/${encodeURIComponent(namespace)}/${plural}`;
  const list = async (): Promise<KubernetesListObject<T & { metadata: object }>> =>
    (await custom.listNamespacedCustomObject({ group, version, plural, namespace })) as KubernetesListObject<T & { metadata: object }>;
  return new SyncedCache(makeInformer(kc, path, list), { name: plural, log });
}

/**
 * The one burstguard ConfigMap, listed and watched by a `metadata.name` field selector so that the
 * Role can pin the ConfigMap by resourceNames. `onChange` gets the object on add and update, and
 * undefined on delete.
 */
export function configMapWatch(
  kc: KubeConfig,
  namespace: string,
  name: string,
  log: Logger,
  onChange: (cm: V1ConfigMap | undefined) => void,
): SyncedCache<V1ConfigMap> {
  const core = kc.makeApiClient(CoreV1Api);
  const fieldSelector = `metadata.name=${name}`;
  const informer = new ListWatch<V1ConfigMap>(
    `/api/v1/namespaces/${encodeURIComponent(namespace)}/configmaps`,
    new Watch(kc),
    () => core.listNamespacedConfigMap({ namespace, fieldSelector }),
    false,
    undefined,
    fieldSelector,
  );
  informer.on('add', (cm) => onChange(cm));
  informer.on('update', (cm) => onChange(cm));
  informer.on('delete', () => onChange(undefined));
  return new SyncedCache(informer, { name: 'configmap', log });
}

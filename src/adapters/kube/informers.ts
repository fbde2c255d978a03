import { CoreV1Api, CustomObjectsApi, ListWatch, makeInformer, Watch, type KubeConfig, type KubernetesListObject, type V1ConfigMap, type V1Pod } from '@kubernetes/client-node';
import type { Logger } from '../../engine/ports.js';
import { SANDBOX, type Sandbox } from './agent-sandbox.js';
import { KEDA, type ScaledObject } from './scaled-object-view.js';
import { SyncedCache } from './synced-cache.js';

/**
 * The agent pods of one namespace matching the ConfigMap's selector, listed once and then kept current
 * by a watch (pods list + watch). A selector change means a new cache: the caller rebuilds it.
 */
export function podCache(kc: KubeConfig, namespace: string, labelSelector: string, log: Logger): SyncedCache<V1Pod> {
  const core = kc.makeApiClient(CoreV1Api);
  const informer = makeInformer<V1Pod>(kc, `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`, () => core.listNamespacedPod({ namespace, labelSelector }), labelSelector);
  return new SyncedCache(informer, { name: 'pods', log });
}

/** KEDA ScaledObjects of the namespace (scaledobjects list + watch through the custom-objects API). */
export function scaledObjectCache(kc: KubeConfig, namespace: string, log: Logger): SyncedCache<ScaledObject & { metadata: object }> {
  const custom = kc.makeApiClient(CustomObjectsApi);
  const path = `/apis/${KEDA.group}/${KEDA.version}/namespaces/${encodeURIComponent(namespace)}/${KEDA.plural}`;
  const list = async (): Promise<KubernetesListObject<ScaledObject & { metadata: object }>> =>
    (await custom.listNamespacedCustomObject({ group: KEDA.group, version: KEDA.version, plural: KEDA.plural, namespace })) as KubernetesListObject<
      ScaledObject & { metadata: object }
    >;
  return new SyncedCache(makeInformer(kc, path, list), { name: 'scaledobjects', log });
}

/** agent-sandbox Sandboxes of the namespace (sandboxes list + watch): their pod templates, for write-back. */
export function sandboxCache(kc: KubeConfig, namespace: string, log: Logger): SyncedCache<Sandbox & { metadata: object }> {
  const custom = kc.makeApiClient(CustomObjectsApi);
  const coords = { group: SANDBOX.group, version: SANDBOX.version, plural: SANDBOX.plural };
  const path = `/apis/${SANDBOX.group}/${SANDBOX.version}/namespaces/${encodeURIComponent(namespace)}/${SANDBOX.plural}`;
  const list = async (): Promise<KubernetesListObject<Sandbox & { metadata: object }>> =>
    (await custom.listNamespacedCustomObject({ ...coords, namespace })) as KubernetesListObject<Sandbox & { metadata: object }>;
  return new SyncedCache(makeInformer(kc, path, list), { name: 'sandboxes', log });
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

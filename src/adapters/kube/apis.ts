import {
  CoreV1Api,
  CustomObjectsApi,
  PatchStrategy,
  setHeaderOptions,
  EventsV1Api,
  type EventsV1Event,
  type EventsV1EventSeries,
  type KubeConfig,
  type V1Pod,
} from '@kubernetes/client-node';
import { KEDA, type ScaledObject } from './scaled-object-view.js';

/**
 * The narrow slices of the Kubernetes API the adapters call. Each method is one entry of API_CALLS
 * (api-calls.ts), which the RBAC test holds the deploy/ Role to. Production wraps client-node; unit
 * tests pass in-memory fakes that throw `{ code, body }` like client-node's ApiException.
 */
export interface PodApi {
  /** GET pods/{name}. */
  read(namespace: string, name: string): Promise<V1Pod>;
  /** PATCH pods/{name}/resize, strategic merge. */
  patchResize(namespace: string, name: string, body: object): Promise<V1Pod>;
  /** PATCH pods/{name}, merge patch (dry-run recommendation annotations only). */
  patchMetadata(namespace: string, name: string, body: object): Promise<V1Pod>;
}

export interface ScaledObjectApi {
  /** GET scaledobjects/{name}. */
  read(namespace: string, name: string): Promise<ScaledObject>;
  /** PATCH scaledobjects/{name}, JSON merge patch (custom resources reject strategic merge). */
  patch(namespace: string, name: string, body: object): Promise<ScaledObject>;
}

export interface EventApi {
  /** POST events (events.k8s.io/v1). */
  create(namespace: string, event: EventsV1Event): Promise<unknown>;
  /** PATCH events/{name} (events.k8s.io/v1, merge patch): the series is the only field an update may change. */
  patchSeries(namespace: string, name: string, series: EventsV1EventSeries): Promise<unknown>;
}

/** The real thing, over a KubeConfig. */
export function kubePodApi(kc: KubeConfig): PodApi {
  const core = kc.makeApiClient(CoreV1Api);
  return {
    read: (namespace, name) => core.readNamespacedPod({ namespace, name }),
    patchResize: (namespace, name, body) =>
      core.patchNamespacedPodResize({ namespace, name, body, fieldManager: 'burstguard' }, setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch)),
    patchMetadata: (namespace, name, body) =>
      core.patchNamespacedPod({ namespace, name, body, fieldManager: 'burstguard' }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch)),
  };
}

export function kubeScaledObjectApi(kc: KubeConfig): ScaledObjectApi {
  const custom = kc.makeApiClient(CustomObjectsApi);
  const coords = { group: KEDA.group, version: KEDA.version, plural: KEDA.plural };
  return {
    read: async (namespace, name) => (await custom.getNamespacedCustomObject({ ...coords, namespace, name })) as ScaledObject,
    patch: async (namespace, name, body) =>
      (await custom.patchNamespacedCustomObject(
        { ...coords, namespace, name, body, fieldManager: 'burstguard' },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      )) as ScaledObject,
  };
}

export function kubeEventApi(kc: KubeConfig): EventApi {
  const events = kc.makeApiClient(EventsV1Api);
  return {
    create: (namespace, body) => events.createNamespacedEvent({ namespace, body }),
    patchSeries: (namespace, name, series) =>
      events.patchNamespacedEvent({ namespace, name, body: { series } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch)),
  };
}

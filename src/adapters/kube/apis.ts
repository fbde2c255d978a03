import {
  AutoscalingV2Api,
  CoreV1Api,
  CustomObjectsApi,
  PatchStrategy,
  setHeaderOptions,
  type CoreV1Event,
  type KubeConfig,
  type V1Pod,
} from '@kubernetes/client-node';
import { SANDBOX, WARM_POOL, type Sandbox, type Scale } from './agent-sandbox.js';
import { KEDA, type ScaledObject } from './scaled-object-view.js';
import type { HpaView } from './warm-pool-plan.js';

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

/** A SandboxWarmPool's scale subresource (extensions.agents.x-k8s.io sandboxwarmpools/scale). */
export interface WarmPoolScaleApi {
  /** GET sandboxwarmpools/{name}/scale. */
  read(namespace: string, name: string): Promise<Scale>;
  /** PATCH sandboxwarmpools/{name}/scale, JSON merge patch of spec.replicas. */
  patch(namespace: string, name: string, body: object): Promise<Scale>;
}

export interface SandboxApi {
  /** PATCH sandboxes/{name}, JSON patch (spec.podTemplate container resources). */
  patchJson(namespace: string, name: string, ops: object[]): Promise<Sandbox>;
}

export interface HpaApi {
  /** LIST horizontalpodautoscalers (autoscaling/v2) of the namespace, reduced to their scale targets. */
  list(namespace: string): Promise<HpaView[]>;
}

export interface EventApi {
  /** POST events (core/v1). */
  create(namespace: string, event: CoreV1Event): Promise<unknown>;
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
  const core = kc.makeApiClient(CoreV1Api);
  return { create: (namespace, body) => core.createNamespacedEvent({ namespace, body }) };
}

export function kubeWarmPoolScaleApi(kc: KubeConfig): WarmPoolScaleApi {
  const custom = kc.makeApiClient(CustomObjectsApi);
  const coords = { group: WARM_POOL.group, version: WARM_POOL.version, plural: WARM_POOL.plural };
  return {
    read: async (namespace, name) => (await custom.getNamespacedCustomObjectScale({ ...coords, namespace, name })) as Scale,
    patch: async (namespace, name, body) =>
      (await custom.patchNamespacedCustomObjectScale(
        { ...coords, namespace, name, body, fieldManager: 'burstguard' },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      )) as Scale,
  };
}

export function kubeSandboxApi(kc: KubeConfig): SandboxApi {
  const custom = kc.makeApiClient(CustomObjectsApi);
  const coords = { group: SANDBOX.group, version: SANDBOX.version, plural: SANDBOX.plural };
  return {
    patchJson: async (namespace, name, ops) =>
      (await custom.patchNamespacedCustomObject(
        { ...coords, namespace, name, body: ops, fieldManager: 'burstguard' },
        setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
      )) as Sandbox,
  };
}

export function kubeHpaApi(kc: KubeConfig): HpaApi {
  const autoscaling = kc.makeApiClient(AutoscalingV2Api);
  return {
    list: async (namespace) =>
      (await autoscaling.listNamespacedHorizontalPodAutoscaler({ namespace })).items.map((h) => ({
        name: h.metadata?.name ?? '',
        target: { apiVersion: h.spec?.scaleTargetRef.apiVersion, kind: h.spec?.scaleTargetRef.kind ?? '', name: h.spec?.scaleTargetRef.name ?? '' },
      })),
  };
}

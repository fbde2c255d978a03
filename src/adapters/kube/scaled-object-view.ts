import { err, ok, type Result } from '../../core/result.js';
import type { ScaledObjectView } from '../../core/types.js';

/** KEDA's ScaledObject coordinates (keda.sh/v1alpha1, namespaced). */
export const KEDA = { group: 'keda.sh', version: 'v1alpha1', plural: 'scaledobjects', kind: 'ScaledObject' } as const;

/** Where burstguard remembers the minReplicaCount it found before pre-scaling. */
export const ORIGINAL_MIN_ANNOTATION = 'burstguard.io/original-min-replicas';
/** Where it remembers the trigger metadata it found before pre-scaling (JSON: trigger index → metadata). */
export const ORIGINAL_TRIGGERS_ANNOTATION = 'burstguard.io/original-trigger-metadata';

/** KEDA's defaults when the fields are absent (scaledobject_types.go). */
export const KEDA_DEFAULT_MIN = 0;
export const KEDA_DEFAULT_MAX = 100;

/** The fields of a ScaledObject burstguard reads and writes; the rest passes through untouched. */
export interface ScaledObject {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata?: {
    readonly name?: string;
    readonly namespace?: string;
    readonly uid?: string;
    readonly resourceVersion?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
  };
  readonly spec?: {
    readonly minReplicaCount?: number;
    readonly maxReplicaCount?: number;
    readonly triggers?: ReadonlyArray<{ readonly type?: string; readonly name?: string; readonly metadata?: Readonly<Record<string, string>> }>;
  };
}

/** Pure: a ScaledObject (raw JSON from the custom-objects API) → the engine's view of it. */
export function scaledObjectToView(so: ScaledObject, agentClassLabel: string, defaultAgentClass: string): Result<ScaledObjectView, string> {
  const name = so.metadata?.name;
  const namespace = so.metadata?.namespace;
  if (!name || !namespace) return err('ScaledObject without name or namespace');
  const minReplicas = so.spec?.minReplicaCount ?? KEDA_DEFAULT_MIN;
  const maxReplicas = so.spec?.maxReplicaCount ?? KEDA_DEFAULT_MAX;
  if (!Number.isInteger(minReplicas) || !Number.isInteger(maxReplicas)) return err('minReplicaCount/maxReplicaCount are not integers');
  return ok({
    ref: { namespace, name },
    agentClass: so.metadata?.labels?.[agentClassLabel] ?? defaultAgentClass,
    minReplicas,
    maxReplicas,
    originalMinReplicas: originalMinOf(so) ?? minReplicas,
  });
}

/** The remembered original minReplicaCount, when burstguard has pre-scaled this object. */
export function originalMinOf(so: ScaledObject): number | undefined {
  const raw = so.metadata?.annotations?.[ORIGINAL_MIN_ANNOTATION];
  if (raw === undefined || !/^\d+$/.test(raw)) return undefined;
  return Number(raw);
}

import { Watch, type KubeConfig, type KubernetesListObject, type KubernetesObject } from '@kubernetes/client-node';

/** Changes an object as it enters an informer's cache (client-go's SharedIndexInformer.SetTransform). */
export type CacheTransform<T> = (obj: T) => T;

/**
 * Drops `metadata.managedFields` (server-side apply's bookkeeping of who set which field): nothing in
 * the controller reads it, and it is often the larger part of a pod's or node's bytes, kept for every
 * cached object as long as the cache lives. client-go's informers do the same
 * (cache.TransformStripManagedFields). The object is fresh from the API server's answer, not shared.
 */
export function stripManagedFields<T extends KubernetesObject>(obj: T): T {
  if (obj.metadata?.managedFields !== undefined) delete obj.metadata.managedFields;
  return obj;
}

/** A list answer with every item transformed, for an informer's list function. */
export function transformList<T extends KubernetesObject>(list: KubernetesListObject<T>, transform: CacheTransform<T>): KubernetesListObject<T> {
  list.items = list.items.map(transform);
  return list;
}

/**
 * A watch callback that transforms the objects of ADDED, MODIFIED and DELETED events before the
 * informer sees them; ERROR (a Status) and BOOKMARK (only a resourceVersion) pass as they are.
 */
export function transformingCallback<T>(
  callback: (phase: string, apiObj: unknown, watchObj?: unknown) => void,
  transform: CacheTransform<T>,
): (phase: string, apiObj: unknown, watchObj?: unknown) => void {
  return (phase, apiObj, watchObj) =>
    callback(phase, phase === 'ADDED' || phase === 'MODIFIED' || phase === 'DELETED' ? transform(apiObj as T) : apiObj, watchObj);
}

/** client-node's Watch with a transform on every watched object (its informers take a Watch, no transform). */
export class TransformingWatch<T> extends Watch {
  constructor(
    kc: KubeConfig,
    private readonly transform: CacheTransform<T>,
  ) {
    super(kc);
  }

  override watch(
    path: string,
    queryParams: Record<string, string | number | boolean | undefined>,
    callback: (phase: string, apiObj: unknown, watchObj?: unknown) => void,
    done: (err: unknown) => void,
  ): Promise<AbortController> {
    return super.watch(path, queryParams, transformingCallback(callback, this.transform), done);
  }
}

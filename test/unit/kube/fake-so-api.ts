// In-memory ScaledObjects with JSON merge patch (RFC 7386) and resourceVersion preconditions.
import type { ScaledObjectApi } from '../../../src/adapters/kube/apis.js';
import type { ScaledObject } from '../../../src/adapters/kube/scaled-object-view.js';
import { apiError, clone } from './fixtures.js';

export function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> = typeof target === 'object' && target !== null && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

export function makeScaledObject(min: number | undefined, max: number | undefined, annotations?: Record<string, string>): ScaledObject {
  return {
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'ScaledObject',
    metadata: { name: 'coder', namespace: 'agents', resourceVersion: '5', labels: { 'burstguard.io/agent-class': 'coder' }, ...(annotations ? { annotations } : {}) },
    spec: {
      ...(min !== undefined ? { minReplicaCount: min } : {}),
      ...(max !== undefined ? { maxReplicaCount: max } : {}),
      triggers: [{ type: 'prometheus', metadata: { threshold: '10', query: 'sum(x)' } }],
    },
  };
}

export class FakeScaledObjectApi implements ScaledObjectApi {
  readonly objects = new Map<string, ScaledObject>();
  readonly calls: string[] = [];
  readonly bodies: object[] = [];
  afterRead?: (so: { metadata: { resourceVersion?: string } }) => void;

  put(so: ScaledObject): void {
    this.objects.set(`${so.metadata!.namespace}/${so.metadata!.name}`, clone(so));
  }

  get(ns: string, name: string): ScaledObject {
    const so = this.objects.get(`${ns}/${name}`);
    if (!so) throw apiError(404, `scaledobjects.keda.sh "${name}" not found`);
    return so;
  }

  read(namespace: string, name: string): Promise<ScaledObject> {
    this.calls.push(`get ${name}`);
    return later(() => {
      const so = this.get(namespace, name);
      const copy = clone(so);
      this.afterRead?.(so as { metadata: { resourceVersion?: string } });
      return copy;
    });
  }

  patch(namespace: string, name: string, body: object): Promise<ScaledObject> {
    this.calls.push(`patch ${name}`);
    this.bodies.push(body);
    return later(() => {
      const so = this.get(namespace, name);
      const rv = (body as { metadata?: { resourceVersion?: string } }).metadata?.resourceVersion;
      if (rv !== undefined && rv !== so.metadata?.resourceVersion) throw apiError(409, 'the object has been modified');
      const next = mergePatch(so, body) as ScaledObject;
      const min = next.spec?.minReplicaCount ?? 0;
      const max = next.spec?.maxReplicaCount ?? 100;
      if (min > max) throw apiError(422, 'minReplicaCount must be less than or equal to maxReplicaCount');
      const stored = { ...next, metadata: { ...next.metadata, resourceVersion: String(Number(so.metadata?.resourceVersion ?? 0) + 1) } };
      this.objects.set(`${namespace}/${name}`, stored);
      return clone(stored);
    });
  }
}

/** Runs `f` on a later microtask: a throw becomes a rejection, as an HTTP client's would. */
function later<T>(f: () => T): Promise<T> {
  return Promise.resolve().then(f);
}

// An in-memory pods API with the resize subresource's semantics that matter to the actuator:
// resourceVersion preconditions (409), only container resources kept, QoS class may not change (422).
import type { V1Pod } from '@kubernetes/client-node';
import type { PodApi } from '../../../src/adapters/kube/apis.js';
import { resourcesOf } from '../../../src/adapters/kube/pod-to-view.js';
import { qosOf } from '../../../src/core/resources.js';
import { apiError, clone } from './fixtures.js';

type ResizeBody = {
  metadata?: { resourceVersion?: string };
  spec: { containers: Array<{ name: string; resources: { requests?: Record<string, string>; limits?: Record<string, string> } }> };
};

export class FakePodApi implements PodApi {
  readonly pods = new Map<string, V1Pod>();
  readonly calls: string[] = [];
  readonly bodies: object[] = [];
  /** Errors thrown by the next patchResize calls, in order. */
  readonly patchFailures: Error[] = [];
  /** Called after each read: lets a test change the pod "behind the actuator's back". */
  afterRead?: (pod: V1Pod) => void;
  /** Called on each stored resize: lets a test play the kubelet (conditions on the new generation). */
  onResized?: (pod: V1Pod) => void;

  put(pod: V1Pod): void {
    this.pods.set(`${pod.metadata!.namespace}/${pod.metadata!.name}`, clone(pod));
  }

  get(ns: string, name: string): V1Pod {
    const p = this.pods.get(`${ns}/${name}`);
    if (!p) throw apiError(404, `pods "${name}" not found`);
    return p;
  }

  read(namespace: string, name: string): Promise<V1Pod> {
    this.calls.push(`get ${name}`);
    return later(() => {
      const copy = clone(this.get(namespace, name));
      this.afterRead?.(this.get(namespace, name));
      return copy;
    });
  }

  patchResize(namespace: string, name: string, body: object): Promise<V1Pod> {
    this.calls.push(`patch-resize ${name}`);
    this.bodies.push(body);
    const fail = this.patchFailures.shift();
    if (fail) return later(() => {
      throw fail;
    });
    return later(() => {
      const pod = this.get(namespace, name);
      const b = body as ResizeBody;
      const rv = b.metadata?.resourceVersion;
      if (rv !== undefined && rv !== pod.metadata!.resourceVersion) throw apiError(409, 'the object has been modified; please apply your changes to the latest version and try again');
      const next = clone(pod);
      for (const c of b.spec.containers) {
        const target = next.spec!.containers.find((x) => x.name === c.name);
        if (!target) throw apiError(422, `container ${c.name} not found`);
        target.resources = {
          requests: { ...target.resources?.requests, ...c.resources.requests },
          limits: { ...target.resources?.limits, ...c.resources.limits },
        };
      }
      const q = (p: V1Pod) => {
        const r = resourcesOf(p.spec!.containers[0]!.resources);
        return r.ok ? qosOf(r.value.requests, r.value.limits) : 'invalid';
      };
      if (q(next) !== q(pod)) throw apiError(422, 'Pod "x" is invalid: spec: Forbidden: Pod QOS Class may not change as a result of resizing');
      next.metadata!.resourceVersion = String(Number(pod.metadata!.resourceVersion) + 1);
      next.metadata!.generation = (pod.metadata!.generation ?? 1) + 1;
      this.onResized?.(next);
      this.pods.set(`${namespace}/${name}`, next);
      return clone(next);
    });
  }

  patchMetadata(namespace: string, name: string, body: object): Promise<V1Pod> {
    this.calls.push(`patch ${name}`);
    this.bodies.push(body);
    return later(() => {
      const pod = this.get(namespace, name);
      const ann = (body as { metadata: { annotations: Record<string, string> } }).metadata.annotations;
      pod.metadata!.annotations = { ...pod.metadata!.annotations, ...ann };
      return clone(pod);
    });
  }
}

/** Runs `f` on a later microtask: a throw becomes a rejection, as an HTTP client's would. */
function later<T>(f: () => T): Promise<T> {
  return Promise.resolve().then(f);
}

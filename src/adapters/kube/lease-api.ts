import { CoordinationV1Api, V1MicroTime, type KubeConfig, type V1Lease } from '@kubernetes/client-node';
import type { LeaseApi, LeaseRecord } from '../../runtime/leader-election.js';

/** The LeaseApi over coordination.k8s.io/v1 (leases get, create, update). */
export function kubeLeaseApi(kc: KubeConfig, namespace: string, name: string): LeaseApi {
  const api = kc.makeApiClient(CoordinationV1Api);
  return {
    async get() {
      try {
        return fromLease(await api.readNamespacedLease({ namespace, name }));
      } catch (e) {
        if ((e as { code?: unknown }).code === 404) return undefined;
        throw e;
      }
    },
    create: async (rec) => fromLease(await api.createNamespacedLease({ namespace, body: toLease(rec, namespace, name) })),
    replace: async (rec) => fromLease(await api.replaceNamespacedLease({ namespace, name, body: toLease(rec, namespace, name) })),
  };
}

export function toLease(rec: LeaseRecord, namespace: string, name: string): V1Lease {
  // MicroTime fields must carry six fractional digits or the API server rejects them; V1MicroTime prints them.
  const t = (ms: number | undefined): V1MicroTime | undefined => (ms === undefined ? undefined : new V1MicroTime(ms));
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name, namespace, ...(rec.resourceVersion ? { resourceVersion: rec.resourceVersion } : {}) },
    spec: {
      holderIdentity: rec.holderIdentity,
      leaseDurationSeconds: rec.leaseDurationSeconds,
      acquireTime: t(rec.acquireTimeMs),
      renewTime: t(rec.renewTimeMs),
      leaseTransitions: rec.leaseTransitions,
    },
  };
}

export function fromLease(l: V1Lease): LeaseRecord {
  const ms = (d: Date | string | undefined): number | undefined => (d === undefined ? undefined : new Date(d).getTime());
  const s = l.spec ?? {};
  return {
    ...(s.holderIdentity !== undefined ? { holderIdentity: s.holderIdentity } : {}),
    ...(s.leaseDurationSeconds !== undefined ? { leaseDurationSeconds: s.leaseDurationSeconds } : {}),
    ...(s.acquireTime !== undefined ? { acquireTimeMs: ms(s.acquireTime) } : {}),
    ...(s.renewTime !== undefined ? { renewTimeMs: ms(s.renewTime) } : {}),
    ...(s.leaseTransitions !== undefined ? { leaseTransitions: s.leaseTransitions } : {}),
    ...(l.metadata?.resourceVersion !== undefined ? { resourceVersion: l.metadata.resourceVersion } : {}),
  };
}

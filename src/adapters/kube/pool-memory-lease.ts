/**
 * Where the leader keeps what it must restore: the user's spec.replicas of each SandboxWarmPool it
 * raised. The scale subresource carries spec.replicas only, and the Role grants nothing else on a pool,
 * so the value cannot live on the pool (as it does in an annotation on a KEDA ScaledObject). It lives
 * in an annotation of a Lease of burstguard's own, `<leaderElection.leaseName>-agent-sandbox`, so that
 * a new leader (a restart, a rolling update, a failover in the middle of a window) restores the user's
 * value instead of taking the raised one for it. A Lease is namespaced, tiny, and already in the Role
 * (get and update pinned by name); the leader-election Lease is not used, its writer replaces it whole.
 */
import { CoordinationV1Api, type KubeConfig, type V1Lease } from '@kubernetes/client-node';
import { err, ok, type Result } from '../../core/result.js';
import { apiFailure } from './api-errors.js';
import type { PoolMemory } from './warm-pool-plan.js';

export const POOL_MEMORY_ANNOTATION = 'burstguard.io/warm-pool-memory';

/** The Lease name for a leader-election Lease name. */
export function poolMemoryLeaseName(leaseName: string): string {
  return `${leaseName}-agent-sandbox`;
}

export interface PoolMemoryStore {
  load(): Promise<Result<Map<string, PoolMemory>, string>>;
  save(memory: ReadonlyMap<string, PoolMemory>): Promise<Result<void, string>>;
}

/** Pure: the annotation's JSON → memory; entries that are not two non-negative integers are dropped. */
export function parsePoolMemory(text: string | undefined): Map<string, PoolMemory> {
  const out = new Map<string, PoolMemory>();
  if (text === undefined || text === '') return out;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return out;
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return out;
  for (const [pool, m] of Object.entries(v as Record<string, unknown>)) {
    const { original, written } = (typeof m === 'object' && m !== null ? m : {}) as { original?: unknown; written?: unknown };
    if (Number.isInteger(original) && Number.isInteger(written) && (original as number) >= 0 && (written as number) >= 0) {
      out.set(pool, { original: original as number, written: written as number });
    }
  }
  return out;
}

/** Pure: memory → the annotation's JSON, sorted by pool so an unchanged memory is an unchanged text. */
export function formatPoolMemory(memory: ReadonlyMap<string, PoolMemory>): string {
  return JSON.stringify(Object.fromEntries([...memory].sort(([a], [b]) => a.localeCompare(b)).map(([k, m]) => [k, { original: m.original, written: m.written }])));
}

/** The store over coordination.k8s.io/v1 (leases get, create, update). */
export function leasePoolMemoryStore(kc: KubeConfig, namespace: string, name: string): PoolMemoryStore {
  const api = kc.makeApiClient(CoordinationV1Api);
  const read = async (): Promise<V1Lease | undefined> => {
    try {
      return await api.readNamespacedLease({ namespace, name });
    } catch (e) {
      if (apiFailure(e).status === 404) return undefined;
      throw e;
    }
  };
  const describe = (e: unknown): string => {
    const f = apiFailure(e);
    return `Lease ${name}: ${f.status !== undefined ? `HTTP ${f.status}: ` : ''}${f.message}`;
  };
  return {
    async load() {
      try {
        return ok(parsePoolMemory((await read())?.metadata?.annotations?.[POOL_MEMORY_ANNOTATION]));
      } catch (e) {
        return err(describe(e));
      }
    },
    async save(memory) {
      const text = formatPoolMemory(memory);
      // One retry on 409: another write came between our read and our update (a stale leader's last one).
      for (let attempt = 0; ; attempt++) {
        try {
          const cur = await read();
          const metadata = { name, namespace, annotations: { ...cur?.metadata?.annotations, [POOL_MEMORY_ANNOTATION]: text } };
          if (!cur) await api.createNamespacedLease({ namespace, body: { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata, spec: {} } });
          else await api.replaceNamespacedLease({ namespace, name, body: { ...cur, metadata: { ...cur.metadata, ...metadata } } });
          return ok(undefined);
        } catch (e) {
          if (apiFailure(e).status === 409 && attempt < 1) continue;
          return err(describe(e));
        }
      }
    },
  };
}

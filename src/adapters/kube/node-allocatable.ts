/**
 * The allocatable of the nodes the agent pods run on, from a cluster-scoped Node informer (nodes list +
 * watch, a read-only ClusterRole: deploy/manifests/node-read/, Helm nodeRead.enabled). The predictive
 * policy's node risk budget and the Infeasible ceiling read it from each PodView. One informer over a
 * few nodes is cheaper than a get per node name among 10,000 pods, and a watch keeps it current.
 *
 * Without the permission the API server answers 403: that is said once (a warning, and the
 * `burstguard_node_allocatable_known` gauge at 0) and the controller runs on without node budgets.
 */
import type { V1Node } from '@kubernetes/client-node';
import type { Resources } from '../../core/types.js';
import type { Logger } from '../../engine/ports.js';
import { parseQuantity } from './quantity.js';
import type { SyncedCache } from './synced-cache.js';

/** A node's status.allocatable cpu and memory; undefined when either is missing, malformed or zero. */
export function allocatableOf(node: V1Node): Resources | undefined {
  const a = node.status?.allocatable;
  const cpu = a?.cpu === undefined ? undefined : parseQuantity(a.cpu);
  const mem = a?.memory === undefined ? undefined : parseQuantity(a.memory);
  if (cpu === undefined || mem === undefined || !(cpu > 0) || !(mem > 0)) return undefined;
  return { cpuCores: cpu, memBytes: mem };
}

/** What a snapshot needs: a lookup by node name, or undefined while the nodes cannot be read. */
export interface NodeLookup {
  lookup(): ((nodeName: string) => Resources | undefined) | undefined;
}

/** Reads allocatable from the node cache; reports a missing permission once, and its recovery. */
export class NodeAllocatables implements NodeLookup {
  /** Parsed once per node object: the informer replaces the object on every change. */
  private readonly parsed = new WeakMap<V1Node, { readonly r: Resources | undefined }>();
  private told: 'readable' | 'forbidden' | undefined;

  constructor(
    private readonly cache: Pick<SyncedCache<V1Node>, 'get' | 'isSynced' | 'failureStatus'>,
    private readonly log: Logger,
    /** Told whether node allocatable is known (true) or not (false), on each change. */
    private readonly onKnown?: (known: boolean) => void,
  ) {}

  lookup(): ((nodeName: string) => Resources | undefined) | undefined {
    if (!this.cache.isSynced()) {
      const status = this.cache.failureStatus();
      if ((status === 401 || status === 403) && this.told !== 'forbidden') {
        this.told = 'forbidden';
        this.log.warn(
          { source: 'nodes', status },
          'cannot list Nodes: no node risk budget (node allocatable unknown); bind the read-only ClusterRole of deploy/manifests/node-read/ (Helm nodeRead.enabled) to turn it on',
        );
        this.onKnown?.(false);
      }
      return undefined;
    }
    if (this.told !== 'readable') {
      if (this.told === 'forbidden') this.log.info({ source: 'nodes' }, 'Nodes readable again: node risk budget on');
      this.told = 'readable';
      this.onKnown?.(true);
    }
    return (name) => {
      const node = this.cache.get(name);
      if (!node) return undefined;
      let p = this.parsed.get(node);
      if (!p) this.parsed.set(node, (p = { r: allocatableOf(node) }));
      return p.r;
    };
  }
}

import type { V1Pod } from '@kubernetes/client-node';
import { err, ok, type Result } from '../../core/result.js';
import type { PodView, ResizeState, ScaledObjectView } from '../../core/types.js';
import type { ClusterSnapshot, ClusterView, Logger, SourceError } from '../../engine/ports.js';
import { podToView, type PodViewOptions } from './pod-to-view.js';
import { scaledObjectToView, type ScaledObject } from './scaled-object-view.js';
import type { SyncedCache } from './synced-cache.js';

/**
 * What a snapshot is built with: the pod options and, when the config names ScaledObjects, their agent
 * classes by name (keda.scaledObjects[].agentClass): only those objects are in the view, with that class
 * (the policy pre-warms an object for its configured class, not for a label the object may lack).
 */
export interface ClusterViewOptions extends PodViewOptions {
  readonly scaledObjectClasses?: ReadonlyMap<string, string>;
  /** maxPrewarmReplicas of the configured ScaledObjects, by name. */
  readonly scaledObjectPrewarmCaps?: ReadonlyMap<string, number>;
}

/** The caches a KubeClusterView reads; ScaledObjects are absent when KEDA is not installed or not wanted. */
export interface ClusterCaches {
  readonly pods: Pick<SyncedCache<V1Pod>, 'items'>;
  readonly scaledObjects?: Pick<SyncedCache<ScaledObject>, 'items'>;
}

/**
 * The engine's ClusterView over informer caches kept current by watches: a snapshot is a pass over
 * memory, never a list call. Options are read on every snapshot so a ConfigMap reload (agent-class
 * label, container name) applies at the next tick.
 */
export class KubeClusterView implements ClusterView {
  private lastSkipped: ReadonlyArray<{ readonly pod: string; readonly reason: string }> = [];
  /**
   * Conversions by object identity: the informer replaces a pod's object on every change, so an
   * unchanged object converts to the same view. Keeps a snapshot of 10,000 quiet pods a map lookup each.
   */
  private converted = new WeakMap<V1Pod, Result<PodView, string>>();
  private convertedWith: PodViewOptions | undefined;

  /** The resize phase each pod had at the last snapshot, to report kubelet verdicts once, when they appear. */
  private phases = new Map<string, ResizeState['phase']>();

  constructor(
    private readonly caches: ClusterCaches,
    private readonly options: () => ClusterViewOptions,
    private readonly log: Logger,
    /**
     * Called when a pod's resize turns Deferred, Infeasible or Error between two snapshots (the kubelet
     * answers after the PATCH succeeded, so the actuator cannot see it): the controller records an Event.
     */
    private readonly onResizeVerdict?: (pod: PodView) => void,
  ) {}

  snapshot(namespace: string): Promise<Result<ClusterSnapshot, SourceError>> {
    return Promise.resolve(this.read(namespace));
  }

  /** Pods the last snapshot left out, with the reason (a terminating pod, a missing container…). */
  skipped(): ReadonlyArray<{ readonly pod: string; readonly reason: string }> {
    return this.lastSkipped;
  }

  private read(namespace: string): Result<ClusterSnapshot, SourceError> {
    const rawPods = this.caches.pods.items();
    if (!rawPods.ok) return rawPods;
    const opts = this.options();
    if (!sameOptions(opts, this.convertedWith)) {
      this.converted = new WeakMap();
      this.convertedWith = opts;
    }
    const pods: PodView[] = [];
    const skipped: Array<{ pod: string; reason: string }> = [];
    for (const raw of rawPods.value) {
      if (raw.metadata?.namespace !== namespace) continue;
      let v = this.converted.get(raw);
      if (!v) this.converted.set(raw, (v = podToView(raw, opts)));
      if (v.ok) pods.push(v.value);
      else skipped.push({ pod: `${namespace}/${raw.metadata?.name ?? '?'}`, reason: v.error });
    }
    this.noteVerdicts(pods);
    if (skipped.length > this.lastSkipped.length) this.log.debug({ skipped: skipped.length }, 'pods left out of the view');
    this.lastSkipped = skipped;
    let scaledObjects: ScaledObjectView[] = [];
    if (this.caches.scaledObjects) {
      const raw = this.caches.scaledObjects.items();
      if (!raw.ok) return err(raw.error);
      scaledObjects = raw.value
        .filter((so) => so.metadata?.namespace === namespace)
        .map((so) => scaledObjectToView(so, opts.agentClassLabel, opts.defaultAgentClass))
        .flatMap((r) => (r.ok ? [r.value] : []));
      const classes = opts.scaledObjectClasses;
      if (classes) {
        scaledObjects = scaledObjects.flatMap((so) => {
          const agentClass = classes.get(so.ref.name);
          const prewarmCap = opts.scaledObjectPrewarmCaps?.get(so.ref.name);
          return agentClass === undefined ? [] : [{ ...so, agentClass, ...(prewarmCap !== undefined ? { prewarmCap } : {}) }];
        });
      }
    }
    return ok({ pods, scaledObjects });
  }

  private noteVerdicts(pods: readonly PodView[]): void {
    const next = new Map<string, ResizeState['phase']>();
    for (const pod of pods) {
      next.set(pod.key, pod.resize.phase);
      if (VERDICTS.has(pod.resize.phase) && this.phases.get(pod.key) !== pod.resize.phase) this.onResizeVerdict?.(pod);
    }
    this.phases = next;
  }
}

const VERDICTS: ReadonlySet<ResizeState['phase']> = new Set(['deferred', 'infeasible', 'error']);

function sameOptions(a: PodViewOptions, b: PodViewOptions | undefined): boolean {
  return b !== undefined && a.agentClassLabel === b.agentClassLabel && a.defaultAgentClass === b.defaultAgentClass && a.container === b.container && a.safety === b.safety;
}

import type { KubeConfig, V1Pod } from '@kubernetes/client-node';
import type { Config } from '../../config/index.js';
import { err, ok, type Result } from '../../core/result.js';
import type { Actuator, Clock, ClusterView, Logger, SourceError } from '../../engine/ports.js';
import { kubeEventApi, kubePodApi, kubeScaledObjectApi } from './apis.js';
import { DryRunActuator } from './dry-run-actuator.js';
import { EventRecorder, verdictEvent } from './events.js';
import type { Sandbox } from './agent-sandbox.js';
import { podCache, sandboxCache, scaledObjectCache } from './informers.js';
import { KedaActuator } from './keda-actuator.js';
import { kedaByMode, triggerMetadataFrom } from './keda-mode.js';
import { KubeActuator } from './kube-actuator.js';
import { KubeClusterView } from './pod-view.js';
import { ResizeActuator } from './resize-actuator.js';
import type { ScaledObject } from './scaled-object-view.js';
import type { SyncedCache } from './synced-cache.js';

export interface KubeRuntimeOptions {
  readonly kc: KubeConfig;
  readonly namespace: string;
  readonly identity: string;
  readonly clock: Clock;
  readonly log: Logger;
  /** The current configuration; read on every use so hot reloads apply. */
  readonly config: () => Config;
  /** Opt-in dry-run pod annotations (needs pods patch; see deploy/helm values dryRun.annotatePods). */
  readonly annotatePods?: boolean;
}

/**
 * Everything that talks to the API server, assembled: informer caches behind the ClusterView, the
 * composite actuator with Events, and the recorder for config Events. Caches follow the config: a new
 * label selector rebuilds the pod cache; ScaledObjects are watched only while the config names some.
 */
export class KubeRuntime {
  readonly view: ClusterView;
  readonly actuator: Actuator;
  readonly events: EventRecorder;
  private pods: SyncedCache<V1Pod> | undefined;
  private podSelector = '';
  private scaledObjects: SyncedCache<ScaledObject & { metadata: object }> | undefined;
  private sandboxCache: SyncedCache<Sandbox & { metadata: object }> | undefined;

  constructor(private readonly o: KubeRuntimeOptions) {
    this.events = new EventRecorder(kubeEventApi(o.kc), { clock: o.clock, log: o.log, instance: o.identity });
    const podApi = kubePodApi(o.kc);
    this.actuator = kedaByMode(o.config, new KubeActuator({
      resize: new ResizeActuator(podApi, { cached: (namespace, name) => this.pods?.get(name, namespace), safety: () => o.config().resizeSafety }),
      keda: new KedaActuator(kubeScaledObjectApi(o.kc), triggerMetadataFrom(o.config)),
      dryRun: new DryRunActuator(podApi, { annotatePods: o.annotatePods ?? false, clock: o.clock, log: o.log }),
      events: this.events,
    }));
    // The view reads whichever caches are live now (sync() may replace them on a config reload).
    this.view = new KubeClusterView(
      {
        pods: { items: () => this.pods?.items() ?? err({ source: 'pods', message: 'informer not started' }) },
        scaledObjects: { items: () => this.scaledObjects?.items() ?? ok([]) },
      },
      () => {
        const { targets: t, keda, resizeSafety } = o.config();
        return {
          safety: resizeSafety,
          agentClassLabel: t.agentClassLabel,
          defaultAgentClass: 'default',
          ...(t.container !== '' ? { container: t.container } : {}),
          scaledObjectClasses: new Map(keda.scaledObjects.map((so) => [so.name, so.agentClass])),
          scaledObjectPrewarmCaps: new Map(keda.scaledObjects.map((so) => [so.name, so.maxPrewarmReplicas])),
        };
      },
      o.log,
      (pod) => {
        const spec = verdictEvent(pod);
        if (spec) void this.events.record({ apiVersion: 'v1', kind: 'Pod', ...pod.ref }, spec);
      },
    );
  }

  /** Starts or rebuilds the caches to match the current config. Resolves once each started cache has tried once. */
  async sync(): Promise<void> {
    const cfg = this.o.config();
    if (!this.pods || cfg.targets.labelSelector !== this.podSelector) {
      const old = this.pods;
      this.podSelector = cfg.targets.labelSelector;
      this.pods = podCache(this.o.kc, this.o.namespace, this.podSelector, this.o.log);
      await old?.stop();
      await this.pods.start();
    }
    const wantKeda = cfg.keda.scaledObjects.length > 0;
    if (wantKeda && !this.scaledObjects) {
      this.scaledObjects = scaledObjectCache(this.o.kc, this.o.namespace, this.o.log);
      await this.scaledObjects.start();
    } else if (!wantKeda && this.scaledObjects) {
      const old = this.scaledObjects;
      this.scaledObjects = undefined;
      await old.stop();
    }
    // Sandboxes are watched only with agentSandbox on: without the CRDs the list would fail every back-off.
    const wantSandboxes = cfg.agentSandbox.enabled && cfg.agentSandbox.writeBack.enabled;
    if (wantSandboxes && !this.sandboxCache) {
      this.sandboxCache = sandboxCache(this.o.kc, this.o.namespace, this.o.log);
      await this.sandboxCache.start();
    } else if (!wantSandboxes && this.sandboxCache) {
      const old = this.sandboxCache;
      this.sandboxCache = undefined;
      await old.stop();
    }
  }

  /** The Sandboxes of the namespace (agentSandbox.enabled), or why not (not started, not synced). */
  sandboxes(): Result<readonly Sandbox[], SourceError> {
    return this.sandboxCache?.items() ?? err({ source: 'sandboxes', message: 'agentSandbox is not enabled' });
  }

  /** Whether the view can serve a snapshot (for /readyz). */
  ready(): boolean {
    return (this.pods?.isSynced() ?? false) && (this.scaledObjects?.isSynced() ?? true);
  }

  async stop(): Promise<void> {
    await Promise.all([this.pods?.stop(), this.scaledObjects?.stop(), this.sandboxCache?.stop()]);
  }
}

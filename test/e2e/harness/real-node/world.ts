/**
 * One real-node scenario file's world: the control plane with Node authorization, a real node
 * (containerd + kubelet), and Prometheus scraping the kubelet's own cAdvisor endpoint (container memory
 * and CPU, as in a real cluster) and every agent pod's /metrics (found through a file_sd list the harness
 * rewrites as pods come). Scenes are the fake tier's (world.ts) with the fake kubelet off.
 */
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startControlPlane } from '../control-plane.js';
import { startExporter } from '../exporter.js';
import { adminKubeConfig, clients } from '../kube.js';
import { freePort, waitFor } from '../proc.js';
import { startPrometheus } from '../prometheus.js';
import { newScene, type Scene, type World } from '../world.js';
import { startKedaOperator, type KedaOperator } from '../keda-operator.js';
import { startClusterControllers, type ClusterControllers } from './cluster-controllers.js';
import { realNodeControlPlaneOptions, startRealNode, type RealNode, type RealNodeOptions } from './node.js';
import { createReplayPod, type ReplayPodSpec } from './pods.js';

export interface RealWorld extends World {
  readonly node: RealNode;
  /** Creates an agent pod on the node (on a fresh port) and adds it to Prometheus's agent targets. */
  agentPod(scene: Pick<Scene, 'ns'>, spec: Omit<ReplayPodSpec, 'nodeName' | 'port'>): Promise<{ port: number }>;
  /** kube-scheduler and kube-controller-manager, with RealWorldOptions.cluster. */
  readonly controllers?: ClusterControllers;
  /** KEDA's operator, with RealWorldOptions.keda. */
  readonly keda?: KedaOperator;
}

export interface RealWorldOptions extends RealNodeOptions {
  /**
   * A cluster rather than a bare node: kube-scheduler and kube-controller-manager run (Deployments get
   * pods), and ServiceAccount admission is on (pods get their projected token volume; every pod's
   * ServiceAccount must exist). For the Helm chart's Deployment and an in-cluster controller.
   */
  cluster?: boolean;
  /** KEDA's operator (KEDA_OPERATOR) with its CRDs and RBAC; needs `cluster` for its HPAs to act. */
  keda?: boolean;
}

export async function startRealWorld(opts: RealWorldOptions = {}): Promise<RealWorld> {
  const dir = mkdtempSync(join(tmpdir(), 'burstguard-e2e-real-'));
  try {
    return await startRealWorldIn(dir, opts);
  } catch (e) {
    // Each part already stopped what it had started; the folder is the world's own.
    if (process.env.BURSTGUARD_E2E_KEEP !== '1') rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

async function startRealWorldIn(dir: string, opts: RealWorldOptions): Promise<RealWorld> {
  const base = realNodeControlPlaneOptions();
  // The tier disables ServiceAccount admission by default (no controller-manager makes the ServiceAccounts).
  const cp = await startControlPlane(opts.cluster === true ? { ...base, apiArgs: [...(base.apiArgs ?? []), '--disable-admission-plugins='] } : base);
  const admin = clients(adminKubeConfig(cp));
  let node: RealNode;
  let controllers: ClusterControllers | undefined;
  try {
    node = await startRealNode(cp, admin, opts);
  } catch (e) {
    await cp.stop();
    throw e;
  }
  if (opts.cluster === true) {
    try {
      const c = startClusterControllers(cp, process.env.BURSTGUARD_NODE_ASSETS ?? '', dir);
      controllers = c;
      // Their effects, not their logs: the node schedulable (not-ready taint gone) and a ServiceAccount made.
      await waitFor('kube-controller-manager and kube-scheduler working', async () => {
        if (!c.running()) throw new Error(`a cluster controller exited\n${c.logs()}`);
        const n = await admin.core.readNode({ name: node.name });
        const tainted = (n.spec?.taints ?? []).some((t) => t.key === 'node.kubernetes.io/not-ready');
        const sa = await admin.core.readNamespacedServiceAccount({ name: 'default', namespace: 'default' }).catch(() => undefined);
        return !tainted && sa !== undefined ? true : undefined;
      }, 60_000, 250);
    } catch (e) {
      await controllers?.stop();
      await node.stop().catch(() => undefined);
      await cp.stop();
      throw e;
    }
  }
  // The fake tier's exporter stays empty here; World carries one and its scrape job costs nothing.
  const exporter = await startExporter();
  const agentsFile = join(dir, 'agents.json');
  const agents: Array<{ targets: string[]; labels: Record<string, string> }> = [];
  const writeAgents = (): void => {
    writeFileSync(`${agentsFile}.tmp`, JSON.stringify(agents));
    renameSync(`${agentsFile}.tmp`, agentsFile);
  };
  writeAgents();
  const prom = await startPrometheus([exporter.target], 1, [
    {
      // The kubelet serves cAdvisor over HTTPS with its own self-signed certificate; anonymous reads are
      // allowed on this loopback-only test node.
      job_name: 'kubelet-cadvisor', scheme: 'https', metrics_path: '/metrics/cadvisor', honor_labels: true,
      tls_config: { insecure_skip_verify: true }, static_configs: [{ targets: [node.kubeletTarget] }],
    },
    { job_name: 'agent-pods', honor_labels: true, file_sd_configs: [{ files: [agentsFile], refresh_interval: '1s' }] },
  ]).catch(async (e: unknown) => {
    await controllers?.stop();
    await node.stop().catch(() => undefined);
    await cp.stop();
    throw e;
  });
  let keda: KedaOperator | undefined;
  if (opts.keda === true) {
    try {
      keda = await startKedaOperator(cp, admin);
    } catch (e) {
      await prom.close().catch(() => undefined);
      await exporter.close().catch(() => undefined);
      await controllers?.stop();
      await node.stop().catch(() => undefined);
      await cp.stop();
      throw e;
    }
  }
  const usedPorts = new Set<number>();

  const world: RealWorld = {
    cp, admin, exporter, prom, dir, node,
    ...(controllers ? { controllers } : {}),
    ...(keda ? { keda } : {}),
    scene: async (prefix, o = {}) => {
      const s = await newScene(world, prefix, { ...o, fakeKubelet: false });
      scenes.push(s);
      return s;
    },
    agentPod: async (scene, spec) => {
      let port = await freePort();
      while (usedPorts.has(port)) port = await freePort();
      usedPorts.add(port);
      await createReplayPod(admin.core, scene.ns, { ...spec, port, nodeName: node.name });
      agents.push({ targets: [`127.0.0.1:${port}`], labels: { namespace: scene.ns, pod: spec.name } });
      writeAgents();
      return { port };
    },
    close: async () => {
      for (const s of scenes) await s.close().catch(() => undefined);
      await keda?.stop().catch(() => undefined);
      await prom.close().catch(() => undefined);
      await exporter.close().catch(() => undefined);
      // The controllers go first (a ReplicaSet would replace the pods the node deletes), the node
      // before the API server: its pods are deleted through it.
      await controllers?.stop();
      try {
        await node.stop();
      } finally {
        await cp.stop();
        if (process.env.BURSTGUARD_E2E_KEEP !== '1') rmSync(dir, { recursive: true, force: true });
      }
    },
  };
  const scenes: Scene[] = [];
  return world;
}

/**
 * One scenario file's world: a control plane, the exporter and Prometheus scraping it (shared by the
 * file's tests, since starting them costs seconds), and per scenario a namespace with the controller's
 * ServiceAccount, its ConfigMap, the fake kubelet and the controller processes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as k8s from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { startApiProxy, type ApiProxy } from './api-proxy.js';
import { startControlPlane, type ControlPlane } from './control-plane.js';
import { startController, type Controller } from './controller.js';
import { startExporter, type Exporter } from './exporter.js';
import { adminKubeConfig, clients, createNamespace, statusOf, type Clients } from './kube.js';
import { createNode, startKubelet, type ResizeAnswer } from './kubelet.js';
import { recordPods, type PodHistory } from './observe.js';
import { waitFor } from './proc.js';
import { startPrometheus, type PromServer } from './prometheus.js';
import { createControllerIdentity, writeServiceAccountKubeconfig } from './sa-token.js';

export const CONFIGMAP = 'burstguard';

export interface World {
  readonly cp: ControlPlane;
  readonly admin: Clients;
  readonly exporter: Exporter;
  readonly prom: PromServer;
  readonly dir: string;
  scene(prefix: string, opts?: SceneOptions): Promise<Scene>;
  close(): Promise<void>;
}

export interface SceneOptions {
  /** The controller talks through the recording TLS proxy. */
  viaProxy?: boolean;
  /** Play the kubelet for the scene's pods (default). Off on the real node, whose kubelet answers. */
  fakeKubelet?: boolean;
}

export interface Scene {
  readonly ns: string;
  readonly world: World;
  /** The controller's kubeconfig (ServiceAccount token only; through the proxy when asked). */
  readonly kubeconfig: string;
  readonly proxy?: ApiProxy;
  readonly history: PodHistory;
  readonly controllers: Controller[];
  /** How the fake kubelet answers resizes of a pod (default: accept). */
  answer(pod: string, a: ResizeAnswer | ((p: k8s.V1Pod) => ResizeAnswer)): void;
  /** Creates or replaces the ConfigMap's config.yaml. */
  writeConfig(config: object | string): Promise<void>;
  startController(identity: string, extraArgs?: readonly string[]): Promise<Controller>;
  /** Controller log lines that report a 403 (the Role missed something the controller called; Nodes aside, opt-in). */
  forbidden(): Array<Record<string, unknown>>;
  /** Re-throws `e` with the controllers' and API server's log tails attached. */
  explain(e: unknown): Error;
  /** Runs `body`, attaching the logs to any failure. */
  check(body: () => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

/** The config every scenario starts from: fast ticks, short windows, actuation on. */
export function baseConfig(ns: string, promUrl: string): Record<string, unknown> {
  return {
    engine: {
      namespace: ns,
      dryRun: false,
      tickIntervalS: 1,
      initialLookbackS: 60,
      scrapeIntervalS: 1,
      staleAfterS: 5,
      guards: {
        minResources: { memory: '64Mi', cpu: '50m' },
        maxResources: { memory: '4Gi', cpu: '4' },
        usageMarginFraction: 0.15,
        usageWindowS: 30,
        minChangeFraction: 0.05,
        downscaleCooldownS: 3,
        decreaseIntervalS: 3,
        maxDecreaseFraction: 0.25,
      },
      deferredBackoffS: { initial: 1, max: 4 },
    },
    prometheus: { url: promUrl, timeoutMs: 2000 },
    leaderElection: { enabled: true, leaseDurationS: 6, renewDeadlineS: 4, retryPeriodS: 1 },
    log: { level: 'debug' },
  };
}

/** Deep merge of plain objects (arrays and scalars from `b` win). */
export function merge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const cur = out[k];
    out[k] = v !== null && typeof v === 'object' && !Array.isArray(v) && cur !== null && typeof cur === 'object' && !Array.isArray(cur)
      ? merge(cur as Record<string, unknown>, v as Record<string, unknown>)
      : v;
  }
  return out;
}

export async function startWorld(): Promise<World> {
  // Each part stops and removes itself when it fails to start; what started before it is undone here.
  const cp = await startControlPlane();
  let exporter: Exporter | undefined;
  try {
    const admin = clients(adminKubeConfig(cp));
    await createNode(admin.core);
    exporter = await startExporter();
    return worldOf(cp, admin, exporter, await startPrometheus([exporter.target]));
  } catch (e) {
    await exporter?.close().catch(() => undefined);
    await cp.stop().catch(() => undefined);
    throw e;
  }
}

/** The world over started parts, with the folder its scenes keep their files in; close() stops all. */
function worldOf(cp: ControlPlane, admin: Clients, exporter: Exporter, prom: PromServer): World {
  const dir = mkdtempSync(join(tmpdir(), 'burstguard-e2e-'));
  const scenes: Scene[] = [];

  const world: World = {
    cp, admin, exporter, prom, dir,
    scene: async (prefix, opts = {}) => {
      const s = await newScene(world, prefix, opts);
      scenes.push(s);
      return s;
    },
    close: async () => {
      for (const s of scenes) await s.close().catch(() => undefined);
      await prom.close().catch(() => undefined);
      await exporter.close().catch(() => undefined);
      await cp.stop();
      if (process.env.BURSTGUARD_E2E_KEEP !== '1') rmSync(dir, { recursive: true, force: true });
    },
  };
  return world;
}

/** A namespace with the controller's identity, ConfigMap and processes, on `world`'s control plane. */
export async function newScene(world: World, prefix: string, opts: SceneOptions = {}): Promise<Scene> {
  const { admin, cp } = world;
  const viaProxy = opts.viaProxy === true;
  const ns = await createNamespace(admin.core, prefix);
  const dir = mkdtempSync(join(world.dir, `${prefix}-`));
  await createControllerIdentity(admin, ns);
  const proxy = viaProxy ? await startApiProxy(cp.server, cp.caFile, dir) : undefined;
  const kubeconfig = join(dir, 'kubeconfig.yaml');
  await writeServiceAccountKubeconfig(admin, proxy ?? cp, kubeconfig, ns);
  const answers = new Map<string, ResizeAnswer | ((p: k8s.V1Pod) => ResizeAnswer)>();
  const kubelet = opts.fakeKubelet === false ? undefined : startKubelet(admin.core, ns, (p) => {
    const a = answers.get(p.metadata?.name ?? '');
    if (a === undefined) return { kind: 'accept' };
    return typeof a === 'function' ? a(p) : a;
  });
  const history = recordPods(admin.core, ns);
  const controllers: Controller[] = [];

  const explain = (e: unknown): Error => {
    const quiet = (l: Record<string, unknown>): boolean => l.level === 'debug' || l.level === 'trace' || l.level === 20 || l.level === 10;
    const logs = controllers.map((c) => {
      const lines = c.logLines().filter((l) => !quiet(l)).slice(-40).map((l) => JSON.stringify(l).slice(0, 600));
      return `--- controller ${c.identity} (${c.proc.isRunning() ? 'running' : 'ended'}; info and above, last 40) ---\n${lines.join('\n')}`;
    }).join('\n');
    const msg = e instanceof Error ? e.message : String(e);
    const err = new Error(`${msg}\n${logs}\n${cp.logs(15)}`);
    if (e instanceof Error && e.stack !== undefined) err.stack = `${err.message}\n${e.stack.split('\n').slice(1).join('\n')}`;
    return err;
  };

  return {
    ns, world, kubeconfig, history, controllers,
    ...(proxy ? { proxy } : {}),
    answer: (pod, a) => {
      answers.set(pod, a);
    },
    writeConfig: async (config) => {
      const text = typeof config === 'string' ? config : stringify(config);
      const body = { metadata: { name: CONFIGMAP, namespace: ns }, data: { 'config.yaml': text } };
      try {
        await admin.core.replaceNamespacedConfigMap({ name: CONFIGMAP, namespace: ns, body });
      } catch (e) {
        if (statusOf(e) !== 404) throw e;
        await admin.core.createNamespacedConfigMap({ namespace: ns, body });
      }
    },
    startController: async (identity, extraArgs) => {
      const c = await startController({ kubeconfig, namespace: ns, configmap: CONFIGMAP, identity, dir, ...(extraArgs ? { extraArgs } : {}) });
      controllers.push(c);
      try {
        // /healthz answers from the first second now; "started" is when the informers have synced.
        await waitFor(`controller ${identity} /healthz and its "controller started" line`, async () => {
          if (!c.proc.isRunning()) throw new Error(`controller ${identity} exited (${String(await c.proc.exited)})`);
          if ((await c.httpStatus('/healthz')) !== 200) return undefined;
          return c.logLines().some((l) => l.msg === 'burstguard controller started') ? true : undefined;
        }, 90_000, 500);
      } catch (e) {
        throw explain(e);
      }
      return c;
    },
    explain,
    // Nodes are left out: reading them needs the opt-in node-read ClusterRole, and its 403 is handled (said once, no node budget).
    forbidden: () =>
      controllers
        .flatMap((c) => c.logLines())
        .filter((l) => l.source !== 'nodes' && (l.status === 403 || /HTTP-Code: 403|"(status|code)":403|forbidden/i.test(JSON.stringify(l)))),
    check: async (body) => {
      try {
        await body();
      } catch (e) {
        throw explain(e);
      }
    },
    close: async () => {
      for (const c of controllers) await c.stop().catch(() => undefined);
      await kubelet?.stop();
      await history.stop();
      await proxy?.close();
    },
  };
}

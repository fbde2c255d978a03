/**
 * A real node for the end-to-end tier: containerd and a kubelet (v1.36.3, built by
 * tools/build-control-plane.sh) in one private mount namespace, registered with the tier's API server,
 * running pods from two locally built images (tools/real-node/build-images.sh) with no registry.
 *
 * Hygiene: every process is started and stopped by its PID, dependents first (pods, kubelet, the
 * containers' processes, containerd, its shims, the namespace holder); the cgroup folders the kubelet
 * made are removed; nothing is mounted outside the namespace. A synchronous 'exit' hook does the same
 * when the test process is interrupted.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { ControlPlane, ControlPlaneOptions } from '../control-plane.js';
import type { Clients } from '../kube.js';
import { writeKubeconfigFile } from '../kube.js';
import { freePort, GiveUp, startProc, tail, waitFor, type Proc } from '../proc.js';
import { killPids, mountNamespaceOf, nodeCgroupDirs, pidsInCgroup, pidsInMountNamespace, removeNodeCgroups, removeCgroupTree } from './cleanup.js';
import { CNI_STUB, containerdConfig, kubeletConfig, namespaceScript, nodePaths, type NodePaths } from './config.js';

/** The kubelet's static token (user system:node:<name>, group system:nodes, as Node authorization wants). */
const NODE_TOKEN = 'burstguard-e2e-node-token';
const repoRoot = new URL('../../../../', import.meta.url).pathname;

/** The node's name: the machine's hostname, which resolves to 127.0.0.1 here (the API server may dial it). */
export function nodeName(): string {
  return hostname().toLowerCase();
}

/** Why the real node cannot run here, or undefined when it can. */
export function realNodeSkipReason(): string | undefined {
  if (process.platform !== 'linux') return 'the real node needs Linux';
  if (process.getuid?.() !== 0) return 'the real node needs root (mount namespace, cgroups)';
  const bin = process.env.BURSTGUARD_NODE_ASSETS;
  if (bin === undefined || bin === '') return 'BURSTGUARD_NODE_ASSETS is not set: run through `npm test` (tools/build-control-plane.sh builds the kubelet when containerd and runc are there)';
  for (const b of ['kubelet']) if (!existsSync(join(bin, b))) return `BURSTGUARD_NODE_ASSETS=${bin} has no ${b}`;
  for (const b of ['/usr/bin/containerd', '/usr/bin/ctr', '/usr/sbin/runc']) if (!existsSync(b)) return `${b} is missing (apt-get install containerd runc)`;
  return undefined;
}

/** What the control plane needs for a real kubelet: its token and Node authorization. */
export function realNodeControlPlaneOptions(): ControlPlaneOptions {
  return {
    tokens: [`${NODE_TOKEN},system:node:${nodeName()},node-uid,"system:nodes"`],
    apiArgs: ['--authorization-mode=Node,RBAC', '--enable-admission-plugins=NodeRestriction', '--kubelet-preferred-address-types=Hostname'],
  };
}

export interface RealNode {
  readonly name: string;
  readonly paths: NodePaths;
  /** 127.0.0.1:PORT of the kubelet's HTTPS server (/metrics/cadvisor). */
  readonly kubeletTarget: string;
  readonly allocatableMemBytes: number;
  logs(lines?: number): string;
  /** Deletes the node's pods, then stops everything by PID, dependents first, and removes its cgroups. */
  stop(): Promise<void>;
}

export interface RealNodeOptions {
  /** Memory the node offers pods (the rest is system-reserved); default 3 GiB. */
  allocatableMemBytes?: number;
}

/**
 * One real node per machine at a time: they would share the kubepods cgroup folders. Test files may run
 * in parallel, so a node waits for a lock file (taken over when its owner's PID is gone).
 */
const LOCK = join(tmpdir(), 'burstguard-e2e-real-node.lock');

async function takeNodeLock(timeoutMs = 900_000): Promise<() => void> {
  const release = (): void => {
    try {
      if (readFileSync(LOCK, 'utf8') === String(process.pid)) unlinkSync(LOCK);
    } catch {
      /* not ours or gone */
    }
  };
  await waitFor('the real-node lock (another real node is running on this machine)', () => {
    try {
      writeFileSync(LOCK, String(process.pid), { flag: 'wx' });
      return true;
    } catch {
      const owner = Number(readFileSync(LOCK, 'utf8'));
      let alive = owner === process.pid;
      try {
        if (!alive) process.kill(owner, 0);
        alive = true;
      } catch {
        alive = false;
      }
      if (!alive) unlinkSync(LOCK);
      return undefined;
    }
  }, timeoutMs, 1000);
  return release;
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Deletes every pod bound to the node and waits (30 s at most) until the kubelet has stopped them. */
async function deleteNodePods(admin: Clients, node: string): Promise<void> {
  const onNode = { fieldSelector: `spec.nodeName=${node}` };
  for (const pod of (await admin.core.listPodForAllNamespaces(onNode)).items) {
    await admin.core.deleteNamespacedPod({ name: pod.metadata?.name ?? '', namespace: pod.metadata?.namespace ?? '', gracePeriodSeconds: 1 }).catch(() => undefined);
  }
  await waitFor('the node\'s pods gone', async () => ((await admin.core.listPodForAllNamespaces(onNode)).items.length === 0 ? true : undefined), 30_000, 500);
}

export async function startRealNode(cp: ControlPlane, admin: Clients, opts: RealNodeOptions = {}): Promise<RealNode> {
  const bin = process.env.BURSTGUARD_NODE_ASSETS ?? '';
  const name = nodeName();
  const releaseLock = await takeNodeLock();
  const p = nodePaths(mkdtempSync(join(tmpdir(), 'burstguard-e2e-node-')));
  for (const d of [p.containerdRoot, p.containerdState, p.cniBin, p.cniConf, p.kubeletRoot, p.podLogs]) mkdirSync(d, { recursive: true });
  writeFileSync(join(p.cniConf, '10-hostnetwork-only.conflist'), CNI_STUB);
  writeFileSync(join(p.dir, 'containerd.toml'), containerdConfig(p));
  writeFileSync(join(p.dir, 'ns.sh'), namespaceScript(p));
  const allocatableMemBytes = opts.allocatableMemBytes ?? 3 * 2 ** 30;
  const [port, healthzPort] = [await freePort(), await freePort()];
  writeFileSync(join(p.dir, 'kubelet.yaml'), stringify(kubeletConfig(p, { port, healthzPort, allocatableMemBytes, machineMemBytes: totalmem() })));
  writeKubeconfigFile(join(p.dir, 'kubelet.kubeconfig'), cp, `system:node:${name}`, NODE_TOKEN, 'default');
  const cgroupsBefore = nodeCgroupDirs();
  const log = (n: string): string => join(p.dir, `${n}.log`);
  const logs = (lines = 20): string => ['kubelet', 'containerd', 'namespace'].map((n) => `--- ${n} (${log(n)}) ---\n${tail(log(n), lines)}`).join('\n');

  let holder: Proc | undefined;
  let containerd: Proc | undefined;
  let kubelet: Proc | undefined;
  let ns: string | undefined;
  let stopped = false;

  // Synchronous last resort for an interrupted run: proc.ts SIGKILLs its children on exit; what they
  // leave behind (shims, containers, cgroup folders) goes here.
  const onExit = (): void => {
    if (stopped) return;
    for (let i = 0; i < 8; i++) {
      const pids = [...(ns !== undefined ? pidsInMountNamespace(ns) : []), ...nodeCgroupDirs().filter((d) => !cgroupsBefore.includes(d)).flatMap(pidsInCgroup)];
      killPids(pids);
      const left = nodeCgroupDirs().filter((d) => !cgroupsBefore.includes(d)).filter((d) => !removeCgroupTree(d));
      if (pids.length === 0 && left.length === 0) break;
      sleepSync(250);
    }
    releaseLock();
  };
  process.on('exit', onExit);

  const stop = async (): Promise<void> => {
    if (stopped) return;
    // 1. The pods, through the API, so the kubelet stops their containers the normal way.
    if (kubelet?.isRunning() === true) await deleteNodePods(admin, name).catch(() => undefined);
    // 2. kubelet, the containers' processes, containerd, its shims, the namespace holder.
    await kubelet?.stop(10_000);
    killPids(nodeCgroupDirs().filter((d) => !cgroupsBefore.includes(d)).flatMap(pidsInCgroup));
    await containerd?.stop(10_000);
    if (ns !== undefined && holder?.child.pid !== undefined) killPids(pidsInMountNamespace(ns, [holder.child.pid]));
    await holder?.stop(2000);
    // 3. The cgroup folders the kubelet made.
    const left = await removeNodeCgroups(cgroupsBefore);
    stopped = true;
    releaseLock();
    process.off('exit', onExit);
    if (left.length > 0) throw new Error(`real node: could not remove cgroup folders ${left.join(', ')}`);
    if (process.env.BURSTGUARD_E2E_KEEP !== '1') rmSync(p.dir, { recursive: true, force: true });
  };

  try {
    holder = startProc('node-namespace', 'unshare', ['--mount', '--propagation', 'private', '--', 'bash', join(p.dir, 'ns.sh')], log('namespace'));
    const h = holder;
    await waitFor('the node\'s mount namespace', async () => {
      if (!h.isRunning()) throw new GiveUp(`unshare exited (${String(await h.exited)})\n${tail(log('namespace'))}`);
      return existsSync(join(p.dir, 'ns-ready')) ? true : undefined;
    }, 10_000, 100);
    const pid = h.child.pid ?? 0;
    ns = mountNamespaceOf(pid);
    if (ns === undefined || ns === mountNamespaceOf(process.pid)) throw new Error('the node namespace is not a separate mount namespace');
    const inNs = (cmd: string, args: readonly string[]): [string, string[]] => ['nsenter', [`--mount=/proc/${pid}/ns/mnt`, '--', cmd, ...args]];

    containerd = startProc('containerd', ...inNs('/usr/bin/containerd', ['--config', join(p.dir, 'containerd.toml'), '--log-level', 'warn']), log('containerd'));
    const c = containerd;
    await waitFor('containerd socket', async () => {
      if (!c.isRunning()) throw new GiveUp(`containerd exited (${String(await c.exited)})\n${tail(log('containerd'))}`);
      return existsSync(p.socket) ? true : undefined;
    }, 30_000, 100);

    const images = execFileSync('bash', [join(repoRoot, 'tools/real-node/build-images.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim().split('\n').pop() ?? '';
    for (const img of ['pause.tar', 'agent.tar']) {
      execFileSync('/usr/bin/ctr', ['-a', p.socket, '-n', 'k8s.io', 'images', 'import', join(images, img)], { stdio: 'ignore' });
    }

    kubelet = startProc('kubelet', ...inNs(join(bin, 'kubelet'), [
      `--config=${join(p.dir, 'kubelet.yaml')}`, `--kubeconfig=${join(p.dir, 'kubelet.kubeconfig')}`,
      `--root-dir=${p.kubeletRoot}`, `--cert-dir=${join(p.dir, 'kubelet-pki')}`,
      // cAdvisor's containerd factory: without it container series carry pod="" and container="".
      `--containerd=${p.socket}`, '--v=2',
    ]), log('kubelet'));
    const k = kubelet;
    await waitFor(`node ${name} Ready`, async () => {
      if (!k.isRunning()) throw new GiveUp(`kubelet exited (${String(await k.exited)})\n${logs()}`);
      const node = await admin.core.readNode({ name });
      return node.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True') === true ? true : undefined;
    }, 90_000, 250);
  } catch (e) {
    await stop().catch(() => undefined);
    throw new Error(`real node did not start: ${(e as Error).message}\n${logs()}`, { cause: e });
  }
  return { name, paths: p, kubeletTarget: `127.0.0.1:${port}`, allocatableMemBytes, logs, stop };
}

/**
 * The Helm chart on the real node (docs/e2e.md "The chart on the real node"): `helm install` of
 * deploy/helm/burstguard with the controller image built locally (tools/real-node/build-controller-image.sh),
 * scheduled by kube-scheduler from the chart's Deployment, and then, read from what really runs:
 * - the pod is Running and Ready through the chart's startup, liveness and readiness probes (the kubelet
 *   probes the controller's own HTTP server), and the controller's sockets (HTTP server, KEDA external
 *   scaler) listen on loopback only: listenAddress and probes.host 127.0.0.1, as a hostNetwork install
 *   that exposes nothing on the node's other interfaces;
 * - the container runs as uid/gid 65532 with a read-only root filesystem, no capabilities, no privilege
 *   escalation and the runtime's seccomp filter (from /proc of its process, as the kernel applied them);
 * - it holds the projected, pod-bound ServiceAccount token the kubelet wrote, which is bound to the
 *   chart's Role (and its read-only node ClusterRole): what they grant is allowed, anything else is refused (403);
 * - the controller, from inside its pod, resizes an agent pod whose memory presses its limit (metrics from
 *   the kubelet's cAdvisor through Prometheus) and says why in a BurstguardResized Event it signs with
 *   its pod name.
 * The node has no CNI plugin, so the release uses the chart's hostNetwork and apiServer values (there is
 * no kube-proxy to route the `kubernetes` Service).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import * as k8s from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { ADMIN_TOKEN } from './harness/control-plane.js';
import { helmBin } from './harness/helm.js';
import { callStatus, clients, createNamespace, mergePatch, tokenKubeConfig, writeKubeconfigFile } from './harness/kube.js';
import { eventsFor } from './harness/observe.js';
import { freePort, waitFor } from './harness/proc.js';
import { Mi, parseQuantity } from './harness/quantities.js';
import { containerPids, listeningSockets, processState } from './harness/real-node/container-state.js';
import { buildControllerImage, CONTROLLER_IMAGE, importImage } from './harness/real-node/controller-image.js';
import { nodeName, realNodeSkipReason } from './harness/real-node/node.js';
import { agentStatus } from './harness/real-node/pods.js';
import { readPod } from './harness/real-node/scenario.js';
import { startRealWorld, type RealWorld } from './harness/real-node/world.js';
import { baseConfig, merge } from './harness/world.js';

const helm = helmBin();
const skip = realNodeSkipReason() ?? (helm === undefined ? 'no helm binary (run tools/build-control-plane.sh)' : false);
const chart = new URL('../../deploy/helm/burstguard', import.meta.url).pathname;
const RELEASE = 'burstguard';
const NONROOT = 65532;
const TOKEN_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

describe('real node: the Helm chart installed, the controller acting from its pod', { skip, timeout: 300_000 }, () => {
  let world: RealWorld;
  let ns: string;
  let controllerPod: k8s.V1Pod;
  let pid: number;
  /** Where the time goes (printed as test diagnostics; never asserted). */
  const timings: Record<string, number> = {};
  const timed = async <T>(what: string, f: () => T | Promise<T>): Promise<T> => {
    const t0 = performance.now();
    const r = await f();
    timings[what] = Math.round(performance.now() - t0);
    return r;
  };

  before(async () => {
    // Built (or found in the cache) before the node starts, so a cold build holds no node.
    const tarball = await timed('image build (cached when unchanged)', buildControllerImage);
    world = await timed('control plane, node, scheduler, controller-manager, Prometheus', () => startRealWorld({ cluster: true }));
    await timed('image import', () => importImage(world.node, tarball));
    ns = await createNamespace(world.admin.core, 'chart');
  });
  after(async () => {
    await world?.close();
  });

  it('installs with helm; the pod is Ready through its probes, as 65532 on a read-only root filesystem', async (t) => {
    const core = world.admin.core;
    // The workload first: cAdvisor takes 10-20 s to report it, which overlaps the install.
    // 250 Mi held under a 270 Mi limit: below the 15 % margin burstguard keeps, so it must raise.
    await waitFor(`ServiceAccount ${ns}/default (kube-controller-manager)`, () => core.readNamespacedServiceAccount({ name: 'default', namespace: ns }).catch(() => undefined), 30_000);
    const steps = Array.from({ length: 300 }, () => ({ m: 250 * Mi, c: 0.05, t: 20_000, tool: 'Read', calls: 1 }));
    await world.agentPod({ ns }, { name: 'steady', plan: { intervalMs: 1000, steps }, requests: { memBytes: 200 * Mi, cpuCores: 0.1 }, limits: { memBytes: 270 * Mi, cpuCores: 0.5 } });

    const kubeconfig = join(world.dir, 'admin.kubeconfig');
    writeKubeconfigFile(kubeconfig, world.cp, 'admin', ADMIN_TOKEN, ns);
    const apiPort = new URL(world.cp.server).port;
    const metricsPort = await freePort();
    const scalerPort = await freePort();
    const values = {
      image: { ...CONTROLLER_IMAGE, pullPolicy: 'Never' },
      replicaCount: 1,
      hostNetwork: true,
      apiServer: { host: '127.0.0.1', port: Number(apiPort) },
      // The node's network is the pod's: loopback only, and the kubelet probes 127.0.0.1 (docs/e2e.md).
      listenAddress: '127.0.0.1',
      probes: { host: '127.0.0.1' },
      metricsPort,
      // The KEDA external scaler on too (the chart writes its port and mode into the config), so both of
      // the controller's listeners are checked.
      keda: { externalScaler: { enabled: true, port: scalerPort } },
      config: merge(baseConfig(ns, world.prom.url), { engine: { staleAfterS: 45 }, log: { level: 'info' } }),
    };
    const valuesFile = join(world.dir, 'values.yaml');
    writeFileSync(valuesFile, stringify(values));
    const installed = await timed('helm install --wait (pod Ready)', () => promisify(execFile)(helm!, ['install', RELEASE, chart, '--namespace', ns, '--kubeconfig', kubeconfig, '--values', valuesFile, '--wait', '--timeout', '120s'], { encoding: 'utf8' })
      .catch((e: { stdout?: string; stderr?: string; message: string }) => {
        throw new Error(`helm install failed: ${e.message}\n${e.stderr ?? ''}\n${world.node.logs(30)}`);
      }));
    for (const [what, ms] of Object.entries(timings)) t.diagnostic(`${what}: ${ms} ms`);
    assert.match(installed.stdout, /STATUS: deployed/);

    const pods = (await core.listNamespacedPod({ namespace: ns, labelSelector: `app.kubernetes.io/instance=${RELEASE}` })).items;
    assert.equal(pods.length, 1, 'one replica');
    controllerPod = pods[0]!;
    assertReadyThroughProbes(controllerPod);
    const pids = containerPids(controllerPod, 'burstguard');
    assert.equal(pids.length, 1, 'one process: node, no shell');
    pid = pids[0]!;
    assertLockedDown(pid);
    // The scaler starts after the informers sync, which is about when the pod turns Ready: wait for it.
    const expected = [`127.0.0.1:${metricsPort}`, `127.0.0.1:${scalerPort}`].sort();
    const sockets = await waitFor('the HTTP server and the KEDA scaler listening', () => {
      const l = listeningSockets(pid);
      return l.length >= expected.length ? l : undefined;
    }, 15_000);
    assert.deepEqual(sockets, expected, 'the controller listens on loopback only');
  });

  it('uses its projected ServiceAccount token, bound to the chart\'s Role: other calls are refused', async () => {
    assert.ok(pid !== undefined, 'the previous test found the process');
    const read = (f: string): string => readFileSync(`/proc/${pid}/root${TOKEN_DIR}/${f}`, 'utf8');
    const token = read('token').trim();
    assert.equal(read('namespace'), ns);
    // A bound token the kubelet requested for this very pod (TokenRequest), not a long-lived Secret.
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { sub?: string; exp?: number; 'kubernetes.io'?: { pod?: { name?: string } } };
    assert.equal(claims.sub, `system:serviceaccount:${ns}:${RELEASE}`);
    assert.equal(claims['kubernetes.io']?.pod?.name, controllerPod.metadata?.name);
    assert.ok((claims.exp ?? 0) > Date.now() / 1000, 'an expiring token');

    const kc = tokenKubeConfig(world.cp, claims.sub, token, ns);
    const as = clients(kc);
    const who = await kc.makeApiClient(k8s.AuthenticationV1Api).createSelfSubjectReview({ body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' } });
    assert.equal(who.status?.userInfo?.username, claims.sub);
    // Granted by the chart's Role.
    assert.equal(await callStatus(() => as.core.listNamespacedPod({ namespace: ns })), 200);
    assert.equal(await callStatus(() => as.core.readNamespacedConfigMap({ name: RELEASE, namespace: ns })), 200);
    // Granted by the chart's one default ClusterRole (nodeRead.enabled): reading Nodes, nothing more.
    assert.equal(await callStatus(() => as.core.listNode()), 200);
    // Not granted: Secrets, a plain patch of a pod (only pods/resize), another namespace, writing a Node.
    assert.equal(await callStatus(() => as.core.listNamespacedSecret({ namespace: ns })), 403);
    assert.equal(await callStatus(() => as.core.patchNamespacedPod({ name: 'steady', namespace: ns, body: { metadata: { labels: { x: 'y' } } } }, mergePatch)), 403);
    assert.equal(await callStatus(() => as.core.listNamespacedPod({ namespace: 'default' })), 403);
    assert.equal(await callStatus(() => as.core.patchNode({ name: nodeName(), body: { metadata: { labels: { x: 'y' } } } }, mergePatch)), 403);
  });

  it('acts from inside its pod: resizes the agent pod, with the reason in an Event signed by the pod', async (t) => {
    const core = world.admin.core;
    const me = controllerPod.metadata?.name ?? '';
    const [event] = await waitFor('a BurstguardResized Event on the agent pod', async () => {
      const evs = await eventsFor(core, ns, { object: 'steady', reason: 'BurstguardResized' });
      return evs.length > 0 ? evs : undefined;
    }, 90_000, 1000);
    assert.equal(event?.reportingInstance, me, 'written by the controller pod (its POD_NAME identity)');
    assert.match(event?.message ?? '', /\d/, `numbers in the reason: ${event?.message ?? ''}`);
    t.diagnostic(`${event?.reason ?? ''}: ${event?.message ?? ''}`);
    // The kubelet applied it: the running container's limit is above what the agent holds plus the margin.
    const applied = await waitFor('the raise applied by the kubelet', async () => {
      const pod = await readPod(core, ns, 'steady');
      const limit = parseQuantity(agentStatus(pod)?.resources?.limits?.memory);
      return limit > 270 * Mi && limit === parseQuantity(pod.spec?.containers[0]?.resources?.limits?.memory) ? pod : undefined;
    }, 30_000, 500);
    assert.equal(agentStatus(applied)?.restartCount, 0, 'no OOM kill');
    // The Lease is held by the pod: leader election ran through the chart's Role, with the pod's token.
    const lease = await world.admin.coordination.readNamespacedLease({ name: 'burstguard', namespace: ns });
    assert.equal(lease.spec?.holderIdentity, me);
  });
});

/** The chart's probes are the ones the pod runs, and the kubelet found them passing (started, Ready, no restart). */
function assertReadyThroughProbes(pod: k8s.V1Pod): void {
  const target = (probe: k8s.V1Probe | undefined): string => `${probe?.httpGet?.host ?? '(pod IP)'} ${probe?.httpGet?.path ?? ''}`;
  const c: Partial<k8s.V1Container> = pod.spec?.containers[0] ?? {};
  assert.deepEqual([target(c.startupProbe), target(c.livenessProbe), target(c.readinessProbe)], ['127.0.0.1 /healthz', '127.0.0.1 /healthz', '127.0.0.1 /readyz']);
  const status: Partial<k8s.V1PodStatus> = pod.status ?? {};
  const st: Partial<k8s.V1ContainerStatus> = status.containerStatuses?.[0] ?? {};
  const ready = (status.conditions ?? []).find((x) => x.type === 'Ready')?.status;
  // started: the startup probe passed; ready: the readiness probe; no restart: liveness never failed it.
  assert.deepEqual({ phase: status.phase, started: st.started, ready: st.ready, restarts: st.restartCount, podReady: ready },
    { phase: 'Running', started: true, ready: true, restarts: 0, podReady: 'True' });
}

/** The container's process as the kernel runs it: the image's entrypoint, non-root, no privileges, read-only root. */
function assertLockedDown(pid: number): void {
  const p = processState(pid);
  assert.deepEqual(p.cmdline.slice(0, 3), ['/nodejs/bin/node', 'dist/src/cli/main.js', 'run'], 'the image\'s entrypoint, `burstguard run`');
  assert.deepEqual(p.uids, [NONROOT, NONROOT, NONROOT, NONROOT]);
  assert.deepEqual(p.gids, [NONROOT, NONROOT, NONROOT, NONROOT]);
  assert.equal(p.effectiveCaps, 0n, 'every capability dropped');
  assert.equal(p.noNewPrivs, true, 'allowPrivilegeEscalation: false');
  assert.equal(p.seccomp, 2, 'seccomp RuntimeDefault filter');
  assert.ok(p.mounts.get('/')?.includes('ro'), `root filesystem mounted read-only (${p.mounts.get('/')?.join(',') ?? 'no / mount'})`);
  assert.ok(p.mounts.get(TOKEN_DIR)?.includes('ro'), 'the projected token volume is mounted read-only');
  // Even root, through the container's own mounts, cannot write there.
  assert.throws(() => writeFileSync(`/proc/${pid}/root/app/written-by-e2e`, 'x'), /EROFS/);
}

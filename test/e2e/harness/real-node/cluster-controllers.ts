/**
 * kube-scheduler and kube-controller-manager (v1.36.3, built by tools/build-control-plane.sh next to the
 * kubelet) for the real-node scenarios that need a cluster's own control loops: Deployments and
 * ReplicaSets making pods, the HPA controller resizing Deployments, the scheduler binding the pods to the
 * real node. Each runs as its own user from the API server's static token file (the built-in
 * ClusterRoleBindings for system:kube-scheduler and system:kube-controller-manager apply); the
 * controller-manager's loops use their own ServiceAccounts (--use-service-account-credentials), as in
 * a real cluster. Loopback only; both stopped by PID.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { httpsStatus, type ControlPlane } from '../control-plane.js';
import { writeKubeconfigFile } from '../kube.js';
import { freePort, GiveUp, startProc, tail, waitFor, type Proc } from '../proc.js';

const SCHEDULER_TOKEN = 'burstguard-e2e-scheduler-token';
const CONTROLLER_MANAGER_TOKEN = 'burstguard-e2e-controller-manager-token';

/** Static-token lines for the two identities (the control plane must be started with them). */
export const CLUSTER_CONTROLLER_TOKENS: readonly string[] = [
  `${SCHEDULER_TOKEN},system:kube-scheduler,kube-scheduler-uid`,
  `${CONTROLLER_MANAGER_TOKEN},system:kube-controller-manager,kube-controller-manager-uid`,
];

/** Only the loops the scenarios need: fewer informers and less CPU on a small shared machine. */
const CONTROLLERS = ['deployment-controller', 'replicaset-controller', 'horizontal-pod-autoscaler-controller'];

export interface ClusterControllers {
  logs(lines?: number): string;
  stop(): Promise<void>;
}

/** Starts both and waits for their /healthz; stops what it started when either fails. */
export async function startClusterControllers(cp: ControlPlane, bin: string): Promise<ClusterControllers> {
  const dir = mkdtempSync(join(tmpdir(), 'burstguard-e2e-ctrl-'));
  const log = (n: string): string => join(dir, `${n}.log`);
  const logs = (lines = 20): string => ['kube-scheduler', 'kube-controller-manager'].map((n) => `--- ${n} (${log(n)}) ---\n${tail(log(n), lines)}`).join('\n');
  const procs: Proc[] = [];
  const stop = async (): Promise<void> => {
    // The controller-manager first: it would otherwise re-create pods the teardown deletes.
    for (const p of [...procs].reverse()) await p.stop(5000);
    if (process.env.BURSTGUARD_E2E_KEEP !== '1') rmSync(dir, { recursive: true, force: true });
  };

  const start = async (name: string, user: string, token: string, args: readonly string[]): Promise<void> => {
    const kubeconfig = join(dir, `${name}.kubeconfig`);
    writeKubeconfigFile(kubeconfig, cp, user, token, 'kube-system');
    const port = await freePort();
    const p = startProc(name, join(bin, name), [
      `--kubeconfig=${kubeconfig}`, `--authentication-kubeconfig=${kubeconfig}`, `--authorization-kubeconfig=${kubeconfig}`,
      '--leader-elect=false', '--bind-address=127.0.0.1', `--secure-port=${port}`, '--v=2', ...args,
    ], log(name));
    procs.push(p);
    await waitFor(`${name} /healthz`, async () => {
      if (!p.isRunning()) throw new GiveUp(`${name} exited (${String(await p.exited)})\n${tail(log(name))}`);
      return (await httpsStatus(`https://127.0.0.1:${port}/healthz`)) === 200 ? true : undefined;
    }, 60_000, 250);
  };

  try {
    await start('kube-scheduler', 'system:kube-scheduler', SCHEDULER_TOKEN, []);
    await start('kube-controller-manager', 'system:kube-controller-manager', CONTROLLER_MANAGER_TOKEN, [
      `--controllers=${CONTROLLERS.join(',')}`,
      '--use-service-account-credentials=true',
      // The default 15 s would make every HPA step in a scenario wait up to 15 s.
      '--horizontal-pod-autoscaler-sync-period=1s',
    ]);
  } catch (e) {
    await stop().catch(() => undefined);
    throw new Error(`cluster controllers did not start: ${(e as Error).message}\n${logs()}`, { cause: e });
  }
  return { logs, stop };
}

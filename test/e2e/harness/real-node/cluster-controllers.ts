/**
 * kube-scheduler and kube-controller-manager for the real node (v1.36.3, built next to the kubelet by
 * tools/build-control-plane.sh): what a Deployment needs to become pods on the node, and what an
 * in-cluster client needs in its namespace. Only the controllers used are started:
 * - deployment, replicaset: a Deployment (e.g. the Helm chart's) gets its pods;
 * - nodelifecycle: removes the node.kubernetes.io/not-ready taint, so the scheduler may bind to the node;
 * - serviceaccount: the `default` ServiceAccount of each namespace (ServiceAccount admission wants it);
 * - root-ca-cert-publisher: the `kube-root-ca.crt` ConfigMap the projected token volume reads its ca.crt from;
 * - horizontalpodautoscaling: the HPAs KEDA's operator makes (synced every second, not 15 s, so a
 *   scenario does not wait on the default period).
 * Both run with the admin token, serve nothing (--secure-port=0) and are stopped by PID.
 */
import { join } from 'node:path';
import { ADMIN_TOKEN, type ControlPlane } from '../control-plane.js';
import { writeKubeconfigFile } from '../kube.js';
import { startProc, tail, type Proc } from '../proc.js';

export const CONTROLLERS = ['deployment', 'replicaset', 'nodelifecycle', 'serviceaccount', 'root-ca-cert-publisher', 'horizontalpodautoscaling'] as const;

export interface ClusterControllers {
  logs(lines?: number): string;
  /** Whether both still run. */
  running(): boolean;
  stop(): Promise<void>;
}

/** Starts both in `dir`; the caller waits for their effects (the node untainted, a namespace's `default` ServiceAccount). */
export function startClusterControllers(cp: Pick<ControlPlane, 'server' | 'caFile'>, bin: string, dir: string): ClusterControllers {
  const kubeconfig = join(dir, 'admin.kubeconfig');
  writeKubeconfigFile(kubeconfig, cp, 'admin', ADMIN_TOKEN, 'default');
  const log = (n: string): string => join(dir, `${n}.log`);
  const logs = (lines = 20): string => ['kube-scheduler', 'kube-controller-manager'].map((n) => `--- ${n} (${log(n)}) ---\n${tail(log(n), lines)}`).join('\n');
  const procs: Proc[] = [];
  const stop = async (): Promise<void> => {
    for (const p of [...procs].reverse()) await p.stop(5000).catch(() => undefined);
  };
  const common = [`--kubeconfig=${kubeconfig}`, '--leader-elect=false', '--secure-port=0', '--v=1'];
  try {
    procs.push(startProc('kube-scheduler', join(bin, 'kube-scheduler'), common, log('kube-scheduler')));
    procs.push(startProc('kube-controller-manager', join(bin, 'kube-controller-manager'), [
      ...common, `--controllers=${CONTROLLERS.join(',')}`, `--root-ca-file=${cp.caFile}`,
      // One node, loopback only: nothing to allocate or route.
      '--allocate-node-cidrs=false', '--configure-cloud-routes=false',
      '--horizontal-pod-autoscaler-sync-period=1s',
    ], log('kube-controller-manager')));
  } catch (e) {
    void stop();
    throw e;
  }
  return { logs, stop, running: () => procs.every((p) => p.isRunning()) };
}

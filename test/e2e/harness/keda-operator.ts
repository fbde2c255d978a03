/**
 * KEDA's operator (built from the github.com/kedacore/keda/v2 module by tools/build-control-plane.sh,
 * same version as the CRDs) against the tier's API server, as a cluster would run it minus the pod:
 * - all six CRDs it watches and KEDA's own RBAC (config/rbac of the module: ClusterRole, Role and
 *   bindings for ServiceAccount keda/keda-operator), and a kubeconfig holding only that
 *   ServiceAccount's TokenRequest token;
 * - no leader election, no certificate rotation, no webhook or APIService patching (there is no
 *   webhook server and no metrics adapter); its gRPC metrics service still wants a certificate, so it
 *   gets a throwaway self-signed one;
 * - every listener on a free 127.0.0.1 port; stopped by PID.
 * KEDA_OPERATOR names the binary; without it the KEDA scenarios are skipped with the reason.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import type { ControlPlane } from './control-plane.js';
import { installKedaOperatorCrds, kedaModuleFile } from './crd.js';
import { statusOf, writeKubeconfigFile, type Clients } from './kube.js';
import { freePort, GiveUp, startProc, tail, waitFor } from './proc.js';
import { mintToken } from './sa-token.js';

export const KEDA_NAMESPACE = 'keda';
const SA = 'keda-operator';

/** Why the operator cannot run here, or undefined when it can. */
export function kedaOperatorSkipReason(): string | undefined {
  const bin = process.env.KEDA_OPERATOR;
  if (bin === undefined || bin === '') return 'KEDA_OPERATOR is not set: run through `npm test` (tools/build-control-plane.sh builds KEDA\'s operator with the real node)';
  if (!existsSync(bin)) return `KEDA_OPERATOR=${bin} does not exist`;
  return undefined;
}

export interface KedaOperator {
  /** The operator's log lines (JSON), parsed. */
  logLines(): Array<Record<string, unknown>>;
  logs(lines?: number): string;
  stop(): Promise<void>;
}

/** KEDA's RBAC manifests from the module, applied as they are (bound to keda/keda-operator). */
async function applyKedaRbac(c: Clients): Promise<void> {
  for (const rel of ['config/rbac/role.yaml', 'config/rbac/role_binding.yaml']) {
    for (const obj of k8s.loadAllYaml(readFileSync(kedaModuleFile(rel, 'rbac'), 'utf8')) as k8s.KubernetesObject[]) {
      try {
        await c.objects.create(obj);
      } catch (e) {
        if (statusOf(e) !== 409) throw e;
      }
    }
  }
}

export async function startKedaOperator(cp: ControlPlane, admin: Clients): Promise<KedaOperator> {
  const bin = process.env.KEDA_OPERATOR ?? '';
  await installKedaOperatorCrds(admin);
  try {
    await admin.core.createNamespace({ body: { metadata: { name: KEDA_NAMESPACE } } });
  } catch (e) {
    if (statusOf(e) !== 409) throw e;
  }
  await admin.core.createNamespacedServiceAccount({ namespace: KEDA_NAMESPACE, body: { metadata: { name: SA } } }).catch((e: unknown) => {
    if (statusOf(e) !== 409) throw e;
  });
  await applyKedaRbac(admin);
  const token = await mintToken(admin, KEDA_NAMESPACE, SA);
  const [metricsPort, probePort, grpcPort] = [await freePort(), await freePort(), await freePort()];

  // The folder is made only now that nothing but local file work stands before the process's start,
  // and goes again if that work fails.
  const dir = mkdtempSync(join(tmpdir(), 'burstguard-e2e-keda-'));
  const kubeconfig = join(dir, 'kubeconfig.yaml');
  // The gRPC metrics service (for the metrics adapter, not run here) loads ca.crt/tls.crt/tls.key at start.
  const certs = join(dir, 'certs');
  try {
    writeKubeconfigFile(kubeconfig, cp, `system:serviceaccount:${KEDA_NAMESPACE}:${SA}`, token, KEDA_NAMESPACE);
    mkdirSync(certs);
    mkdirSync(join(dir, 'ca'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=keda-operator',
      '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(certs, 'tls.key'), '-out', join(certs, 'tls.crt')], { stdio: 'ignore' });
    copyFileSync(join(certs, 'tls.crt'), join(certs, 'ca.crt'));
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }

  const logFile = join(dir, 'keda-operator.log');
  const proc = startProc('keda-operator', bin, [
    '--leader-elect=false', '--enable-cert-rotation=false', '--enable-webhook-patching=false', '--enable-apiservice-patching=false',
    `--metrics-bind-address=127.0.0.1:${metricsPort}`, `--health-probe-bind-address=127.0.0.1:${probePort}`,
    `--metrics-service-bind-address=127.0.0.1:${grpcPort}`, `--cert-dir=${certs}`, `--ca-dir=${join(dir, 'ca')}`,
    '--zap-log-level=info',
  ], logFile, {
    PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, KUBECONFIG: kubeconfig,
    // All namespaces; cluster-scoped objects (ClusterTriggerAuthentication's Secrets) live in `keda`.
    WATCH_NAMESPACE: '', KEDA_CLUSTER_OBJECT_NAMESPACE: KEDA_NAMESPACE, POD_NAMESPACE: KEDA_NAMESPACE,
  });
  const logs = (lines = 30): string => `--- keda-operator (${logFile}) ---\n${tail(logFile, lines)}`;
  const stop = async (): Promise<void> => {
    await proc.stop(5000);
    if (process.env.BURSTGUARD_E2E_KEEP !== '1') rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor('keda-operator /readyz', async () => {
      if (!proc.isRunning()) throw new GiveUp(`keda-operator exited (${String(await proc.exited)})`);
      const r = await fetch(`http://127.0.0.1:${probePort}/readyz`, { signal: AbortSignal.timeout(2000) }).catch(() => undefined);
      return r?.status === 200 ? true : undefined;
    }, 60_000, 250);
  } catch (e) {
    await stop().catch(() => undefined);
    throw new Error(`KEDA's operator did not start: ${(e as Error).message}\n${logs()}`, { cause: e });
  }
  const logLines = (): Array<Record<string, unknown>> => {
    let text: string;
    try {
      text = readFileSync(logFile, 'utf8');
    } catch {
      return [];
    }
    return text.split('\n').flatMap((l) => {
      try {
        return [JSON.parse(l) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
  };
  return { logLines, logs, stop };
}

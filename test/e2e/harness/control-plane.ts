/**
 * A real etcd + kube-apiserver for the end-to-end tier, started from the binaries in $KUBEBUILDER_ASSETS
 * (built by tools/build-control-plane.sh) on free loopback ports in a temporary folder. Flags follow
 * docs/e2e.md: RBAC on, a static admin token, ServiceAccount tokens signed with a throwaway key (so the
 * TokenRequest API works without kube-controller-manager), no ServiceAccount admission (pods need no
 * default ServiceAccount), no endpoint reconciler.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, GiveUp, startProc, tail, waitFor, type Proc } from './proc.js';

/** The admin user's bearer token (group system:masters). */
export const ADMIN_TOKEN = 'burstguard-e2e-admin-token';

export interface ControlPlane {
  /** https://127.0.0.1:PORT */
  readonly server: string;
  /** The serving certificate with its self-signed CA (written by kube-apiserver into its cert dir). */
  readonly caFile: string;
  readonly dir: string;
  /** Stops kube-apiserver only (etcd keeps the data); `startApiServer` brings it back on the same port. */
  stopApiServer(): Promise<void>;
  startApiServer(): Promise<void>;
  /** Tails of both logs, for failure messages. */
  logs(lines?: number): string;
  stop(): Promise<void>;
}

/** Where the binaries are; throws with guidance when the tier cannot run. */
export function assetsDir(): string {
  const dir = process.env.KUBEBUILDER_ASSETS;
  if (dir === undefined || dir === '') {
    throw new Error('KUBEBUILDER_ASSETS is not set: run the tier through `npm test` (tools/run-tests.mjs), which builds the binaries');
  }
  for (const bin of ['etcd', 'kube-apiserver']) {
    if (!existsSync(join(dir, bin))) throw new Error(`KUBEBUILDER_ASSETS=${dir} has no ${bin}`);
  }
  return dir;
}

/** GET an https URL with the admin token; resolves with the status code (0 when unreachable). */
export async function httpsStatus(url: string, timeoutMs = 3000): Promise<number> {
  return new Promise((resolve) => {
    const req = request(url, { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` }, rejectUnauthorized: false, timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
    req.end();
  });
}

async function httpStatus(url: string): Promise<number> {
  try {
    const r = await fetch(url, { signal: AbortSignal.timeout(2000) });
    return r.status;
  } catch {
    return 0;
  }
}

/** Extra identities and flags (the real node adds its kubelet's token and Node authorization). */
export interface ControlPlaneOptions {
  readyTimeoutMs?: number;
  /** More `token,user,uid,"group"` lines for the static token file. */
  tokens?: readonly string[];
  /** More kube-apiserver flags; one that is also a default flag replaces it. */
  apiArgs?: readonly string[];
}

/** Starts etcd and kube-apiserver and waits (up to `readyTimeoutMs`, default 90 s) for /readyz. */
export async function startControlPlane(opts: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const bin = assetsDir();
  const readyTimeoutMs = opts.readyTimeoutMs ?? 90_000;
  const dir = mkdtempSync(join(tmpdir(), 'burstguard-e2e-cp-'));
  mkdirSync(join(dir, 'certs'));
  const saKey = join(dir, 'sa.key');
  execFileSync('openssl', ['genrsa', '-out', saKey, '2048'], { stdio: 'ignore' });
  // token,user,uid,"group": the static admin identity the tests (never the controller) use.
  writeFileSync(join(dir, 'tokens.csv'), [`${ADMIN_TOKEN},admin,admin-uid,"system:masters"`, ...(opts.tokens ?? [])].join('\n') + '\n');
  const [etcdPort, peerPort, apiPort] = [await freePort(), await freePort(), await freePort()];
  const etcdLog = join(dir, 'etcd.log');
  const apiLog = join(dir, 'apiserver.log');
  const server = `https://127.0.0.1:${apiPort}`;

  const etcd = startProc('etcd', join(bin, 'etcd'), [
    '--name=e2e', `--data-dir=${join(dir, 'etcd')}`, '--unsafe-no-fsync', '--log-level=warn',
    `--listen-client-urls=http://127.0.0.1:${etcdPort}`, `--advertise-client-urls=http://127.0.0.1:${etcdPort}`,
    `--listen-peer-urls=http://127.0.0.1:${peerPort}`, `--initial-advertise-peer-urls=http://127.0.0.1:${peerPort}`,
    `--initial-cluster=e2e=http://127.0.0.1:${peerPort}`, '--listen-metrics-urls=',
  ], etcdLog);

  // A flag given in opts.apiArgs replaces the default (list flags would otherwise accumulate).
  const flagName = (a: string): string => a.split('=')[0] ?? a;
  const overridden = new Set((opts.apiArgs ?? []).map(flagName));
  const apiArgs = [
    `--etcd-servers=http://127.0.0.1:${etcdPort}`,
    '--bind-address=127.0.0.1', '--advertise-address=127.0.0.1', `--secure-port=${apiPort}`,
    `--cert-dir=${join(dir, 'certs')}`,
    '--service-cluster-ip-range=10.0.0.0/24',
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    `--service-account-key-file=${saKey}`, `--service-account-signing-key-file=${saKey}`,
    `--token-auth-file=${join(dir, 'tokens.csv')}`,
    '--authorization-mode=RBAC',
    '--disable-admission-plugins=ServiceAccount',
    '--endpoint-reconciler-type=none', '--allow-privileged=true',
    // Less background work on a small CI machine; the tests do not exercise fairness.
    '--enable-priority-and-fairness=false',
  ].filter((a) => !overridden.has(flagName(a))).concat(opts.apiArgs ?? []);
  let api: Proc | undefined;
  const logs = (lines = 30): string => `--- kube-apiserver (${apiLog}) ---\n${tail(apiLog, lines)}\n--- etcd (${etcdLog}) ---\n${tail(etcdLog, 10)}`;

  const startApiServer = async (): Promise<void> => {
    api = startProc('kube-apiserver', join(bin, 'kube-apiserver'), apiArgs, apiLog);
    const proc = api;
    try {
      await waitFor('kube-apiserver /readyz', async () => {
        if (!proc.isRunning()) throw new GiveUp(`kube-apiserver exited (${String(await proc.exited)})`);
        return (await httpsStatus(`${server}/readyz`)) === 200 ? true : undefined;
      }, readyTimeoutMs, 500);
    } catch (e) {
      throw new Error(`${(e as Error).message}\n${logs()}`, { cause: e });
    }
  };
  const stopApiServer = async (): Promise<void> => {
    await api?.stop();
  };
  const stop = async (): Promise<void> => {
    await api?.stop();
    await etcd.stop();
    if (process.env.BURSTGUARD_E2E_KEEP !== '1') rmSync(dir, { recursive: true, force: true });
  };

  try {
    await waitFor('etcd /health', async () => {
      if (!etcd.isRunning()) throw new GiveUp(`etcd exited (${String(await etcd.exited)})\n${logs()}`);
      return (await httpStatus(`http://127.0.0.1:${etcdPort}/health`)) === 200 ? true : undefined;
    }, 30_000);
    await startApiServer();
  } catch (e) {
    // The message already carries the log tails; the folder goes with the processes.
    await stop().catch(() => undefined);
    throw e;
  }
  return { server, caFile: join(dir, 'certs', 'apiserver.crt'), dir, stopApiServer, startApiServer, logs, stop };
}

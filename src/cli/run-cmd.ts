import { isIP } from 'node:net';
import { parseArgs } from 'node:util';
import { componentLogger, createLogger } from '../telemetry/logger.js';
import type { CliIo, Command } from './io.js';

const usage = `Usage: burstguard run [--kubeconfig PATH] [--namespace NS] [--configmap NAME] [--metrics-port N] [--identity ID]
                     [--listen-address ADDR] [--annotate-pods]
                     [--admission-port N --admission-cert PATH --admission-key PATH]

Runs the controller in the agents' namespace (also the container entrypoint).
  --kubeconfig PATH   kubeconfig to use; default: in-cluster service account, else $KUBECONFIG or ~/.kube/config
  --namespace NS      namespace to manage; default: the pod's own (service-account file), else the context's
  --configmap NAME    ConfigMap holding config.yaml (watched, hot-reloaded); default: burstguard
  --metrics-port N    port of /metrics, /healthz, /readyz; default: the ConfigMap's http.port (8080)
  --identity ID       leader-election identity; default: $POD_NAME, else the hostname
  --listen-address ADDR
                      IP address the HTTP server, the KEDA external scaler and the admission webhook
                      listen on; default: 0.0.0.0 in a pod, else 127.0.0.1 (a hostNetwork pod: 127.0.0.1 keeps the ports off
                      the node's other interfaces; Helm values listenAddress and probes.host)
  --annotate-pods     in dryRun, also write each recommendation as the pod annotation
                      burstguard.io/recommendation (needs 'patch' on pods: Helm value dryRun.annotatePods)
  --admission-port N  serve the mutating admission webhook (POST /v1/admit, HTTPS) on port N: pods are
                      created at the policy's admission-time size (docs/models.md); default: off
  --admission-cert PATH, --admission-key PATH
                      PEM serving certificate and key of the webhook (needed with --admission-port)
`;

/** The parsed command line of `burstguard run`. */
export interface RunArgs {
  readonly kubeconfig?: string;
  readonly namespace?: string;
  readonly configMap: string;
  readonly metricsPort?: number;
  readonly identity?: string;
  /** The IP address to listen on; undefined: `defaultListenAddress`. */
  readonly listenAddress?: string;
  /** dryRun recommendations also as pod annotations (needs pods patch RBAC). */
  readonly annotatePods?: boolean;
  /** The admission webhook's HTTPS port and serving certificate; absent: no webhook. */
  readonly admission?: { readonly port: number; readonly certFile: string; readonly keyFile: string };
}

/** Parses `run`'s flags; an error is the message to print with the usage. */
export function parseRunArgs(argv: readonly string[]): { ok: true; value: RunArgs | 'help' } | { ok: false; error: string } {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        kubeconfig: { type: 'string' },
        namespace: { type: 'string' },
        configmap: { type: 'string' },
        'metrics-port': { type: 'string' },
        identity: { type: 'string' },
        'listen-address': { type: 'string' },
        'annotate-pods': { type: 'boolean' },
        'admission-port': { type: 'string' },
        'admission-cert': { type: 'string' },
        'admission-key': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
  if (values.help === true) return { ok: true, value: 'help' };
  const str = (k: string): string | undefined => (typeof values[k] === 'string' ? values[k] : undefined);
  const metricsPort = parsePort(str('metrics-port'));
  if (typeof metricsPort === 'string') return { ok: false, error: metricsPort };
  const admission = admissionArgs(str('admission-port'), str('admission-cert'), str('admission-key'));
  if (typeof admission === 'string') return { ok: false, error: admission };
  const namespace = str('namespace');
  if (namespace !== undefined && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(namespace)) return { ok: false, error: `--namespace: '${namespace}' is not a namespace name` };
  const listenAddress = str('listen-address');
  const listenError = listenAddressError(listenAddress);
  if (listenError !== undefined) return { ok: false, error: listenError };
  const configMap = str('configmap') ?? 'burstguard';
  for (const [k, v] of [
    ['kubeconfig', str('kubeconfig')],
    ['identity', str('identity')],
    ['configmap', configMap],
  ] as const) {
    if (v !== undefined && v.trim() === '') return { ok: false, error: `--${k} must not be empty` };
  }
  return {
    ok: true,
    value: {
      configMap,
      ...(str('kubeconfig') !== undefined ? { kubeconfig: str('kubeconfig') } : {}),
      ...(namespace !== undefined ? { namespace } : {}),
      ...(metricsPort !== undefined ? { metricsPort } : {}),
      ...(str('identity') !== undefined ? { identity: str('identity') } : {}),
      ...(listenAddress !== undefined ? { listenAddress } : {}),
      ...(values['annotate-pods'] === true ? { annotatePods: true } : {}),
      ...(admission ? { admission } : {}),
    },
  };
}

/** The three admission flags go together: a webhook is only served over TLS. */
function admissionArgs(port: string | undefined, certFile: string | undefined, keyFile: string | undefined): RunArgs['admission'] | string {
  if (port === undefined && certFile === undefined && keyFile === undefined) return undefined;
  if (port === undefined || certFile === undefined || keyFile === undefined) return '--admission-port, --admission-cert and --admission-key go together (the webhook serves TLS only)';
  const n = Number(port);
  if (!/^\d+$/.test(port) || n < 1 || n > 65535) return `--admission-port: '${port}' is not a port number`;
  if (certFile.trim() === '' || keyFile.trim() === '') return '--admission-cert and --admission-key must not be empty';
  return { port: n, certFile, keyFile };
}

/** `--metrics-port`'s number, undefined when not given, or the error to print. */
function parsePort(text: string | undefined): number | undefined | string {
  if (text === undefined) return undefined;
  const port = Number(text);
  return /^\d+$/.test(text) && port <= 65535 ? port : `--metrics-port: '${text}' is not a port number`;
}

/** An IP literal only: a host name could resolve to more (or other) interfaces than the operator meant. */
function listenAddressError(addr: string | undefined): string | undefined {
  return addr === undefined || isIP(addr) !== 0 ? undefined : `--listen-address: '${addr}' is not an IP address (e.g. 127.0.0.1, 0.0.0.0, ::1)`;
}

/**
 * Where the controller listens: the flag, else every interface in a pod (the kubelet's probes and the
 * Service reach the pod IP) and loopback outside one (a developer's machine exposes nothing).
 */
export function listenAddressFor(args: Pick<RunArgs, 'listenAddress'>, inCluster: boolean): string {
  return args.listenAddress ?? (inCluster ? '0.0.0.0' : '127.0.0.1');
}

/**
 * `burstguard run`: parses flags, starts the controller, and stops it cleanly on SIGTERM/SIGINT
 * (ticks finish or abort, the Lease is released, the HTTP server closes).
 */
export const runCommand: Command = async (argv: readonly string[], io: CliIo): Promise<number> => {
  const parsed = parseRunArgs(argv);
  if (!parsed.ok) {
    io.stderr.write(`burstguard run: ${parsed.error}\n\n${usage}`);
    return 2;
  }
  if (parsed.value === 'help') {
    io.stdout.write(usage);
    return 0;
  }
  const { runController } = await import('../runtime/main.js');
  const stop = new AbortController();
  const onSignal = (sig: NodeJS.Signals): void => {
    io.stderr.write(signalLogLine(sig));
    stop.abort(new Error(sig));
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  try {
    return await runController(parsed.value, stop.signal);
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  }
};

/**
 * The line written when a stop signal arrives, by the controller's own logger setup (so it has the
 * same level label, ISO time and name as every other line): log pipelines parse it like the rest.
 * A logger of its own, because the controller's lives inside runController.
 */
export function signalLogLine(sig: string): string {
  let line = '';
  const log = createLogger({ level: 'info', destination: { write: (s: string) => void (line += s) } });
  componentLogger(log, 'cli').info({ signal: sig }, `${sig} received, shutting down`);
  return line;
}

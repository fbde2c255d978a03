/**
 * KEDA's external-scaler gRPC service (externalscaler.ExternalScaler) over the arrival forecast, so a
 * ScaledObject kept in Git scales on it without burstguard patching anything (keda.mode
 * 'externalScaler'; docs/keda.md). One trigger follows one agent class, named by the trigger's
 * metadata `agentClass`. The metric is the sessions the class is forecast to run within the horizon
 * (in flight + upper-quantile arrivals) with target sessionsPerReplica per replica, so KEDA's HPA asks
 * for ⌈sessions / sessionsPerReplica⌉ replicas: the same number the patch path would set as
 * minReplicaCount during a burst (both read policy.demand()).
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { DemandForecast } from '../../policy/policy.js';

interface ScaledObjectRef {
  readonly name: string;
  readonly namespace: string;
  readonly scalerMetadata: Readonly<Record<string, string>>;
}
interface GetMetricsRequest {
  readonly scaledObjectRef?: ScaledObjectRef | null;
  readonly metricName: string;
}

export interface ExternalScalerTls {
  readonly cert: Buffer;
  readonly key: Buffer;
  /** When set, a client certificate signed by it is required (KEDA's trigger `tlsClientCert`). */
  readonly clientCa?: Buffer;
}

export interface ExternalScalerOptions {
  readonly port: number;
  readonly host: string;
  /** The forecast of a class now, or undefined for a class not seen yet. */
  readonly demand: (agentClass: string) => DemandForecast | undefined;
  /** Replicas' capacity for the metric spec (known before any session of the class is seen). */
  readonly sessionsPerReplica: () => number;
  /** Only the leader ticks, so only it has a current forecast; others answer UNAVAILABLE. */
  readonly serving?: () => { readonly ok: true } | { readonly ok: false; readonly reason: string };
  readonly tls?: ExternalScalerTls;
  /** How often StreamIsActive re-reads the forecast to push a change (ms). */
  readonly streamIntervalMs?: number;
  readonly logger?: { warn(obj: object, msg: string): void };
  /** Called once per answered RPC with its gRPC status name ('OK', 'NOT_FOUND', ...): KEDA's calls, countable. */
  readonly onCall?: (method: ScalerMethod, code: string) => void;
}

export type ScalerMethod = 'IsActive' | 'GetMetricSpec' | 'GetMetrics' | 'StreamIsActive';

export interface ExternalScalerServer {
  readonly port: number;
  close(): Promise<void>;
}

/** The vendored proto (third_party/keda), from the source tree or from dist/ alike. */
export function externalScalerProtoPath(): string {
  for (const rel of ['../../../third_party/keda/externalscaler.proto', '../../../../third_party/keda/externalscaler.proto']) {
    const p = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(p)) return p;
  }
  throw new Error('third_party/keda/externalscaler.proto not found next to the installed burstguard');
}

/** The service definition of externalscaler.ExternalScaler (field names as in the proto). */
export function loadExternalScalerPackage(): grpc.GrpcObject {
  const def = protoLoader.loadSync(externalScalerProtoPath(), { keepCase: true, longs: Number, defaults: true });
  return grpc.loadPackageDefinition(def);
}

/** A gRPC error with a status code; grpc-js sends `details` to the client as the message. */
class ScalerError extends Error {
  constructor(
    readonly code: grpc.status,
    message: string,
  ) {
    super(message);
  }
  toServiceError(): Partial<grpc.ServiceError> {
    return { code: this.code, details: this.message, message: this.message };
  }
}

/** The metric a class's trigger reports: one name per class, valid as a Kubernetes metric name. */
export function metricNameOf(agentClass: string): string {
  return `burstguard-sessions-${agentClass.toLowerCase().replace(/[^a-z0-9-]/g, '-')}`;
}

function agentClassOf(ref: ScaledObjectRef | null | undefined): string {
  const where = ref ? `ScaledObject ${ref.namespace}/${ref.name}` : 'the request';
  if (!ref) throw new ScalerError(grpc.status.INVALID_ARGUMENT, 'GetMetrics request has no scaledObjectRef');
  const cls = ref.scalerMetadata.agentClass;
  if (cls === undefined || cls.trim() === '') {
    const keys = Object.keys(ref.scalerMetadata);
    throw new ScalerError(
      grpc.status.INVALID_ARGUMENT,
      `${where}: trigger metadata 'agentClass' is required (the agent class whose arrival forecast this trigger follows); ` +
        `got ${keys.length > 0 ? `keys ${keys.join(', ')}` : 'no metadata'}`,
    );
  }
  return cls.trim();
}

export async function startExternalScaler(o: ExternalScalerOptions): Promise<ExternalScalerServer> {
  const pkg = loadExternalScalerPackage();
  const Service = (pkg.externalscaler as grpc.GrpcObject).ExternalScaler as grpc.ServiceClientConstructor;
  const streamMs = o.streamIntervalMs ?? 5_000;

  const forecastOf = (ref: ScaledObjectRef | null | undefined): { cls: string; d: DemandForecast } => {
    const cls = agentClassOf(ref);
    const s = o.serving?.() ?? { ok: true };
    if (!s.ok) throw new ScalerError(grpc.status.UNAVAILABLE, `burstguard cannot serve a forecast here: ${s.reason}`);
    const d = o.demand(cls);
    if (!d) {
      throw new ScalerError(
        grpc.status.NOT_FOUND,
        `no arrival forecast for agent class '${cls}': burstguard has seen no session of it ` +
          `(check the pods' agent-class label and that a keda.scaledObjects entry names this class)`,
      );
    }
    return { cls, d };
  };
  const counted = (method: ScalerMethod, code: grpc.status | undefined): void => o.onCall?.(method, grpc.status[code ?? grpc.status.OK]);
  // Unary handlers: a thrown ScalerError becomes the gRPC status; anything else is INTERNAL.
  const unary =
    <Req, Res>(method: ScalerMethod, f: (req: Req) => Res) =>
    (call: grpc.ServerUnaryCall<Req, Res>, cb: grpc.sendUnaryData<Res>): void => {
      let res: Res;
      try {
        res = f(call.request);
      } catch (e) {
        const st = toStatus(e, o.logger);
        counted(method, st.code);
        cb(st);
        return;
      }
      counted(method, grpc.status.OK);
      cb(null, res);
    };

  const handlers: grpc.UntypedServiceImplementation = {
    IsActive: unary('IsActive', (ref: ScaledObjectRef) => ({ result: forecastOf(ref).d.sessions > 0 })),
    GetMetricSpec: unary('GetMetricSpec', (ref: ScaledObjectRef) => {
      // Known before the class has sessions: KEDA asks for it when it builds the HPA.
      const cls = agentClassOf(ref);
      const target = o.sessionsPerReplica();
      return { metricSpecs: [{ metricName: metricNameOf(cls), targetSize: Math.max(1, Math.round(target)), targetSizeFloat: target }] };
    }),
    GetMetrics: unary('GetMetrics', (req: GetMetricsRequest) => {
      const { cls, d } = forecastOf(req.scaledObjectRef);
      const name = metricNameOf(cls);
      if (req.metricName !== '' && req.metricName !== name) {
        throw new ScalerError(grpc.status.INVALID_ARGUMENT, `unknown metric '${req.metricName}' for agent class '${cls}' (this trigger serves '${name}')`);
      }
      return { metricValues: [{ metricName: name, metricValue: Math.ceil(d.sessions), metricValueFloat: d.sessions }] };
    }),
    StreamIsActive: (call: grpc.ServerWritableStream<ScaledObjectRef, { result: boolean }>) => {
      let last: boolean | undefined;
      // A stream is one call, counted once: OK when its first answer went out, else the status it ended with.
      const push = (): void => {
        let active: boolean;
        try {
          active = forecastOf(call.request).d.sessions > 0;
        } catch (e) {
          clearInterval(timer);
          const st = toStatus(e, o.logger);
          counted('StreamIsActive', st.code);
          call.emit('error', st);
          return;
        }
        if (active !== last) {
          if (last === undefined) counted('StreamIsActive', grpc.status.OK);
          last = active;
          call.write({ result: active });
        }
      };
      const timer = setInterval(push, streamMs);
      timer.unref();
      call.on('cancelled', () => clearInterval(timer));
      call.on('close', () => clearInterval(timer));
      push();
    },
  };

  const server = new grpc.Server();
  server.addService(Service.service, handlers);
  const creds = o.tls
    ? grpc.ServerCredentials.createSsl(o.tls.clientCa ?? null, [{ private_key: o.tls.key, cert_chain: o.tls.cert }], o.tls.clientCa !== undefined)
    : grpc.ServerCredentials.createInsecure();
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${o.host.includes(':') ? `[${o.host}]` : o.host}:${o.port}`, creds, (e, p) => (e ? reject(e) : resolve(p))),
  );
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        // Streams never end by themselves: give calls a moment, then cut them.
        const force = setTimeout(() => server.forceShutdown(), 2_000);
        force.unref();
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      }),
  };
}

function toStatus(e: unknown, log: ExternalScalerOptions['logger']): Partial<grpc.ServiceError> {
  if (e instanceof ScalerError) return e.toServiceError();
  const message = e instanceof Error ? e.message : String(e);
  log?.warn({ err: message }, 'external scaler: internal error');
  return { code: grpc.status.INTERNAL, details: `internal error: ${message}`, message };
}

/** Reads the TLS files named in the config; all empty: plaintext. Errors name the field at fault. */
export function readScalerTls(c: { readonly certFile: string; readonly keyFile: string; readonly clientCaFile: string }): ExternalScalerTls | undefined {
  if (c.certFile === '' && c.keyFile === '' && c.clientCaFile === '') return undefined;
  if (c.certFile === '' || c.keyFile === '') throw new Error('keda.externalScaler: certFile and keyFile go together (TLS needs both)');
  const read = (field: string, path: string): Buffer => {
    try {
      return readFileSync(path);
    } catch (e) {
      throw new Error(`keda.externalScaler.${field}: cannot read ${path}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
  };
  const tls = { cert: read('certFile', c.certFile), key: read('keyFile', c.keyFile) };
  return c.clientCaFile === '' ? tls : { ...tls, clientCa: read('clientCaFile', c.clientCaFile) };
}

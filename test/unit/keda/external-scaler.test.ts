import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { loadExternalScalerPackage, metricNameOf, startExternalScaler, type ExternalScalerServer } from '../../../src/adapters/keda/external-scaler.js';
import type { DemandForecast } from '../../../src/policy/policy.js';

// A real gRPC client over loopback, built from the same vendored proto KEDA's Go client is generated from.
type Callback<T> = (e: grpc.ServiceError | null, v?: T) => void;
interface ScalerClient extends grpc.Client {
  IsActive(ref: object, cb: Callback<{ result: boolean }>): void;
  GetMetricSpec(ref: object, cb: Callback<{ metricSpecs: { metricName: string; targetSize: number; targetSizeFloat: number }[] }>): void;
  GetMetrics(req: object, cb: Callback<{ metricValues: { metricName: string; metricValue: number; metricValueFloat: number }[] }>): void;
  StreamIsActive(ref: object): grpc.ClientReadableStream<{ result: boolean }>;
}

const call = <T>(f: (cb: Callback<T>) => void): Promise<T> => new Promise((resolve, reject) => f((e, v) => (e ? reject(e) : resolve(v as T))));
const ref = (meta: Record<string, string>): object => ({ name: 'workers', namespace: 'agents', scalerMetadata: meta });
const demandOf = (sessions: number): DemandForecast => ({ sessions, sessionsPerReplica: 4, replicas: Math.ceil(sessions / 4), inFlight: 2, upperArrivals: sessions - 2, horizonS: 90, quantile: 0.95 });

describe('KEDA external scaler over loopback gRPC', () => {
  const demand = new Map<string, number>([['coder', 10]]);
  let server: ExternalScalerServer;
  let client: ScalerClient;

  before(async () => {
    server = await startExternalScaler({
      port: 0,
      host: '127.0.0.1',
      demand: (cls) => (demand.has(cls) ? demandOf(demand.get(cls) as number) : undefined),
      sessionsPerReplica: () => 4,
      streamIntervalMs: 20,
    });
    const Ctor = (loadExternalScalerPackage().externalscaler as grpc.GrpcObject).ExternalScaler as grpc.ServiceClientConstructor;
    client = new Ctor(`127.0.0.1:${server.port}`, grpc.credentials.createInsecure()) as unknown as ScalerClient;
  });
  after(async () => {
    client.close();
    await server.close();
  });

  it('IsActive is true while the class forecasts sessions, false at zero', async () => {
    assert.equal((await call<{ result: boolean }>((cb) => client.IsActive(ref({ agentClass: 'coder' }), cb))).result, true);
    demand.set('idle', 0);
    assert.equal((await call<{ result: boolean }>((cb) => client.IsActive(ref({ agentClass: 'idle' }), cb))).result, false);
  });

  it('GetMetricSpec names the class metric with sessionsPerReplica as the target, even before the class is seen', async () => {
    const spec = await call<{ metricSpecs: { metricName: string; targetSize: number; targetSizeFloat: number }[] }>((cb) => client.GetMetricSpec(ref({ agentClass: 'later' }), cb));
    assert.deepEqual(spec.metricSpecs, [{ metricName: 'burstguard-sessions-later', targetSize: 4, targetSizeFloat: 4 }]);
  });

  it('GetMetrics reports forecast sessions (HPA: ceil(sessions / target) replicas)', async () => {
    const r = await call<{ metricValues: { metricName: string; metricValue: number; metricValueFloat: number }[] }>((cb) =>
      client.GetMetrics({ scaledObjectRef: ref({ agentClass: 'coder' }), metricName: metricNameOf('coder') }, cb),
    );
    assert.deepEqual(r.metricValues, [{ metricName: 'burstguard-sessions-coder', metricValue: 10, metricValueFloat: 10 }]);
  });

  it('an unknown class is NOT_FOUND with a message naming it', async () => {
    await assert.rejects(
      call((cb) => client.GetMetrics({ scaledObjectRef: ref({ agentClass: 'nobody' }), metricName: '' }, cb)),
      (e: grpc.ServiceError) => e.code === grpc.status.NOT_FOUND && /agent class 'nobody'/.test(e.details),
    );
    await assert.rejects(call((cb) => client.IsActive(ref({ agentClass: 'nobody' }), cb)), (e: grpc.ServiceError) => e.code === grpc.status.NOT_FOUND);
  });

  it('missing agentClass metadata or a foreign metric name is INVALID_ARGUMENT with a clear message', async () => {
    await assert.rejects(
      call((cb) => client.IsActive(ref({ class: 'coder' }), cb)),
      (e: grpc.ServiceError) => e.code === grpc.status.INVALID_ARGUMENT && /ScaledObject agents\/workers: trigger metadata 'agentClass' is required.*got keys class/.test(e.details),
    );
    await assert.rejects(
      call((cb) => client.GetMetrics({ scaledObjectRef: ref({ agentClass: 'coder' }), metricName: 'cpu' }, cb)),
      (e: grpc.ServiceError) => e.code === grpc.status.INVALID_ARGUMENT && /unknown metric 'cpu'/.test(e.details),
    );
    await assert.rejects(call((cb) => client.GetMetrics({ metricName: 'x' }, cb)), (e: grpc.ServiceError) => e.code === grpc.status.INVALID_ARGUMENT);
  });

  it('StreamIsActive pushes the current state, then each change', async () => {
    demand.set('burst', 0);
    const stream = client.StreamIsActive(ref({ agentClass: 'burst' }));
    const seen: boolean[] = [];
    await new Promise<void>((resolve, reject) => {
      stream.on('data', (m: { result: boolean }) => {
        seen.push(m.result);
        if (seen.length === 1) demand.set('burst', 3);
        if (seen.length === 2) demand.set('burst', 0);
        if (seen.length === 3) resolve();
      });
      stream.on('error', (e: grpc.ServiceError) => (e.code === grpc.status.CANCELLED ? undefined : reject(e)));
    });
    stream.cancel();
    assert.deepEqual(seen, [false, true, false]);
  });

  it('StreamIsActive ends with NOT_FOUND for an unknown class', async () => {
    const stream = client.StreamIsActive(ref({ agentClass: 'ghost' }));
    const e = await new Promise<grpc.ServiceError>((resolve) => stream.on('error', resolve));
    assert.equal(e.code, grpc.status.NOT_FOUND);
  });
});

describe('KEDA external scaler: serving gate', () => {
  it('a replica that is not the leader answers UNAVAILABLE with the reason', async () => {
    const server = await startExternalScaler({
      port: 0,
      host: '127.0.0.1',
      demand: () => demandOf(5),
      sessionsPerReplica: () => 4,
      serving: () => ({ ok: false, reason: 'this replica is not the leader' }),
    });
    const Ctor = (loadExternalScalerPackage().externalscaler as grpc.GrpcObject).ExternalScaler as grpc.ServiceClientConstructor;
    const client = new Ctor(`127.0.0.1:${server.port}`, grpc.credentials.createInsecure()) as unknown as ScalerClient;
    try {
      await assert.rejects(
        call((cb) => client.IsActive(ref({ agentClass: 'coder' }), cb)),
        (e: grpc.ServiceError) => e.code === grpc.status.UNAVAILABLE && /not the leader/.test(e.details),
      );
    } finally {
      client.close();
      await server.close();
    }
  });
});

describe('KEDA external scaler: call counting', () => {
  it('reports each answered call once, with its method and gRPC status name', async () => {
    const calls: string[] = [];
    const server = await startExternalScaler({
      port: 0,
      host: '127.0.0.1',
      demand: (cls) => (cls === 'coder' ? demandOf(5) : undefined),
      sessionsPerReplica: () => 4,
      streamIntervalMs: 20,
      onCall: (method, code) => calls.push(`${method} ${code}`),
    });
    const Ctor = (loadExternalScalerPackage().externalscaler as grpc.GrpcObject).ExternalScaler as grpc.ServiceClientConstructor;
    const client = new Ctor(`127.0.0.1:${server.port}`, grpc.credentials.createInsecure()) as unknown as ScalerClient;
    try {
      await call((cb) => client.IsActive(ref({ agentClass: 'coder' }), cb));
      await call((cb) => client.GetMetricSpec(ref({ agentClass: 'coder' }), cb));
      await call((cb) => client.GetMetrics({ scaledObjectRef: ref({ agentClass: 'coder' }), metricName: metricNameOf('coder') }, cb));
      await assert.rejects(call((cb) => client.IsActive(ref({ agentClass: 'ghost' }), cb)));
      const stream = client.StreamIsActive(ref({ agentClass: 'coder' }));
      stream.on('error', () => undefined); // the CANCELLED below
      await new Promise((resolve) => stream.once('data', resolve));
      stream.cancel();
      const failed = client.StreamIsActive(ref({ agentClass: 'ghost' }));
      await new Promise((resolve) => failed.on('error', resolve));
      assert.deepEqual(calls, ['IsActive OK', 'GetMetricSpec OK', 'GetMetrics OK', 'IsActive NOT_FOUND', 'StreamIsActive OK', 'StreamIsActive NOT_FOUND']);
    } finally {
      client.close();
      await server.close();
    }
  });
});

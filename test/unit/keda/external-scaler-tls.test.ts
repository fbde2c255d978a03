import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { loadExternalScalerPackage, readScalerTls, startExternalScaler } from '../../../src/adapters/keda/external-scaler.js';
import { tempDir } from '../../support/temp-dir.js';

// Mutual TLS as KEDA does it (trigger auth caCert + tlsClientCert/tlsClientKey), with throwaway certificates
// made by openssl at test time; skipped with the reason where openssl is missing.
function makeCerts(dir: string): void {
  const ossl = (...args: string[]): void => void execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  ossl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=test-ca');
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  for (const who of ['server', 'client']) {
    ossl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${who}.key`, '-out', `${who}.csr`, '-subj', `/CN=${who}`);
    ossl('x509', '-req', '-in', `${who}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${who}.crt`, '-days', '1', '-extfile', 'san.ext');
  }
}

test('TLS with a required client certificate: KEDA with its client cert gets answers, a client without one does not', async (t) => {
  const dir = tempDir(t, 'bg-scaler-tls-');
  try {
    makeCerts(dir);
  } catch (e) {
    t.skip(`openssl unavailable: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
    return;
  }
  const f = (n: string): string => join(dir, n);
  const tls = readScalerTls({ certFile: f('server.crt'), keyFile: f('server.key'), clientCaFile: f('ca.crt') });
  assert.ok(tls?.clientCa);
  const server = await startExternalScaler({ port: 0, host: '127.0.0.1', tls, sessionsPerReplica: () => 4, demand: () => ({ sessions: 3, sessionsPerReplica: 4, replicas: 1, inFlight: 1, upperArrivals: 2, horizonS: 90, quantile: 0.95 }) });
  t.after(() => server.close());
  const Ctor = (loadExternalScalerPackage().externalscaler as grpc.GrpcObject).ExternalScaler as grpc.ServiceClientConstructor;
  const ask = (creds: grpc.ChannelCredentials): Promise<{ result: boolean }> => {
    const c = new Ctor(`127.0.0.1:${server.port}`, creds) as unknown as grpc.Client & { IsActive(r: object, o: object, cb: (e: grpc.ServiceError | null, v?: { result: boolean }) => void): void };
    return new Promise<{ result: boolean }>((resolve, reject) =>
      c.IsActive({ name: 'w', namespace: 'agents', scalerMetadata: { agentClass: 'coder' } }, { deadline: Date.now() + 10_000 }, (e, v) => (e ? reject(e) : resolve(v as { result: boolean }))),
    ).finally(() => c.close());
  };
  const ca = readFileSync(f('ca.crt'));
  assert.deepEqual(await ask(grpc.credentials.createSsl(ca, readFileSync(f('client.key')), readFileSync(f('client.crt')))), { result: true });
  await assert.rejects(ask(grpc.credentials.createSsl(ca)), (e: grpc.ServiceError) => e.code === grpc.status.UNAVAILABLE);
});

test('TLS config errors name the field at fault', () => {
  assert.equal(readScalerTls({ certFile: '', keyFile: '', clientCaFile: '' }), undefined);
  assert.throws(() => readScalerTls({ certFile: '/x.crt', keyFile: '', clientCaFile: '' }), /certFile and keyFile go together/);
  assert.throws(() => readScalerTls({ certFile: '/nonexistent/x.crt', keyFile: '/nonexistent/x.key', clientCaFile: '' }), /keda\.externalScaler\.certFile: cannot read \/nonexistent\/x\.crt/);
});

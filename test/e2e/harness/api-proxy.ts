/**
 * A TLS pass-through proxy in front of kube-apiserver for the controller's connection. It records every
 * request (method, path, status) and lets a scenario act just before a request is forwarded — e.g. change
 * a pod so that the controller's resize, carrying the resourceVersion it read, meets a real 409 from the
 * real API server. Watches stream through untouched.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:https';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';

export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  /** performance.now() when the request reached the proxy. */
  readonly atMs: number;
  /** The request body of a PATCH (what the controller asked for); absent for other methods. */
  body?: string;
  status?: number;
}

export interface ApiProxy {
  /** https://127.0.0.1:PORT */
  readonly server: string;
  /** The proxy's own self-signed certificate (its CA for clients). */
  readonly caFile: string;
  readonly seen: SeenRequest[];
  /** Runs before a request is forwarded; the request waits for it. */
  beforeForward?: (req: SeenRequest) => Promise<void>;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** Starts the proxy towards `upstream` (https://127.0.0.1:PORT, trusted through `upstreamCa`). */
export async function startApiProxy(upstream: string, upstreamCa: string, dir: string): Promise<ApiProxy> {
  const key = join(dir, 'proxy.key');
  const cert = join(dir, 'proxy.crt');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2',
    '-subj', '/CN=burstguard-e2e-proxy', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  const up = new URL(upstream);
  const ca = readFileSync(upstreamCa);
  const seen: SeenRequest[] = [];
  const proxy: ApiProxy = { server: '', caFile: cert, seen, close: () => Promise.resolve() };

  const server: Server = createServer({ key: readFileSync(key), cert: readFileSync(cert) }, (req, res) => {
    void (async () => {
      const entry: SeenRequest = { method: req.method ?? 'GET', path: req.url ?? '/', atMs: performance.now() };
      seen.push(entry);
      const body = await readBody(req);
      if (entry.method === 'PATCH') entry.body = body.toString('utf8');
      try {
        await proxy.beforeForward?.(entry);
      } catch {
        /* the hook's failure must not change what the controller sees */
      }
      const out = request({ host: up.hostname, port: up.port, method: req.method, path: req.url, headers: { ...req.headers, host: up.host }, ca }, (upRes) => {
        entry.status = upRes.statusCode;
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        // A watch sends headers and then nothing until an event: pass the headers on at once.
        res.flushHeaders();
        upRes.pipe(res);
        // An upstream that dies mid-response (kube-apiserver stopping under a watch) must cut the
        // client's connection too, as it would without the proxy; pipe() alone would leave it hanging.
        upRes.on('error', () => res.destroy());
        upRes.on('aborted', () => res.destroy());
        upRes.on('close', () => {
          if (!upRes.complete) res.destroy();
        });
      });
      out.on('error', () => {
        if (res.headersSent) {
          res.destroy();
          return;
        }
        entry.status = 502;
        res.writeHead(502, { 'Content-Type': 'text/plain' });
        res.end('upstream unavailable');
      });
      // A client that goes away (watch cancelled) closes the upstream request too.
      res.on('close', () => out.destroy());
      out.end(body);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
  return Object.assign(proxy, {
    server: `https://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  });
}

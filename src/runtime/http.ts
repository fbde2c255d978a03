import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import type { Logger } from '../engine/ports.js';
import { handleHint, type HintDeps } from './hints.js';
import { listen, type Listening } from './listen.js';

/** Readiness as the composition root sees it: config loaded, informers synced, and why not. */
export interface Readiness {
  readonly ready: boolean;
  /** Shown in the /readyz body when not ready, e.g. "no valid config yet". */
  readonly reason?: string;
}

export interface HttpServerOptions {
  /** The controller's own Registry (never prom-client's global one). */
  readonly registry: Registry;
  readonly readiness: () => Readiness;
  readonly logger?: Logger;
  /** POST /v1/hints (hints.ts); absent: the route answers 404. */
  readonly hints?: HintDeps;
}

/** A hint is a few short strings: anything larger is not one. */
const MAX_HINT_BODY_BYTES = 4096;

/** A started server. */
export type RunningHttpServer = Listening;

/**
 * /metrics (Prometheus text from the injected Registry), /healthz (the process answers), /readyz (200
 * only when `readiness()` says so: Kubernetes then routes and counts this replica as available).
 */
export function createHttpHandler(o: HttpServerOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const text = (res: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8'): void => {
    res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
    res.end(body);
  };
  return (req, res) => {
    const path = (req.url ?? '/').split('?', 1)[0];
    if (path === '/v1/hints') {
      serveHint(o, req, res);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      text(res, 405, 'method not allowed\n');
      return;
    }
    switch (path) {
      case '/metrics':
        o.registry.metrics().then(
          (body) => text(res, 200, body, o.registry.contentType),
          (e: unknown) => {
            o.logger?.error({ error: String(e) }, 'collecting metrics failed');
            text(res, 500, 'collecting metrics failed\n');
          },
        );
        return;
      case '/healthz':
        text(res, 200, 'ok\n');
        return;
      case '/readyz': {
        let r: Readiness;
        try {
          r = o.readiness();
        } catch (e) {
          r = { ready: false, reason: `readiness check failed: ${String(e)}` };
        }
        text(res, r.ready ? 200 : 503, r.ready ? 'ready\n' : `not ready: ${r.reason ?? 'starting'}\n`);
        return;
      }
      default:
        text(res, 404, 'not found\n');
    }
  };
}

function serveHint(o: HttpServerOptions, req: IncomingMessage, res: ServerResponse): void {
  const json = (status: number, body: Record<string, unknown>): void => {
    res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
    res.end(`${JSON.stringify(body)}\n`);
  };
  if (req.method !== 'POST') {
    res.setHeader('Allow', 'POST');
    json(405, { accepted: false, reason: 'POST a JSON hint' });
    return;
  }
  const hints = o.hints;
  if (!hints) {
    json(404, { accepted: false, reason: 'hints are not served by this controller' });
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (c: Buffer) => {
    size += c.length;
    if (size <= MAX_HINT_BODY_BYTES) chunks.push(c);
  });
  req.on('end', () => {
    if (size > MAX_HINT_BODY_BYTES) {
      json(413, { accepted: false, reason: `body over ${MAX_HINT_BODY_BYTES} bytes` });
      return;
    }
    const ac = new AbortController();
    res.once('close', () => ac.abort());
    handleHint(hints, Buffer.concat(chunks).toString('utf8'), req.headers.authorization, ac.signal).then(
      (r) => {
        if (r.retry === true) {
          res.setHeader('Retry-After', '0');
          res.setHeader('Connection', 'close');
        }
        json(r.status, r.body);
      },
      (e: unknown) => {
        o.logger?.error({ error: String(e) }, 'hint failed');
        json(500, { accepted: false, reason: 'hint failed' });
      },
    );
  });
}

/** Starts the server on `port` (0 = any free port) and `host` (`--listen-address`; 0.0.0.0 in a pod, 127.0.0.1 in tests). */
export async function startHttpServer(o: HttpServerOptions & { readonly port: number; readonly host: string }): Promise<RunningHttpServer> {
  const running = await listen(createServer(createHttpHandler(o)), o.port, o.host);
  o.logger?.info({ port: running.port, host: o.host }, 'http server listening');
  return running;
}

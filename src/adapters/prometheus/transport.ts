import { readFileSync } from 'node:fs';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { err, ok, type Result } from '../../core/result.js';

/** An HTTP answer as the source needs it. */
export interface HttpAnswer {
  readonly status: number;
  readonly body: string;
}

/** A GET function and the connections behind it. */
export interface HttpClient {
  readonly get: HttpGet;
  /** Closes pooled keep-alive connections (when the source is replaced after a config reload). */
  close(): void;
}

/** A GET over HTTP(S); injected so tests and the bench can count or fake requests. */
export type HttpGet = (url: URL, headers: Readonly<Record<string, string>>, signal: AbortSignal) => Promise<Result<HttpAnswer, string>>;

export interface TransportOptions {
  /** PEM CA bundle file for https; '' for the system CAs. */
  readonly caFile: string;
  readonly insecureSkipVerify: boolean;
  /** Largest body accepted (a runaway answer must not exhaust memory). */
  readonly maxBodyBytes?: number;
}

/**
 * GET with node:http/https. node's own client (not global fetch) because a custom CA and
 * skip-verify need a per-request TLS agent, which fetch only offers through the separate `undici`
 * package, whose Agent must match the fetch it is given; node:https keeps this dependency-free on
 * Node 20, 22 and 24. Keep-alive agents reuse connections across ticks.
 */
export function createHttpGet(o: TransportOptions): Result<HttpClient, string> {
  let ca: string | undefined;
  if (o.caFile !== '') {
    try {
      ca = readFileSync(o.caFile, 'utf8');
    } catch (e) {
      return err(`cannot read CA file ${o.caFile}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
    }
  }
  const httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 16 });
  const httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 16, ca, rejectUnauthorized: !o.insecureSkipVerify });
  const maxBody = o.maxBodyBytes ?? 256 * 2 ** 20;

  const get: HttpGet = (url, headers, signal) =>
    new Promise((resolve) => {
      if (signal.aborted) {
        resolve(err(abortMessage(signal)));
        return;
      }
      const isHttps = url.protocol === 'https:';
      const req = (isHttps ? httpsRequest : httpRequest)(
        url,
        { method: 'GET', headers: { Accept: 'application/json', ...headers }, agent: isHttps ? httpsAgent : httpAgent, signal },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size > maxBody) {
              req.destroy();
              resolve(err(`answer larger than ${maxBody} bytes`));
              return;
            }
            chunks.push(c);
          });
          res.on('end', () => resolve(ok({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') })));
          res.on('error', (e) => resolve(err(signal.aborted ? abortMessage(signal) : e.message)));
        },
      );
      req.on('error', (e) => resolve(err(signal.aborted ? abortMessage(signal) : e.message)));
      req.end();
    });
  return ok({
    get,
    close: () => {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  });
}

/** Why a signal fired: our timeout, or the tick giving up. */
export function abortMessage(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  if (reason instanceof Error && reason.name === 'TimeoutError') return 'timed out';
  return 'aborted';
}

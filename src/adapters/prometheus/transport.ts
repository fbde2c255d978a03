import { readFileSync } from 'node:fs';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { StringDecoder } from 'node:string_decoder';
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

/** Where a streamed body's text goes, piece by piece, as it arrives. */
export interface BodySink {
  write(text: string): void;
}

/**
 * A GET over HTTP(S); injected so tests and the bench can count or fake requests. With `open`, the
 * body may be streamed instead: `open` is called once with the status, its sink gets the body's text
 * as it arrives, and the answer's `body` is ''. A GET that does not stream ignores `open` (and never
 * calls it) and answers with the whole body, as test fakes do.
 */
export type HttpGet = (
  url: URL,
  headers: Readonly<Record<string, string>>,
  signal: AbortSignal,
  open?: (status: number) => BodySink,
) => Promise<Result<HttpAnswer, string>>;

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

  const get: HttpGet = (url, headers, signal, open) =>
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
          const status = res.statusCode ?? 0;
          // Streamed: each chunk's text goes on at once (a character split between chunks waits for the
          // next), so the body is never held whole; else the chunks are kept and joined at the end.
          const sink = open?.(status);
          const text = sink !== undefined ? new StringDecoder('utf8') : undefined;
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size > maxBody) {
              req.destroy();
              resolve(err(`answer larger than ${maxBody} bytes`));
              return;
            }
            if (sink !== undefined && text !== undefined) sink.write(text.write(c));
            else chunks.push(c);
          });
          res.on('end', () => {
            if (sink !== undefined && text !== undefined) {
              sink.write(text.end());
              resolve(ok({ status, body: '' }));
            } else resolve(ok({ status, body: Buffer.concat(chunks).toString('utf8') }));
          });
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

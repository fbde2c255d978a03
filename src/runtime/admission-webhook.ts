/**
 * The mutating admission webhook's HTTPS server (`burstguard run --admission-port`): POST /v1/admit
 * takes an AdmissionReview, answers what decideAdmission (src/adapters/kube/admission-review.ts)
 * decides, logs it and counts it. The API server only talks TLS to a webhook; the serving certificate
 * and key are files (mounted from a Secret), read once at start: a new certificate needs a restart,
 * which the chart does by rolling the pods when it issues one.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { Logger } from 'pino';
import { listen as listenOn } from './listen.js';
import { decideAdmission, unchangedReview, type AdmissionContext, type AdmissionDecision, type AdmissionOutcome } from '../adapters/kube/admission-review.js';

/** The path the MutatingWebhookConfiguration names. */
export const ADMIT_PATH = '/v1/admit';
/** A pod spec with many containers and env vars stays well below this; the API server caps requests at 3 MiB. */
const MAX_REVIEW_BYTES = 3 * 1024 * 1024;

/** Where and with which certificate to serve (`--admission-port/-cert/-key`). */
export interface AdmissionWebhookListen {
  readonly port: number;
  readonly certFile: string;
  readonly keyFile: string;
}

export interface AdmissionWebhookOptions {
  readonly host: string;
  /** Read on every review: the config, leadership, policy and its state all change while running. */
  readonly context: () => AdmissionContext;
  readonly logger: Logger;
  readonly onReview: (outcome: AdmissionOutcome) => void;
}

export interface RunningAdmissionWebhook {
  /** 0 when no webhook is served. */
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Serves the webhook when `listen` is given, else returns a stand-in with port 0. Throws naming the flag
 * and file when a TLS file cannot be read (the controller then exits).
 */
export async function startAdmissionWebhook(listen: AdmissionWebhookListen | undefined, o: AdmissionWebhookOptions): Promise<RunningAdmissionWebhook> {
  if (!listen) return { port: 0, close: () => Promise.resolve() };
  const read = (flag: string, path: string): Buffer => {
    try {
      return readFileSync(path);
    } catch (e) {
      throw new Error(`${flag}: cannot read ${path}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
  };
  const server: Server = createServer({ cert: read('--admission-cert', listen.certFile), key: read('--admission-key', listen.keyFile) }, (req, res) => {
    const reply = (status: number, body: unknown): void => {
      res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
      res.end(JSON.stringify(body));
    };
    if ((req.url ?? '').split('?', 1)[0] !== ADMIT_PATH) return reply(404, { reason: `not found; POST an AdmissionReview to ${ADMIT_PATH}` });
    if (req.method !== 'POST') return reply(405, { reason: `POST an AdmissionReview to ${ADMIT_PATH}` });
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_REVIEW_BYTES) chunks.push(c);
    });
    req.on('end', () => {
      let body: unknown;
      try {
        body = size > MAX_REVIEW_BYTES ? undefined : (JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown);
      } catch {
        body = undefined;
      }
      // Whatever fails here is still an answer that allows the pod unchanged: never block pod creation.
      let d: AdmissionDecision;
      try {
        d = decideAdmission(body, o.context());
      } catch (e) {
        d = { review: unchangedReview(body), outcome: 'error', reason: `deciding failed: ${e instanceof Error ? e.message : String(e)}` };
      }
      o.onReview(d.outcome);
      const line = { pod: d.pod, outcome: d.outcome, reason: d.reason };
      if (d.outcome === 'error') o.logger.warn(line, 'admission review answered unchanged');
      else if (d.outcome === 'patched') o.logger.info(line, 'admission review: pod sized');
      else o.logger.debug(line, 'admission review answered unchanged');
      reply(200, d.review);
    });
  });
  const running = await listenOn(server, listen.port, o.host);
  o.logger.info({ port: running.port, host: o.host, path: ADMIT_PATH }, 'admission webhook listening');
  return running;
}

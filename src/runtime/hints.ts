/**
 * POST /v1/hints: an agent announces a tool call just before it starts, and its pod is resized at once
 * (docs/hints.md). The caller proves who it is with its pod's own projected ServiceAccount token: a
 * TokenReview must accept it for our audience, and the pod bound into the token must be the pod hinted
 * for, in our namespace, so no pod can resize another. Every refusal is a 4xx with a JSON reason and
 * changes nothing.
 */
import { z } from 'zod';
import type { Result } from '../core/result.js';
import type { HintOutcome } from '../engine/hint.js';
import type { Clock, Logger } from '../engine/ports.js';
import type { ToolHint } from '../policy/policy.js';
import type { TokenBuckets } from './token-bucket.js';

/** What a TokenReview says about a token. */
export interface TokenIdentity {
  readonly authenticated: boolean;
  /** Why not, as the API server words it. */
  readonly error?: string;
  /** e.g. system:serviceaccount:agents:default */
  readonly username?: string;
  /** The pod the token is bound to (extra["authentication.kubernetes.io/pod-name"]). */
  readonly podName?: string;
  /** The audiences the token was accepted for. */
  readonly audiences?: readonly string[];
}

/** The TokenReview port: the API server in the controller, a fake in unit tests. */
export interface TokenReviewer {
  review(token: string, audiences: readonly string[], signal: AbortSignal): Promise<Result<TokenIdentity, string>>;
}

export interface HintDeps {
  readonly enabled: () => boolean;
  readonly namespace: string;
  readonly audience: () => string;
  readonly reviewer: TokenReviewer;
  readonly buckets: TokenBuckets;
  readonly clock: Clock;
  readonly act: (hint: ToolHint) => Promise<HintOutcome>;
  /**
   * Whether this replica acts (holds the Lease); absent = always. A standby answers before the
   * TokenReview and the rate limit, so a misrouted hint costs neither.
   */
  readonly leading?: () => boolean;
  readonly logger?: Logger;
}

/** A reply: status and JSON body. */
export interface HintReply {
  readonly status: number;
  readonly body: Record<string, unknown>;
  /**
   * Another replica may take it: the HTTP layer sends `Retry-After: 0` and closes the connection, so
   * the client's retry opens a new one, which the Service may route to the leader.
   */
  readonly retry?: boolean;
}

/** Kubernetes object names (DNS-1123 subdomain) and a tool name an agent harness might use. */
const dnsName = z.string().min(1).max(253).regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'must be a Kubernetes name');
export const hintBodySchema = z.strictObject({
  pod: dnsName,
  container: z.string().min(1).max(63).regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a container name'),
  tool: z.string().min(1).max(128).regex(/^[A-Za-z0-9_.:/-]+$/, 'must be a tool name (letters, digits, _ . : / -)'),
  expectedDurationS: z.number().positive().max(86_400).optional(),
});

const SA_PREFIX = 'system:serviceaccount:';
const refuse = (status: number, reason: string): HintReply => ({ status, body: { accepted: false, reason } });
export const NOT_LEADER = 'this replica is not the leader; retry';
const notLeader: HintReply = { ...refuse(503, NOT_LEADER), retry: true };

/** Handles one hint request: body text and Authorization header in, reply out. */
export async function handleHint(d: HintDeps, bodyText: string, authorization: string | undefined, signal: AbortSignal): Promise<HintReply> {
  if (!d.enabled()) return refuse(404, 'hints are disabled (config hints.enabled)');
  if (d.leading?.() === false) return notLeader;
  const body = parseBody(bodyText);
  if ('status' in body) return body;
  const denied = await authenticate(d, authorization, body.pod, signal);
  if (denied) return denied;
  const key = `${d.namespace}/${body.pod}`;
  if (!d.buckets.take(key, d.clock.now())) return refuse(429, `too many hints from ${key} (config hints.ratePerMinute, hints.burst)`);
  const hint: ToolHint = { pod: key, container: body.container, tool: body.tool, ...(body.expectedDurationS !== undefined ? { expectedDurationS: body.expectedDurationS } : {}) };
  return replyOf(await d.act(hint));
}

function parseBody(bodyText: string): z.output<typeof hintBodySchema> | HintReply {
  let json: unknown;
  try {
    json = JSON.parse(bodyText);
  } catch {
    return refuse(400, 'body is not JSON; expected {"pod","container","tool","expectedDurationS"?}');
  }
  const parsed = hintBodySchema.safeParse(json);
  if (!parsed.success) return refuse(400, `bad hint: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'body'} ${i.message}`).join('; ')}`);
  return parsed.data;
}

/** The refusal for a caller that is not the pod it hints for, or undefined when it is. */
async function authenticate(d: HintDeps, authorization: string | undefined, pod: string, signal: AbortSignal): Promise<HintReply | undefined> {
  const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  if (!m) return refuse(401, 'no bearer token: send the pod\'s projected ServiceAccount token (audience burstguard)');
  const audience = d.audience();
  const r = await d.reviewer.review(m[1]!, [audience], signal);
  if (!r.ok) {
    d.logger?.warn({ err: r.error }, 'TokenReview failed; hint refused');
    return refuse(503, `cannot review the token now: ${r.error}`);
  }
  const id = r.value;
  if (!id.authenticated) return refuse(401, `token not accepted: ${id.error ?? 'invalid, expired or not for this audience'}`);
  if (id.audiences !== undefined && !id.audiences.includes(audience)) return refuse(401, `token is not for audience ${audience}`);
  const ns = id.username?.startsWith(SA_PREFIX) ? id.username.slice(SA_PREFIX.length).split(':', 1)[0] : undefined;
  if (id.podName === undefined || ns === undefined) return refuse(403, 'token is not bound to a pod: use a projected ServiceAccount token');
  if (ns === d.namespace && id.podName === pod) return undefined;
  d.logger?.warn({ tokenPod: `${ns}/${id.podName}`, hintedPod: pod }, 'hint for another pod refused');
  return refuse(403, `token belongs to pod ${ns}/${id.podName}; it may only hint for itself`);
}

function replyOf(out: HintOutcome): HintReply {
  switch (out.kind) {
    case 'unknown-pod':
      return refuse(404, out.reason);
    case 'unavailable':
      return { ...refuse(503, out.reason), retry: true };
    case 'unchanged':
      return { status: 200, body: { accepted: true, outcome: 'unchanged', reason: out.reason } };
    case 'resized': {
      const a = out.action;
      if (!out.result.ok) return { status: 502, body: { accepted: true, outcome: `error:${out.result.error.code}`, reason: out.result.error.message } };
      return { status: 200, body: { accepted: true, outcome: out.result.value.outcome, reason: a.kind === 'resize' ? a.reason : '', ...(a.kind === 'resize' ? { limits: a.limits } : {}) } };
    }
  }
}

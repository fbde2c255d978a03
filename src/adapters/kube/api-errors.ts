import type { Action, ActuationError } from '../../core/types.js';

/** An API failure reduced to what decides the next step: the HTTP status (if any) and the server's message. */
export interface ApiFailure {
  readonly status?: number;
  readonly message: string;
}

/**
 * Reads client-node's ApiException (`code`, `body` as the Status JSON text) or a network error
 * (node-fetch FetchError, AbortError: no status) into an ApiFailure.
 */
export function apiFailure(e: unknown): ApiFailure {
  const o = (typeof e === 'object' && e !== null ? e : {}) as { code?: unknown; statusCode?: unknown; body?: unknown; message?: unknown };
  const status = typeof o.code === 'number' ? o.code : typeof o.statusCode === 'number' ? o.statusCode : undefined;
  const message = statusMessage(o.body) ?? (typeof o.message === 'string' ? o.message : String(e));
  return status === undefined ? { message } : { status, message };
}

function statusMessage(body: unknown): string | undefined {
  let b = body;
  if (typeof body === 'string') {
    try {
      b = JSON.parse(body) as unknown;
    } catch {
      return body.length > 0 ? body.slice(0, 500) : undefined;
    }
  }
  if (typeof b === 'object' && b !== null && typeof (b as { message?: unknown }).message === 'string') return (b as { message: string }).message;
  return undefined;
}

/**
 * Maps an API failure to the engine's error codes. 409 is retryable (a fresh read may succeed); 403,
 * 404 and 422 are not (RBAC, a deleted pod, or a change the API server will never take, such as a QoS
 * class change or a node without resize support); 429, 5xx and network failures are transient.
 */
export function toActuationError(action: Action, f: ApiFailure): ActuationError {
  const s = f.status;
  const e = (code: ActuationError['code'], retryable: boolean): ActuationError => ({ action, code, message: describe(f), retryable });
  if (s === undefined) return e('unavailable', true);
  if (s === 409) return e('conflict', true);
  if (s === 401 || s === 403) return e('forbidden', false);
  if (s === 404) return e('not-found', false);
  if (s === 400 || s === 422) return e('invalid', false);
  if (s === 429 || s >= 500) return e('unavailable', true);
  return e('unknown', false);
}

function describe(f: ApiFailure): string {
  const hint = /QOS Class may not change/i.test(f.message)
    ? ' (a resize may not change the pod QoS class)'
    : /without support for resize/i.test(f.message)
      ? ' (the node does not report container resources: no in-place resize there)'
      : '';
  return `${f.status === undefined ? 'network' : `HTTP ${f.status}`}: ${f.message}${hint}`;
}

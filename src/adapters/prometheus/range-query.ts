import { err, ok, type Result } from '../../core/result.js';
import { parseRangeResponse, type Series } from './response.js';
import { abortMessage, type HttpGet } from './transport.js';

/** The window of one range query, in epoch seconds, with its step. */
export interface RangeWindow {
  readonly start: number;
  readonly end: number;
  readonly stepS: number;
}

/** Where and how to ask: the server, the GET function, the headers and the per-query timeout. */
export interface RangeTarget {
  /** Base URL without a trailing slash (no /api/v1). */
  readonly base: string;
  readonly get: HttpGet;
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
}

/**
 * One `/api/v1/query_range`, checked and decoded. Shared by the controller's source (every tick) and
 * `burstguard trace record` (chunk by chunk), so both ask Prometheus the same way. The error says
 * what went wrong (timeout, connection, HTTP status or a malformed answer), not which query: the
 * caller knows that.
 */
export async function queryRange(t: RangeTarget, promql: string, w: RangeWindow, abort: AbortSignal): Promise<Result<Series[], string>> {
  const url = new URL(`${t.base}/api/v1/query_range`);
  url.searchParams.set('query', promql);
  url.searchParams.set('start', w.start.toFixed(3));
  url.searchParams.set('end', w.end.toFixed(3));
  url.searchParams.set('step', `${w.stepS}s`);
  return getMatrix(t, url, abort);
}

/**
 * One `/api/v1/query` at `timeS` (epoch seconds) of a range selector (`metric{…}[60s]`): a matrix of
 * the raw samples in the range, each with its own timestamp. How the controller reads cAdvisor
 * (queries.ts RAW_SIGNALS), whose samples are stamped irregularly and arrive late.
 */
export async function queryRawWindow(t: RangeTarget, promql: string, timeS: number, abort: AbortSignal): Promise<Result<Series[], string>> {
  const url = new URL(`${t.base}/api/v1/query`);
  url.searchParams.set('query', promql);
  url.searchParams.set('time', timeS.toFixed(3));
  return getMatrix(t, url, abort);
}

async function getMatrix(t: RangeTarget, url: URL, abort: AbortSignal): Promise<Result<Series[], string>> {
  url.searchParams.set('timeout', `${Math.max(1, Math.floor(t.timeoutMs / 1000))}s`);
  const answer = await t.get(url, t.headers, abort);
  if (!answer.ok) {
    const why = abort.aborted ? abortMessage(abort) : answer.error;
    return err(why === 'timed out' ? `timed out after ${t.timeoutMs} ms` : why);
  }
  const parsed = parseRangeResponse(answer.value.status, answer.value.body);
  return parsed.ok ? ok(parsed.value) : err(parsed.error);
}

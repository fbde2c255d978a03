import { err, type Result } from '../../core/result.js';
import { eachSeries, parseRangeResponse, type Series } from './response.js';
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
  return getMatrix(t, rangeUrl(t, promql, w), abort, parseRangeResponse);
}

/** queryRange handing each series to `each` as it is decoded (response.ts eachSeries); the series count. */
export async function streamRange(t: RangeTarget, promql: string, w: RangeWindow, abort: AbortSignal, each: (s: Series) => void): Promise<Result<number, string>> {
  return getMatrix(t, rangeUrl(t, promql, w), abort, (status, body) => eachSeries(status, body, each));
}

function rangeUrl(t: RangeTarget, promql: string, w: RangeWindow): URL {
  const url = new URL(`${t.base}/api/v1/query_range`);
  url.searchParams.set('query', promql);
  url.searchParams.set('start', w.start.toFixed(3));
  url.searchParams.set('end', w.end.toFixed(3));
  url.searchParams.set('step', `${w.stepS}s`);
  return url;
}

/**
 * One `/api/v1/query` at `timeS` (epoch seconds) of a range selector (`metric{…}[60s]`): a matrix of
 * the raw samples in the range, each with its own timestamp. How the controller reads cAdvisor
 * (queries.ts RAW_SIGNALS), whose samples are stamped irregularly and arrive late.
 */
export async function queryRawWindow(t: RangeTarget, promql: string, timeS: number, abort: AbortSignal): Promise<Result<Series[], string>> {
  return getMatrix(t, rawUrl(t, promql, timeS), abort, parseRangeResponse);
}

/** queryRawWindow handing each series to `each` as it is decoded; the series count. */
export async function streamRawWindow(t: RangeTarget, promql: string, timeS: number, abort: AbortSignal, each: (s: Series) => void): Promise<Result<number, string>> {
  return getMatrix(t, rawUrl(t, promql, timeS), abort, (status, body) => eachSeries(status, body, each));
}

function rawUrl(t: RangeTarget, promql: string, timeS: number): URL {
  const url = new URL(`${t.base}/api/v1/query`);
  url.searchParams.set('query', promql);
  url.searchParams.set('time', timeS.toFixed(3));
  return url;
}

async function getMatrix<T>(t: RangeTarget, url: URL, abort: AbortSignal, decode: (status: number, body: string) => Result<T, string>): Promise<Result<T, string>> {
  url.searchParams.set('timeout', `${Math.max(1, Math.floor(t.timeoutMs / 1000))}s`);
  const answer = await t.get(url, t.headers, abort);
  if (!answer.ok) {
    const why = abort.aborted ? abortMessage(abort) : answer.error;
    return err(why === 'timed out' ? `timed out after ${t.timeoutMs} ms` : why);
  }
  return decode(answer.value.status, answer.value.body);
}

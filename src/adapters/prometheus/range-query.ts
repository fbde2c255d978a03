import { err, type Result } from '../../core/result.js';
import { parseRangeResponse, type Series } from './response.js';
import { SeriesDecoder } from './series-stream.js';
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

/**
 * queryRange handing each series to `each` as it is decoded while the answer arrives (SeriesDecoder),
 * so the answer is never held whole; the series count.
 */
export async function streamRange(t: RangeTarget, promql: string, w: RangeWindow, abort: AbortSignal, each: (s: Series) => void): Promise<Result<number, string>> {
  return streamMatrix(t, rangeUrl(t, promql, w), abort, each);
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

/** queryRawWindow handing each series to `each` as it is decoded while the answer arrives; the series count. */
export async function streamRawWindow(t: RangeTarget, promql: string, timeS: number, abort: AbortSignal, each: (s: Series) => void): Promise<Result<number, string>> {
  return streamMatrix(t, rawUrl(t, promql, timeS), abort, each);
}

function rawUrl(t: RangeTarget, promql: string, timeS: number): URL {
  const url = new URL(`${t.base}/api/v1/query`);
  url.searchParams.set('query', promql);
  url.searchParams.set('time', timeS.toFixed(3));
  return url;
}

async function getMatrix(t: RangeTarget, url: URL, abort: AbortSignal, decode: (status: number, body: string) => Result<Series[], string>): Promise<Result<Series[], string>> {
  withServerTimeout(t, url);
  const answer = await t.get(url, t.headers, abort);
  if (!answer.ok) return err(failure(t, abort, answer.error));
  return decode(answer.value.status, answer.value.body);
}

/** getMatrix decoding the body as it arrives, or whole from a GET that does not stream. */
async function streamMatrix(t: RangeTarget, url: URL, abort: AbortSignal, each: (s: Series) => void): Promise<Result<number, string>> {
  withServerTimeout(t, url);
  let decoder: SeriesDecoder | undefined;
  const answer = await t.get(url, t.headers, abort, (status) => (decoder = new SeriesDecoder(status, each)));
  if (!answer.ok) return err(failure(t, abort, answer.error));
  if (decoder === undefined) {
    decoder = new SeriesDecoder(answer.value.status, each);
    decoder.write(answer.value.body);
  }
  return decoder.end();
}

/** Prometheus's own query timeout, in whole seconds, matching the client's: it gives up when the client does. */
function withServerTimeout(t: RangeTarget, url: URL): void {
  url.searchParams.set('timeout', `${Math.max(1, Math.floor(t.timeoutMs / 1000))}s`);
}

function failure(t: RangeTarget, abort: AbortSignal, error: string): string {
  const why = abort.aborted ? abortMessage(abort) : error;
  return why === 'timed out' ? `timed out after ${t.timeoutMs} ms` : why;
}

import { err, ok, type Result } from '../../core/result.js';
import { checkEnvelope, notJsonError, parseRangeResponse, parseSeries, type Series } from './response.js';

/** How Prometheus (and Thanos, Mimir) start a successful matrix answer: compact JSON, keys in this order. */
const MATRIX_HEAD = '{"status":"success","data":{"resultType":"matrix","result":[';
/**
 * Series decoded per JSON.parse: a few kilobytes, whose tree is dead long before the next scavenge, and
 * few enough calls that their overhead does not count (one call per series was a sixth of the tick).
 */
const SERIES_PER_PARSE = 64;
/** Between two series of such an answer; never inside a JSON string (it holds an unescaped quote). */
const SERIES_SEP = ',{"metric":';
/** The start of a body kept for the "not JSON" message (parseRangeResponse quotes 120 characters). */
const SNIPPET_CHARS = 120;

/**
 * Decodes a Prometheus matrix answer while it arrives, handing each series to `each` as soon as its
 * text is complete, so neither the body nor its decoded tree is ever held whole: at 10,000 pods the
 * seven answers of a tick, received and kept as strings until complete, were 20–30 MB of the
 * controller's peak RSS (docs/bench.md). Answers in Prometheus's own compact shape are cut at the
 * series boundaries and parsed SERIES_PER_PARSE series per JSON.parse; anything else (another key
 * order, whitespace, a non-2xx status) is kept whole and goes through parseRangeResponse at the end.
 *
 * Whatever the chunks, the result is parseRangeResponse's on the whole body, messages included
 * (test/unit/prometheus/series-stream.test.ts); only, on an error, `each` may already have seen some
 * series, and the caller drops what it folded.
 *
 * Why the cut is safe: a group of series that parses alone is a complete sequence of JSON values, so
 * after it the text is back at the level of the `result` array (by induction from the head). A group
 * that does not parse (a body that is not JSON, or a `,{"metric":` nested deeper than a series) is
 * carried and joined with what follows until it does or the body ends.
 */
export class SeriesDecoder {
  /** 'head': deciding the shape; 'series': cutting series; 'whole': keeping the body for parseRangeResponse. */
  private mode: 'head' | 'series' | 'whole';
  /** Text received and not yet consumed (all of it in 'whole' mode). */
  private buf = '';
  /** Where the next separator search in `buf` starts (a separator may straddle two chunks). */
  private scanFrom = 0;
  /** Series texts cut but not yet parsed, joined by their commas, and how many. */
  private group = '';
  private grouped = 0;
  /** How many must be grouped before the next parse (more after a group that did not parse alone). */
  private parseAt = SERIES_PER_PARSE;
  private count = 0;
  /** The first series that failed parseSeries: reported unless the body turns out not to be JSON. */
  private firstError: string | undefined;
  private snippet = '';

  constructor(
    private readonly status: number,
    private readonly each: (s: Series) => void,
  ) {
    this.mode = status >= 200 && status < 300 ? 'head' : 'whole';
  }

  /** The next piece of the body's text. */
  write(text: string): void {
    if (this.snippet.length < SNIPPET_CHARS) this.snippet += text.slice(0, SNIPPET_CHARS - this.snippet.length);
    this.buf += text;
    if (this.mode === 'head') {
      if (this.buf.length < MATRIX_HEAD.length) {
        if (!MATRIX_HEAD.startsWith(this.buf)) this.mode = 'whole';
        return;
      }
      if (!this.buf.startsWith(MATRIX_HEAD)) {
        this.mode = 'whole';
        return;
      }
      this.buf = this.buf.slice(MATRIX_HEAD.length);
      this.mode = 'series';
    }
    if (this.mode === 'series') this.cut();
  }

  /** The body has ended: the number of series, or what is wrong with the answer. */
  end(): Result<number, string> {
    if (this.mode !== 'series') return this.whole(this.buf);
    // What is left: the carried group, the last series and the envelope's tail, in body order.
    const rest = this.grouped > 0 ? `${this.group},${this.buf}` : this.buf;
    this.group = '';
    this.buf = '';
    const close = closingBracket(rest);
    if (close === undefined) return err(notJsonError(this.status, this.snippet));
    let items: unknown[];
    let envelope: unknown;
    try {
      items = JSON.parse(`[${rest.slice(0, close)}]`) as unknown[];
      envelope = JSON.parse(`${MATRIX_HEAD}${rest.slice(close)}`);
    } catch {
      return err(notJsonError(this.status, this.snippet));
    }
    // parseRangeResponse's order: the envelope's checks, then the first bad series.
    const env = checkEnvelope(this.status, envelope);
    if (!env.ok) return env;
    // A tail that repeats `result` (JSON.parse keeps the last one): not the answer that was decoded.
    if (env.value.length !== 0) return err('answer could not be split into series');
    this.emit(items);
    return this.firstError !== undefined ? err(this.firstError) : ok(this.count);
  }

  /** Cuts the complete series out of `buf` and parses them a group at a time. */
  private cut(): void {
    const buf = this.buf;
    let start = 0;
    for (let i = buf.indexOf(SERIES_SEP, this.scanFrom); i >= 0; i = buf.indexOf(SERIES_SEP, start)) {
      const piece = buf.slice(start, i);
      this.group = this.grouped === 0 ? piece : `${this.group},${piece}`;
      this.grouped += 1;
      // Past the comma: the next piece starts at its `{"metric":`.
      start = i + 1;
      if (this.grouped >= this.parseAt) this.parseGroup();
    }
    this.buf = start === 0 ? buf : buf.slice(start);
    this.scanFrom = Math.max(0, this.buf.length - SERIES_SEP.length + 1);
  }

  private parseGroup(): void {
    let items: unknown[];
    try {
      items = JSON.parse(`[${this.group}]`) as unknown[];
    } catch {
      // Carried on: joined with what follows, it parses if the body is JSON (tried again at twice the size).
      this.parseAt = 2 * this.grouped;
      return;
    }
    this.group = '';
    this.grouped = 0;
    this.parseAt = SERIES_PER_PARSE;
    this.emit(items);
  }

  /** Hands decoded series to `each` until one is malformed (later groups are still parsed: is the body JSON?). */
  private emit(items: readonly unknown[]): void {
    if (this.firstError !== undefined) return;
    for (const item of items) {
      const s = parseSeries(item);
      if (!s.ok) {
        this.firstError = s.error;
        return;
      }
      this.count += 1;
      this.each(s.value);
    }
  }

  /** Any other shape: parseRangeResponse on the whole body, every series handed on after the checks. */
  private whole(body: string): Result<number, string> {
    const all = parseRangeResponse(this.status, body);
    if (!all.ok) return all;
    for (const s of all.value) this.each(s);
    return ok(all.value.length);
  }
}

/**
 * Decodes a whole body as SeriesDecoder does a streamed one: each series to `each`, the series count,
 * or parseRangeResponse's error.
 */
export function eachSeries(status: number, body: string, each: (s: Series) => void): Result<number, string> {
  const d = new SeriesDecoder(status, each);
  d.write(body);
  return d.end();
}

/**
 * Index of the `]` that closes the sequence of JSON values `text` starts with (strings skipped), or
 * undefined: the end of the `result` array, read only over the last series and the envelope's tail.
 */
function closingBracket(text: string): number | undefined {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 92 /* \ */) i++;
        else if (d === 34) break;
      }
    } else if (c === 123 /* { */ || c === 91 /* [ */) depth++;
    else if (c === 125 /* } */ || c === 93 /* ] */) {
      if (depth === 0) return c === 93 ? i : undefined;
      depth--;
    }
  }
  return undefined;
}

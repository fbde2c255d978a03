import { err, ok, type Result } from '../../core/result.js';

/** One series of a range-query answer, values already parsed and checked. */
export interface Series {
  readonly labels: Readonly<Record<string, string>>;
  /** [epoch ms, value] pairs in time order. */
  readonly points: ReadonlyArray<readonly [number, number]>;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function text(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v) ?? '';
}

/**
 * Checks and decodes a Prometheus `/api/v1/query_range` answer. Anything but a success with a matrix
 * of finite numbers is an error string saying what is wrong (the caller names the query).
 */
export function parseRangeResponse(status: number, body: string): Result<Series[], string> {
  const env = parseEnvelope(status, body);
  if (!env.ok) return env;
  const out: Series[] = [];
  for (const item of env.value) {
    const s = parseSeries(item);
    if (!s.ok) return s;
    out.push(s.value);
  }
  return ok(out);
}

/** The JSON envelope down to `data.result`. */
function parseEnvelope(status: number, body: string): Result<unknown[], string> {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    const snippet = body.slice(0, 120).replace(/\s+/g, ' ');
    return err(`HTTP ${status}: answer is not JSON (${snippet === '' ? 'empty body' : `'${snippet}'`})`);
  }
  return checkEnvelope(status, json);
}

/** The checks of parseEnvelope on an answer already parsed. */
function checkEnvelope(status: number, json: unknown): Result<unknown[], string> {
  if (!isRecord(json)) return err(`HTTP ${status}: answer is not a JSON object`);
  if (json['status'] === 'error') {
    return err(`HTTP ${status}: Prometheus error ${text(json['errorType'])}: ${text(json['error'])}`);
  }
  if (status < 200 || status >= 300) return err(`HTTP ${status}`);
  if (json['status'] !== 'success') return err(`status is ${text(json['status'])}, not 'success'`);
  const data = json['data'];
  if (!isRecord(data)) return err('answer has no data object');
  if (data['resultType'] !== 'matrix') return err(`resultType is ${text(data['resultType'])}, expected 'matrix'`);
  const result = data['result'];
  if (!Array.isArray(result)) return err('data.result is not an array');
  return ok(result);
}

/**
 * One series, checked. The `[seconds, "value"]` pairs JSON.parse made are turned into `[ms, value]` in
 * place and become the points: at 10,000 pods a tick parses ~280,000 of them, and a second array per
 * point was a fifth of the tick's garbage (npm run bench:controller, node --cpu-prof).
 */
function parseSeries(item: unknown): Result<Series, string> {
  if (!isRecord(item) || !isRecord(item['metric']) || !Array.isArray(item['values'])) {
    return err('a series lacks metric labels or values');
  }
  const metric = item['metric'];
  let labels = metric as Record<string, string>;
  for (const k in metric) {
    if (typeof metric[k] !== 'string') {
      labels = {};
      for (const [key, v] of Object.entries(metric)) labels[key] = text(v);
      break;
    }
  }
  const values = item['values'] as unknown[];
  for (const pair of values) {
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'number' || typeof pair[1] !== 'string') {
      return err(`malformed sample in series ${JSON.stringify(labels)}`);
    }
    const raw = pair[1];
    const value = Number(raw);
    // Number('') and Number('  ') are 0: a blank value is malformed, not zero.
    if (!Number.isFinite(value) || (value === 0 && raw.trim() === '')) {
      return err(`value '${raw}' (not a finite number) in series ${JSON.stringify(labels)} at ${pair[0]}`);
    }
    pair[0] = Math.round(pair[0] * 1000);
    pair[1] = value;
  }
  return ok({ labels, points: values as Array<[number, number]> });
}

/** How Prometheus (and Thanos, Mimir) start a successful matrix answer: compact JSON, keys in this order. */
const MATRIX_HEAD = '{"status":"success","data":{"resultType":"matrix","result":[';
/**
 * Series decoded per JSON.parse: a few kilobytes, whose tree is dead long before the next scavenge, and
 * few enough calls that their overhead does not count (one call per series was a sixth of the tick).
 */
const SERIES_PER_PARSE = 64;
/** Between two series of such an answer; never inside a JSON string (it holds an unescaped quote). */
const SERIES_SEP = ',{"metric":';

/**
 * Like parseRangeResponse, but hands each series to `each` as soon as it is decoded, so a large answer
 * is never one object tree: at 10,000 pods a decoded answer outlived V8's young generation and was
 * collected by full GCs against the heap cap, while one series' tree dies before the next scavenge.
 * Answers in Prometheus's own compact shape are split at the series boundaries and each series is
 * JSON.parse'd alone; anything else (another key order, whitespace, an error) goes through
 * parseRangeResponse whole, with the same checks and messages. On an error `each` may already have
 * seen some series: the caller drops what it folded. Returns the number of series.
 */
export function eachSeries(status: number, body: string, each: (s: Series) => void): Result<number, string> {
  const spans = status >= 200 && status < 300 ? seriesSpans(body) : undefined;
  if (spans === undefined) {
    const all = parseRangeResponse(status, body);
    if (!all.ok) return all;
    for (const s of all.value) each(s);
    return ok(all.value.length);
  }
  const count = spans.length / 2;
  for (let first = 0; first < count; first += SERIES_PER_PARSE) {
    const last = Math.min(count, first + SERIES_PER_PARSE) - 1;
    let items: unknown[];
    try {
      // Series first..last with the commas between them: one small JSON array.
      items = JSON.parse(`[${body.slice(spans[2 * first], spans[2 * last + 1])}]`) as unknown[];
    } catch {
      // For valid JSON the split is exact, so the whole body is not JSON either: say it the usual way.
      const whole = parseRangeResponse(status, body);
      return whole.ok ? err('answer could not be split into series') : whole;
    }
    for (const item of items) {
      const s = parseSeries(item);
      if (!s.ok) return s;
      each(s.value);
    }
  }
  return ok(count);
}

/**
 * Start and end of each series of a compact matrix answer, flat ([start0, end0, start1, …]), once
 * the rest of the envelope has been checked; undefined when the answer is not in that shape.
 */
function seriesSpans(body: string): number[] | undefined {
  if (!body.startsWith(MATRIX_HEAD)) return undefined;
  const spans: number[] = [];
  let at = MATRIX_HEAD.length;
  if (body.charCodeAt(at) !== 93 /* ] */) {
    spans.push(at);
    for (let i = body.indexOf(SERIES_SEP, at); i >= 0; i = body.indexOf(SERIES_SEP, i + 1)) spans.push(i, i + 1);
    const end = valueEnd(body, spans[spans.length - 1] ?? at);
    if (end === undefined) return undefined;
    spans.push(end);
    at = end;
  }
  let envelope: unknown;
  try {
    envelope = JSON.parse(`${MATRIX_HEAD}${body.slice(at)}`);
  } catch {
    return undefined;
  }
  const env = checkEnvelope(200, envelope);
  return env.ok && env.value.length === 0 ? spans : undefined;
}

/** Index just past the JSON object or array that starts at `from` (strings skipped), or undefined. */
function valueEnd(body: string, from: number): number | undefined {
  let depth = 0;
  for (let i = from; i < body.length; i++) {
    const c = body.charCodeAt(i);
    if (c === 34 /* " */) {
      for (i++; i < body.length; i++) {
        const d = body.charCodeAt(i);
        if (d === 92 /* \ */) i++;
        else if (d === 34) break;
      }
    } else if (c === 123 || c === 91) depth++;
    else if (c === 125 || c === 93) {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return undefined;
}

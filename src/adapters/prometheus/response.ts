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
    return err(notJsonError(status, body));
  }
  return checkEnvelope(status, json);
}

/** The message for an answer that is not JSON, quoting its start (the first 120 characters are enough). */
export function notJsonError(status: number, body: string): string {
  const snippet = body.slice(0, 120).replace(/\s+/g, ' ');
  return `HTTP ${status}: answer is not JSON (${snippet === '' ? 'empty body' : `'${snippet}'`})`;
}

/** The checks of parseEnvelope on an answer already parsed: the `data.result` array, or what is wrong. */
export function checkEnvelope(status: number, json: unknown): Result<unknown[], string> {
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
export function parseSeries(item: unknown): Result<Series, string> {
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

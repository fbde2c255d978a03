/**
 * The time window of a recording and its chunks (pure). Points sit on a step grid from the window's
 * start; each chunk is one set of range queries over a run of whole grid points, so chunks never
 * overlap, never leave a gap, and a resumed recording asks for exactly the points the first run did not.
 */
import { err, ok, type Result } from '../../../src/core/result.js';
import { parseDuration } from '../../replay/density-flags.js';

/** A recording window in epoch seconds, and the query step. */
export interface RecordWindow {
  readonly fromS: number;
  readonly toS: number;
  readonly stepS: number;
}

/** One chunk: the grid points `first..last` (inclusive), as epoch seconds. */
export interface Chunk {
  readonly index: number;
  readonly startS: number;
  readonly endS: number;
}

/** `90s`, `15m`, `24h`, `7d`, `1h30m` in seconds (the bench's own parser); undefined when it is not one. */
export function parseDurationS(text: string): number | undefined {
  const d = parseDuration(text);
  return d.ok ? d.value : undefined;
}

/** An RFC 3339 time (`2026-12-04T10:00:00Z`) or epoch seconds, in epoch seconds. */
export function parseTimeS(text: string): number | undefined {
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t);
  if (!/^\d{4}-\d\d-\d\dT/.test(t)) return undefined;
  const ms = Date.parse(t);
  return Number.isFinite(ms) ? ms / 1000 : undefined;
}

/** What the user asked for: `--since D`, or `--from T --to T`. */
export interface WindowFlags {
  readonly since?: string | undefined;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly step?: string | undefined;
}

/** The window for the flags, `nowS` standing for "now"; errors name the flag at fault. */
export function resolveWindow(f: WindowFlags, nowS: number): Result<RecordWindow, string> {
  const stepS = f.step === undefined ? 15 : parseDurationS(f.step);
  if (stepS === undefined || stepS < 1) return err(`--step expects a duration of at least 1s (15s, 1m), got '${f.step ?? ''}'`);
  if (f.since !== undefined) {
    if (f.from !== undefined || f.to !== undefined) return err('give either --since D or --from T --to T, not both');
    const d = parseDurationS(f.since);
    if (d === undefined) return err(`--since expects a duration such as 24h, 90m or 7d, got '${f.since}'`);
    const toS = Math.floor(nowS / stepS) * stepS;
    return ok({ fromS: toS - Math.floor(d / stepS) * stepS, toS, stepS });
  }
  if (f.from === undefined || f.to === undefined) return err('need the time range: --since D (e.g. 24h), or --from T --to T (RFC 3339 or epoch seconds)');
  const fromS = parseTimeS(f.from);
  const toS = parseTimeS(f.to);
  if (fromS === undefined) return err(`--from expects an RFC 3339 time or epoch seconds, got '${f.from}'`);
  if (toS === undefined) return err(`--to expects an RFC 3339 time or epoch seconds, got '${f.to}'`);
  if (toS <= fromS) return err(`--to (${f.to}) must be after --from (${f.from})`);
  return ok({ fromS, toS: fromS + Math.floor((toS - fromS) / stepS) * stepS, stepS });
}

/**
 * The chunks of a window, `pointsPerChunk` grid points each (the last one shorter). Prometheus caps a
 * range answer at 11,000 points per series; smaller chunks also keep each answer's memory small and
 * make `--resume` lose less.
 */
export function planChunks(w: RecordWindow, pointsPerChunk: number): Chunk[] {
  const points = Math.floor((w.toS - w.fromS) / w.stepS) + 1;
  const per = Math.max(1, Math.floor(pointsPerChunk));
  const out: Chunk[] = [];
  for (let first = 0, index = 0; first < points; first += per, index++) {
    const last = Math.min(points - 1, first + per - 1);
    out.push({ index, startS: w.fromS + first * w.stepS, endS: w.fromS + last * w.stepS });
  }
  return out;
}

import { err, ok, type Result } from '../../src/core/result.js';

/**
 * The hint flags of `burstguard bench --hints`: `--hint-latency D` and `--hint-loss P`. Pure parsers,
 * one readable error line each.
 */

const UNIT_S: Readonly<Record<string, number>> = { ms: 0.001, s: 1, m: 60 };

/** `250ms`, `1.5s`, `0`, or plain seconds: how long a hint takes to reach the controller, >= 0. */
export function parseHintLatency(raw: string): Result<number, string> {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(raw.trim());
  if (m === null) return err(`--hint-latency expects a delay such as 250ms, 1s or 0, got '${raw}'`);
  return ok(Number(m[1]) * (UNIT_S[m[2] ?? 's'] ?? 1));
}

/** `0.05` (or `5%`): the share of hints that never arrive, in [0, 1]. */
export function parseHintLoss(raw: string): Result<number, string> {
  const text = raw.trim();
  const pct = text.endsWith('%');
  const v = Number(pct ? text.slice(0, -1) : text) / (pct ? 100 : 1);
  if (text === '' || text === '%' || !Number.isFinite(v) || v < 0 || v > 1) return err(`--hint-loss expects a probability in [0, 1] (e.g. 0.05 or 5%), got '${raw}'`);
  return ok(v);
}

import { err, ok, type Result } from '../../src/core/result.js';
import { parseCpuCores, parseMemoryBytes } from '../../src/config/quantity.js';
import type { Resources } from '../../src/core/types.js';

/**
 * The density flags of `burstguard bench` (BENCH.md): `--node-shape CPUxMEM`, `--scale F` and
 * `--duration D`. Pure parsers, one readable error line each.
 */

/** `8x32Gi`, `7500mx30G`: a node's allocatable CPU and memory as Kubernetes quantities. */
export function parseNodeShape(raw: string): Result<Resources, string> {
  const i = raw.lastIndexOf('x');
  const bad = `--node-shape expects CPUxMEMORY as Kubernetes quantities (e.g. 8x32Gi, 3900mx14Gi), got '${raw}'`;
  if (i <= 0 || i === raw.length - 1) return err(bad);
  const cpu = parseCpuCores(raw.slice(0, i));
  const mem = parseMemoryBytes(raw.slice(i + 1));
  if (!cpu.ok || !mem.ok) return err(bad);
  if (!(cpu.value > 0) || !(mem.value > 0)) return err(`--node-shape needs CPU and memory > 0, got '${raw}'`);
  return ok({ cpuCores: cpu.value, memBytes: mem.value });
}

/** `--scale F`: any finite number > 0 (fractional scales thin the sessions out). */
export function parseScale(raw: string): Result<number, string> {
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v) || v <= 0) return err(`--scale expects a number > 0 (e.g. 4 or 0.5), got '${raw}'`);
  return ok(v);
}

const UNIT_S: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** `90m`, `24h`, `1h30m`, `3600s` or plain seconds: a span of trace time, > 0. */
export function parseDuration(raw: string): Result<number, string> {
  const bad = `--duration expects a span such as 90m, 24h, 1h30m or seconds, got '${raw}'`;
  const text = raw.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) > 0 ? ok(Number(text)) : err(bad);
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)([smhd])/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) return err(bad);
  const s = parts.reduce((sum, p) => sum + Number(p[1]) * (UNIT_S[p[2] as string] ?? 0), 0);
  return s > 0 ? ok(s) : err(bad);
}

import { err, ok, type Result } from '../core/result.js';

/**
 * Kubernetes resource quantities ("512Mi", "250m", "1.5", "2e3") turned into plain numbers, so the
 * ConfigMap can be written the way people write pod specs.
 */

const SUFFIX_FACTORS: Readonly<Record<string, number>> = {
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

const SUB_UNIT_DIVISORS: Readonly<Record<string, number>> = { n: 1e9, u: 1e6, m: 1e3 };

// Sign, digits with an optional fraction, then either a decimal exponent or a suffix (not both).
const QUANTITY = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E))?$/;

/** Parses a quantity into its numeric value (base unit: bytes for memory, cores for CPU). */
export function parseQuantity(text: string): Result<number, string> {
  const m = QUANTITY.exec(text.trim());
  if (m === null) return err(`'${text}' is not a quantity (examples: 512Mi, 1Gi, 250m, 2)`);
  const mantissa = Number(m[1]);
  const suffix = m[3] ?? '';
  // Sub-unit suffixes divide (26/1000 is the double nearest 0.026; 26*0.001 is not), so "26m" → 0.026.
  const divisor = SUB_UNIT_DIVISORS[suffix];
  const value =
    m[2] !== undefined
      ? Number(`${m[1]}${m[2]}`)
      : divisor !== undefined
        ? mantissa / divisor
        : mantissa * (SUFFIX_FACTORS[suffix] ?? 1);
  if (!Number.isFinite(value)) return err(`'${text}' is out of range`);
  return ok(value);
}

/** Memory in bytes from a quantity or a plain number of bytes; whole bytes, never negative. */
export function parseMemoryBytes(input: string | number): Result<number, string> {
  const v = typeof input === 'number' ? ok(input) : parseQuantity(input);
  if (!v.ok) return v;
  if (!Number.isFinite(v.value) || v.value < 0) return err(`memory must be a non-negative quantity, got '${String(input)}'`);
  // Kubernetes rounds fractional bytes up; do the same so "0.5Ki" means 512 bytes, not 511.9.
  return ok(Math.ceil(v.value));
}

/** CPU in cores from a quantity ("250m") or a plain number of cores; never negative. */
export function parseCpuCores(input: string | number): Result<number, string> {
  const v = typeof input === 'number' ? ok(input) : parseQuantity(input);
  if (!v.ok) return v;
  if (!Number.isFinite(v.value) || v.value < 0) return err(`cpu must be a non-negative quantity, got '${String(input)}'`);
  return ok(v.value);
}

/** Formats bytes the way kubectl would show them (largest binary suffix that divides evenly). */
export function formatMemory(bytes: number): string {
  for (const s of ['Ei', 'Pi', 'Ti', 'Gi', 'Mi', 'Ki'] as const) {
    const f = SUFFIX_FACTORS[s] ?? 1;
    if (bytes >= f && bytes % f === 0) return `${bytes / f}${s}`;
  }
  return String(bytes);
}

/** Formats cores as millicores when that is exact ("250m"), as a plain number otherwise. */
export function formatCpu(cores: number): string {
  if (Number.isInteger(cores)) return String(cores);
  const milli = Math.round(cores * 1000);
  return milli / 1000 === cores ? `${milli}m` : String(cores);
}

/**
 * Kubernetes resource quantities (`250m`, `1.5Gi`, `2e3`, `512Mi`) to numbers and back. Parsing is
 * total: an unparseable string is `undefined`, never NaN, so a malformed pod is skipped, not mis-sized.
 */

import { parseQuantity as parseQuantityText } from '../../config/quantity.js';

/** Parses a quantity into its plain number (cores for CPU, bytes for memory); undefined when malformed. */
export function parseQuantity(q: string | number | undefined | null): number | undefined {
  if (q === undefined || q === null) return undefined;
  if (typeof q === 'number') return Number.isFinite(q) ? q : undefined;
  const v = parseQuantityText(q);
  return v.ok ? v.value : undefined;
}

/** CPU cores as a quantity, rounded up to a whole millicore (`0.2501` → `251m`, `2` → `2`). */
export function formatCpu(cores: number): string {
  const milli = Math.ceil(cores * 1000 - 1e-9);
  return milli % 1000 === 0 ? String(milli / 1000) : `${milli}m`;
}

/** Bytes as a quantity, rounded up to a whole byte; binary suffixes when they are exact (`Mi`, `Gi`). */
export function formatMemory(bytes: number): string {
  const b = Math.ceil(bytes - 1e-6);
  for (const [suffix, f] of [['Gi', 2 ** 30], ['Mi', 2 ** 20], ['Ki', 2 ** 10]] as const) {
    if (b >= f && b % f === 0) return `${b / f}${suffix}`;
  }
  return String(b);
}

import { stringify } from 'yaml';
import type { Resources } from '../core/types.js';
import { formatCpu, formatMemory } from './quantity.js';
import type { Config } from './types.js';

function isResources(v: unknown): v is Resources {
  if (v === null || typeof v !== 'object') return false;
  const keys = Object.keys(v).sort();
  return keys.length === 2 && keys[0] === 'cpuCores' && keys[1] === 'memBytes';
}

/** A memory amount as its exact quantity when whole-unit, else the plain number of bytes. */
function memoryText(bytes: number): string | number {
  const q = formatMemory(bytes);
  return q === String(bytes) ? bytes : q;
}

function toInput(v: unknown): unknown {
  if (isResources(v)) return { memory: memoryText(v.memBytes), cpu: formatCpu(v.cpuCores) };
  if (Array.isArray(v)) return v.map(toInput);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = toInput(x);
    return out;
  }
  return v;
}

/**
 * A Config back in the form people write (resources as `{ memory: 512Mi, cpu: 250m }`), so tools such
 * as `burstguard tune` can emit a `config.yaml` that parses back to the same Config.
 */
export function configToInput(c: Config): Record<string, unknown> {
  return toInput(c) as Record<string, unknown>;
}

/** The `config.yaml` text of a Config. */
export function configToYaml(c: Config): string {
  return stringify(configToInput(c), { lineWidth: 0 });
}

/** A ConfigMap manifest holding the Config, ready for `kubectl apply`. */
export function configMapYaml(c: Config, name = 'burstguard', namespace = c.engine.namespace): string {
  return stringify(
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data: { 'config.yaml': configToYaml(c) } },
    { lineWidth: 0 },
  );
}

import { nearestName } from '../core/nearest-name.js';

/** Every field a trace v1 sample may carry (docs/trace-format.md); others are ignored by the format. */
export const SAMPLE_FIELDS = ['session', 't', 'memBytes', 'cpuCores', 'contextTokens', 'toolCalls', 'toolRetries', 'toolErrors', 'tool', 'agentClass'] as const;

const known = new Set<string>(SAMPLE_FIELDS);

/**
 * Unknown fields of a sample that look like a typo of a known one (`memBytse`, `contextToken`):
 * the format ignores unknown fields, so such a typo would silently drop a signal. Fields far from
 * every known name are taken as deliberate extensions and not reported.
 */
export function misspeltFields(sample: unknown): Array<{ field: string; nearest: string }> {
  if (sample === null || typeof sample !== 'object' || Array.isArray(sample)) return [];
  const out: Array<{ field: string; nearest: string }> = [];
  for (const k of Object.keys(sample)) {
    if (known.has(k)) continue;
    const nearest = nearestName(k, SAMPLE_FIELDS);
    if (nearest !== undefined) out.push({ field: k, nearest });
  }
  return out;
}

import { z } from 'zod';
import type { Resources } from '../core/types.js';
import { parseCpuCores, parseMemoryBytes } from './quantity.js';

/** A memory amount: a Kubernetes quantity ("512Mi", "1Gi") or a number of bytes. Output: bytes. */
export const memorySchema = z
  .union([z.string(), z.number()])
  .transform((v, ctx) => {
    const r = parseMemoryBytes(v);
    if (r.ok) return r.value;
    ctx.addIssue({ code: 'custom', message: r.error });
    return z.NEVER;
  });

/** A CPU amount: a Kubernetes quantity ("250m", "2") or a number of cores. Output: cores. */
export const cpuSchema = z
  .union([z.string(), z.number()])
  .transform((v, ctx) => {
    const r = parseCpuCores(v);
    if (r.ok) return r.value;
    ctx.addIssue({ code: 'custom', message: r.error });
    return z.NEVER;
  });

/** The human input form of `Resources`, as a pod spec writes it. */
export interface ResourcesInput {
  readonly memory: string | number;
  readonly cpu: string | number;
}

/** The zod type of a resources field (spelled out because exported functions declare their return type). */
export type ResourcesSchema = z.ZodPrefault<
  z.ZodPipe<
    z.ZodObject<
      { memory: z.ZodPrefault<typeof memorySchema>; cpu: z.ZodPrefault<typeof cpuSchema> },
      z.core.$strict
    >,
    z.ZodTransform<Resources, { memory: number; cpu: number }>
  >
>;

/**
 * `{ memory: "512Mi", cpu: "250m" }` → `{ memBytes, cpuCores }`. Written like a pod spec on input so
 * people can paste what they know; the engine only ever sees bytes and cores.
 */
export function resourcesSchema(
  defaults: ResourcesInput,
  description: string,
): ResourcesSchema {
  return z
    .strictObject({
      memory: memorySchema.prefault(defaults.memory).describe('Memory: a quantity such as 512Mi or 2Gi, or bytes.'),
      cpu: cpuSchema.prefault(defaults.cpu).describe('CPU: a quantity such as 250m or 2, or cores.'),
    })
    .transform((r): Resources => ({ memBytes: r.memory, cpuCores: r.cpu }))
    .prefault(defaults)
    .describe(description);
}

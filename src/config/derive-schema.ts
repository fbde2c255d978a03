import { z } from 'zod';
import { cpuSchema, memorySchema } from './resources-schema.js';

/**
 * Builds a strict zod schema from a defaults object: every key of the defaults becomes an optional
 * field of the same shape defaulting to that value, and any other key is rejected. Policy owners
 * publish their options as `DEFAULT_*` constants; deriving the schema from them keeps the ConfigMap in
 * step with the policies without a second list to maintain. `Resources` values (memBytes + cpuCores)
 * are accepted in pod-spec form (`{ memory: "1Gi", cpu: "500m" }`) as everywhere else in the config.
 */
export function schemaFromDefaults(
  defaults: Readonly<Record<string, unknown>>,
  description: string,
  fieldDocs: Readonly<Record<string, string>> = {},
): z.ZodType {
  return objectSchema(defaults, fieldDocs).prefault({}).describe(description);
}

function isResources(v: object): v is { memBytes: number; cpuCores: number } {
  const keys = Object.keys(v).sort();
  return keys.length === 2 && keys[0] === 'cpuCores' && keys[1] === 'memBytes';
}

function objectSchema(defaults: Readonly<Record<string, unknown>>, fieldDocs: Readonly<Record<string, string>> = {}): z.ZodType {
  const shape: Record<string, z.ZodType> = {};
  for (const [key, value] of Object.entries(defaults)) {
    const s = valueSchema(value, key);
    const doc = fieldDocs[key];
    shape[key] = doc !== undefined ? s.describe(doc) : s;
  }
  return z.strictObject(shape);
}

function valueSchema(value: unknown, key = ''): z.ZodType {
  // Byte and core counts may be written as quantities ("250Mi", "25m"), like everywhere else.
  if (typeof value === 'number' && /Bytes$/.test(key)) return memorySchema.prefault(value);
  if (typeof value === 'number' && /Cores$/.test(key)) return cpuSchema.prefault(value);
  if (typeof value === 'number') return z.number().prefault(value);
  if (typeof value === 'boolean') return z.boolean().prefault(value);
  if (typeof value === 'string') return z.string().prefault(value);
  if (Array.isArray(value)) {
    const first: unknown = value[0];
    const item = first === undefined ? z.unknown() : withoutDefault(first);
    return z.array(item).prefault(value);
  }
  if (value !== null && typeof value === 'object') {
    if (isResources(value)) {
      return z
        .strictObject({ memory: memorySchema.prefault(value.memBytes), cpu: cpuSchema.prefault(value.cpuCores) })
        .transform((r) => ({ memBytes: r.memory, cpuCores: r.cpu }))
        .prefault({});
    }
    return objectSchema(value as Record<string, unknown>).prefault({});
  }
  // null or anything exotic: keep whatever the user wrote, defaulting to the constant.
  return z.unknown().prefault(value);
}

/** Array items must be complete: no per-item defaults beyond nested objects. */
function withoutDefault(value: unknown): z.ZodType {
  if (typeof value === 'number') return z.number();
  if (typeof value === 'boolean') return z.boolean();
  if (typeof value === 'string') return z.string();
  return valueSchema(value);
}

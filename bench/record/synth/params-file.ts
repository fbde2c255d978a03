import { err, ok, type Result } from '../../../src/core/result.js';
import type { ResourceModelParams, ToolProfile } from './resource-model.js';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Overrides model parameters from parsed JSON: known top-level keys replace the default's value (same
 * type required); `tools` merges per tool and per field, so a file can change one category only.
 */
export function mergeParams(base: ResourceModelParams, json: unknown): Result<ResourceModelParams> {
  if (!isRecord(json)) return err(new Error('parameters must be a JSON object'));
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(json)) {
    if (!(k in base)) return err(new Error(`unknown parameter '${k}'`));
    if (k === 'tools') {
      if (!isRecord(v)) return err(new Error("'tools' must be an object of tool profiles"));
      const tools: Record<string, ToolProfile> = { ...base.tools };
      for (const [name, prof] of Object.entries(v)) {
        if (!isRecord(prof)) return err(new Error(`tools.${name} must be an object`));
        tools[name] = { ...(base.tools[name] ?? base.defaultTool), ...(prof as Partial<ToolProfile>) };
      }
      out.tools = tools;
    } else {
      const want = base[k as keyof ResourceModelParams];
      if (typeof want !== typeof v || Array.isArray(want) !== Array.isArray(v)) return err(new Error(`parameter '${k}' must be a ${Array.isArray(want) ? 'array' : typeof want}`));
      out[k] = v;
    }
  }
  return ok(out as unknown as ResourceModelParams);
}

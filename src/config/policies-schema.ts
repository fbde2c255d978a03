import { z } from 'zod';
import * as predictive from '../policy/predictive/index.js';
import * as reactive from '../policy/reactive.js';
import type { PolicySettings } from '../policy/registry.js';
import * as staticPolicy from '../policy/static.js';
import * as vpa from '../policy/vpa/index.js';
import { schemaFromDefaults } from './derive-schema.js';

/**
 * Fallbacks used only while a policy module exports no `DEFAULT_*` options constant. They match the
 * options types in src/policy/*.ts; the policy's own constant wins as soon as it exists.
 */
const FALLBACK_DEFAULTS: Readonly<Record<keyof PolicySettings, Readonly<Record<string, unknown>>>> = {
  static: {
    requests: { memBytes: 512 * 2 ** 20, cpuCores: 0.25 },
    limits: { memBytes: 2 * 2 ** 30, cpuCores: 1 },
  },
  vpa: { targetPercentile: 0.9 },
  reactive: { thresholdFraction: 0.8 },
  predictive: { riskBudget: 0.01 },
};

/** The `DEFAULT_*OPTIONS` object a policy module exports, if any (looked up by name so a missing one still compiles). */
export function exportedDefaults(mod: object): Readonly<Record<string, unknown>> | undefined {
  const entries = Object.entries(mod).filter(
    ([name, v]) => /^DEFAULT_[A-Z_]*OPTIONS$/.test(name) && v !== null && typeof v === 'object' && !Array.isArray(v),
  );
  return entries.length === 1 ? (entries[0]?.[1] as Record<string, unknown>) : undefined;
}

/** The defaults a policy's section starts from: the policy's own constant, else the fallback. */
export function policyDefaults(name: keyof PolicySettings): Readonly<Record<string, unknown>> {
  const mods: Record<keyof PolicySettings, object> = { static: staticPolicy, vpa, reactive, predictive };
  return exportedDefaults(mods[name]) ?? FALLBACK_DEFAULTS[name];
}

/** Range checks on well-known policy fields, applied when the field exists in the policy's options. */
function withRanges(schema: z.ZodType, checks: Readonly<Record<string, readonly [number, number, string]>>): z.ZodType {
  return schema.superRefine((value, ctx) => {
    if (value === null || typeof value !== 'object') return;
    for (const [field, [lo, hi, message]] of Object.entries(checks)) {
      const v = (value as Record<string, unknown>)[field];
      if (typeof v === 'number' && !(v >= lo && v <= hi)) ctx.addIssue({ code: 'custom', path: [field], message });
    }
  });
}

/** The `policies` section: every policy's options, each defaulting to the policy's own defaults. */
export const policiesSchema = z
  .strictObject({
    static: schemaFromDefaults(policyDefaults('static'), 'Options of the static policy: fixed requests and limits.'),
    vpa: withRanges(
      schemaFromDefaults(policyDefaults('vpa'), 'Options of the vpa policy (VPA recommender re-implementation).'),
      { targetPercentile: [0, 1, 'must be between 0 and 1'] },
    ),
    reactive: withRanges(
      schemaFromDefaults(policyDefaults('reactive'), 'Options of the reactive policy (resize past a usage threshold).'),
      { thresholdFraction: [0, 1, 'must be between 0 and 1'] },
    ),
    predictive: withRanges(
      schemaFromDefaults(policyDefaults('predictive'), 'Options of the predictive policy (burst models + risk budget).'),
      { riskBudget: [0, 1, 'must be between 0 and 1 (probability of a burst exceeding the limit)'] },
    ),
  })
  .transform((p) => p as unknown as PolicySettings)
  .prefault({ static: {}, vpa: {}, reactive: {}, predictive: {} })
  .describe('Options of every policy; only the one named by `policy` acts, the bench compares them all.');

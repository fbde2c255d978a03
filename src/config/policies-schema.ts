import { z } from 'zod';
import * as predictive from '../policy/predictive/index.js';
import * as reactive from '../policy/reactive.js';
import type { PolicySettings } from '../policy/registry.js';
import * as staticPolicy from '../policy/static.js';
import * as vpa from '../policy/vpa/index.js';
import { schemaFromDefaults } from './derive-schema.js';
import { POLICY_FIELD_DOCS } from './policy-field-docs.js';

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

/**
 * The options defaults a policy module exports: `DEFAULT_<NAME>_OPTIONS` when `name` is given and
 * present, else the only `DEFAULT_*OPTIONS` object (looked up by name so a missing one still compiles).
 */
export function exportedDefaults(mod: object, name?: string): Readonly<Record<string, unknown>> | undefined {
  const isOptions = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  const exact: unknown = name !== undefined ? (mod as Record<string, unknown>)[`DEFAULT_${name.toUpperCase()}_OPTIONS`] : undefined;
  if (isOptions(exact)) return exact;
  const entries = Object.entries(mod).filter(([n, v]) => /^DEFAULT_[A-Z_]*OPTIONS$/.test(n) && isOptions(v));
  return entries.length === 1 ? (entries[0]?.[1] as Record<string, unknown>) : undefined;
}

/** The defaults a policy's section starts from: the policy's own constant, else the fallback. */
export function policyDefaults(name: keyof PolicySettings): Readonly<Record<string, unknown>> {
  const mods: Record<keyof PolicySettings, object> = { static: staticPolicy, vpa, reactive, predictive };
  return exportedDefaults(mods[name], name) ?? FALLBACK_DEFAULTS[name];
}

function derived(name: keyof PolicySettings, description: string): z.ZodType {
  return schemaFromDefaults(policyDefaults(name), description, POLICY_FIELD_DOCS[name]);
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
    static: derived('static', 'Options of the static policy: fixed requests and limits.'),
    vpa: withRanges(
      derived('vpa', 'Options of the vpa policy (VPA recommender re-implementation).'),
      {
        targetPercentile: [0, 1, 'must be between 0 and 1'],
        lowerBoundPercentile: [0, 1, 'must be between 0 and 1'],
        upperBoundPercentile: [0, 1, 'must be between 0 and 1'],
        safetyMarginFraction: [0, 10, 'must be between 0 and 10'],
        evictionTolerance: [0, 1, 'must be between 0 and 1'],
      },
    ),
    reactive: withRanges(
      derived('reactive', 'Options of the reactive policy (resize past a usage threshold).'),
      {
        thresholdFraction: [0, 1, 'must be between 0 and 1'],
        lowFraction: [0, 1, 'must be between 0 and 1'],
        growFactor: [1, 100, 'must be at least 1'],
      },
    ),
    predictive: withRanges(
      derived('predictive', 'Options of the predictive policy (burst models + risk budget).'),
      {
        // The ranges the policy itself clamps to (resolvePredictiveOptions): say so instead of clamping silently.
        riskBudget: [1e-6, 0.5, 'must be between 0.000001 and 0.5 (probability that memory passes the limit)'],
        cpuRiskBudget: [1e-6, 0.5, 'must be between 0.000001 and 0.5'],
        horizonS: [1, 3600, 'must be between 1 and 3600 seconds'],
        priorFloorWeight: [0, 1, 'must be between 0 and 1'],
        nodeRiskBudget: [1e-9, 0.5, 'must be between 0.000000001 and 0.5 (probability that a full node overflows)'],
        cpuNodeRiskBudget: [1e-9, 0.5, 'must be between 0.000000001 and 0.5'],
        maxWritesPerPodHour: [0, 3600, 'must be between 0 and 3600'],
        writeBurst: [1, 1000, 'must be between 1 and 1000'],
        maxWritesPerTick: [1, 1e6, 'must be at least 1'],
        writeWorthNodeSeconds: [0, 1e6, 'must be between 0 and 1000000'],
        hintLossRate: [0, 1, 'must be between 0 and 1 (share of tool calls whose hint does not arrive)'],
      },
    ),
  })
  .transform((p) => p as unknown as PolicySettings)
  .prefault({ static: {}, vpa: {}, reactive: {}, predictive: {} })
  .describe('Options of every policy; only the one named by `policy` acts, the bench compares them all.');

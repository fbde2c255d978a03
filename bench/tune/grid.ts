/**
 * The search space of `burstguard tune`: ConfigMap knobs (dotted paths into `config.yaml`, e.g.
 * `policies.predictive.riskBudget`) and the values to try. Each policy has a documented default grid
 * (docs/bench.md); `--grid FILE` replaces it with a YAML or JSON mapping of knob to values. A knob must
 * exist in the ConfigMap schema and every point must pass the controller's own validation, so a grid
 * cannot produce a ConfigMap the controller would refuse.
 */
import { parse } from 'yaml';
import { configToInput, defaultConfig, formatIssues, parseConfigObject, type Config } from '../../src/config/index.js';
import { err, ok, type Result } from '../../src/core/result.js';

export type KnobValue = number | string;
/** Knobs and the values to try for each, in the order given. */
export type Grid = ReadonlyArray<readonly [string, readonly KnobValue[]]>;
/** One point of the grid: a value per knob. */
export type Point = Readonly<Record<string, KnobValue>>;

/**
 * Default grids: the knobs that move the trade-off between node-hours and disruptions most. For
 * predictive: the memory risk budget ε (probability of passing the limit per horizon), the limit's
 * margin above observed usage, and the cool-down before any decrease. 12 points each.
 */
export const DEFAULT_GRIDS: Readonly<Record<string, Grid>> = {
  predictive: [
    ['policies.predictive.riskBudget', [0.0005, 0.002, 0.01]],
    ['policies.predictive.usageMarginFraction', [0.05, 0.15]],
    ['engine.guards.downscaleCooldownS', [300, 900]],
  ],
  reactive: [
    ['policies.reactive.thresholdFraction', [0.7, 0.8, 0.9]],
    ['policies.reactive.growFactor', [1.25, 1.5]],
    ['engine.guards.downscaleCooldownS', [300, 900]],
  ],
  vpa: [
    ['policies.vpa.targetPercentile', [0.8, 0.9, 0.95]],
    ['policies.vpa.safetyMarginFraction', [0.1, 0.15, 0.3]],
  ],
};

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The value at a dotted path of a config in its input form, or undefined when there is none. */
function at(input: unknown, path: string): unknown {
  let v: unknown = input;
  for (const k of path.split('.')) v = isRecord(v) ? v[k] : undefined;
  return v;
}

/** A bare knob name (`riskBudget`) stands for the policy's own (`policies.predictive.riskBudget`). */
function fullPath(knob: string, policy: string): string {
  return knob.includes('.') ? knob : `policies.${policy}.${knob}`;
}

/** Parses a grid file's text: a mapping of knob to a non-empty list of numbers or quantity strings. */
export function parseGrid(text: string, file: string, policy: string): Result<Grid, string> {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (e) {
    return err(`${file}: not YAML or JSON: ${(e as Error).message.split('\n')[0] ?? ''}`);
  }
  if (!isRecord(doc) || Object.keys(doc).length === 0) return err(`${file}: expected a mapping of knob to a list of values, e.g. {"policies.predictive.riskBudget": [0.001, 0.01]}`);
  const base = configToInput(defaultConfig());
  const out: Array<readonly [string, readonly KnobValue[]]> = [];
  for (const [knob, values] of Object.entries(doc)) {
    const path = fullPath(knob, policy);
    const current = at(base, path);
    if (current === undefined || isRecord(current) || Array.isArray(current)) {
      return err(`${file}: unknown knob '${knob}': no setting ${path} in the ConfigMap schema (see docs/configuration.md)`);
    }
    if (!Array.isArray(values) || values.length === 0 || !values.every((x) => typeof x === 'number' || typeof x === 'string')) {
      return err(`${file}: knob '${knob}' needs a non-empty list of values, got ${JSON.stringify(values)}`);
    }
    out.push([path, values]);
  }
  return ok(out);
}

/** Every combination of the grid's values, first knob slowest. */
export function gridPoints(grid: Grid): Point[] {
  let points: Array<Record<string, KnobValue>> = [{}];
  for (const [knob, values] of grid) points = points.flatMap((p) => values.map((v) => ({ ...p, [knob]: v })));
  return points;
}

/** The base config's input with a point's values set. */
export function pointInput(base: Config, point: Point): Record<string, unknown> {
  const input = structuredClone(configToInput(base));
  for (const [path, value] of Object.entries(point)) {
    const keys = path.split('.');
    let o: Record<string, unknown> = input;
    for (const k of keys.slice(0, -1)) {
      if (!isRecord(o[k])) o[k] = {};
      o = o[k] as Record<string, unknown>;
    }
    o[keys[keys.length - 1] ?? ''] = value;
  }
  return input;
}

/** The point's config, checked by the controller's schema; the error names the knob and value. */
export function pointConfig(base: Config, point: Point, policy: string): Result<Config, string> {
  const input = pointInput(base, point);
  input['policy'] = policy;
  const r = parseConfigObject(input);
  if (r.ok) return r;
  return err(`grid point ${JSON.stringify(point)} is not a valid ConfigMap: ${formatIssues(r.error)}`);
}

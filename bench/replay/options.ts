import { parseArgs } from 'node:util';
import { err, ok, type Result } from '../../src/core/result.js';
import type { Resources } from '../../src/core/types.js';
import { parseDuration, parseNodeShape, parseScale } from './density-flags.js';

/** The policies a bench replays when `--policies` is not given (BENCH.md, "Policies every replay offers"). */
export const DEFAULT_POLICIES = ['static', 'vpa', 'vpa-requests-only', 'reactive', 'predictive', 'oracle'] as const;

export type Scenario = 'resize' | 'replicas';

/** `burstguard bench`'s flags, parsed and checked. */
export interface BenchOptions {
  /** Trace files; empty means the bundled traces. */
  readonly traces: readonly string[];
  readonly scenario: Scenario;
  readonly policies: readonly string[];
  /** True when `--policies` was given (each scenario has its own default list). */
  readonly policiesExplicit?: boolean;
  readonly configPath?: string;
  readonly seed: number;
  readonly warmupS: number;
  /** `--node-shape`: a node's allocatable; absent for the simulator's default. */
  readonly nodeShape?: Resources;
  /** `--scale`: sessions multiplied over the same span (1: the trace as recorded). */
  readonly scale: number;
  /** `--duration`: trace seconds to continue the arrivals to. */
  readonly durationS?: number;
  /** A file, `-` for stdout, or absent. */
  readonly json?: string;
  readonly report?: string;
  readonly help: boolean;
}

export const BENCH_USAGE = `usage: burstguard bench [--trace PATH ...] [--scenario resize|replicas] [--policies a,b,c]
                        [--config configmap.yaml] [--seed N] [--warmup SECONDS]
                        [--node-shape CPUxMEM] [--scale F] [--duration D]
                        [--json FILE|-] [--report FILE.html]

  --trace PATH       a trace v1 file (.jsonl or .jsonl.gz) or a folder of them; repeatable. Default: every bundled trace
  --scenario S       resize (default) or replicas
  --policies LIST    comma-separated, default ${DEFAULT_POLICIES.join(',')} (replicas: keda,predictive,static,oracle)
  --config FILE      burstguard ConfigMap (or its config.yaml) for engine, guards and policy settings
  --seed N           seed of the simulated cluster (default 1); same seed, same JSON
  --warmup SECONDS   replay the first SECONDS unscored, so history-hungry policies are judged warm (default 0)
  --node-shape CxM   a node's allocatable CPU and memory as Kubernetes quantities (default 3900mx14Gi), e.g. 8x32Gi
  --scale F          F times the sessions over the same span (fractional too), arrivals resampled with the seed
  --duration D       continue the arrivals, resampled the same way, until D of trace time (90m, 24h)
  --json FILE|-      write the result JSON to FILE, or only the JSON to stdout with -
  --report FILE      write a self-contained HTML report with charts
`;

function parseNonNegative(flag: string, raw: string | undefined, fallback: number, integer: boolean): Result<number, string> {
  if (raw === undefined) return ok(fallback);
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v) || v < 0 || (integer && !Number.isSafeInteger(v))) {
    return err(`--${flag} expects a ${integer ? 'whole number' : 'number'} >= 0, got '${raw}'`);
  }
  return ok(v);
}

function parsePolicies(raw: string | undefined, known: readonly string[]): Result<string[], string> {
  if (raw === undefined) return ok([...DEFAULT_POLICIES]);
  const names = raw.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  if (names.length === 0) return err('--policies expects a comma-separated list of policy names');
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length > 0) return err(`unknown polic${unknown.length > 1 ? 'ies' : 'y'} ${unknown.map((u) => `'${u}'`).join(', ')} (known: ${known.join(', ')})`);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) return err(`--policies names '${dup}' twice`);
  return ok(names);
}

function checkFileFlags(values: { json?: string | undefined; report?: string | undefined; config?: string | undefined }): string | undefined {
  for (const [flag, v] of [['json', values.json], ['report', values.report], ['config', values.config]] as const) {
    if (v !== undefined && v.length === 0) return `--${flag} expects a file name`;
  }
  if (values.report === '-') return '--report expects a file name (the report is HTML, not for stdout)';
  return undefined;
}

/** `--node-shape`, `--scale`, `--duration`: absent flags leave the trace and the node as they are. */
function parseDensity(values: { 'node-shape'?: string | undefined; scale?: string | undefined; duration?: string | undefined }): Result<Pick<BenchOptions, 'nodeShape' | 'scale' | 'durationS'>, string> {
  const shape = values['node-shape'] === undefined ? undefined : parseNodeShape(values['node-shape']);
  if (shape !== undefined && !shape.ok) return shape;
  const scale = values.scale === undefined ? ok(1) : parseScale(values.scale);
  if (!scale.ok) return scale;
  const duration = values.duration === undefined ? undefined : parseDuration(values.duration);
  if (duration !== undefined && !duration.ok) return duration;
  return ok({ scale: scale.value, ...(shape ? { nodeShape: shape.value } : {}), ...(duration ? { durationS: duration.value } : {}) });
}

/**
 * Parses `burstguard bench` arguments. `knownPolicies` is what this build can replay. Errors are one
 * readable line each (the command prints them with the usage and exits 2).
 */
export function parseBenchArgs(argv: readonly string[], knownPolicies: readonly string[]): Result<BenchOptions, string> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      allowPositionals: false,
      strict: true,
      options: {
        trace: { type: 'string', multiple: true },
        scenario: { type: 'string' },
        policies: { type: 'string' },
        config: { type: 'string' },
        seed: { type: 'string' },
        warmup: { type: 'string' },
        'node-shape': { type: 'string' },
        scale: { type: 'string' },
        duration: { type: 'string' },
        json: { type: 'string' },
        report: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    return err(e instanceof Error ? e.message : String(e));
  }
  const scenario = values.scenario ?? 'resize';
  if (scenario !== 'resize' && scenario !== 'replicas') return err(`--scenario expects resize or replicas, got '${scenario}'`);
  const policies = parsePolicies(values.policies, knownPolicies);
  if (!policies.ok) return policies;
  const seed = parseNonNegative('seed', values.seed, 1, true);
  if (!seed.ok) return seed;
  const warmup = parseNonNegative('warmup', values.warmup, 0, false);
  if (!warmup.ok) return warmup;
  const files = checkFileFlags(values);
  if (files !== undefined) return err(files);
  const density = parseDensity(values);
  if (!density.ok) return density;
  return ok({
    traces: values.trace ?? [],
    scenario,
    policies: policies.value,
    policiesExplicit: values.policies !== undefined,
    ...(values.config !== undefined ? { configPath: values.config } : {}),
    seed: seed.value,
    warmupS: warmup.value,
    ...density.value,
    ...(values.json !== undefined ? { json: values.json } : {}),
    ...(values.report !== undefined ? { report: values.report } : {}),
    help: values.help === true,
  });
}

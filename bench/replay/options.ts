import { parseArgs } from 'node:util';
import { err, ok, type Result } from '../../src/core/result.js';
import type { Resources } from '../../src/core/types.js';
import { parseDuration, parseNodeShape, parseScale } from './density-flags.js';
import { DEFAULT_HINT_SETTINGS, type HintSettings } from '../sim/hints.js';
import { parseHintLatency, parseHintLoss } from './hint-flags.js';

/** The policies a bench replays when `--policies` is not given (BENCH.md, "Policies every replay offers"). */
export const DEFAULT_POLICIES = ['static', 'static-tuned', 'vpa', 'vpa-requests-only', 'reactive', 'predictive', 'oracle'] as const;

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
  /** `--cv K`: K-fold cross-validation over each trace's sessions (absent: a plain replay). */
  readonly cv?: number;
  /** `--node-shape`: a node's allocatable; absent for the simulator's default. */
  readonly nodeShape?: Resources;
  /** `--scale`: sessions multiplied over the same span (1: the trace as recorded). */
  readonly scale: number;
  /** `--duration`: trace seconds to continue the arrivals to. */
  readonly durationS?: number;
  /** `--hints` (with `--hint-latency`, `--hint-loss`): hint-taking policies also replay hinted; absent: no hints. */
  readonly hints?: HintSettings;
  /** A file, `-` for stdout, or absent. */
  readonly json?: string;
  readonly report?: string;
  readonly help: boolean;
}

export const BENCH_USAGE = `usage: burstguard bench [--trace PATH ...] [--scenario resize|replicas] [--policies a,b,c]
                        [--config configmap.yaml] [--seed N] [--warmup SECONDS]
                        [--node-shape CPUxMEM] [--scale F] [--duration D] [--cv K]
                        [--hints [--hint-latency D] [--hint-loss P]]
                        [--json FILE|-] [--report FILE.html]

  --trace PATH       a trace v1 file (.jsonl or .jsonl.gz) or a folder of them; repeatable. Default: every bundled trace
  --scenario S       resize (default) or replicas
  --policies LIST    comma-separated, default ${DEFAULT_POLICIES.join(',')} (replicas: keda,predictive,static,oracle)
  --config FILE      burstguard ConfigMap (or its config.yaml) for engine, guards and policy settings
  --seed N           seed of the simulated cluster (default 1); same seed, same JSON
  --warmup SECONDS   replay the first SECONDS unscored, so history-hungry policies are judged warm (default 0)
  --cv K             refit priors (and static-tuned) on K-1 folds of each trace's sessions, score the held-out fold; rows pooled, folds in the JSON
  --node-shape CxM   a node's allocatable CPU and memory as Kubernetes quantities (default 3900mx14Gi), e.g. 8x32Gi
  --scale F          F times the sessions over the same span (fractional too), arrivals resampled with the seed
  --duration D       continue the arrivals, resampled the same way, until D of trace time (90m, 24h)
  --hints            the simulated agents announce each tool call as it starts (POST /v1/hints); every policy
                     that takes hints (predictive) replays twice, unhinted and as NAME+hints, in the same run
  --hint-latency D   tool start to the controller having the hint (default ${DEFAULT_HINT_SETTINGS.latencyS * 1000}ms), e.g. 250ms, 1s
  --hint-loss P      probability a hint never arrives, seeded per tool call (default ${DEFAULT_HINT_SETTINGS.lossRate})
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

function parseFolds(raw: string | undefined, scenario: string): Result<number | undefined, string> {
  if (raw === undefined) return ok(undefined);
  const k = Number(raw);
  if (raw.trim() === '' || !Number.isSafeInteger(k) || k < 2) return err(`--cv expects a whole number of folds >= 2, got '${raw}'`);
  if (scenario !== 'resize') return err('--cv applies to --scenario resize only');
  return ok(k);
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

/** `--hints`, `--hint-latency`, `--hint-loss`: the knobs without `--hints` are a mistake, said so. */
function parseHints(values: { hints?: boolean | undefined; 'hint-latency'?: string | undefined; 'hint-loss'?: string | undefined }, scenario: string): Result<HintSettings | undefined, string> {
  const latency = values['hint-latency'];
  const loss = values['hint-loss'];
  if (values.hints !== true) {
    if (latency !== undefined || loss !== undefined) return err(`--hint-latency and --hint-loss need --hints`);
    return ok(undefined);
  }
  if (scenario !== 'resize') return err('--hints applies to --scenario resize only');
  const l = latency === undefined ? ok(DEFAULT_HINT_SETTINGS.latencyS) : parseHintLatency(latency);
  if (!l.ok) return l;
  const p = loss === undefined ? ok(DEFAULT_HINT_SETTINGS.lossRate) : parseHintLoss(loss);
  if (!p.ok) return p;
  return ok({ latencyS: l.value, lossRate: p.value });
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
        cv: { type: 'string' },
        'node-shape': { type: 'string' },
        scale: { type: 'string' },
        duration: { type: 'string' },
        hints: { type: 'boolean' },
        'hint-latency': { type: 'string' },
        'hint-loss': { type: 'string' },
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
  const cv = parseFolds(values.cv, scenario);
  if (!cv.ok) return cv;
  const files = checkFileFlags(values);
  if (files !== undefined) return err(files);
  const density = parseDensity(values);
  if (!density.ok) return density;
  const hints = parseHints(values, scenario);
  if (!hints.ok) return hints;
  return ok({
    traces: values.trace ?? [],
    scenario,
    policies: policies.value,
    policiesExplicit: values.policies !== undefined,
    ...(values.config !== undefined ? { configPath: values.config } : {}),
    seed: seed.value,
    warmupS: warmup.value,
    ...(cv.value !== undefined ? { cv: cv.value } : {}),
    ...density.value,
    ...(hints.value !== undefined ? { hints: hints.value } : {}),
    ...(values.json !== undefined ? { json: values.json } : {}),
    ...(values.report !== undefined ? { report: values.report } : {}),
    help: values.help === true,
  });
}

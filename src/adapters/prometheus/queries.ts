import type { MetricNames, PrometheusConfig, QueriesConfig } from '../../config/types.js';

/** The signals fetched each tick: one PromQL query each, for the whole namespace. */
export const SIGNALS = [
  'memory',
  'cpu',
  'contextTokens',
  'toolCallsInFlight',
  'toolCalls',
  'toolErrors',
  'toolRetries',
] as const satisfies ReadonlyArray<keyof QueriesConfig>;
export type Signal = (typeof SIGNALS)[number];

/**
 * The signals read as raw samples: an instant query of a range selector (`…[{window}]`), which returns
 * every sample in the window with its own timestamp. cAdvisor stamps container stats every 10–20 s
 * whatever the scrape interval, and they reach Prometheus seconds late (../shared/reference/real-node.md):
 * a range query evaluated on a step grid would put them on the wrong time, drop CPU whenever the
 * spacing exceeds the rate window, and never look back for a late one. The adapter de-duplicates by
 * timestamp and computes CPU from counter deltas between consecutive samples (raw-series.ts).
 */
export const RAW_SIGNALS = ['memory', 'cpu'] as const satisfies readonly Signal[];
export type RawSignal = (typeof RAW_SIGNALS)[number];

/** True for the signals read as raw samples (instant query of a range selector). */
export function isRawSignal(s: Signal): s is RawSignal {
  return s === 'memory' || s === 'cpu';
}

/**
 * Default PromQL per signal. Memory and CPU always come from cAdvisor (kubelet /metrics/cadvisor) as raw
 * series (one per container, the pod label on each; the CPU counter, not a rate); the agent signals
 * come either from burstguard's own agent series or from the OpenTelemetry GenAI semantic conventions
 * as exported to Prometheus (dots → underscores, unit `s` → `_seconds`), aggregated `by (pod)` and
 * evaluated on the step grid.
 *
 * One query per signal for the whole namespace: the number of queries per tick never depends on the
 * number of pods.
 */
const CADVISOR_MEMORY = 'container_memory_working_set_bytes{{namespaceLabel}="{namespace}",{containerMatcher}}[{window}]';
const CADVISOR_CPU = 'container_cpu_usage_seconds_total{{namespaceLabel}="{namespace}",{containerMatcher}}[{window}]';

const perInterval = (counter: string, extra = ''): string =>
  `sum by ({podLabel}) (rate(${counter}{{namespaceLabel}="{namespace}"${extra}}[{rateWindow}])) * {stepS}`;

/**
 * Mean input tokens per model call in the window: the prompt (context) size the agent sends. The
 * GenAI conventions renamed their token metrics in 2026, and instrumentations emit either set (or
 * both, while migrating), so the query takes the first that a pod has, in this order (docs/configuration.md
 * has the mapping table):
 * 1. `gen_ai.client.token.usage` (histogram, by `gen_ai.token.type`), the older name;
 * 2. `gen_ai.client.inference.operation.input_tokens` (histogram), the newer per-call instrument;
 * 3. `gen_ai.client.inference.usage.input_tokens` (counter) over the calls counted by
 *    `gen_ai.client.operation.duration`, for exporters that emit only the newer counters.
 * `or` keeps the left side for a pod that has both, so a dual-emitting pod is never counted twice.
 */
const meanPerCall = (sum: string, count: string, extra = ''): string =>
  `sum by ({podLabel}) (rate(${sum}{{namespaceLabel}="{namespace}"${extra}}[{rateWindow}]))` +
  ` / (sum by ({podLabel}) (rate(${count}{{namespaceLabel}="{namespace}"${extra}}[{rateWindow}])) > 0)`;
export const OTEL_TOKEN_METRICS = {
  legacyHistogram: 'gen_ai_client_token_usage',
  inputHistogram: 'gen_ai_client_inference_operation_input_tokens',
  inputCounter: 'gen_ai_client_inference_usage_input_tokens_total',
  calls: 'gen_ai_client_operation_duration_seconds_count',
} as const;
const OTEL_CONTEXT_TOKENS = [
  meanPerCall(`${OTEL_TOKEN_METRICS.legacyHistogram}_sum`, `${OTEL_TOKEN_METRICS.legacyHistogram}_count`, ',gen_ai_token_type="input"'),
  meanPerCall(`${OTEL_TOKEN_METRICS.inputHistogram}_sum`, `${OTEL_TOKEN_METRICS.inputHistogram}_count`),
  meanPerCall(OTEL_TOKEN_METRICS.inputCounter, OTEL_TOKEN_METRICS.calls),
]
  .map((q) => `(${q})`)
  .join(' or ');

export const DEFAULT_QUERIES: Readonly<Record<MetricNames, Readonly<Record<Signal, string>>>> = {
  cadvisor: {
    memory: CADVISOR_MEMORY,
    cpu: CADVISOR_CPU,
    contextTokens: 'max by ({podLabel}) (last_over_time(burstguard_agent_context_tokens{{namespaceLabel}="{namespace}"}[{step}]))',
    toolCallsInFlight:
      'sum by ({podLabel}, {toolLabel}) (last_over_time(burstguard_agent_tool_calls_in_flight{{namespaceLabel}="{namespace}"}[{step}])) > 0',
    toolCalls: perInterval('burstguard_agent_tool_calls_total'),
    toolErrors: perInterval('burstguard_agent_tool_errors_total'),
    toolRetries: perInterval('burstguard_agent_tool_retries_total'),
  },
  'otel-genai': {
    memory: CADVISOR_MEMORY,
    cpu: CADVISOR_CPU,
    contextTokens: OTEL_CONTEXT_TOKENS,
    // The conventions define no in-flight gauge; tools executed in the window stand in for it.
    toolCallsInFlight:
      'sum by ({podLabel}, {toolLabel}) (rate(gen_ai_execute_tool_duration_seconds_count{{namespaceLabel}="{namespace}"}[{rateWindow}])) > 0',
    toolCalls: perInterval('gen_ai_execute_tool_duration_seconds_count'),
    toolErrors: perInterval('gen_ai_execute_tool_duration_seconds_count', ',error_type!=""'),
    // No retry metric in the conventions: burstguard's own counter.
    toolRetries: perInterval('burstguard_agent_tool_retries_total'),
  },
};

/** The default tool label of each naming scheme. */
export const DEFAULT_TOOL_LABEL: Readonly<Record<MetricNames, string>> = {
  cadvisor: 'tool',
  'otel-genai': 'gen_ai_tool_name',
};

/** Values substituted into the query templates. */
export interface QueryVars {
  readonly namespace: string;
  readonly stepS: number;
  /** Look-back of the raw selectors (`{window}`), seconds. */
  readonly windowS?: number;
}

/** A PromQL string literal body: backslashes and double quotes escaped. */
function promString(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

/** The tool label in use. */
export function toolLabelOf(cfg: PrometheusConfig): string {
  return cfg.toolLabel !== '' ? cfg.toolLabel : DEFAULT_TOOL_LABEL[cfg.metricNames];
}

/**
 * Renders the PromQL of every signal for one fetch: the ConfigMap's override where set, the default
 * for `metricNames` otherwise, with placeholders filled in.
 */
export function renderQueries(cfg: PrometheusConfig, container: string, vars: QueryVars): Readonly<Record<Signal, string>> {
  const stepS = Math.max(1, Math.round(vars.stepS));
  const rateWindowS = cfg.rateWindowS > 0 ? Math.round(cfg.rateWindowS) : 4 * stepS;
  const containerMatcher =
    container !== '' ? `container="${promString(container)}"` : 'container!="",container!="POD"';
  const values: Readonly<Record<string, string>> = {
    namespace: promString(vars.namespace),
    namespaceLabel: cfg.namespaceLabel,
    podLabel: cfg.podLabel,
    toolLabel: toolLabelOf(cfg),
    containerMatcher,
    step: `${stepS}s`,
    stepS: String(stepS),
    rateWindow: `${rateWindowS}s`,
    window: `${Math.max(stepS, Math.ceil(vars.windowS ?? stepS))}s`,
  };
  const fill = (template: string): string =>
    template.replace(/\{(namespace|namespaceLabel|podLabel|toolLabel|containerMatcher|step|stepS|rateWindow|window)\}/g, (_m, k: string) => values[k] ?? '');
  const out = {} as Record<Signal, string>;
  for (const s of SIGNALS) {
    const override = cfg.queries[s];
    out[s] = fill(override !== '' ? override : DEFAULT_QUERIES[cfg.metricNames][s]);
  }
  return out;
}

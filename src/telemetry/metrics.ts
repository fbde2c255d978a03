import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Action } from '../core/types.js';
import type { SourceError, TickObserver } from '../engine/ports.js';

/** The controller's own metrics, all prefixed `burstguard_`, registered on the Registry passed in. */
export interface Metrics {
  readonly registry: Registry;
  readonly ticksTotal: Counter;
  /** Ticks the scheduler skipped because the previous one was still running. */
  readonly ticksSkippedTotal: Counter;
  readonly tickDurationSeconds: Histogram;
  readonly actionsTotal: Counter<'kind' | 'outcome'>;
  /** The kubelet's verdicts on resizes the API server accepted. */
  readonly resizeVerdictsTotal: Counter<'verdict'>;
  /** |actual − forecast| / actual of the peak a model predicted, by resource. */
  readonly forecastErrorRatio: Histogram<'resource'>;
  readonly skippedPodsTotal: Counter<'reason'>;
  readonly configReloadsTotal: Counter<'result'>;
  readonly sourceErrorsTotal: Counter<'source'>;
  /** 1 while this replica holds the lease. */
  readonly leader: Gauge;
  readonly prewarmWindowsActive: Gauge;
  /** Running managed pods with no samples for several ticks (src/engine/sample-watch.ts). */
  readonly podsWithoutSamples: Gauge;
  /** 1 while the Nodes are readable (node allocatable known, node risk budget on); 0 once refused (403). */
  readonly nodeAllocatableKnown: Gauge;
  /** Calls KEDA made to the external scaler, by RPC and gRPC status (keda.mode externalScaler). */
  readonly kedaScalerCallsTotal: Counter<'method' | 'code'>;
  /** Pod admission reviews answered by the mutating webhook, by outcome (patched, standby, error, ...). */
  readonly admissionReviewsTotal: Counter<'outcome'>;
}

/**
 * Creates every metric on `registry`. Pass a fresh Registry per controller (and per test): the global
 * default registry would make two instances collide on metric names.
 */
export function createMetrics(registry: Registry): Metrics {
  const registers = [registry];
  return {
    registry,
    ticksTotal: new Counter({ name: 'burstguard_ticks_total', help: 'Control-loop ticks run.', registers }),
    ticksSkippedTotal: new Counter({
      name: 'burstguard_ticks_skipped_total',
      help: 'Ticks not started because the previous tick was still running.',
      registers,
    }),
    tickDurationSeconds: new Histogram({
      name: 'burstguard_tick_duration_seconds',
      help: 'Wall time of one tick: fetch, decide, act.',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    actionsTotal: new Counter({
      name: 'burstguard_actions_total',
      help: 'Actions by kind (resize, scale) and outcome (applied, pending: accepted and awaiting the kubelet, dry-run, deferred, infeasible, error:<code>).',
      labelNames: ['kind', 'outcome'],
      registers,
    }),
    resizeVerdictsTotal: new Counter({
      name: 'burstguard_resize_verdicts_total',
      help: 'Kubelet verdicts on accepted resizes: applied (spec and status agree), in-progress (PodResizeInProgress, no reason), error (refused), superseded.',
      labelNames: ['verdict'],
      registers,
    }),
    forecastErrorRatio: new Histogram({
      name: 'burstguard_forecast_error_ratio',
      help: 'Relative error of forecast peaks against what was then observed, by resource.',
      labelNames: ['resource'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2],
      registers,
    }),
    skippedPodsTotal: new Counter({
      name: 'burstguard_skipped_pods_total',
      help: 'Pods a tick passed over, by reason.',
      labelNames: ['reason'],
      registers,
    }),
    configReloadsTotal: new Counter({
      name: 'burstguard_config_reloads_total',
      help: 'ConfigMap changes seen, by result (applied, rejected, unchanged).',
      labelNames: ['result'],
      registers,
    }),
    sourceErrorsTotal: new Counter({
      name: 'burstguard_source_errors_total',
      help: 'Failed metric or cluster fetches (the tick held: no action).',
      labelNames: ['source'],
      registers,
    }),
    leader: new Gauge({ name: 'burstguard_leader', help: '1 while this replica holds the leader lease.', registers }),
    podsWithoutSamples: new Gauge({
      name: 'burstguard_pods_without_samples',
      help: 'Running managed pods with no metric samples for several ticks (burstguard cannot size them; see the warning Event for likely causes).',
      registers,
    }),
    nodeAllocatableKnown: new Gauge({
      name: 'burstguard_node_allocatable_known',
      help: "1 while the controller can read Nodes (their allocatable feeds the node risk budget); 0 when it cannot (403: bind the node-read ClusterRole, deploy/manifests/node-read/).",
      registers,
    }),
    prewarmWindowsActive: new Gauge({
      name: 'burstguard_prewarm_windows_active',
      help: 'Scheduled pre-warm windows currently open.',
      registers,
    }),
    kedaScalerCallsTotal: new Counter({
      name: 'burstguard_keda_scaler_calls_total',
      help: "Calls to the KEDA external scaler by method (IsActive, GetMetricSpec, GetMetrics, StreamIsActive) and gRPC status (OK, NOT_FOUND, UNAVAILABLE, ...): whether KEDA asks, and what it is told.",
      labelNames: ['method', 'code'],
      registers,
    }),
    admissionReviewsTotal: new Counter({
      name: 'burstguard_admission_reviews_total',
      help: "Pod CREATE reviews the admission webhook answered, by outcome: patched (resources set), no-opinion, standby (not the leader), dry-run, not-ours, error (answered allowed and unchanged). Every answer allows the pod.",
      labelNames: ['outcome'],
      registers,
    }),
  };
}

/**
 * A bounded label from a free-text reason: the text before the first ':' or ';', digits folded, so
 * "last resize Deferred; retrying after … 2026-…" and friends stay one series each.
 */
export function reasonLabel(reason: string): string {
  const head = reason.split(/[:;]/, 1)[0] ?? reason;
  const folded = head.replace(/\d+(\.\d+)?/g, 'N').replace(/\s+/g, ' ').trim();
  return folded.length > 60 ? folded.slice(0, 60) : folded === '' ? 'unspecified' : folded;
}

/** The TickObserver that feeds the metrics (the engine tick reports through it). */
export function metricsObserver(m: Metrics): Required<TickObserver> {
  return {
    tickDone(report: { readonly durationMs: number }): void {
      m.ticksTotal.inc();
      m.tickDurationSeconds.observe(report.durationMs / 1000);
    },
    actionDone(action: Action, outcome: string): void {
      // Outcomes are a closed set (applied, dry-run, deferred, infeasible, error:<code>); the cap is a fuse.
      m.actionsTotal.inc({ kind: action.kind, outcome: outcome.slice(0, 40) });
    },
    resizeVerdict(_action: Action, verdict: string): void {
      m.resizeVerdictsTotal.inc({ verdict });
    },
    skipped(_pod: string, reason: string): void {
      m.skippedPodsTotal.inc({ reason: reasonLabel(reason) });
    },
    samplelessPods(report: { readonly without: readonly string[] }): void {
      m.podsWithoutSamples.set(report.without.length);
    },
    sourceFailed(error: SourceError): void {
      m.sourceErrorsTotal.inc({ source: error.source });
    },
  };
}

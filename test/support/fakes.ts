// In-memory fakes of the engine's ports, shared by unit tests (injection, not module mocks).
import { err, ok, type Result } from '../../src/core/result.js';
import type { Action, ActuationError, AgentSample, Applied, PodView, Resources } from '../../src/core/types.js';
import type { Actuator, ClusterSnapshot, ClusterView, Logger, MetricQuery, MetricSource, SourceError } from '../../src/engine/ports.js';
import type { EngineConfig } from '../../src/engine/engine-config.js';
import { GiB, MiB } from '../../src/core/resources.js';
import type { Policy, Recommendation } from '../../src/policy/policy.js';

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

export function fixedClock(start = 1_700_000_000_000): { now(): number; advance(ms: number): void } {
  let t = start;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

export class FakeSource implements MetricSource {
  readonly name = 'fake';
  samples: AgentSample[] = [];
  failWith?: SourceError;
  queries: MetricQuery[] = [];
  fetch(q: MetricQuery): Promise<Result<AgentSample[], SourceError>> {
    this.queries.push(q);
    if (this.failWith) return Promise.resolve(err(this.failWith));
    return Promise.resolve(ok(this.samples.filter((s) => s.tMs > q.fromMs && s.tMs <= q.toMs)));
  }
}

export class FakeView implements ClusterView {
  constructor(public pods: PodView[] = []) {}
  snapshot(): Promise<Result<ClusterSnapshot, SourceError>> {
    return Promise.resolve(ok({ pods: this.pods, scaledObjects: [] }));
  }
}

export class FakeActuator implements Actuator {
  applied: Action[] = [];
  /** Pod keys whose actuation fails with the given code. */
  failures = new Map<string, ActuationError['code']>();
  outcome: Applied['outcome'] = 'applied';
  apply(action: Action, opts: { dryRun: boolean }): Promise<Result<Applied, ActuationError>> {
    return Promise.resolve(this.applyNow(action, opts));
  }
  private applyNow(action: Action, opts: { dryRun: boolean }): Result<Applied, ActuationError> {
    const key = action.kind === 'resize' ? `${action.pod.namespace}/${action.pod.name}` : action.scaledObject.name;
    const code = this.failures.get(key);
    if (code) return err({ action, code, message: `fake ${code}`, retryable: code === 'conflict' });
    this.applied.push(action);
    if (opts.dryRun) return ok({ outcome: 'dry-run', action });
    if (this.outcome === 'deferred' || this.outcome === 'infeasible') return ok({ outcome: this.outcome, action, message: 'fake' });
    return ok({ outcome: 'applied', action });
  }
}

export function pod(name: string, over: Partial<PodView> = {}): PodView {
  const requests: Resources = { memBytes: 512 * MiB, cpuCores: 0.25 };
  const limits: Resources = { memBytes: 1 * GiB, cpuCores: 1 };
  return {
    ref: { namespace: 'agents', name },
    key: `agents/${name}`,
    agentClass: 'swe',
    container: 'agent',
    qos: 'Burstable',
    requests,
    limits,
    resize: { phase: 'none' },
    running: true,
    startedAtMs: 0,
    restarts: 0,
    ...over,
  };
}

export function engineConfig(over: Partial<EngineConfig> = {}): EngineConfig {
  return {
    namespace: 'agents',
    dryRun: false,
    tickIntervalS: 15,
    initialLookbackS: 300,
    scrapeIntervalS: 15,
    staleAfterS: 120,
    deferredBackoffS: { initial: 30, max: 300 },
    guards: {
      minResources: { memBytes: 64 * MiB, cpuCores: 0.01 },
      maxResources: { memBytes: 16 * GiB, cpuCores: 8 },
      usageMarginFraction: 0.1,
      usageWindowS: 600,
      minChangeFraction: 0.05,
      downscaleCooldownS: 300,
      decreaseIntervalS: 60,
      maxDecreaseFraction: 0.25,
    },
    ...over,
  };
}

/**
 * A policy that asks every pod for the same memory (limit, and request when given), keeping its CPU,
 * so engine tests isolate the engine from any real policy.
 */
export function askForMemory(memLimit: number, memRequest?: number): Policy<null> {
  return {
    name: 'fixed',
    init: () => null,
    observe: () => undefined,
    recommend: (_s, ctx): Recommendation[] =>
      ctx.pods.map((p) => ({
        kind: 'resize' as const,
        pod: p.key,
        requests: memRequest === undefined ? p.requests : { memBytes: memRequest, cpuCores: p.requests.cpuCores },
        limits: { memBytes: memLimit, cpuCores: p.limits.cpuCores },
        reason: `test wants ${memLimit / MiB}Mi`,
        inputs: { memLimit },
      })),
  };
}

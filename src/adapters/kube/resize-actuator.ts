import type { V1Pod } from '@kubernetes/client-node';
import { err, ok, type Result } from '../../core/result.js';
import { qosOf } from '../../core/resources.js';
import type { Action, ActuationError, Applied, Resources } from '../../core/types.js';
import { apiFailure, toActuationError } from './api-errors.js';
import type { PodApi } from './apis.js';
import { resizeStateOf, resourcesOf } from './pod-to-view.js';
import { formatCpu, formatMemory, parseQuantity } from './quantity.js';
import type { ResizeSafetyConfig } from '../../config/resize-safety-schema.js';
import { memoryRestart } from './resize-safety.js';

export type ResizeAction = Extract<Action, { kind: 'resize' }>;

export interface ResizeActuatorOptions {
  /** How many times a 409 (the pod changed between our read and our patch) is retried on a fresh read. */
  readonly maxConflictRetries?: number;
  /**
   * The informer's copy of a pod. When given, the first attempt reads it instead of calling GET (one API
   * call per resize instead of two); a 409 then means the cache was behind, and retries read fresh.
   */
  readonly cached?: (namespace: string, name: string) => V1Pod | undefined;
  /** The current resize-safety settings (resizePolicy restarts); absent: memory restarts are refused. */
  readonly safety?: () => ResizeSafetyConfig;
}

/**
 * In-place resize through the `pods/resize` subresource. Each attempt reads the pod, checks the change
 * keeps its QoS class, and sends a strategic merge patch carrying the read resourceVersion, so a pod
 * that changed in between yields 409 and a fresh attempt instead of a blind overwrite. The response is
 * read back: what the API server kept, and any Deferred/Infeasible verdict already recorded for it.
 */
export class ResizeActuator {
  private readonly maxRetries: number;

  constructor(
    private readonly api: PodApi,
    private readonly opts: ResizeActuatorOptions = {},
  ) {
    this.maxRetries = opts.maxConflictRetries ?? 3;
  }

  async apply(action: ResizeAction, signal: AbortSignal): Promise<Result<Applied, ActuationError>> {
    const { namespace, name } = action.pod;
    for (let attempt = 0; ; attempt++) {
      if (signal.aborted) return err({ action, code: 'unavailable', message: 'aborted (shutting down)', retryable: true });
      let pod: V1Pod | undefined = attempt === 0 ? this.opts.cached?.(namespace, name) : undefined;
      try {
        pod ??= await this.api.read(namespace, name);
      } catch (e) {
        return err(toActuationError(action, apiFailure(e)));
      }
      const refused = precheck(action, pod);
      if (refused) return err({ action, code: 'invalid', message: refused, retryable: false });
      const restart = this.restartCheck(action, pod);
      if (restart.refuse !== undefined) return err({ action, code: 'refused', message: restart.refuse, retryable: false });
      let after: V1Pod;
      try {
        after = await this.api.patchResize(namespace, name, resizePatch(action, pod.metadata?.resourceVersion));
      } catch (e) {
        const f = apiFailure(e);
        if (f.status === 409 && attempt < this.maxRetries) continue;
        return err(toActuationError(action, f));
      }
      const said = restart.note !== undefined ? { ...action, reason: `${action.reason}; ${restart.note}` } : action;
      return readBack(said, after);
    }
  }

  /** resizePolicy: a memory change that restarts the container is refused unless allowed, then said. */
  private restartCheck(action: ResizeAction, pod: V1Pod): { refuse?: string; note?: string } {
    const c = pod.spec?.containers?.find((x) => x.name === action.container);
    const cur = resourcesOf(c?.resources);
    if (!c || !cur.ok) return {};
    const next = rounded(action.requests).memBytes;
    const nextLimit = rounded(action.limits).memBytes;
    const changesMemory = (next > 0 && next !== cur.value.requests.memBytes) || (nextLimit > 0 && nextLimit !== cur.value.limits.memBytes);
    const safety = this.opts.safety?.() ?? { allowMemoryRestart: false, unresizableRuntimeClasses: [], staticCpuManager: false, staticMemoryManager: false, nodeSwap: false };
    return memoryRestart(c, changesMemory, safety);
  }
}

/** The patch body: only the sized container's resources; zero means "not set" and is left out. */
export function resizePatch(action: ResizeAction, resourceVersion?: string): object {
  const pick = (r: Resources): Record<string, string> => ({
    ...(r.cpuCores > 0 ? { cpu: formatCpu(r.cpuCores) } : {}),
    ...(r.memBytes > 0 ? { memory: formatMemory(r.memBytes) } : {}),
  });
  return {
    ...(resourceVersion ? { metadata: { resourceVersion } } : {}),
    spec: { containers: [{ name: action.container, resources: { requests: pick(action.requests), limits: pick(action.limits) } }] },
  };
}

/** Refuses locally what the API server would reject with 422, saving a round trip and explaining why. */
function precheck(action: ResizeAction, pod: V1Pod): string | undefined {
  const containers = pod.spec?.containers ?? [];
  const c = containers.find((x) => x.name === action.container);
  if (!c) return `container '${action.container}' is not in the pod`;
  const cur = resourcesOf(c.resources);
  if (!cur.ok) return cur.error;
  const merged = (now: Resources, next: Resources): Resources => ({
    cpuCores: next.cpuCores > 0 ? next.cpuCores : now.cpuCores,
    memBytes: next.memBytes > 0 ? next.memBytes : now.memBytes,
  });
  const req = merged(cur.value.requests, rounded(action.requests));
  const lim = merged(cur.value.limits, rounded(action.limits));
  for (const r of ['cpuCores', 'memBytes'] as const) {
    if (lim[r] > 0 && req[r] > lim[r]) return `${r} request ${req[r]} above its limit ${lim[r]}`;
  }
  // QoS can only be judged from one container when the pod has one.
  if (containers.length === 1 && qosOf(req, lim) !== qosOf(cur.value.requests, cur.value.limits)) {
    return `the resize would change the pod QoS class from ${qosOf(cur.value.requests, cur.value.limits)} to ${qosOf(req, lim)}`;
  }
  return undefined;
}

function rounded(r: Resources): Resources {
  return { cpuCores: parseQuantity(formatCpu(r.cpuCores)) ?? r.cpuCores, memBytes: parseQuantity(formatMemory(r.memBytes)) ?? r.memBytes };
}

/**
 * What came back. The resize subresource silently drops what it does not keep, so compare; and if the
 * kubelet has already judged this generation (Deferred/Infeasible), report it now rather than next tick.
 */
function readBack(action: ResizeAction, pod: V1Pod): Result<Applied, ActuationError> {
  const c = pod.spec?.containers?.find((x) => x.name === action.container);
  const kept = resourcesOf(c?.resources);
  if (!c || !kept.ok) return err({ action, code: 'unknown', message: 'the response does not contain the container', retryable: true });
  const want = { requests: rounded(action.requests), limits: rounded(action.limits) };
  for (const side of ['requests', 'limits'] as const) {
    for (const r of ['cpuCores', 'memBytes'] as const) {
      const w = want[side][r];
      if (w > 0 && Math.abs(kept.value[side][r] - w) > w * 1e-9) {
        return err({ action, code: 'refused', message: `the API server kept ${side}.${r}=${kept.value[side][r]}, not ${w}`, retryable: false });
      }
    }
  }
  const generation = pod.metadata?.generation;
  const current = (pod.status?.conditions ?? []).filter((cond) => generation !== undefined && cond.observedGeneration === generation);
  const state = resizeStateOf(current);
  if (state.phase === 'infeasible') return ok({ outcome: 'infeasible', action, message: state.message });
  if (state.phase === 'deferred') return ok({ outcome: 'deferred', action, message: state.message });
  // The API server took the spec; "applied" is the kubelet's word: spec and status agree, no resize
  // condition up. Anything short of that is pending and the engine reads the verdict later.
  const status = pod.status?.containerStatuses?.find((x) => x.name === action.container);
  const actual = resourcesOf(status?.resources);
  const agrees = actual.ok && (['cpuCores', 'memBytes'] as const).every((r) => want.limits[r] <= 0 || Math.abs(actual.value.limits[r] - want.limits[r]) <= want.limits[r] * 1e-9);
  if (state.phase === 'none' && status?.resources !== undefined && agrees) return ok({ outcome: 'applied', action });
  return ok({ outcome: 'pending', action });
}

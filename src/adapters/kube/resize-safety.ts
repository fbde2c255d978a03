/**
 * What must not be resized in place, decided before any PATCH. Pure: the pod and the configured
 * knowledge of the nodes (which the namespace-scoped Role cannot read) come in, a reason goes out.
 *
 * - RuntimeClasses that fix a sandbox's size at start (gVisor, Kata, peer pods): the kubelet would
 *   accept the PATCH and the sandbox would never follow.
 * - The static CPU manager gives Guaranteed pods with whole-CPU requests exclusive cores; the static
 *   memory manager pins Guaranteed pods to NUMA memory: the kubelet refuses their resizes.
 * - With node swap (LimitedSwap), Burstable pods may swap and the kubelet refuses their memory resizes.
 * - A container whose resizePolicy restarts it on a memory change loses the agent's state: refused
 *   unless allowed, and then said in the reason.
 */
import type { V1Container, V1Pod } from '@kubernetes/client-node';
import type { ResizeSafetyConfig } from '../../config/resize-safety-schema.js';
import type { QosClass } from '../../core/types.js';

/** Why the whole pod must be left alone, or undefined. `qos` and `cpuRequest` are the sized container's view. */
export function podResizeBlocker(pod: V1Pod, qos: QosClass, cpuRequestCores: number, safety: ResizeSafetyConfig): string | undefined {
  const runtimeClass = pod.spec?.runtimeClassName;
  if (runtimeClass && safety.unresizableRuntimeClasses.includes(runtimeClass)) {
    return `runtime class cannot resize in place: '${runtimeClass}' is in resizeSafety.unresizableRuntimeClasses`;
  }
  if (qos === 'Guaranteed' && safety.staticCpuManager && cpuRequestCores > 0 && Number.isInteger(cpuRequestCores)) {
    return `static CPU manager: a Guaranteed pod with ${cpuRequestCores} whole CPUs holds exclusive cores (resizeSafety.staticCpuManager)`;
  }
  if (qos === 'Guaranteed' && safety.staticMemoryManager) {
    return 'static memory manager: a Guaranteed pod is pinned to NUMA memory (resizeSafety.staticMemoryManager)';
  }
  if (qos === 'Burstable' && safety.nodeSwap) {
    return 'node swap: a Burstable pod may swap and the kubelet refuses its memory resizes (resizeSafety.nodeSwap)';
  }
  return undefined;
}

/** The container's restart policy for a resource on resize (the default is NotRequired). */
export function restartPolicyFor(container: V1Container, resource: 'cpu' | 'memory'): string {
  return container.resizePolicy?.find((p) => p.resourceName === resource)?.restartPolicy ?? 'NotRequired';
}

/**
 * A memory change on a container that restarts on memory resizes: a refusal reason when not allowed,
 * else the note that goes into the action's reason (the Event then says the container restarts).
 */
export function memoryRestart(container: V1Container, changesMemory: boolean, safety: ResizeSafetyConfig): { refuse?: string; note?: string } {
  if (!changesMemory || restartPolicyFor(container, 'memory') === 'NotRequired') return {};
  const policy = restartPolicyFor(container, 'memory');
  if (!safety.allowMemoryRestart) {
    return { refuse: `container '${container.name}' has resizePolicy memory ${policy}: a memory resize would restart it (resizeSafety.allowMemoryRestart is off)` };
  }
  return { note: `restarts container '${container.name}' (resizePolicy memory ${policy})` };
}

// One running agent pod of class 'swe' as the cluster view shows it, for the predictive policy's tests.
import type { PodView, Resources } from '../../../src/core/types.js';

export interface AgentPodOptions {
  readonly requests: Resources;
  readonly limits: Resources;
  readonly nodeAllocatable: Resources;
  readonly nodeName?: string;
}

export function agentPodView(key: string, o: AgentPodOptions): PodView {
  return {
    ref: { namespace: 'ns', name: key.slice(3) },
    key,
    agentClass: 'swe',
    container: 'agent',
    qos: 'Burstable',
    requests: o.requests,
    limits: o.limits,
    resize: { phase: 'none' },
    running: true,
    startedAtMs: 0,
    restarts: 0,
    nodeName: o.nodeName ?? 'n1',
    nodeAllocatable: o.nodeAllocatable,
  };
}

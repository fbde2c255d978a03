/**
 * The VPA admission controller, emulated for the bench (mirrors AS v1.8.1
 * pkg/admission-controller/resource/pod/recommendation/recommendation_provider.go
 * GetContainersResourcesForPod): a pod created while its VPA has a recommendation gets the target as
 * requests before it is scheduled, with limits scaled to keep the template's ratio (RequestsAndLimits)
 * or left alone (RequestsOnly). A pod created before any recommendation keeps its template.
 */
import { MiB } from '../../core/resources.js';
import type { AdmissionRequest, AdmissionResponse } from '../policy.js';
import type { VpaVariant } from './options.js';
import type { VpaState } from './state.js';
import { processed, vpaResources } from './updater-loop.js';

export function admitPod(state: VpaState, pod: AdmissionRequest, o: Pick<VpaVariant, 'controlledValues'>): AdmissionResponse | undefined {
  const rec = state.recommendations.get(pod.agentClass);
  if (!rec) return undefined;
  const requests = processed(rec, pod, o).target;
  return {
    requests,
    limits: vpaResources({ originalRequests: pod.requests, originalLimits: pod.limits }, pod.limits, requests, o),
    reason: `vpa admission: new pod gets the current target ${Math.round(requests.memBytes / MiB)}Mi/${Math.round(requests.cpuCores * 1000)}m (confidence ${rec.confidence.toFixed(3)} d)`,
  };
}

/**
 * The mutating admission webhook's decision, pure: an AdmissionReview (admission.k8s.io/v1) for a pod
 * CREATE in, the AdmissionReview to answer out. The resources come from the policy's `admit()`, the
 * same seam the bench runs at pod creation (bench/replay/replay.ts), so the controller ships what the
 * bench measures. The webhook only ever sizes: it never blocks a pod. Whatever goes wrong (a review it
 * cannot read, a pod it cannot size, an answer that would change the pod's QoS class) is answered
 * allowed and unchanged, with the reason as the outcome the HTTP adapter logs and counts.
 */
import { z } from 'zod';
import type { AdmissionRequest, AdmissionResponse } from '../../policy/policy.js';
import { qosOf, roundUpRes } from '../../core/resources.js';
import type { Resources } from '../../core/types.js';
import { CONTAINER_ANNOTATION, resourcesOf } from './pod-to-view.js';
import { formatCpu, formatMemory } from './quantity.js';

/** The pod annotation carrying the webhook's reason and numbers (`kubectl describe pod` shows it). */
export const ADMISSION_ANNOTATION = 'burstguard.io/admission';

/** What the decision needs besides the review; all read at the time of the call. */
export interface AdmissionContext {
  /** The controller's namespace: a pod elsewhere is not ours, whatever the webhook's selectors say. */
  readonly namespace: string;
  readonly agentClassLabel: string;
  /** The container to size; '' means the pod's annotation, else its first container (as the loop reads pods). */
  readonly container: string;
  /** Only the leader's class models are warm: a standby answers unchanged. */
  readonly leading: boolean;
  /** engine.dryRun: say what would be set, set nothing. */
  readonly dryRun: boolean;
  /** The policy's admit() bound to its live state and the clock; undefined when the policy has none. */
  readonly admit: ((pod: AdmissionRequest) => AdmissionResponse | undefined) | undefined;
  readonly policyName: string;
}

/** Why a review ended as it did; 'patched' is the only outcome that changes the pod. */
export type AdmissionOutcome = 'patched' | 'no-opinion' | 'standby' | 'dry-run' | 'not-ours' | 'error';

export interface AdmissionDecision {
  /** The AdmissionReview to send back (always allowed). */
  readonly review: Record<string, unknown>;
  readonly outcome: AdmissionOutcome;
  readonly reason: string;
  /** `${namespace}/${name or generateName*}` of the pod, when the review named one. */
  readonly pod?: string;
}

const quantity = z.union([z.string(), z.number()]);
const resourceList = z.record(z.string(), quantity).optional();
const containerSchema = z.looseObject({
  name: z.string(),
  resources: z.looseObject({ requests: resourceList, limits: resourceList }).optional(),
});
const podSchema = z.looseObject({
  metadata: z.looseObject({
    name: z.string().optional(),
    generateName: z.string().optional(),
    namespace: z.string().optional(),
    labels: z.record(z.string(), z.string()).optional(),
    annotations: z.record(z.string(), z.string()).optional(),
  }),
  spec: z.looseObject({ containers: z.array(containerSchema).min(1) }),
});
const reviewSchema = z.object({
  apiVersion: z.literal('admission.k8s.io/v1'),
  kind: z.literal('AdmissionReview'),
  request: z.looseObject({
    uid: z.string().min(1),
    kind: z.looseObject({ group: z.string(), version: z.string(), kind: z.string() }),
    operation: z.string(),
    namespace: z.string().optional(),
    object: z.unknown(),
  }),
});

type Pod = z.infer<typeof podSchema>;

/** Decides one review. `body` is the parsed JSON the API server posted (anything: it is validated here). */
export function decideAdmission(body: unknown, ctx: AdmissionContext): AdmissionDecision {
  const uid = uidOf(body);
  const read = readReview(body, ctx);
  if ('outcome' in read) return unchanged(uid, read);
  const { pod, key } = read;
  if (!ctx.leading) {
    return unchanged(uid, { outcome: 'standby', reason: 'this replica is not the leader: only the leader holds warm class models; the pod keeps its template', pod: key, warning: 'burstguard: admitted unchanged (answered by a standby replica)' });
  }
  if (!ctx.admit) return unchanged(uid, { outcome: 'no-opinion', reason: `policy '${ctx.policyName}' does not size pods at admission`, pod: key });
  const sized = sizeContainer(pod, key, ctx, ctx.admit);
  if ('outcome' in sized) return unchanged(uid, sized);
  const { index, container, requests, limits, reason } = sized;
  const summary = `${container.name} ${formatMemory(requests.memBytes)}/${formatMemory(limits.memBytes)} memory, ${formatCpu(requests.cpuCores)}/${formatCpu(limits.cpuCores)} cpu`;
  if (ctx.dryRun) return unchanged(uid, { outcome: 'dry-run', reason: `dryRun: would set ${summary}: ${reason}`, pod: key, warning: `burstguard (dryRun): would set ${summary}` });
  // The annotation starts with what was written (the policy's reason rounds its numbers for reading).
  const said = `set ${summary}: ${reason}`;
  const patch = [
    { op: 'add', path: `/spec/containers/${index}/resources`, value: mergedResources(container.resources, requests, limits) },
    annotationOp(pod, said),
  ];
  return {
    review: reviewOf(uid, { patchType: 'JSONPatch', patch: Buffer.from(JSON.stringify(patch)).toString('base64'), warnings: [`burstguard: set ${summary}`] }),
    outcome: 'patched',
    reason: said,
    pod: key,
  };
}

/** A decision that leaves the pod as it is, with an optional warning for the creator. */
interface Unchanged {
  readonly outcome: AdmissionOutcome;
  readonly reason: string;
  readonly pod?: string;
  readonly warning?: string;
}

function unchanged(uid: string, u: Unchanged): AdmissionDecision {
  return {
    review: reviewOf(uid, u.warning !== undefined ? { warnings: [u.warning] } : {}),
    outcome: u.outcome,
    reason: u.reason,
    ...(u.pod !== undefined ? { pod: u.pod } : {}),
  };
}

/** The pod of a pod CREATE review in the controller's namespace, or why the review is not one. */
function readReview(body: unknown, ctx: AdmissionContext): { pod: Pod; key: string } | Unchanged {
  const review = reviewSchema.safeParse(body);
  if (!review.success) return { outcome: 'error', reason: `not an AdmissionReview v1: ${z.prettifyError(review.error).replace(/\s+/g, ' ')}` };
  const req = review.data.request;
  if (req.kind.group !== '' || req.kind.kind !== 'Pod' || req.operation !== 'CREATE') {
    return { outcome: 'not-ours', reason: `only pod CREATE is sized, got ${req.operation} of ${req.kind.group || 'core'}/${req.kind.kind}` };
  }
  const parsedPod = podSchema.safeParse(req.object);
  if (!parsedPod.success) return { outcome: 'error', reason: `the review's pod: ${z.prettifyError(parsedPod.error).replace(/\s+/g, ' ')}` };
  const pod = parsedPod.data;
  const namespace = req.namespace ?? pod.metadata.namespace ?? '';
  const key = `${namespace}/${pod.metadata.name || `${pod.metadata.generateName ?? ''}*`}`;
  if (namespace !== ctx.namespace) return { outcome: 'not-ours', reason: `namespace '${namespace}' is not the controller's ('${ctx.namespace}')`, pod: key };
  return { pod, key };
}

interface Sized {
  readonly index: number;
  readonly container: Pod['spec']['containers'][number];
  readonly requests: Resources;
  readonly limits: Resources;
  readonly reason: string;
}

/** admit()'s answer for the sized container, checked: positive, requests within limits, QoS class kept. */
function sizeContainer(pod: Pod, key: string, ctx: AdmissionContext, admit: NonNullable<AdmissionContext['admit']>): Sized | Unchanged {
  const index = containerIndex(pod, ctx.container);
  if (typeof index === 'string') return { outcome: 'error', reason: index, pod: key };
  const container = pod.spec.containers[index]!;
  const current = resourcesOf(stringMaps(container.resources));
  if (!current.ok) return { outcome: 'error', reason: `container '${container.name}': ${current.error}`, pod: key };
  const agentClass = pod.metadata.labels?.[ctx.agentClassLabel] ?? 'default';
  let answer: AdmissionResponse | undefined;
  try {
    answer = admit({ key, agentClass, requests: current.value.requests, limits: current.value.limits });
  } catch (e) {
    return { outcome: 'error', reason: `admit() failed: ${e instanceof Error ? e.message : String(e)}`, pod: key };
  }
  if (!answer) return { outcome: 'no-opinion', reason: `policy '${ctx.policyName}' has no opinion on class '${agentClass}' (a template without limits is left alone)`, pod: key };
  const requests = rounded(answer.requests);
  const limits = rounded(answer.limits);
  const bad = invalid(requests, limits);
  if (bad !== undefined) return { outcome: 'error', reason: `admit() answered ${bad}; the pod keeps its template`, pod: key };
  const before = qosOf(current.value.requests, current.value.limits);
  const after = qosOf(requests, limits);
  if (before !== after) return { outcome: 'error', reason: `admit() would turn a ${before} container ${after}; the pod keeps its template`, pod: key };
  return { index, container, requests, limits, reason: answer.reason };
}

/** An answer that allows the pod unchanged, for a caller whose decision itself failed. */
export function unchangedReview(body: unknown): Record<string, unknown> {
  return reviewOf(uidOf(body), {});
}

/** The uid the answer must echo; '' when the body has none (the API server then ignores the answer). */
function uidOf(body: unknown): string {
  const req = typeof body === 'object' && body !== null ? (body as { request?: unknown }).request : undefined;
  const uid = typeof req === 'object' && req !== null ? (req as { uid?: unknown }).uid : undefined;
  return typeof uid === 'string' ? uid : '';
}

function reviewOf(uid: string, extra: Record<string, unknown>): Record<string, unknown> {
  return { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid, allowed: true, ...extra } };
}

/** The sized container, found as the loop finds it (pod-to-view.ts), or why there is none. */
function containerIndex(pod: Pod, configured: string): number | string {
  const wanted = configured !== '' ? configured : pod.metadata.annotations?.[CONTAINER_ANNOTATION];
  if (wanted === undefined) return 0;
  const i = pod.spec.containers.findIndex((c) => c.name === wanted);
  return i >= 0 ? i : `no container named '${wanted}'`;
}

/** resourcesOf reads string quantities; a JSON number is a valid quantity too. */
function stringMaps(r: Pod['spec']['containers'][number]['resources']): { requests?: Record<string, string>; limits?: Record<string, string> } {
  const str = (m: Record<string, string | number> | undefined): Record<string, string> | undefined =>
    m === undefined ? undefined : Object.fromEntries(Object.entries(m).map(([k, v]) => [k, String(v)]));
  const requests = str(r?.requests);
  const limits = str(r?.limits);
  return { ...(requests ? { requests } : {}), ...(limits ? { limits } : {}) };
}

/**
 * The values as they will be written: up to whole MiB and millicores (as the loop writes quantities;
 * never below what admit() said), so QoS is judged on what lands.
 */
function rounded(r: Resources): Resources {
  return Number.isFinite(r.memBytes) && Number.isFinite(r.cpuCores) ? roundUpRes(r) : r;
}

function invalid(requests: Resources, limits: Resources): string | undefined {
  for (const [what, v] of [['memory request', requests.memBytes], ['cpu request', requests.cpuCores], ['memory limit', limits.memBytes], ['cpu limit', limits.cpuCores]] as const) {
    if (!Number.isFinite(v) || v <= 0) return `a ${what} of ${String(v)}`;
  }
  if (requests.memBytes > limits.memBytes) return `a memory request above its limit (${formatMemory(requests.memBytes)} > ${formatMemory(limits.memBytes)})`;
  if (requests.cpuCores > limits.cpuCores) return `a cpu request above its limit (${formatCpu(requests.cpuCores)} > ${formatCpu(limits.cpuCores)})`;
  return undefined;
}

/** The container's resources with cpu and memory replaced; other resources (GPUs, ephemeral storage) kept. */
function mergedResources(r: Pod['spec']['containers'][number]['resources'], requests: Resources, limits: Resources): Record<string, unknown> {
  return {
    ...(r ?? {}),
    requests: { ...(r?.requests ?? {}), cpu: formatCpu(requests.cpuCores), memory: formatMemory(requests.memBytes) },
    limits: { ...(r?.limits ?? {}), cpu: formatCpu(limits.cpuCores), memory: formatMemory(limits.memBytes) },
  };
}

/** Sets the reason annotation; adds the annotations map when the pod has none (a JSON patch cannot add into a missing map). */
function annotationOp(pod: Pod, reason: string): Record<string, unknown> {
  if (pod.metadata.annotations === undefined) return { op: 'add', path: '/metadata/annotations', value: { [ADMISSION_ANNOTATION]: reason } };
  return { op: 'add', path: `/metadata/annotations/${ADMISSION_ANNOTATION.replace(/~/g, '~0').replace(/\//g, '~1')}`, value: reason };
}

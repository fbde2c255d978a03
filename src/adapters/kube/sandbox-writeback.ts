/**
 * Keeping in-place resizes of agent-sandbox pods (docs/agent-sandbox.md). A Sandbox's pod is an
 * ordinary pod the Sandbox controls; burstguard resizes it through pods/resize like any other. But the
 * agent-sandbox controller re-creates the pod from the Sandbox's `spec.podTemplate` on resume and after
 * a loss, so a resize not written back there is undone. Its maintainers want in-place changes to go
 * through the pod's resize subresource, not the Sandbox API (PR #706), and the controller never rewrites
 * a running pod's spec: writing the template therefore changes only the next pod.
 *
 * Pure: which Sandboxes need their template's container resources updated, and the JSON patch. A
 * write-back waits until the kubelet has applied the resize (status resources equal the spec, no resize
 * condition): a Deferred or Infeasible size must not become the size of the next pod. Only a material
 * difference is written (more than `minChangeFraction` of the template's value, or absent there).
 */
import type { PodView, Resources } from '../../core/types.js';
import { SANDBOX, WARM_POOL, type Sandbox, type SandboxContainer } from './agent-sandbox.js';
import { formatCpu, formatMemory, parseQuantity } from './quantity.js';

/** One Sandbox whose pod template gets the pod's resources. */
export interface WriteBack {
  readonly sandbox: { readonly namespace: string; readonly name: string; readonly uid?: string };
  /** The resourceVersion the decision was made on (the caller skips it until its cache moves on). */
  readonly resourceVersion?: string;
  readonly pod: string;
  readonly container: string;
  readonly index: number;
  readonly before: SandboxContainer['resources'];
  readonly after: NonNullable<SandboxContainer['resources']>;
  readonly reason: string;
}

export interface WriteBackSkip {
  readonly pod: string;
  readonly reason: string;
}

const KEYS = [
  ['requests', 'memory', 'memBytes'],
  ['requests', 'cpu', 'cpuCores'],
  ['limits', 'memory', 'memBytes'],
  ['limits', 'cpu', 'cpuCores'],
] as const;

/** True when the pod is controlled by an agent-sandbox Sandbox. */
export function isSandboxPod(pod: PodView): boolean {
  return pod.owner?.kind === SANDBOX.kind && pod.owner.apiVersion.split('/')[0] === SANDBOX.group;
}

/** The write-backs the pods of `pods` call for, given the Sandboxes of the namespace. */
export function planWriteBacks(pods: readonly PodView[], sandboxes: readonly Sandbox[], minChangeFraction: number): { writes: WriteBack[]; skipped: WriteBackSkip[] } {
  const byName = new Map(sandboxes.map((s) => [`${s.metadata?.namespace ?? ''}/${s.metadata?.name ?? ''}`, s]));
  const writes: WriteBack[] = [];
  const skipped: WriteBackSkip[] = [];
  for (const pod of pods) {
    if (!isSandboxPod(pod) || !settled(pod)) continue;
    const sb = byName.get(`${pod.ref.namespace}/${pod.owner?.name ?? ''}`);
    // Not in the cache yet, or a different Sandbox of the same name: the next tick sees it.
    if (!sb || (pod.owner?.uid !== undefined && sb.metadata?.uid !== undefined && pod.owner.uid !== sb.metadata.uid)) continue;
    const r = planOne(pod, sb, minChangeFraction);
    if (r === undefined) continue;
    if ('skip' in r) skipped.push({ pod: pod.key, reason: r.skip });
    else writes.push(r);
  }
  return { writes, skipped };
}

/** The kubelet has applied the spec: no resize condition, status resources equal to the spec. */
function settled(pod: PodView): boolean {
  if (pod.resize.phase !== 'none' || !pod.actualLimits || !pod.actualRequests) return false;
  const same = (a: Resources, b: Resources): boolean => near(a.memBytes, b.memBytes) && near(a.cpuCores, b.cpuCores);
  return same(pod.actualLimits, pod.limits) && same(pod.actualRequests, pod.requests);
}

function near(a: number, b: number): boolean {
  return Math.abs(a - b) <= Math.max(1e-9, Math.abs(b) * 1e-6);
}

function planOne(pod: PodView, sb: Sandbox, minChange: number): WriteBack | { skip: string } | undefined {
  const name = sb.metadata?.name ?? '?';
  const owner = controllerOf(sb);
  // An unclaimed warm-pool Sandbox: its template is the pool's; a change would make the pool see it as stale and replace it.
  if (owner?.kind === WARM_POOL.kind) return { skip: `Sandbox ${name} is still in SandboxWarmPool ${owner.name}: its podTemplate is the pool's, not written` };
  const containers = sb.spec?.podTemplate?.spec?.containers ?? [];
  const index = containers.findIndex((c) => c.name === pod.container);
  const c = containers[index];
  if (!c) return { skip: `Sandbox ${name} has no container '${pod.container}' in spec.podTemplate` };
  const changes = materialChanges(pod, c, minChange);
  if (changes.length === 0) return undefined;
  const { uid, resourceVersion } = sb.metadata ?? {};
  return {
    sandbox: { namespace: pod.ref.namespace, name, ...(uid ? { uid } : {}) },
    ...(resourceVersion ? { resourceVersion } : {}),
    pod: pod.key,
    container: pod.container,
    index,
    before: c.resources,
    after: mergedResources(c.resources, pod),
    reason: `pod ${pod.ref.name} was resized in place: ${changes.join(', ')} in spec.podTemplate (container ${pod.container}), so suspend/resume and re-creation keep it`,
  };
}

function controllerOf(sb: Sandbox): { readonly kind: string; readonly name: string } | undefined {
  return sb.metadata?.ownerReferences?.find((o) => o.controller === true);
}

/** The values the pod has and the template lacks or differs on by more than `minChange` of its value, as `side.key old → new`. */
function materialChanges(pod: PodView, c: SandboxContainer, minChange: number): string[] {
  const changes: string[] = [];
  const wanted = { requests: pod.requests, limits: pod.limits };
  for (const [side, key, field] of KEYS) {
    const v = wanted[side][field];
    if (!(v > 0)) continue; // unset on the pod: the template's value (or its absence) stays
    const raw = c.resources?.[side]?.[key];
    const t = parseQuantity(raw);
    if (t !== undefined && Math.abs(v - t) <= minChange * t) continue;
    const fmt = key === 'cpu' ? formatCpu : formatMemory;
    changes.push(`${side}.${key} ${raw === undefined ? '(unset)' : String(raw)} → ${fmt(v)}`);
  }
  return changes;
}

/** The template's resources with the pod's CPU and memory; other resources (GPUs, ephemeral storage, claims) kept. */
function mergedResources(before: SandboxContainer['resources'], pod: PodView): NonNullable<SandboxContainer['resources']> {
  const side = (old: Readonly<Record<string, string>> | undefined, r: Resources): Record<string, string> => ({
    ...old,
    ...(r.memBytes > 0 ? { memory: formatMemory(r.memBytes) } : {}),
    ...(r.cpuCores > 0 ? { cpu: formatCpu(r.cpuCores) } : {}),
  });
  return { ...before, requests: side(before?.requests, pod.requests), limits: side(before?.limits, pod.limits) };
}

/**
 * The JSON patch (custom resources take no strategic merge): the container is pinned by a `test` of its
 * name at that index, and the old resources by a `test` of their value, so a template changed since the
 * cache read fails the patch (and the next tick decides again) instead of being overwritten.
 */
export function writeBackPatch(w: WriteBack): object[] {
  const at = `/spec/podTemplate/spec/containers/${w.index}`;
  return [
    { op: 'test', path: `${at}/name`, value: w.container },
    ...(w.before !== undefined ? [{ op: 'test', path: `${at}/resources`, value: w.before }] : []),
    { op: 'add', path: `${at}/resources`, value: w.after },
  ];
}

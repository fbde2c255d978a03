/**
 * Admission-time sizing: the resources a pod of a class is created with, before it is scheduled, so the
 * scheduler places it at its effective memory and CPU from the start and a typical session needs no
 * resize write at all. Without this a pod lands at the template (say 512Mi/250m), packs by that, and the
 * first resize either fits on its node or is Deferred; the write budget then spends its tokens undoing
 * the template.
 *
 * Where the numbers come from: only the class model (its prior, which the bench takes out of sample, and
 * what the run has folded so far from earlier pods of the class) and the pods of the class already
 * running; never the pod being admitted, which has no samples yet.
 *
 * - memory request: the effective memory (effective-request.ts) of the class's typical pod, whose
 *   baseline is the median baseline of the class's live tracks (the prior's while there are none);
 * - memory limit: what `sizeNewPod` would raise it to (baseline + idle burst tail at ε, calibrated;
 *   at least the start-up peak plus margin), never below the template's limit;
 * - CPU: the class's effective CPU once it is warm, else its typical level plus the margin; the limit is
 *   the class's any-state peak.
 *
 * In a cluster the controller's mutating admission webhook (src/adapters/kube/admission-review.ts, Helm
 * `admissionWebhook.enabled`) answers pod CREATE with this; the bench calls it at pod creation. See
 * docs/models.md ("Admission-time sizing").
 */
import type { PodView, Resources } from '../../core/types.js';
import type { AdmissionRequest, AdmissionResponse } from '../policy.js';
import { startupLimit, stateHeadroom, type ClassModel } from '../../../models/burst-model.js';
import { classPricing, effectiveMemRequest, packingNote } from './effective-request.js';
import type { ResolvedPredictiveOptions } from './options.js';
import { classTick } from './recommend.js';
import { fmtMem } from './reason-text.js';
import { classModel, classPacking, tailOptions, type PredictiveState } from './state.js';
import { contextMemoryGrowth } from './context-forecast.js';
import { liveAgesS, raisesCommon, sessionLimit, sessionPeakExcess, shortSessionLength, tokenPeriodS } from './short-sessions.js';

/**
 * Outcomes (realized horizons) a class must have folded before admission prices its requests above the
 * template. Before, the class's excess distribution is mostly the prior, whose heavy tail prices a 180Mi
 * pod at ~1.5Gi on an 8Gi node (measured on tau2-bench, 4x8Gi): the first wave of pods of a run would be
 * admitted 3× too big and pin nodes until their requests come down. A cold class gets the template's
 * memory request or its price, whichever is lower: the price falls fast with the class's first outcomes
 * (swe-agent, 4x8Gi ×4: 659Mi at 0, 332Mi at 5, 277Mi at 35), and pods admitted in an arrival wave at
 * the template's 512Mi set the node count for the whole run. The limits are still sized (that is safety).
 * CPU is not held back: a wrong CPU request costs throttling, not a kill, and the template's 250m is
 * what binds on a 4-core node (16 pods), so the prior's typical level (plus margin) stands in.
 */
export const ADMIT_WARM_OUTCOMES = 100;

/** Tracks with fewer samples than this have a baseline still settling from the prior; they do not vote. */
const SETTLED_SAMPLES = 4;

/** Remembers the allocatable of the nodes the pods run on, so admission can price for that node size. */
export function noteNodeShape(st: PredictiveState, pods: readonly PodView[]): void {
  for (const p of pods) {
    if (p.nodeAllocatable && p.nodeAllocatable.memBytes > 0 && p.nodeAllocatable.cpuCores > 0) {
      st.nodeShape.last = p.nodeAllocatable;
      return;
    }
  }
}

/**
 * The class's typical pod now: median settled baseline and CPU level of its live tracks, else the
 * prior's; and the median of what they are expected to use (baseline + expected context growth; the
 * prior's baseline while none has settled), the floor of an admitted request.
 */
function typicalPod(st: PredictiveState, agentClass: string, cm: ClassModel, o: ResolvedPredictiveOptions): { memBytes: number; cpuCores: number; usageBytes: number; n: number } {
  const mems: number[] = [];
  const cpus: number[] = [];
  const uses: number[] = [];
  for (const t of st.pods.values()) {
    // The pod's class, not the prior's name: a class without a prior of its own runs on the default prior.
    if (t.agentClass !== agentClass || t.samples < SETTLED_SAMPLES) continue;
    mems.push(t.base);
    cpus.push(t.cpuLevel);
    uses.push(t.base + contextMemoryGrowth(t, cm, o).expected);
  }
  // No live pod yet (the first wave of a run): the class prior's baseline is what it is known to use.
  if (mems.length === 0) return { memBytes: cm.prior.memory.baselineBytes, cpuCores: cm.prior.cpu.baselineCores, usageBytes: cm.prior.memory.baselineBytes, n: 0 };
  return { memBytes: median(mems), cpuCores: median(cpus), usageBytes: median(uses), n: mems.length };
}

function median(xs: number[]): number {
  xs.sort((a, b) => a - b);
  const m = xs.length >> 1;
  return xs.length % 2 === 1 ? (xs[m] ?? 0) : ((xs[m - 1] ?? 0) + (xs[m] ?? 0)) / 2;
}

/** What the admitted memory request stands on, for the reason. */
function requestBasis(cold: boolean, folds: number, nodeMemBytes: number | undefined, o: ResolvedPredictiveOptions, packing = ''): string {
  if (cold && nodeMemBytes === undefined) return `the template's: the class has ${folds} of the ${ADMIT_WARM_OUTCOMES} outcomes that price it, and the node size is unknown`;
  if (cold) return `the lower of the template's and the class's price: the class has ${folds} of the ${ADMIT_WARM_OUTCOMES} outcomes that price it above the template`;
  if (nodeMemBytes !== undefined) return `effective memory on a ${fmtMem(nodeMemBytes)} node at ε_node ${o.nodeRiskBudget}${packing}`;
  return `expected usage + ${Math.round(o.requestMarginFraction * 100)} % (node size unknown)`;
}

/**
 * Whether a cold class's template request still bounds its admitted request: only while it covers what
 * the class's pods use (`usageBytes`, the floor below). The template is the ceiling because the cold
 * price stands mostly on the prior's tail; a template below the class's typical usage, though, is no
 * evidence of anything, and a pod admitted at the floor there gets no margin for the node's sum: the
 * first sampled tick raises it to the price, and on the node its admission filled that raise is
 * Deferred. On claude-code-local-model (template 512Mi, pods starting at 0.4–0.9Gi, 4x8Gi --scale 20
 * --cv 5) the first wave was admitted at the floor (~0.7Gi), 12 to a node, its raises to ~1.1–1.9Gi
 * Deferred while the pods grew; 35 of the 53 disruptions were those pods evicted or node-OOM-killed.
 */
export function templateCovers(templateRequestBytes: number, usageBytes: number): boolean {
  return templateRequestBytes >= usageBytes;
}

/** The resources to create `pod` with; undefined keeps the template (a template without a memory limit). */
export function admitPod(st: PredictiveState, pod: AdmissionRequest, nowMs: number, o: ResolvedPredictiveOptions): AdmissionResponse | undefined {
  // A template without limits is BestEffort or limit-free Burstable: setting limits would change what
  // the pod is, which an admission webhook for sizing must not do.
  if (pod.limits.memBytes <= 0 || pod.limits.cpuCores <= 0) return undefined;
  const cm = classModel(st, pod.agentClass, o);
  const ct = classTick(cm, nowMs, o);
  const typical = typicalPod(st, pod.agentClass, cm, o);
  const base = typical.memBytes;
  const idle = stateHeadroom(cm, 'idle', tailOptions(o));
  const startup = startupLimit(cm, o.riskBudget);
  // Never below the template's limit: the loop does not lower limits on its own (write-budget.ts), so the
  // template's limit is the safety net a pod has in main without admission; admitted below it, pods were
  // OOM-killed in their first tool call under out-of-sample priors (swe-agent, 4x8Gi ×4, --cv 5: 6 kills).
  const idleLimit = Math.max(base + Math.max(idle.memExcess + ct.correction, ct.oomExcess), startup * (1 + o.usageMarginFraction), pod.limits.memBytes);
  // A class whose sessions end before a write token comes gets its session limit at once (short-sessions.ts).
  const shortS = shortSessionLength(cm.prior.sessionS, st.sessions.get(pod.agentClass), liveAgesS(st.pods.values(), pod.agentClass), tokenPeriodS(o.maxWritesPerPodHour));
  const session = shortS === undefined || !raisesCommon(st.raisedSessions.get(pod.agentClass)) ? 0 : sessionLimit(base + ct.correction, sessionPeakExcess(cm, tailOptions(o)));
  const memLimit = Math.max(idleLimit, session);

  const node: Resources | undefined = st.nodeShape.last ?? (o.nodeMemBytes > 0 && o.nodeCpuCores > 0 ? { memBytes: o.nodeMemBytes, cpuCores: o.nodeCpuCores } : undefined);
  const pricing = node ? classPricing(st.pricing, cm, st.cpuUsage.get(pod.agentClass), node, o, classPacking(st, pod.agentClass)) : undefined;
  const memRequest = Math.min(pricing ? effectiveMemRequest(pricing, base) : base * (1 + o.requestMarginFraction), memLimit);
  const cpuRequest = Math.max(pricing?.cpu?.request ?? typical.cpuCores * (1 + o.cpuRequestMarginFraction), 0.001);
  const cpuLimit = Math.max(stateHeadroom(cm, '*', tailOptions(o)).cpuPeak, cpuRequest);

  // A Guaranteed template (requests = limits) stays Guaranteed: requests are raised to the limits.
  const guaranteed = pod.requests.memBytes === pod.limits.memBytes && pod.requests.cpuCores === pod.limits.cpuCores;
  // Memory safety first: never below what the class's live pods use, cold or not. A cold class admitted
  // at the template's 512Mi while its pods used 0.6–0.9Gi packed 16 to a node whose raises were then
  // Deferred, and the node overflowed (claude-code-local-model, 4x8Gi --scale 20 --cv 5: 57 node OOM kills).
  // A pod is admitted to start: its first minute uses what the class's pods use starting (the median
  // start-up peak; claude-code-local-model's pods use ~0.89Gi at age 9 s over a ~0.7Gi baseline).
  const startupTypical = startupLimit(cm, 0.5);
  const usage = Math.max(typical.usageBytes, startupTypical);
  const cold = cm.folds < ADMIT_WARM_OUTCOMES && templateCovers(pod.requests.memBytes, usage);
  const priced = cold ? Math.min(pod.requests.memBytes, pricing ? memRequest : Infinity, memLimit) : memRequest;
  const floored = Math.min(Math.max(priced, usage), memLimit);
  const requests = guaranteed ? { memBytes: memLimit, cpuCores: cpuLimit } : { memBytes: floored, cpuCores: Math.min(cpuRequest, cpuLimit) };
  const floorName = usage === startupTypical ? `the class's median start-up peak ${fmtMem(startupTypical)}` : `the live pods' median usage ${fmtMem(typical.usageBytes)} (baseline + expected context growth)`;
  const priceBasis = requestBasis(cold, cm.folds, pricing?.mem.node.capacity, o, pricing ? packingNote(pricing.packing) : '');
  const basis = floored > priced ? `${floorName}, above the ${fmtMem(priced)} priced: ${priceBasis}` : priceBasis;
  return {
    requests,
    limits: { memBytes: memLimit, cpuCores: cpuLimit },
    reason:
      `predictive admission: class '${pod.agentClass}' typical baseline ${fmtMem(base)} (${typical.n > 0 ? `median of ${typical.n} live pods` : 'prior'}); ` +
      `request ${fmtMem(requests.memBytes)} (${basis}), limit ${fmtMem(memLimit)} (idle burst p${((1 - o.riskBudget) * 100).toFixed(1)} +${fmtMem(idle.memExcess)}, ` +
      `start-up ${fmtMem(startup)}${session > idleLimit ? `, session limit: sessions end within ${Math.round(shortS ?? 0)} s` : ''}); cpu ${Math.round(requests.cpuCores * 1000)}m/${Math.round(cpuLimit * 1000)}m`,
  };
}

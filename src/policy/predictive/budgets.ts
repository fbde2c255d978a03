/**
 * The two budgets a tick's plans pass before they become recommendations: the node risk budget
 * (node-budget.ts: limit raises and request decreases against the node's overflow bound) and the write
 * budget (write-budget.ts: per pod and per tick). Both only hold parts of plans back; neither invents
 * a change.
 */
import type { PodView, Resources } from '../../core/types.js';
import type { ClassModel } from '../../../models/burst-model.js';
import { classPricing, nodeAlphaBudget, podAlpha, type ClassPricing } from './effective-request.js';
import { nodeBudget, type BudgetPod } from './node-budget.js';
import type { ResolvedPredictiveOptions } from './options.js';
import { planChanges, type PodPlan } from './recommend.js';
import { fmtMem } from './reason-text.js';
import { classPacking, type PredictiveState } from './state.js';
import { hasToken, noteWrites, tickCut } from './write-budget.js';

/** The pod's node allocatable: as the view reports it, else the configured node size, else unknown. */
export function nodeOf(pod: PodView, o: ResolvedPredictiveOptions): Resources | undefined {
  const cap = pod.nodeAllocatable ?? { memBytes: o.nodeMemBytes, cpuCores: o.nodeCpuCores };
  return cap.memBytes > 0 && cap.cpuCores > 0 ? cap : undefined;
}

/** The class pricing for a pod on its node, when the node's size is known. */
export function pricingFor(st: PredictiveState, cm: ClassModel, pod: PodView, o: ResolvedPredictiveOptions): ClassPricing | undefined {
  const cap = nodeOf(pod, o);
  if (!cap) return undefined;
  return classPricing(st.pricing, cm, st.cpuUsage.get(cm.prior.agentClass), cap, o, classPacking(st, cm.prior.agentClass));
}

/**
 * Runs the node budget over every node with plans on it: holds what the verdict holds and notes the
 * node's numbers in each plan's reason. `pricingOf` gives a pod's class pricing (undefined: unpriced).
 */
export function applyNodeBudgets(
  st: PredictiveState,
  pods: readonly PodView[],
  plans: ReadonlyMap<string, PodPlan>,
  pricingOf: (pod: PodView) => ClassPricing | undefined,
): void {
  const byNode = new Map<string, PodView[]>();
  for (const pod of pods) {
    if (pod.nodeName === undefined) continue;
    const list = byNode.get(pod.nodeName);
    if (list) list.push(pod);
    else byNode.set(pod.nodeName, [pod]);
  }
  for (const [node, onNode] of byNode) {
    if (!onNode.some((p) => plans.has(p.key))) continue;
    budgetNode(st, node, onNode, plans, pricingOf);
  }
}

function budgetNode(st: PredictiveState, node: string, onNode: readonly PodView[], plans: ReadonlyMap<string, PodPlan>, pricingOf: (pod: PodView) => ClassPricing | undefined): void {
  // The node's s: its first priced pod's class sets it (any common s keeps the bound valid).
  const ref = onNode.map(pricingOf).find((p) => p !== undefined);
  if (!ref) return;
  const s = ref.mem.s;
  const entries: BudgetPod[] = [];
  for (const pod of onNode) {
    const t = st.pods.get(pod.key);
    const pr = pricingOf(pod) ?? ref;
    const base = t?.base ?? pod.requests.memBytes;
    const limitNow = pod.actualLimits?.memBytes ?? pod.limits.memBytes;
    const plan = plans.get(pod.key);
    const alphaNow = podAlpha(pr, base, limitNow, s);
    const alphaNext = plan ? podAlpha(pr, base, plan.z.memLimit, s) : alphaNow;
    entries.push({ key: pod.key, alphaNow, alphaNext, inTool: t !== undefined && t.lastState !== 'idle', lowersRequest: plan !== undefined && plan.z.memRequest < pod.requests.memBytes });
  }
  const v = nodeBudget(entries, ref.mem.node, s, nodeAlphaBudget(ref));
  const summary = `node ${node}: Σα ${fmtMem(v.alphaSum)} of budget ${fmtMem(v.budget)} (C ${fmtMem(ref.mem.node.capacity)}, ε_node ${ref.mem.node.epsNode}), P(overflow) ≤ ${v.overflow.toPrecision(2)}`;
  for (const pod of onNode) {
    const plan = plans.get(pod.key);
    if (!plan) continue;
    if (v.heldRaises.has(pod.key)) {
      plan.z = { ...plan.z, memLimit: pod.limits.memBytes };
      plan.notes.push(`memory limit raise held: it would take ${summary} past ε_node, and this pod has no tool call in flight`);
    } else if (v.heldDecreases.has(pod.key)) {
      plan.z = { ...plan.z, memRequest: pod.requests.memBytes };
      plan.notes.push(`memory request decrease held: ${summary}, over budget with the raises it lets through`);
    } else plan.notes.push(summary);
  }
}

/**
 * The write budget: every pod's account is brought up to date (spec changes seen are writes), then the
 * plans that still change something go if they protect the pod or the pod has a token, within the
 * tick's cap. Returns the plans that go.
 */
export function applyWriteBudget(st: PredictiveState, pods: readonly PodView[], plans: readonly PodPlan[], nowMs: number, o: ResolvedPredictiveOptions): PodPlan[] {
  for (const pod of pods) noteWrites(st.writes, pod, nowMs, o);
  const live = plans.filter((p) => planChanges(p) && (p.m.urgent || hasToken(st.writes.get(p.pod.key) ?? { tokens: 1, atMs: nowMs, spec: '' })));
  const urgentStill = live.map((p) => ({ urgent: p.m.urgent && p.z.memLimit > p.pod.limits.memBytes, weight: p.m.weight }));
  const go = tickCut(urgentStill, o.maxWritesPerTick);
  return live.filter((_, i) => go.has(i));
}

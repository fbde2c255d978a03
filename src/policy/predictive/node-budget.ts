/**
 * The node risk budget. A pod's limit is its own burst at ε, but the node holds the sum: when every pod
 * may burst to its limit, the node, not the pod, takes the risk (a kernel OOM kill or an eviction picks
 * a victim that may be a quiet pod). Before raising limits or lowering requests the policy checks, per
 * node, the pods' effective bandwidths α_i(s) (usage capped at each pod's limit, models/effective-memory.ts)
 * against the budget C − ln(1/ε_node)/s: while Σ α_i stays within it, the Chernoff bound on overflow is
 * ≤ ε_node.
 *
 * When the changes would pass the budget: raises for pods with a tool call in flight (the burst the
 * limit exists for) still go; other raises go only while they fit, smallest first; request decreases on
 * the node are held (a lower request invites the scheduler to add pods to a node already at its risk).
 * Pure: numbers in, verdict out.
 */
import { overflowBound, type NodeRisk } from '../../../models/effective-memory.js';

/** One pod of the node, as the budget sees it. */
export interface BudgetPod {
  readonly key: string;
  /** α at the limit in force, and at the proposed limit (equal when the limit does not change). */
  readonly alphaNow: number;
  readonly alphaNext: number;
  readonly inTool: boolean;
  readonly lowersRequest: boolean;
}

export interface NodeVerdict {
  /** Σ α after the changes the verdict lets through. */
  readonly alphaSum: number;
  readonly budget: number;
  /** The Chernoff bound on P(node overflow) after those changes. */
  readonly overflow: number;
  /** Pods whose limit raise is held. */
  readonly heldRaises: ReadonlySet<string>;
  /** Pods whose request decrease is held. */
  readonly heldDecreases: ReadonlySet<string>;
  /** True when the proposed changes together would pass the budget. */
  readonly over: boolean;
}

/** Decides which limit raises and request decreases on one node go, given its α budget at s. */
export function nodeBudget(pods: readonly BudgetPod[], node: NodeRisk, s: number, budget: number): NodeVerdict {
  let sum = 0;
  let proposed = 0;
  const raises: BudgetPod[] = [];
  for (const p of pods) {
    const raising = p.alphaNext > p.alphaNow;
    sum += raising ? p.alphaNow : p.alphaNext;
    proposed += p.alphaNext;
    if (raising) raises.push(p);
  }
  const heldRaises = new Set<string>();
  const heldDecreases = new Set<string>();
  const over = proposed > budget;
  if (over) {
    for (const p of pods) if (p.lowersRequest) heldDecreases.add(p.key);
    // In-tool raises first (always), then the others while they fit, smallest first.
    raises.sort((a, b) => Number(b.inTool) - Number(a.inTool) || a.alphaNext - a.alphaNow - (b.alphaNext - b.alphaNow));
    for (const p of raises) {
      const delta = p.alphaNext - p.alphaNow;
      if (p.inTool || sum + delta <= budget) sum += delta;
      else heldRaises.add(p.key);
    }
  } else sum = proposed;
  return { alphaSum: sum, budget, overflow: overflowBound(sum, node, s), heldRaises, heldDecreases, over };
}

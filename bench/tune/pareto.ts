/**
 * The trade-off tune shows: node-hours against disruptions per 100 pod-hours. A point is on the
 * Pareto frontier when no other point is at least as good on both and better on one. The chosen
 * point is the cheapest (fewest node-hours) within the budget, ties going to fewer disruptions, then
 * to fewer API writes (the write budget), then to the earlier grid point, so the choice is deterministic.
 */
import { budgetFigure, type Budget } from './budget.js';
import type { Point } from './grid.js';

/** A point's figures on one half. */
export interface Score {
  readonly nodeHours: number;
  readonly peakNodes: number;
  readonly p95Nodes: number;
  /** Hours the node-hours were counted over (sessions live, lulls included). */
  readonly liveHours: number;
  readonly disruptions: number;
  readonly disruptionsPer100PodHours: number;
  readonly oomKills: number;
  readonly evictions: number;
  readonly apiWrites: number;
  readonly memSlack: number;
  readonly podHours: number;
}

export interface Scored {
  readonly index: number;
  readonly point: Point;
  readonly score: Score;
}

function dominates(a: Score, b: Score): boolean {
  const noWorse = a.nodeHours <= b.nodeHours && a.disruptionsPer100PodHours <= b.disruptionsPer100PodHours;
  return noWorse && (a.nodeHours < b.nodeHours || a.disruptionsPer100PodHours < b.disruptionsPer100PodHours);
}

/** Indexes of the frontier's points, by node-hours. */
export function paretoFrontier(points: readonly Scored[]): number[] {
  return points
    .filter((p) => !points.some((q) => dominates(q.score, p.score)))
    .sort((a, b) => a.score.nodeHours - b.score.nodeHours || a.index - b.index)
    .map((p) => p.index);
}

/** The chosen point, or undefined when none meets the budget. */
export function choose(points: readonly Scored[], budget: Budget): Scored | undefined {
  const within = points.filter((p) => budgetFigure(budget, p.score) <= budget.max + 1e-12);
  within.sort((a, b) => a.score.nodeHours - b.score.nodeHours || a.score.disruptionsPer100PodHours - b.score.disruptionsPer100PodHours || a.score.apiWrites - b.score.apiWrites || a.index - b.index);
  return within[0];
}

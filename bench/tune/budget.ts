/**
 * `--budget`: the disruptions a chosen setting may cause. `disruptions<=0.5/100podh` bounds
 * disruptions (OOM kills + evictions + node OOM kills) per 100 pod-hours; `disruptions<=3` bounds
 * the count on the tuning half.
 */
import { err, ok, type Result } from '../../src/core/result.js';

export interface Budget {
  readonly text: string;
  readonly max: number;
  readonly per100PodHours: boolean;
}

export function parseBudget(text: string): Result<Budget, string> {
  const m = /^\s*disruptions\s*<=\s*(\d+(?:\.\d+)?)\s*(\/\s*100\s*podh)?\s*$/.exec(text);
  if (!m) return err(`--budget expects 'disruptions<=X/100podh' (per 100 pod-hours) or 'disruptions<=N' (a count), got '${text}'`);
  return ok({ text: text.replace(/\s+/g, ''), max: Number(m[1]), per100PodHours: m[2] !== undefined });
}

/** The figure a budget bounds, from a scored point. */
export function budgetFigure(b: Budget, s: { readonly disruptions: number; readonly disruptionsPer100PodHours: number }): number {
  return b.per100PodHours ? s.disruptionsPer100PodHours : s.disruptions;
}

/**
 * `predictive`: burstguard's policy. It folds every scraped sample into per-pod tracks and pooled
 * per-class burst models (models/), and sizes each pod so that requests follow expected usage while
 * limits hold the risk-budget headroom for a burst that may start before the next action lands.
 * ScaledObjects of the classes it has seen are pre-warmed ahead of forecast session bursts (scale.ts).
 * See docs/models.md for the maths.
 */
import { liveAgesS, noteRaised, noteSessionEnd, shortSessionLength, tokenPeriodS } from './short-sessions.js';
import type { AgentSample, PodView } from '../../core/types.js';
import type { Policy, PolicyContext, Recommendation, RefitReport, ResizeRecommendation, ToolHint } from '../policy.js';
import { refitClassModel } from '../../../models/burst-model.js';
import { resolvePredictiveOptions, type PredictiveOptions } from './options.js';
import { noteMemoryOnly } from './memory-only.js';
import { admitPod, noteNodeShape } from './admit.js';
import { applyNodeBudgets, applyWriteBudget, pricingFor } from './budgets.js';
import type { ClassPricing } from './effective-request.js';
import { classTick, planPod, recommendationOf, sizeNewPod, type ClassTick, type PodPlan } from './recommend.js';
import { hintRecommendation } from './hint.js';
import { observeDesignEffect, podUsages } from './design-effect.js';
import { classDemand, observeArrivals, scaleRecommendations } from './scale.js';
import { classModel, foldSample, newPredictiveState, STARTUP_WINDOW_MS, type PredictiveState } from './state.js';
import { noteOoms } from './oom-notes.js';

export { DEFAULT_PREDICTIVE_OPTIONS, resolvePredictiveOptions, type PredictiveOptions, type ResolvedPredictiveOptions } from './options.js';
export type { PredictiveState } from './state.js';

/** Builds the predictive policy; absent options take DEFAULT_PREDICTIVE_OPTIONS. */
export function createPredictivePolicy(opts: PredictiveOptions): Policy<PredictiveState> {
  const o = resolvePredictiveOptions(opts);
  return {
    name: 'predictive',
    init: newPredictiveState,
    observe(st: PredictiveState, samples: readonly AgentSample[], ctx: PolicyContext): void {
      let classes: Map<string, string> | undefined;
      const podClass = (key: string): string | undefined => {
        classes ??= new Map(ctx.pods.map((p) => [p.key, p.agentClass]));
        return classes.get(key);
      };
      for (const s of samples) {
        foldSample(st, s, podClass, o);
        noteMemoryOnly(st.pods.get(s.pod), s);
      }
      noteOoms(st, ctx.pods, ctx.nowMs, o);
      noteNodeShape(st, ctx.pods);
      observeDesignEffect(st.correlation, podUsages(ctx.pods, st.pods, STARTUP_WINDOW_MS), ctx.nowMs);
      // Arrivals matter only to pre-warm ScaledObjects; without any, the resize path pays nothing for them.
      if (ctx.scaledObjects.length > 0) observeArrivals(st.arrivals, samples, ctx.nowMs, o, podClass);
    },
    recommend(st: PredictiveState, ctx: PolicyContext): Recommendation[] {
      const ticks = new Map<string, ClassTick>();
      const out: Recommendation[] = [];
      const plans = new Map<string, PodPlan>();
      const pricing = new Map<string, ClassPricing | undefined>();
      const pricingOf = (pod: PodView): ClassPricing | undefined => {
        if (!pricing.has(pod.key)) pricing.set(pod.key, pricingFor(st, classModel(st, st.pods.get(pod.key)?.agentClass ?? pod.agentClass, o), pod, o));
        return pricing.get(pod.key);
      };
      const short = new Map<string, number | undefined>();
      const shortOf = (cls: string): number | undefined => {
        if (!short.has(cls)) short.set(cls, shortSessionLength(classModel(st, cls, o).prior.sessionS, st.sessions.get(cls), liveAgesS(st.pods.values(), cls), tokenPeriodS(o.maxWritesPerPodHour)));
        return short.get(cls);
      };
      for (const pod of ctx.pods) {
        const t = st.pods.get(pod.key);
        const cls = t?.agentClass ?? pod.agentClass;
        const cm = classModel(st, cls, o);
        let ct = ticks.get(cls);
        if (!ct) ticks.set(cls, (ct = classTick(cm, ctx.nowMs, o)));
        if (t && t.samples > 0) {
          const plan = planPod(pod, t, cm, ct, ctx.nowMs, o, pricingOf(pod), shortOf(cls));
          if (plan) plans.set(pod.key, plan);
        } else {
          const rec = sizeNewPod(pod, cm, ct, o);
          if (rec) out.push(rec);
        }
      }
      applyNodeBudgets(st, ctx.pods, plans, pricingOf);
      for (const plan of applyWriteBudget(st, ctx.pods, [...plans.values()], ctx.nowMs, o)) {
        out.push(recommendationOf(plan, ticks.get(plan.t.agentClass) ?? classTick(classModel(st, plan.t.agentClass, o), ctx.nowMs, o), o));
      }
      if (ctx.scaledObjects.length > 0) out.push(...scaleRecommendations(st.arrivals, st.scaleHolds, ctx.scaledObjects, ctx.nowMs, o));
      return out;
    },
    // The controller's admission webhook and the bench's pod creation both call this (docs/models.md).
    admit: (st, pod, nowMs) => admitPod(st, pod, nowMs, o),
    refit(st: PredictiveState): RefitReport {
      for (const cm of st.classes.values()) refitClassModel(cm);
      return { classes: st.classes.size, pods: st.pods.size };
    },
    demand(st: PredictiveState, agentClass: string, nowMs: number) {
      const ca = st.arrivals.get(agentClass);
      if (!ca) return undefined;
      const d = classDemand(ca, nowMs, o);
      return {
        sessions: d.sessions,
        sessionsPerReplica: o.sessionsPerReplica,
        replicas: d.replicas,
        inFlight: d.inFlight,
        upperArrivals: d.forecast.upper,
        horizonS: d.horizonS,
        quantile: o.arrivalQuantile,
      };
    },
    hint(st: PredictiveState, h: ToolHint, ctx: PolicyContext): ResizeRecommendation | undefined {
      const pod = ctx.pods.find((p) => p.key === h.pod);
      if (!pod) return undefined;
      const t = st.pods.get(pod.key);
      const cm = classModel(st, t?.agentClass ?? pod.agentClass, o);
      return hintRecommendation(pod, t, cm, classTick(cm, ctx.nowMs, o), h, o);
    },
    forget(st: PredictiveState, podKey: string): void {
      const t = st.pods.get(podKey);
      if (t && t.samples > 0) {
        noteSessionEnd(st.sessions, t.agentClass, (t.lastTMs - t.firstTMs) / 1000);
        noteRaised(st.raisedSessions, t.agentClass, t.limitRaised);
      }
      st.pods.delete(podKey);
      st.unsampledRestarts.delete(podKey);
      st.writes.delete(podKey);
    },
  };
}

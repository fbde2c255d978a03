/**
 * `predictive`: burstguard's policy. It folds every scraped sample into per-pod tracks and pooled
 * per-class burst models (models/), and sizes each pod so that requests follow expected usage while
 * limits hold the risk-budget headroom for a burst that may start before the next action lands.
 * ScaledObjects of the classes it has seen are pre-warmed ahead of forecast session bursts (scale.ts).
 * See docs/models.md for the maths.
 */
import type { AgentSample } from '../../core/types.js';
import type { Policy, PolicyContext, Recommendation, RefitReport } from '../policy.js';
import { refitClassModel } from '../../../models/burst-model.js';
import { resolvePredictiveOptions, type PredictiveOptions } from './options.js';
import { classTick, sizeNewPod, sizePod, type ClassTick } from './recommend.js';
import { observeArrivals, scaleRecommendations } from './scale.js';
import { classModel, foldSample, newPredictiveState, noteOoms, type PredictiveState } from './state.js';

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
      for (const s of samples) foldSample(st, s, podClass, o);
      noteOoms(st, ctx.pods, ctx.nowMs, o);
      // Arrivals matter only to pre-warm ScaledObjects; without any, the resize path pays nothing for them.
      if (ctx.scaledObjects.length > 0) observeArrivals(st.arrivals, samples, ctx.nowMs, o, podClass);
    },
    recommend(st: PredictiveState, ctx: PolicyContext): Recommendation[] {
      const ticks = new Map<string, ClassTick>();
      const out: Recommendation[] = [];
      for (const pod of ctx.pods) {
        const t = st.pods.get(pod.key);
        const cls = t?.agentClass ?? pod.agentClass;
        const cm = classModel(st, cls, o);
        let ct = ticks.get(cls);
        if (!ct) ticks.set(cls, (ct = classTick(cm, ctx.nowMs, o)));
        const rec = t && t.samples > 0 ? sizePod(pod, t, cm, ct, ctx.nowMs, o) : sizeNewPod(pod, cm, ct, o);
        if (rec) out.push(rec);
      }
      if (ctx.scaledObjects.length > 0) out.push(...scaleRecommendations(st.arrivals, st.scaleHolds, ctx.scaledObjects, ctx.nowMs, o));
      return out;
    },
    refit(st: PredictiveState): RefitReport {
      for (const cm of st.classes.values()) refitClassModel(cm);
      return { classes: st.classes.size, pods: st.pods.size };
    },
    forget(st: PredictiveState, podKey: string): void {
      st.pods.delete(podKey);
      st.unsampledRestarts.delete(podKey);
    },
  };
}

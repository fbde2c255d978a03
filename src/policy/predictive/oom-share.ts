/**
 * OOM feedback, per pod first. A kill proves the killed pod needed more than its limit: that pod gets
 * the whole OOM-proven excess (limit at the kill × OOM_BUMP − its baseline, decaying with the class's
 * OOM half-life). Its siblings get the excess scaled to their own baseline: the kill proves the class
 * can burst to (baseline + excess) / baseline of its baseline, and a burst scales with the pod that makes
 * it. A sibling as large as the killed pod carries all of it; a 100 MB sibling of a 300 MB killed pod a
 * third (issue 11: lifting every 100 MB sibling by a 300 MB pod's whole excess, 204 → 316 Mi, was slack
 * on every pod for one pod's evidence); never more than the whole. The reason says which pod's kill and
 * the scale.
 *
 * Before, a sibling carried at most half the excess and at most half its own baseline: on
 * claude-code-local-model (pods of ~1.3 GB with 1-second spikes to 3.7 GB) a kill at 3.4 Gi lifted its
 * siblings by 0.65 Gi, below the limits they already had, and two of them died on the same spike within
 * ten minutes (4x8Gi ×4, --cv 5: 4 pod OOM kills; with the scaled share, 2).
 */

/** The OOM memory a pod carries above its baseline, and why. */
export interface OomShare {
  readonly bytes: number;
  /** 'own': this pod was OOM-killed; 'class': a sibling was, and the scaled share applies. */
  readonly source: 'own' | 'class' | 'none';
  readonly note: string;
}

/**
 * @param classExcess the class's decayed OOM-proven excess (bytes above the killed pod's baseline)
 * @param ownKill whether this pod itself was OOM-killed while the class remembers it
 * @param base the pod's baseline memory
 * @param killedBase the baseline of the pod whose kill set the excess (0: unknown, the whole excess)
 */
export function oomShare(classExcess: number, ownKill: boolean, base: number, killedBase: number): OomShare {
  if (classExcess <= 0) return { bytes: 0, source: 'none', note: '' };
  if (ownKill) return { bytes: classExcess, source: 'own', note: `this pod was OOM-killed: +${mi(classExcess)}` };
  const scale = killedBase > 0 ? Math.min(1, base / killedBase) : 1;
  const bytes = classExcess * scale;
  const bound = scale < 1 ? `${Math.round(scale * 100)}% of the class's +${mi(classExcess)}, scaled to its baseline ${mi(base)} from the killed pod's ${mi(killedBase)}` : `the class's whole +${mi(classExcess)}`;
  return { bytes, source: 'class', note: `a sibling was OOM-killed: class share +${mi(bytes)} (${bound})` };
}

function mi(b: number): string {
  return `${Math.round(b / 2 ** 20)}Mi`;
}

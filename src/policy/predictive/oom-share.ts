/**
 * OOM feedback, per pod first. A kill proves the killed pod needed more than its limit: that pod gets
 * the whole OOM-proven excess (limit at the kill × OOM_BUMP − its baseline, decaying with the class's
 * OOM half-life). Its siblings only get a bounded share: the kill says the class *can* burst that far,
 * not that each sibling will, and lifting every 100 MB sibling by a 300 MB pod's excess (issue 11:
 * 204 → 316 Mi for all of them) costs slack on every pod for one pod's evidence. The share is at most
 * CLASS_OOM_SHARE of the class's excess and at most CLASS_OOM_BASE_CAP of the sibling's own baseline;
 * the reason says which pod's kill and which bound holds.
 */

/** Fraction of the class's OOM-proven excess a sibling that was not killed carries. */
export const CLASS_OOM_SHARE = 0.5;
/** A sibling's OOM share never exceeds this fraction of its own baseline. */
export const CLASS_OOM_BASE_CAP = 0.5;

/** The OOM memory a pod carries above its baseline, and why. */
export interface OomShare {
  readonly bytes: number;
  /** 'own': this pod was OOM-killed; 'class': a sibling was, and the bounded share applies. */
  readonly source: 'own' | 'class' | 'none';
  readonly note: string;
}

/**
 * @param classExcess the class's decayed OOM-proven excess (bytes above baseline)
 * @param ownKill whether this pod itself was OOM-killed while the class remembers it
 * @param base the pod's baseline memory
 */
export function oomShare(classExcess: number, ownKill: boolean, base: number): OomShare {
  if (classExcess <= 0) return { bytes: 0, source: 'none', note: '' };
  if (ownKill) return { bytes: classExcess, source: 'own', note: `this pod was OOM-killed: +${mi(classExcess)}` };
  const share = classExcess * CLASS_OOM_SHARE;
  const cap = base * CLASS_OOM_BASE_CAP;
  const bytes = Math.min(share, cap);
  const bound = share <= cap ? `${CLASS_OOM_SHARE * 100}% of the class's +${mi(classExcess)}` : `capped at ${CLASS_OOM_BASE_CAP * 100}% of its baseline`;
  return { bytes, source: 'class', note: `a sibling was OOM-killed: class share +${mi(bytes)} (${bound})` };
}

function mi(b: number): string {
  return `${Math.round(b / 2 ** 20)}Mi`;
}

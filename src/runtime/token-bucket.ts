/**
 * Per-key token buckets: `burst` calls back to back, then `ratePerMinute` sustained. Keys are pod
 * keys; a bucket that has refilled completely is dropped, so memory follows the pods that are active.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; atMs: number }>();

  constructor(private readonly limits: () => { readonly ratePerMinute: number; readonly burst: number }) {}

  /** Takes one token for `key` at `nowMs`; false when the bucket is empty (the caller answers 429). */
  take(key: string, nowMs: number): boolean {
    const { ratePerMinute, burst } = this.limits();
    this.sweep(nowMs, ratePerMinute, burst);
    const b = this.buckets.get(key) ?? { tokens: burst, atMs: nowMs };
    b.tokens = Math.min(burst, b.tokens + ((nowMs - b.atMs) / 60_000) * ratePerMinute);
    b.atMs = nowMs;
    this.buckets.set(key, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  private sweep(nowMs: number, ratePerMinute: number, burst: number): void {
    if (this.buckets.size < 1024) return;
    for (const [k, b] of this.buckets) if (b.tokens + ((nowMs - b.atMs) / 60_000) * ratePerMinute >= burst) this.buckets.delete(k);
  }
}

/**
 * Runs `fn` over `items` with at most `limit` calls in flight, and returns the results in the items'
 * order. A tick's actions go out this way: at 10,000 pods a busy tick has ~1,200 resizes, and one
 * after another they take ~1,200 round trips; unbounded, they would open ~1,200 requests at once
 * against the API server (and its priority-and-fairness queues). Every call starts in item order,
 * so a synchronous fake (the bench's simulator) sees the same sequence as a plain loop.
 */
export async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T, i);
    }
  };
  const workers = Math.max(1, Math.min(Math.floor(limit), items.length));
  await Promise.all(Array.from({ length: workers }, worker));
  return out;
}

/**
 * Runs `fn` over `items` with at most `limit` calls in flight, keeping the results in input order.
 * AWS IoT's certificate, CA and policy APIs have low rate quotas, so list pages that decorate each row
 * with another call go through this rather than Promise.all.
 */
export async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

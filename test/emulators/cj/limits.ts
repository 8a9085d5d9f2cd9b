/**
 * CJ's request limits (api2/standard/limit): per account by level (1, 2, 4, 6 QPS) and per IP (10 req/s).
 * Counted in sliding one-second windows of real time; a request over the limit is answered 1600200
 * and does not count as admitted.
 */
export class SlidingWindowLimiter {
  private readonly admitted = new Map<string, number[]>();

  constructor(private readonly windowMs = 1000) {}

  tryAcquire(key: string, limit: number, nowMs: number): boolean {
    const since = nowMs - this.windowMs;
    const times = (this.admitted.get(key) ?? []).filter((t) => t > since);
    if (times.length >= limit) {
      this.admitted.set(key, times);
      return false;
    }
    times.push(nowMs);
    this.admitted.set(key, times);
    return true;
  }

  reset(): void {
    this.admitted.clear();
  }
}

/** The largest number of timestamps that fall inside any window of `windowMs` (half-open). */
export function maxInAnyWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    const endTime = sorted[end] ?? 0;
    while ((sorted[start] ?? 0) <= endTime - windowMs) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

/** CJ: "getAccessToken can only be called once every 5 minutes" (api2/api/auth). */
export const GET_ACCESS_TOKEN_INTERVAL_MS = 5 * 60 * 1000;

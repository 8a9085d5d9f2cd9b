/**
 * Rate limiting of CJ calls (cj-api-facts "Rate limits"): per CJ account (QPS from setting/get, 1 by default) and
 * per egress IP (10 requests/s across all accounts). `acquire` resolves at the moment the caller may start its
 * request. The interface is small so that a PostgreSQL-backed implementation can share the limits across processes.
 */
import pThrottle from "p-throttle";

export interface CjRateLimiter {
  /** Resolves when a request for `accountKey` may start without exceeding `qps` for the account nor the IP limit. */
  acquire(accountKey: string, qps: number): Promise<void>;
}

export interface InProcessRateLimiterOptions {
  /** Requests per second for the whole process (the egress IP). CJ allows 10. */
  ipRequestsPerSecond?: number;
  /** Window length in ms (1000 for "per second"). */
  intervalMs?: number;
}

/**
 * A counting semaphore whose permits come back `intervalMs` after the request they admitted started.
 * Holding at most `qps` permits guarantees at most `qps` starts in any window of `intervalMs` for the account,
 * however long the request then waits for the IP limiter (two chained p-throttles would not: starts delayed by
 * the second throttle can bunch up in the first one's window).
 */
class DelayedReleaseSemaphore {
  private available: number;
  private readonly waiters: Array<() => void> = [];

  constructor(
    readonly permits: number,
    private readonly holdMs: number,
  ) {
    this.available = permits;
  }

  async take(): Promise<void> {
    if (this.available > 0) {
      this.available -= 1;
      return;
    }
    await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  /** Returns the permit `holdMs` after now (the moment the request started). */
  releaseLater(): void {
    const timer = setTimeout(() => {
      const next = this.waiters.shift();
      if (next) next();
      else this.available += 1;
    }, this.holdMs);
    timer.unref?.();
  }
}

export function createInProcessRateLimiter(options: InProcessRateLimiterOptions = {}): CjRateLimiter {
  const intervalMs = options.intervalMs ?? 1000;
  // p-throttle's strict mode keeps a sliding log: never more than `limit` calls in any `interval`.
  const ipGate = pThrottle({ limit: options.ipRequestsPerSecond ?? 10, interval: intervalMs, strict: true })(
    () => undefined,
  );
  const accounts = new Map<string, DelayedReleaseSemaphore>();

  const semaphoreFor = (accountKey: string, qps: number): DelayedReleaseSemaphore => {
    const permits = Math.max(1, Math.floor(qps));
    let semaphore = accounts.get(accountKey);
    // A changed QPS (setting/get) takes effect for new callers; callers already queued finish under the old one.
    if (!semaphore || semaphore.permits !== permits) {
      semaphore = new DelayedReleaseSemaphore(permits, intervalMs);
      accounts.set(accountKey, semaphore);
    }
    return semaphore;
  };

  return {
    async acquire(accountKey, qps) {
      const semaphore = semaphoreFor(accountKey, qps);
      await semaphore.take();
      await ipGate();
      semaphore.releaseLater();
    },
  };
}

/** The process-wide limiter used when a client is created without one (the IP limit must be shared). */
export const processCjRateLimiter: CjRateLimiter = createInProcessRateLimiter();

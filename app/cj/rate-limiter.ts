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
  /**
   * Extra time a permit is held beyond `intervalMs` (default 250 ms, as the shared PostgreSQL limiter). CJ counts requests when they *arrive*, and the
   * time from our start to CJ's arrival varies (a request on a new connection pays the TCP/TLS handshakes, one on a
   * warm keep-alive connection does not): two starts exactly `intervalMs` apart can arrive less than `intervalMs`
   * apart and the second is refused with 1600200. Holding permits `intervalMs + arrivalMarginMs` keeps arrivals
   * within the limit as long as that delay varies by less than the margin. 100 ms was enough on an idle machine but
   * not with a loaded CPU (or a real network), where a request was refused now and then.
   */
  arrivalMarginMs?: number;
}

/**
 * A counting semaphore whose permits come back `holdMs` after the request they admitted started.
 * Holding at most `permits` permits guarantees at most `permits` starts in any window of `holdMs` for the account,
 * however long the request then waits for the IP limiter (two chained p-throttles would not: starts delayed by
 * the second throttle can bunch up in the first one's window).
 */
class DelayedReleaseSemaphore {
  private available: number;
  private readonly waiters: Array<() => void> = [];

  constructor(
    private permits: number,
    private readonly holdMs: number,
  ) {
    this.available = permits;
  }

  /**
   * A changed QPS (setting/get) applies to the permits still out as well: lowering it leaves `available` negative
   * until enough permits came back, raising it admits waiting callers at once. (Replacing the semaphore would
   * forget the requests of the last window and let the new one admit a full window on top of them.)
   */
  resize(permits: number): void {
    if (permits === this.permits) return;
    this.available += permits - this.permits;
    this.permits = permits;
    this.admitWaiters();
  }

  async take(): Promise<void> {
    if (this.available > 0 && this.waiters.length === 0) {
      this.available -= 1;
      return;
    }
    await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  /** Returns the permit `holdMs` after now (the moment the request started). */
  releaseLater(): void {
    const timer = setTimeout(() => {
      this.available += 1;
      this.admitWaiters();
    }, this.holdMs);
    timer.unref?.();
  }

  private admitWaiters(): void {
    while (this.available > 0 && this.waiters.length > 0) {
      this.available -= 1;
      this.waiters.shift()?.();
    }
  }
}

export function createInProcessRateLimiter(options: InProcessRateLimiterOptions = {}): CjRateLimiter {
  const holdMs = (options.intervalMs ?? 1000) + (options.arrivalMarginMs ?? 250);
  // p-throttle's strict mode keeps a sliding log: never more than `limit` calls in any `interval`.
  const ipGate = pThrottle({ limit: options.ipRequestsPerSecond ?? 10, interval: holdMs, strict: true })(
    () => undefined,
  );
  const accounts = new Map<string, DelayedReleaseSemaphore>();

  const semaphoreFor = (accountKey: string, qps: number): DelayedReleaseSemaphore => {
    const permits = Math.max(1, Math.floor(qps));
    let semaphore = accounts.get(accountKey);
    if (!semaphore) {
      semaphore = new DelayedReleaseSemaphore(permits, holdMs);
      accounts.set(accountKey, semaphore);
    }
    semaphore.resize(permits);
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

let processLimiter: CjRateLimiter = createInProcessRateLimiter();

/**
 * The process-wide limiter used when a client is created without one (the IP limit must be shared). In-process by
 * default (embedded profile); the production profile swaps in the PostgreSQL-backed one at start-up
 * (`setProcessCjRateLimiter`), so every client of the process — settings probes included — shares the limits of all
 * processes.
 */
export const processCjRateLimiter: CjRateLimiter = {
  acquire: (accountKey, qps) => processLimiter.acquire(accountKey, qps),
};

/** Replaces the limiter behind `processCjRateLimiter` (production profile start-up). */
export function setProcessCjRateLimiter(limiter: CjRateLimiter): void {
  processLimiter = limiter;
}

/**
 * Rate limiting of CJ calls (cj-api-facts "Rate limits"): per CJ account (QPS from setting/get, 1 by default) and
 * per egress IP (10 requests/s across all accounts). CJ counts a request when it ARRIVES, in sliding 1-second
 * windows. We cannot see the arrival, but we know an upper bound for it: CJ had the request before it answered, so
 * it arrived before our transport received the response headers (or before the request failed). A permit is
 * therefore held from the moment the request may start until `intervalMs` after the caller releases it at that
 * moment — whatever the delay between our start and CJ's arrival (event-loop lag, connection set-up), two requests
 * that share a permit arrive at least `intervalMs` apart. See docs/decisions/0003-cj-rate-limits.md.
 */

/** Gives the permit back; the transport calls it once CJ's response headers are in or the request failed. */
export type CjPermitRelease = () => void;

export interface CjRateLimiter {
  /**
   * Resolves when a request for `accountKey` may start without exceeding `qps` for the account nor the IP limit.
   * The caller must call the returned function as soon as the request is known to have reached CJ (its response
   * headers arrived, or it failed or was aborted); until then the permit stays taken. Calling it again is a no-op.
   */
  acquire(accountKey: string, qps: number): Promise<CjPermitRelease>;
}

export interface InProcessRateLimiterOptions {
  /** Requests per second for the whole process (the egress IP). CJ allows 10. */
  ipRequestsPerSecond?: number;
  /** Window length in ms (1000 for "per second"). */
  intervalMs?: number;
  /**
   * Optional extra hold after the release, added to `intervalMs` (default 0). Releasing when the response headers
   * arrive already bounds CJ's arrival time, so the limits hold without it; it stays as a knob in case CJ's counting
   * proves stricter than documented.
   */
  arrivalMarginMs?: number;
}

/**
 * Node's timers count whole milliseconds of a clock other than the one CJ reads, so a 1000 ms timer can fire up to
 * about 1 ms early in real time. The permit comes back this much later to stay on the safe side.
 */
const TIMER_SLACK_MS = 2;

/**
 * A counting semaphore whose permits come back `holdMs` after their release. Holding at most `permits` permits,
 * each from before its request starts until `holdMs` after the request is known to have arrived, means that any
 * two arrivals on the same permit are at least `holdMs` apart: at most `permits` arrivals fall in any window of
 * `holdMs`, however long a request waited for another semaphore or for the event loop before it was sent.
 */
class DelayedReturnSemaphore {
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
   * forget the requests still in flight or in their window and let the new one admit a full window on top of them.)
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

  /** Called at the release: the permit comes back `holdMs` from now. */
  returnLater(): void {
    const timer = setTimeout(() => {
      this.available += 1;
      this.admitWaiters();
    }, this.holdMs + TIMER_SLACK_MS);
    timer.unref?.();
  }

  private admitWaiters(): void {
    while (this.available > 0 && this.waiters.length > 0) {
      this.available -= 1;
      this.waiters.shift()?.();
    }
  }
}

/**
 * The limiter of one process (embedded profile, tests): a semaphore per account with `qps` permits and one for the
 * IP with `ipRequestsPerSecond` permits. A caller takes its account's permit first, then the IP's. The order is
 * always the same and nobody waits for an account permit while holding an IP permit, so callers never deadlock;
 * a caller waiting for the IP holds back only its own account, whose QPS it would use anyway.
 */
export function createInProcessRateLimiter(options: InProcessRateLimiterOptions = {}): CjRateLimiter {
  const holdMs = (options.intervalMs ?? 1000) + (options.arrivalMarginMs ?? 0);
  const ip = new DelayedReturnSemaphore(options.ipRequestsPerSecond ?? 10, holdMs);
  const accounts = new Map<string, DelayedReturnSemaphore>();

  const semaphoreFor = (accountKey: string, qps: number): DelayedReturnSemaphore => {
    const permits = Math.max(1, Math.floor(qps));
    let semaphore = accounts.get(accountKey);
    if (!semaphore) {
      semaphore = new DelayedReturnSemaphore(permits, holdMs);
      accounts.set(accountKey, semaphore);
    }
    semaphore.resize(permits);
    return semaphore;
  };

  return {
    async acquire(accountKey, qps) {
      const account = semaphoreFor(accountKey, qps);
      await account.take();
      await ip.take();
      let released = false;
      return () => {
        if (released) return;
        released = true;
        account.returnLater();
        ip.returnLater();
      };
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

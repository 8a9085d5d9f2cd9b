/**
 * The in-process limiter on vitest's fake clock, against a fake "CJ" that timestamps arrivals: each caller acquires,
 * waits a random lag before its request "arrives" (event-loop lag, connection set-up), waits a random answer time,
 * then releases, as the transport does when the response headers are in. CJ counts arrivals, so the assertions are
 * on arrivals. Then the transport's side: every permit it takes is released, whatever the answer.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { type CjPermitRelease, createInProcessRateLimiter } from "../../../app/cj";
import { maxInAnyWindow } from "../../emulators/cj/limits.js";
import { seededRandom } from "../../support/random";
import { type CjTestServer, startCjServer, testClient } from "./cj-server.js";

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface Caller {
  account: string;
  qps: number;
}
interface Arrival {
  account: string;
  at: number;
}

/**
 * Runs `callers` through one limiter. `lagMs` is the time from admission to arrival at CJ, `answerMs` from arrival
 * to our receiving the headers (the release).
 */
async function run(callers: Caller[], delays: { lagMs?: () => number; answerMs?: () => number } = {}) {
  const limiter = createInProcessRateLimiter();
  const starts: Arrival[] = [];
  const arrivals: Arrival[] = [];
  const all = Promise.all(
    callers.map(async ({ account, qps }) => {
      const release = await limiter.acquire(account, qps);
      starts.push({ account, at: Date.now() });
      await sleep(delays.lagMs?.() ?? 0);
      arrivals.push({ account, at: Date.now() });
      await sleep(delays.answerMs?.() ?? 0);
      release();
    }),
  );
  await vi.advanceTimersByTimeAsync(600_000);
  await all;
  return { starts, arrivals };
}

const times = (list: Arrival[], account?: string) =>
  list.filter((item) => account === undefined || item.account === account).map((item) => item.at);
const maxInAnySecond = (list: Arrival[], account?: string) => maxInAnyWindow(times(list, account), 1000);

/** Resolves to true once `promise` settled, false if it is still pending after the microtasks ran. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(() => {
    done = true;
  });
  await vi.advanceTimersByTimeAsync(0);
  return done;
}

describe("createInProcessRateLimiter", () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: new Date("2026-03-01T00:00:00Z") });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("one account at QPS 1: 50 callers with random lags never arrive twice within a second", async () => {
    const rand = seededRandom(1);
    const { arrivals } = await run(
      Array.from({ length: 50 }, () => ({ account: "a", qps: 1 })),
      { lagMs: () => rand() * 600, answerMs: () => rand() * 300 },
    );
    expect(arrivals).toHaveLength(50);
    expect(maxInAnySecond(arrivals)).toBe(1);
  });

  it("a lag longer than the window changes nothing: QPS 4, lags up to 2.5 s", async () => {
    const rand = seededRandom(2);
    const { arrivals } = await run(
      Array.from({ length: 50 }, () => ({ account: "a", qps: 4 })),
      { lagMs: () => rand() * 2500, answerMs: () => rand() * 500 },
    );
    expect(arrivals).toHaveLength(50);
    expect(maxInAnySecond(arrivals)).toBeLessThanOrEqual(4);
  });

  it("many accounts with random lags: each within its QPS, never more than 10 per second in all (egress IP)", async () => {
    const rand = seededRandom(3);
    const callers = Array.from({ length: 60 }, (_, index) => ({ account: `acct-${index % 5}`, qps: 6 }));
    const { arrivals } = await run(callers, { lagMs: () => rand() * 400, answerMs: () => rand() * 200 });
    expect(arrivals).toHaveLength(60);
    // The limit is reached (10 start at once and arrive within 400 ms), never exceeded.
    expect(maxInAnySecond(arrivals)).toBe(10);
    for (let account = 0; account < 5; account++) {
      expect(maxInAnySecond(arrivals, `acct-${account}`)).toBeLessThanOrEqual(6);
    }
  });

  it("without lag the whole limit is used: QPS 1, 50 callers start one per second, no margin on top", async () => {
    const { starts } = await run(Array.from({ length: 50 }, () => ({ account: "a", qps: 1 })));
    expect(maxInAnySecond(starts)).toBe(1);
    const span = (starts.at(-1)?.at ?? 0) - (starts[0]?.at ?? 0);
    expect(span).toBeGreaterThanOrEqual(49_000);
    // 49 windows of 1 s and a few ms of timer slack each; the former 250 ms margin made it 61 s.
    expect(span).toBeLessThan(49_500);
  });

  it("a busy account does not hold back another account's first request", async () => {
    const callers = [...Array.from({ length: 20 }, () => ({ account: "busy", qps: 1 })), { account: "quiet", qps: 1 }];
    const { starts } = await run(callers);
    const t0 = Math.min(...times(starts));
    const quiet = starts.find((start) => start.account === "quiet");
    expect((quiet?.at ?? Infinity) - t0).toBeLessThan(1000);
  });

  it("a permit not released blocks the next start; it comes back a second after the release", async () => {
    const limiter = createInProcessRateLimiter();
    const first = await limiter.acquire("a", 1);
    const second = limiter.acquire("a", 1);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(await settled(second)).toBe(false);
    first();
    await vi.advanceTimersByTimeAsync(999);
    expect(await settled(second)).toBe(false);
    await vi.advanceTimersByTimeAsync(100);
    expect(await settled(second)).toBe(true);
  });

  it("requests in flight count against the IP limit: 10 unreleased permits block an 11th account", async () => {
    const limiter = createInProcessRateLimiter();
    const held = await Promise.all(Array.from({ length: 10 }, (_, index) => limiter.acquire(`acct-${index}`, 1)));
    const eleventh = limiter.acquire("acct-10", 1);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(await settled(eleventh)).toBe(false);
    held[0]?.();
    await vi.advanceTimersByTimeAsync(1100);
    expect(await settled(eleventh)).toBe(true);
  });

  it("releasing twice gives the permit back once", async () => {
    const limiter = createInProcessRateLimiter();
    const a = await limiter.acquire("a", 2);
    await limiter.acquire("a", 2); // never released
    a();
    a();
    const admitted: string[] = [];
    void limiter.acquire("a", 2).then(() => admitted.push("c"));
    void limiter.acquire("a", 2).then(() => admitted.push("d"));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(admitted).toEqual(["c"]);
  });

  it("a raised QPS admits waiting callers at once; a lowered one counts the permits still out", async () => {
    const limiter = createInProcessRateLimiter();
    // QPS 1 with its permit out, one caller waiting; setting/get then says 3.
    const held = await limiter.acquire("a", 1);
    const waiting = limiter.acquire("a", 1);
    expect(await settled(waiting)).toBe(false);
    const raised = limiter.acquire("a", 3);
    expect(await settled(waiting)).toBe(true);
    expect(await settled(raised)).toBe(true);

    // Three permits out; QPS drops to 1: nobody starts until they are back, then one per second.
    const releases: CjPermitRelease[] = [held, await waiting, await raised];
    const starts: number[] = [];
    const lowered = Array.from({ length: 4 }, () =>
      limiter.acquire("a", 1).then((release) => {
        starts.push(Date.now());
        release();
      }),
    );
    await vi.advanceTimersByTimeAsync(5_000);
    expect(starts).toEqual([]);
    const releasedAt = Date.now();
    for (const release of releases) release();
    await vi.advanceTimersByTimeAsync(30_000);
    await Promise.all(lowered);
    expect(starts).toHaveLength(4);
    expect(Math.min(...starts) - releasedAt).toBeGreaterThanOrEqual(1000);
    expect(maxInAnyWindow(starts, 1000)).toBe(1);
  });
});

describe("the transport releases every permit it takes", () => {
  let server: CjTestServer;
  beforeAll(async () => {
    server = await startCjServer();
  });
  afterAll(async () => {
    await server.close();
  });

  /** A limiter that admits at once and counts acquisitions and releases. */
  function countingLimiter() {
    const counts = { acquired: 0, released: 0 };
    return {
      counts,
      limiter: {
        async acquire() {
          counts.acquired += 1;
          return () => {
            counts.released += 1;
          };
        },
      },
    };
  }

  it("after an answer, after HTTP 5xx (retried), after a reset connection and after a headers timeout", async () => {
    const { counts, limiter } = countingLimiter();
    const { client } = testClient(server.baseUrl, { rateLimiter: limiter });

    server.handle(() => ({ body: { code: 200, result: true, message: "Success", data: null } }));
    await client.payment.getBalance().catch(() => undefined);
    expect(counts).toEqual({ acquired: 1, released: 1 });

    for (const reply of [{ status: 503, body: "<html>busy</html>" }, "reset", "hang"] as const) {
      const before = counts.acquired;
      server.handle(() => reply);
      await expect(client.payment.getBalance()).rejects.toThrow();
      expect(counts.acquired).toBeGreaterThan(before);
      expect(counts.released).toBe(counts.acquired);
    }
  }, 20_000);
});

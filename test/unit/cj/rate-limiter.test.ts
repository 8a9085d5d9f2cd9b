/** The in-process limiter under 50 concurrent callers, on vitest's fake clock (start times are asserted). */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createInProcessRateLimiter } from "../../../app/cj";

beforeEach(() => {
  vi.useFakeTimers({ now: new Date("2026-03-01T00:00:00Z") });
});
afterEach(() => {
  vi.useRealTimers();
});

/** Largest number of starts inside any window [t, t + 1000). */
function maxInAnySecond(starts: number[]): number {
  const sorted = [...starts].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0; i < sorted.length; i++) {
    let j = i;
    while (j < sorted.length && (sorted[j] ?? Infinity) < (sorted[i] ?? 0) + 1000) j++;
    best = Math.max(best, j - i);
  }
  return best;
}

async function run(callers: Array<{ account: string; qps: number }>) {
  const limiter = createInProcessRateLimiter();
  const starts: Array<{ account: string; at: number }> = [];
  const all = Promise.all(
    callers.map(async ({ account, qps }) => {
      await limiter.acquire(account, qps);
      starts.push({ account, at: Date.now() });
    }),
  );
  await vi.advanceTimersByTimeAsync(120_000);
  await all;
  return starts;
}

describe("createInProcessRateLimiter", () => {
  it("one account at QPS 1: 50 callers start one per second", async () => {
    const starts = await run(Array.from({ length: 50 }, () => ({ account: "a", qps: 1 })));
    expect(starts).toHaveLength(50);
    expect(maxInAnySecond(starts.map((start) => start.at))).toBe(1);
    const t0 = starts[0]?.at ?? 0;
    expect((starts.at(-1)?.at ?? 0) - t0).toBeGreaterThanOrEqual(49_000);
  });

  it("one account at QPS 4: never more than 4 starts in any second", async () => {
    const starts = await run(Array.from({ length: 50 }, () => ({ account: "a", qps: 4 })));
    expect(maxInAnySecond(starts.map((start) => start.at))).toBe(4);
  });

  it("many accounts: each within its QPS, and never more than 10 per second in all (egress IP)", async () => {
    const callers = Array.from({ length: 50 }, (_, index) => ({ account: `acct-${index % 5}`, qps: 6 }));
    const starts = await run(callers);
    expect(starts).toHaveLength(50);
    expect(maxInAnySecond(starts.map((start) => start.at))).toBe(10);
    for (let account = 0; account < 5; account++) {
      const own = starts.filter((start) => start.account === `acct-${account}`).map((start) => start.at);
      expect(maxInAnySecond(own)).toBeLessThanOrEqual(6);
    }
  });

  it("a busy account does not hold back another account's first request", async () => {
    const callers = [...Array.from({ length: 20 }, () => ({ account: "busy", qps: 1 })), { account: "quiet", qps: 1 }];
    const starts = await run(callers);
    const t0 = Math.min(...starts.map((start) => start.at));
    const quiet = starts.find((start) => start.account === "quiet");
    expect((quiet?.at ?? Infinity) - t0).toBeLessThan(1000);
  });
});

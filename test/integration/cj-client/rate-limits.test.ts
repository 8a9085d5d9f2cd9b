/**
 * The client's rate limiter against CJ's limits as the EMULATOR measures them (cj-api-facts "Rate limits"): per
 * account QPS and 10 requests/s per IP, counted in sliding 1-second windows of arrival time. Real time is needed
 * (the emulator's QPS windows use it), so these tests take about a minute; they assert counts, not durations.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { closeCjDispatchers, createInProcessRateLimiter } from "../../../app/cj";
import { type CjEmulator, startCjEmulator } from "../../emulators/cj/index.js";
import { maxInAnyWindow } from "../../emulators/cj/limits.js";
import { clientFor } from "./harness.js";

const accounts = {
  level1: { id: "acct-qps1", apiKey: "CJUserNum@api@qps1", qpsLimit: 1 },
  level2: { id: "acct-qps2", apiKey: "CJUserNum@api@qps2", qpsLimit: 2 },
  ...Object.fromEntries(
    [1, 2, 3, 4].map((n) => [`busy${n}`, { id: `acct-busy-${n}`, apiKey: `CJUserNum@api@busy${n}`, qpsLimit: 6 }]),
  ),
} as Record<string, { id: string; apiKey: string; qpsLimit: number }>;

let emulator: CjEmulator;

beforeAll(async () => {
  // CJ's real limits: 10 requests/s per IP, the account's QPS per account.
  emulator = await startCjEmulator({
    ipQps: 10,
    accounts: Object.values(accounts).map((account) => ({ ...account, balance: "10.00" })),
  });
});
afterEach(() => {
  emulator.reset();
});
afterAll(async () => {
  await closeCjDispatchers();
  await emulator.close();
});

function account(key: string) {
  const found = accounts[key];
  if (!found) throw new Error(`no account ${key}`);
  return found;
}

/** Most requests (answered or not) that reached the emulator from this process in any 1-second window. */
function maxPerSecondFromThisIp(): number {
  return maxInAnyWindow(
    emulator.requests().map((request) => request.t),
    1000,
  );
}

describe("rate limiter measured by the emulator", () => {
  it("50 concurrent callers never exceed QPS 1 nor QPS 2 (learned from setting/get); CJ answers no 1600200", async () => {
    // One limiter for the process, as in production (processCjRateLimiter): both accounts share the IP limit.
    const limiter = createInProcessRateLimiter();
    const level1 = clientFor(emulator, {
      account: { ...account("level1"), qpsLimit: undefined },
      rateLimiter: limiter,
    });
    const level2 = clientFor(emulator, {
      account: { ...account("level2"), qpsLimit: undefined },
      rateLimiter: limiter,
    });

    // The level-2 client starts at QPS 1 (unknown) and adopts 2 from setting/get.
    const settings = await level2.client.account.getSettings();
    expect(settings.setting?.qpsLimit).toBe(2);

    const calls = (client: typeof level1.client) =>
      Array.from({ length: 50 }, (_, index) =>
        index % 2 === 0 ? client.payment.getBalance() : client.orders.list({ pageSize: 10 }),
      );
    const results = await Promise.all([...calls(level1.client), ...calls(level2.client)]);

    expect(results).toHaveLength(100);
    expect(emulator.requests({ accountId: account("level1").id })).toHaveLength(51); // + getAccessToken
    expect(emulator.requests({ accountId: account("level2").id })).toHaveLength(52); // + getAccessToken, setting/get
    expect(emulator.maxRequestsInAnyWindow(account("level1").id)).toBe(1);
    expect(emulator.maxRequestsInAnyWindow(account("level2").id)).toBe(2);
    expect(emulator.limitViolations()).toEqual([]);
    expect(emulator.requests().every((request) => request.code === 200)).toBe(true);
  }, 120_000);

  it("four accounts at QPS 6 with 25 callers each stay within 10 requests/s for the IP and 6 per account", async () => {
    const limiter = createInProcessRateLimiter();
    const busy = ["busy1", "busy2", "busy3", "busy4"].map((key) =>
      clientFor(emulator, { account: account(key), rateLimiter: limiter }),
    );

    const results = await Promise.all(
      busy.flatMap(({ client }) => Array.from({ length: 25 }, () => client.payment.getBalance())),
    );

    expect(results).toHaveLength(100);
    expect(results.every((balance) => balance.amount === "10.00")).toBe(true);
    expect(emulator.requests()).toHaveLength(104);
    expect(maxPerSecondFromThisIp()).toBeLessThanOrEqual(10);
    for (const key of ["busy1", "busy2", "busy3", "busy4"]) {
      expect(emulator.maxRequestsInAnyWindow(account(key).id)).toBeLessThanOrEqual(6);
    }
    expect(emulator.limitViolations()).toEqual([]);
  }, 60_000);
});

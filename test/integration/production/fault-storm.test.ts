/**
 * Production profile, CJ fault storm under the real limits: three shops, each with its own CJ account at QPS 6
 * (18/s together, more than the 10/s CJ allows one IP), two workers and a web process calling CJ. CJ answers 20 % of
 * calls with HTTP 5xx, lets 10 % hang past the client's timeout, and refuses bursts of calls with 1600200. Every
 * order is still forwarded, and the emulator's log shows no account above its QPS and the IP never above 10/s:
 * the limits hold across processes (the PostgreSQL-backed limiter, docs/decisions/0007-production-profile.md).
 *
 * Each account's token is obtained before the storm, as when a merchant connects the account (one calm order per
 * shop is forwarded first), and the faults hit the business endpoints (`/shopping/*`, `/logistic/*`, `/product/*`),
 * not `/authentication/*`: CJ allows one getAccessToken per 5 minutes, so a storm on the token call itself would only
 * measure that wait.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cjOrderNumberFor } from "../../../app/fulfillment/mapping";
import type { Order as ShopifyOrder } from "../../emulators/shopify/model";
import { createdOrderNumbers, type ProductionStack, startProductionStack } from "../../support/processes";
import { eventually } from "../../support/stack";

const PER_SHOP = 15;
const SHOPS = 3;
// With the former start-counting limiter (1 s + 250 ms arrival margin) this failed next to duplicates.test.ts on
// the 2-core box: the emulator's own limiter refused 2 calls (1600200, not injected). Permits are now held until 1 s
// after CJ's answer (decision 0003), which holds whatever the load, so the test is part of `npm test`.
const STORM_PATHS = ["/shopping/*", "/logistic/*", "/product/*"];

describe("production profile: CJ fault storm at the real limits", () => {
  let s: ProductionStack;
  beforeAll(async () => {
    s = await startProductionStack({
      webs: 1,
      workers: 2,
      shops: SHOPS,
      qps: 6,
      env: {
        CJ_TIMEOUT_MS: "2000",
        JOB_CONCURRENCY: "3",
        // Production's recovery on a compressed clock: an order whose forwarding used up its 8 tries in the storm
        // (FAILED, with the reason) is forwarded again by the sweep 10 s later instead of 10 minutes later.
        RECONCILE_STALE_EVERY_SECONDS: "3",
        RECONCILE_STALE_SECONDS: "10",
        RECONCILE_FAILED_RETRY_SECONDS: "10",
      },
      settings: { logisticsRule: "PREFERRED", preferredLogistics: JSON.stringify({ US: ["USPS+"] }) },
    });
  }, 180_000);
  afterAll(async () => {
    await s?.stop();
  });

  it("forwards every order; no account above its QPS, the IP never above 10/s", async () => {
    // Warm-up: one calm order per shop, so every account holds its token before the storm.
    const warm: string[] = [];
    for (let shop = 0; shop < SHOPS; shop++) {
      const order = s.addOrder(shop, { financialStatus: "PAID", lines: [{ sku: "TSHIRT-WHITE-M", quantity: 1 }] });
      warm.push(cjOrderNumberFor(s.shops[shop]?.domain as string, order.id));
      expect(await s.webhook(shop, "orders/paid", order)).toBe(200);
    }
    await eventually(async () => warm.every((n) => s.cj.state.orders.some((o) => o.orderNumber === n)), 60_000, 500);
    const tokenCalls = s.cj.requests({ path: "/authentication/getAccessToken" }).length;

    // A 20 % chance of a 5xx and then a 10 % chance of a hang on each business call (the rules are tried in order,
    // one per path prefix), and a burst of up to five 1600200 answers every 3 s.
    for (const path of STORM_PATHS) s.cj.addFault({ kind: "http5xx", probability: 0.2, status: 503, path });
    for (const path of STORM_PATHS) s.cj.addFault({ kind: "hang", probability: 0.1, hangMs: 2500, path });
    // A burst is a window: what it did not use lapses with the next one, and it refuses a call by chance, not
    // every call that comes. Once most orders are through, the last ones' lookups are the only calls left: bursts
    // that took every one of them would starve those orders for ever, which is not CJ (it refuses calls over the
    // limit, and the app keeps under it).
    let burst: string | null = null;
    const bursts = setInterval(() => {
      if (burst) s.cj.removeFault(burst);
      burst = s.cj.addFault({ kind: "rateLimit", times: 5, probability: 0.5, path: "/shopping/*" }).id;
    }, 3000);
    const orders: { shop: number; order: ShopifyOrder }[] = [];
    try {
      for (let i = 0; i < PER_SHOP * SHOPS; i++) {
        const shop = i % SHOPS;
        const order = s.addOrder(shop, { financialStatus: "PAID", lines: [{ sku: "TSHIRT-WHITE-M", quantity: 1 }] });
        orders.push({ shop, order });
        expect(await s.webhook(shop, "orders/paid", order)).toBe(200);
      }
      const numbers = new Set(
        orders.map(({ shop, order }) => cjOrderNumberFor(s.shops[shop]?.domain as string, order.id)),
      );
      await eventually(
        async () => s.cj.state.orders.filter((o) => numbers.has(o.orderNumber)).length >= numbers.size || undefined,
        180_000,
        1000,
      ).catch(async (e) => {
        const states = await s.t.db.order.groupBy({ by: ["state", "errorReason"], _count: true });
        const unfinished = await s.describeUnfinished(["AWAITING_PAYMENT", "PAID", "SUBMITTED"]);
        // What CJ answered about the orders it does not have: the calls naming them, last first.
        const missing = [...numbers].filter((n) => !s.cj.state.orders.some((o) => o.orderNumber === n));
        const calls = missing.map((n) =>
          [
            n,
            ...s.cj
              .requests()
              .filter((r) => JSON.stringify([r.body, r.query]).includes(n))
              .slice(-12)
              .map((r) => `  ${r.path} code=${r.code} http=${r.httpStatus} fault=${r.fault} ${r.outcome}`),
          ].join("\n"),
        );
        throw new Error(
          `${(e as Error).message}: ${s.cj.state.orders.length} CJ orders; ${JSON.stringify(states)}\n${unfinished}\n${calls.join("\n")}`,
        );
      });
    } finally {
      clearInterval(bursts);
    }
    const requests = s.cj.requests();
    const faults = new Map<string, number>();
    for (const r of requests) if (r.fault) faults.set(r.fault, (faults.get(r.fault) ?? 0) + 1);
    // The storm happened…
    expect(requests.some((r) => r.httpStatus === 503)).toBe(true);
    expect(requests.some((r) => r.outcome === "hung")).toBe(true);
    expect(requests.some((r) => r.code === 1600200 && r.fault !== null)).toBe(true);
    // …and the limits held: CJ's own limiter refused nothing, and its log agrees.
    expect(s.cj.limitViolations()).toEqual([]);
    for (const shop of s.shops) {
      const accountId = `acct-${s.shops.indexOf(shop) + 1}`;
      expect(s.cj.maxRequestsInAnyWindow(accountId, 1000)).toBeLessThanOrEqual(6);
    }
    const { maxInAnyWindow } = await import("../../emulators/cj/limits");
    expect(
      maxInAnyWindow(
        requests.map((r) => r.t),
        1000,
      ),
    ).toBeLessThanOrEqual(10);
    expect(s.cj.state.orders).toHaveLength(PER_SHOP * SHOPS + SHOPS);
    // Exactly once: no orderNumber created twice, and no token call during the storm.
    expect(Math.max(...createdOrderNumbers(s.cj).values())).toBe(1);
    expect(s.cj.requests({ path: "/authentication/getAccessToken" })).toHaveLength(tokenCalls);
    console.info(
      `fault storm: ${requests.length} CJ requests, faults ${JSON.stringify(Object.fromEntries(faults))}, ` +
        `IP max/1 s ${maxInAnyWindow(
          requests.map((r) => r.t),
          1000,
        )}`,
    );
  }, 300_000);
});

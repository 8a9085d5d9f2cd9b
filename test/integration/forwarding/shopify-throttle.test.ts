/**
 * A burst of paid orders for a shop whose Admin API bucket is small (1,000 points restoring 50 a second, Shopify's
 * older standard plan): GetOrderForForwarding asks for ~850 points, so only one fits at a time. The app paces its
 * calls from the bucket Shopify reports and waits out a THROTTLED answer without using up its tries, so every order
 * is forwarded once and Shopify answers THROTTLED only while the app has not yet seen the query's cost.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Order as ShopifyOrder } from "../../emulators/shopify/model";
import { eventually, STACK_SHOP, type Stack, startStack } from "../../support/stack";

const ORDERS = 15;
let s: Stack;
beforeAll(async () => {
  s = await startStack({
    settings: { logisticsRule: "PREFERRED", preferredLogistics: JSON.stringify({ US: ["USPS+"] }) },
  });
  s.shopify.state.configureBucket(STACK_SHOP, { maximumAvailable: 1000, restoreRate: 50, currentlyAvailable: 1000 });
});
afterAll(async () => {
  await s?.stop();
});

describe("Shopify Admin throttling", () => {
  it("forwards a burst of orders through a small bucket without failing any", async () => {
    const orders: ShopifyOrder[] = Array.from({ length: ORDERS }, () =>
      s.addOrder({ financialStatus: "PAID", lines: [{ sku: "TSHIRT-WHITE-M", quantity: 1 }] }),
    );
    const statuses = await Promise.all(orders.map((o) => s.webhook("orders/paid", o)));
    expect(statuses).toEqual(orders.map(() => 200));

    const ids = orders.map((o) => o.id);
    const rows = await eventually(
      async () => {
        const found = await s.t.db.order.findMany({ where: { shopifyOrderGid: { in: ids } } });
        return found.length === ORDERS && found.every((r) => r.state !== "RECEIVED" && r.state !== "SUBMITTED")
          ? found
          : undefined;
      },
      120_000,
      500,
    );
    expect(
      rows.filter((r) => !["AWAITING_PAYMENT", "PAID"].includes(r.state)).map((r) => [r.state, r.errorReason]),
    ).toEqual([]);
    // One CJ order each.
    const created = s.cj.state.orders.map((o) => o.orderNumber);
    expect(new Set(created).size).toBe(ORDERS);
    expect(created).toHaveLength(ORDERS);
    // Every order was read from Shopify; THROTTLED came back only before the app knew the query's cost.
    const reads = s.shopify.requests({ operationName: "GetOrderForForwarding" });
    expect(reads.filter((r) => !r.throttled).length).toBeGreaterThanOrEqual(ORDERS);
    expect(reads.filter((r) => r.throttled).length).toBeLessThanOrEqual(3);
  }, 150_000);
});

import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createAdminGraphqlClient } from "~/shopify/admin-client.server";
import {
  createFulfillment,
  createFulfillmentEvent,
  getOrderFulfillments,
  updateFulfillmentTracking,
} from "~/shopify/fulfillments";
import { type AdminGraphql, ShopifyGraphqlError } from "~/shopify/graphql";
import {
  getFulfillmentOrders,
  getOrderForForwarding,
  iteratePaidOrdersSince,
  listPaidOrdersSince,
} from "~/shopify/orders";
import { buildOrder, type ShopifyEmulator, sampleAddresses, startShopifyEmulator } from "../../emulators/shopify";

const shop = "cj-test.myshopify.com";
const accessToken = "shpat_emulated_token";

let emulator: ShopifyEmulator;
let admin: AdminGraphql;
const sleeps: number[] = [];

beforeAll(async () => {
  emulator = await startShopifyEmulator({ shops: [{ domain: shop, accessToken }] });
});
afterAll(async () => {
  await emulator.close();
});
beforeEach(() => {
  emulator.reset();
  sleeps.length = 0;
  admin = createAdminGraphqlClient({
    shop,
    accessToken,
    origin: emulator.origin,
    apiVersion: "2026-10",
    sleep: async (ms) => {
      sleeps.push(ms);
      await new Promise((resolve) => setTimeout(resolve, ms));
    },
  });
});

async function firstFulfillmentOrder(orderId: string) {
  const result = await getFulfillmentOrders(admin, orderId);
  const fo = result?.fulfillmentOrders[0];
  if (!fo) throw new Error("order has no fulfillment order");
  return fo;
}

describe("reading orders", () => {
  it("reads everything the CJ mapping needs from a multi-line Korean order", async () => {
    const order = emulator.addOrder(
      shop,
      buildOrder({
        shippingAddress: sampleAddresses.korea,
        note: "문 앞에 놓아주세요",
        currencyCode: "KRW",
        lines: [
          { title: "LED Lamp", sku: "CJLED-01", quantity: 2, price: "15000.00", variantTitle: "White" },
          { title: "Handmade mug", sku: null },
          { title: "Gift card", sku: "GIFT", isGiftCard: true },
          { title: "E-book", sku: "EBOOK", requiresShipping: false },
        ],
      }),
    );

    const read = await getOrderForForwarding(admin, order.id);

    expect(read).toMatchObject({
      id: order.id,
      name: order.name,
      displayFinancialStatus: "PAID",
      cancelledAt: null,
      note: "문 앞에 놓아주세요",
      currencyCode: "KRW",
      risk: { recommendation: "ACCEPT", assessments: [{ riskLevel: "LOW" }] },
      shippingAddress: {
        name: "민준 김",
        countryCodeV2: "KR",
        provinceCode: "KR-11",
        zip: "06236",
        phone: "+82 10-1234-5678",
      },
    });
    // KRW has no minor units: the emulator answers whole amounts ("15000.00" in buildOrder is stored as "15000").
    expect(read?.totalPriceSet.shopMoney).toEqual({ amount: "30035", currencyCode: "KRW" });
    const [lamp, mug, giftCard, ebook] = read?.lineItems.nodes ?? [];
    expect(lamp).toMatchObject({
      sku: "CJLED-01",
      quantity: 2,
      currentQuantity: 2,
      unfulfilledQuantity: 2,
      requiresShipping: true,
      isGiftCard: false,
      originalUnitPriceSet: { shopMoney: { amount: "15000", currencyCode: "KRW" } },
      variant: { sku: "CJLED-01", title: "White" },
    });
    expect(lamp?.product?.id).toMatch(/^gid:\/\/shopify\/Product\//);
    expect(lamp?.image?.url).toMatch(/^https:\/\//);
    expect(mug?.sku).toBeNull();
    expect(giftCard).toMatchObject({ isGiftCard: true, requiresShipping: false, unfulfilledQuantity: 0 });
    expect(ebook).toMatchObject({ requiresShipping: false, unfulfilledQuantity: 1 });

    const [open, giftCardFo] = read?.fulfillmentOrders.nodes ?? [];
    expect(open?.status).toBe("OPEN");
    expect(open?.supportedActions.map((action) => action.action)).toContain("CREATE_FULFILLMENT");
    expect(open?.lineItems.nodes.map((line) => [line.lineItem.sku, line.remainingQuantity])).toEqual([
      ["CJLED-01", 2],
      [null, 1],
      ["EBOOK", 1],
    ]);
    expect(giftCardFo?.status).toBe("CLOSED");

    const [request] = emulator.requests({ operationName: "GetOrderForForwarding" });
    expect(request).toMatchObject({ shop, valid: true, throttled: false, variables: { id: order.id } });
  });

  it("answers null for an order of another shop, like Shopify", async () => {
    emulator.addShop("other.myshopify.com", "other-token");
    const foreign = emulator.addOrder("other.myshopify.com", {});
    expect(await getOrderForForwarding(admin, foreign.id)).toBeNull();
  });

  it("lists paid orders updated since a date, page by page", async () => {
    const since = "2026-03-01T00:00:00.000Z";
    const at = (day: number) => `2026-03-${String(day).padStart(2, "0")}T10:00:00.000Z`;
    emulator.addOrder(shop, { updatedAt: "2026-02-20T00:00:00.000Z", createdAt: "2026-02-20T00:00:00.000Z" });
    const paid = [5, 2, 9, 4].map((day) => emulator.addOrder(shop, { createdAt: at(day), updatedAt: at(day) }));
    emulator.addOrder(shop, { createdAt: at(3), financialStatus: "PENDING" });

    const firstPage = await listPaidOrdersSince(admin, { since, first: 3 });
    expect(firstPage.orders).toHaveLength(3);
    expect(firstPage.hasNextPage).toBe(true);

    const all: string[] = [];
    for await (const order of iteratePaidOrdersSince(admin, { since: new Date(since), pageSize: 3 }))
      all.push(order.id);
    const byUpdate = [...paid].sort((a, b) => a.updatedAt.localeCompare(b.updatedAt)).map((order) => order.id);
    expect(all).toEqual(byUpdate);
    expect(emulator.requests({ operationName: "RecentPaidOrders" }).at(-1)?.variables.query).toBe(
      `financial_status:paid updated_at:>'${since}'`,
    );
  });
});

describe("fulfillments", () => {
  it("a partial fulfillment leaves the order in progress, the rest closes the fulfillment order", async () => {
    const order = emulator.addOrder(shop, { lines: [{ sku: "A", quantity: 3 }, { sku: "B" }] });
    const fo = await firstFulfillmentOrder(order.id);
    const [lineA, lineB] = fo.lineItems.nodes;
    if (!lineA || !lineB) throw new Error("missing lines");

    const first = await createFulfillment(admin, {
      lineItemsByFulfillmentOrder: [
        { fulfillmentOrderId: fo.id, fulfillmentOrderLineItems: [{ id: lineA.id, quantity: 2 }] },
      ],
      tracking: { company: "YunExpress", number: "YT2412345678901234" },
    });
    expect(first.userErrors).toEqual([]);
    expect(first.fulfillment).toMatchObject({
      status: "SUCCESS",
      trackingInfo: [{ company: "YunExpress", number: "YT2412345678901234", url: null }],
      fulfillmentLineItems: { nodes: [{ quantity: 2, lineItem: { sku: "A" } }] },
    });
    const afterFirst = await firstFulfillmentOrder(order.id);
    expect(afterFirst.status).toBe("IN_PROGRESS");
    expect(afterFirst.lineItems.nodes.map((line) => line.remainingQuantity)).toEqual([1, 1]);

    const rest = await createFulfillment(admin, {
      lineItemsByFulfillmentOrder: [{ fulfillmentOrderId: fo.id }],
      tracking: { company: "CJPacket", number: "CJPKL7777", url: "https://www.cjpacket.com/?trackingNumber=CJPKL7777" },
      notifyCustomer: true,
    });
    expect(rest.userErrors).toEqual([]);
    const closed = await getFulfillmentOrders(admin, order.id);
    expect(closed?.fulfillmentOrders[0]?.status).toBe("CLOSED");
    expect(closed?.fulfillmentOrders[0]?.supportedActions).toEqual([]);
    expect(closed?.displayFulfillmentStatus).toBe("FULFILLED");

    const existing = await getOrderFulfillments(admin, order.id);
    expect(existing?.fulfillments.map((fulfillment) => fulfillment.trackingInfo[0]?.number)).toEqual([
      "YT2412345678901234",
      "CJPKL7777",
    ]);
    expect(emulator.requests({ operationName: "FulfillmentCreate" }).at(-1)?.variables).toMatchObject({
      fulfillment: {
        notifyCustomer: true,
        trackingInfo: { company: "CJPacket", url: expect.stringContaining("cjpacket") },
      },
    });
  });

  it("refuses a second fulfillment of an already fulfilled order with Shopify's userError", async () => {
    const order = emulator.addOrder(shop, { lines: [{ sku: "A" }] });
    const fo = await firstFulfillmentOrder(order.id);
    expect(
      (await createFulfillment(admin, { lineItemsByFulfillmentOrder: [{ fulfillmentOrderId: fo.id }] })).userErrors,
    ).toEqual([]);

    const again = await createFulfillment(admin, { lineItemsByFulfillmentOrder: [{ fulfillmentOrderId: fo.id }] });
    expect(again.fulfillment).toBeNull();
    expect(again.userErrors).toEqual([
      { field: ["fulfillment"], message: expect.stringMatching(/has an unfulfillable status= closed/) },
    ]);
    expect(emulator.state.findOrder(shop, order.id)?.fulfillments).toHaveLength(1);
  });

  it("refuses a fulfillment order on hold until the hold is released (control API)", async () => {
    const order = emulator.addOrder(shop, { lines: [{ sku: "A" }] });
    const fo = await firstFulfillmentOrder(order.id);
    const legacyFoId = fo.id.split("/").at(-1);
    const hold = await fetch(`${emulator.origin}/__emulator/fulfillment-orders/${legacyFoId}/hold`, {
      method: "POST",
      body: JSON.stringify({ reason: "HIGH_RISK_OF_FRAUD" }),
    });
    expect(hold.status).toBe(200);
    const held = await firstFulfillmentOrder(order.id);
    expect(held.status).toBe("ON_HOLD");
    expect(held.supportedActions.map((action) => action.action)).toContain("RELEASE_HOLD");
    expect(held.fulfillmentHolds).toEqual([{ reason: "HIGH_RISK_OF_FRAUD", reasonNotes: null }]);

    const refused = await createFulfillment(admin, { lineItemsByFulfillmentOrder: [{ fulfillmentOrderId: fo.id }] });
    expect(refused.userErrors[0]?.message).toMatch(/has an unfulfillable status= on_hold/);

    await fetch(`${emulator.origin}/__emulator/fulfillment-orders/${legacyFoId}/release`, { method: "POST" });
    const accepted = await createFulfillment(admin, { lineItemsByFulfillmentOrder: [{ fulfillmentOrderId: fo.id }] });
    expect(accepted.userErrors).toEqual([]);
  });

  it("refuses a quantity larger than what remains", async () => {
    const order = emulator.addOrder(shop, { lines: [{ sku: "A", quantity: 2 }] });
    const fo = await firstFulfillmentOrder(order.id);
    const line = fo.lineItems.nodes[0];
    if (!line) throw new Error("missing line");
    const result = await createFulfillment(admin, {
      lineItemsByFulfillmentOrder: [
        { fulfillmentOrderId: fo.id, fulfillmentOrderLineItems: [{ id: line.id, quantity: 3 }] },
      ],
    });
    expect(result).toEqual({
      fulfillment: null,
      userErrors: [{ field: ["fulfillment"], message: "Invalid fulfillment order line item quantity requested." }],
    });
    expect((await firstFulfillmentOrder(order.id)).lineItems.nodes[0]?.remainingQuantity).toBe(2);
  });

  it("refuses fulfillment orders of two different orders in one call", async () => {
    const one = await firstFulfillmentOrder(emulator.addOrder(shop, {}).id);
    const two = await firstFulfillmentOrder(emulator.addOrder(shop, {}).id);
    const result = await createFulfillment(admin, {
      lineItemsByFulfillmentOrder: [{ fulfillmentOrderId: one.id }, { fulfillmentOrderId: two.id }],
    });
    expect(result.userErrors[0]?.message).toBe("All fulfillment orders must belong to the same order.");
  });

  it("updates tracking and records delivery events", async () => {
    const order = emulator.addOrder(shop, { lines: [{ sku: "A" }] });
    const fo = await firstFulfillmentOrder(order.id);
    const created = await createFulfillment(admin, {
      lineItemsByFulfillmentOrder: [{ fulfillmentOrderId: fo.id }],
      tracking: { company: "China Post", number: "LX000000001CN" },
    });
    const fulfillmentId = created.fulfillment?.id ?? "";

    const updated = await updateFulfillmentTracking(admin, {
      fulfillmentId,
      tracking: {
        company: "4PX",
        number: "4PX3000123456789CN",
        url: "https://track.4px.com/#/result/0/4PX3000123456789CN",
      },
      notifyCustomer: true,
    });
    expect(updated.userErrors).toEqual([]);
    expect(updated.fulfillment?.trackingInfo).toEqual([
      { company: "4PX", number: "4PX3000123456789CN", url: "https://track.4px.com/#/result/0/4PX3000123456789CN" },
    ]);

    const inTransit = await createFulfillmentEvent(admin, {
      fulfillmentId,
      status: "IN_TRANSIT",
      happenedAt: "2026-05-02T08:00:00Z",
    });
    expect(inTransit).toMatchObject({ userErrors: [], fulfillmentEvent: { status: "IN_TRANSIT" } });
    await createFulfillmentEvent(admin, { fulfillmentId, status: "DELIVERED", message: "Left at the door" });

    const [fulfillment] = (await getOrderFulfillments(admin, order.id))?.fulfillments ?? [];
    expect(fulfillment?.displayStatus).toBe("DELIVERED");
    expect(
      emulator.state.findFulfillment(shop, fulfillmentId)?.fulfillment.events.map((event) => event.status),
    ).toEqual(["IN_TRANSIT", "DELIVERED"]);

    const missing = await createFulfillmentEvent(admin, {
      fulfillmentId: "gid://shopify/Fulfillment/1",
      status: "FAILURE",
    });
    expect(missing).toMatchObject({ fulfillmentEvent: null, userErrors: [{ message: "Fulfillment does not exist." }] });
  });
});

describe("transport", () => {
  it("backs off on THROTTLED and succeeds once Shopify lets the request through", async () => {
    const order = emulator.addOrder(shop, {});
    emulator.throttle(shop, 2);

    const read = await getOrderForForwarding(admin, order.id);

    expect(read?.id).toBe(order.id);
    const attempts = emulator.requests({ operationName: "GetOrderForForwarding" });
    expect(attempts.map((attempt) => attempt.throttled)).toEqual([true, true, false]);
    expect(sleeps).toHaveLength(2);
  });

  it("waits as long as the cost extension says the bucket needs to refill", async () => {
    const order = emulator.addOrder(shop, {});
    // An empty bucket restoring 1000 points/s: the forwarding query (several hundred points) needs a fraction of a second.
    emulator.state.configureBucket(shop, { maximumAvailable: 2000, restoreRate: 1000, currentlyAvailable: 0 });

    await getOrderForForwarding(admin, order.id);

    const [throttled, accepted] = emulator.requests({ operationName: "GetOrderForForwarding" });
    expect(throttled?.throttled).toBe(true);
    expect(accepted?.throttled).toBe(false);
    const requested = throttled?.requestedQueryCost ?? 0;
    expect(requested).toBeGreaterThan(100);
    expect(sleeps[0]).toBeGreaterThanOrEqual(requested - 300);
    expect(sleeps[0]).toBeLessThanOrEqual(requested + 10);
  });

  it("gives up with a retryable ShopifyGraphqlError when Shopify keeps throttling past the wait budget", async () => {
    const order = emulator.addOrder(shop, {});
    emulator.throttle(shop, 100);
    const impatient = createAdminGraphqlClient({
      shop,
      accessToken,
      origin: emulator.origin,
      // THROTTLED answers do not use up retries; the time budget ends the wait.
      throttledBudgetMs: 300,
    });
    const error = await getOrderForForwarding(impatient, order.id).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ShopifyGraphqlError);
    expect(error).toMatchObject({ kind: "throttled", code: "THROTTLED", retryable: true });
    expect((error as ShopifyGraphqlError).cost?.throttleStatus.maximumAvailable).toBe(2000);
    // Backing off (100 ms, doubling) rather than hammering the shop for the whole budget.
    const tries = emulator.requests({ operationName: "GetOrderForForwarding" }).length;
    expect(tries).toBeGreaterThanOrEqual(2);
    expect(tries).toBeLessThanOrEqual(5);
  });

  it("a document with a deprecated field is rejected, recorded and not retried", async () => {
    const error = await admin
      .request(
        /* GraphQL */ `
        query Legacy($id: ID!) {
          order(id: $id) {
            lineItems(first: 1) {
              nodes {
                fulfillableQuantity
              }
            }
          }
        }
      `,
        { id: "gid://shopify/Order/1" },
      )
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ShopifyGraphqlError);
    expect(error).toMatchObject({ kind: "graphql", code: "GRAPHQL_VALIDATION_FAILED", retryable: false });
    expect((error as Error).message).toContain("LineItem.fulfillableQuantity is deprecated");
    const [recorded] = emulator.requests({ operationName: "Legacy" });
    expect(recorded).toMatchObject({ valid: false, status: 200 });
    expect(recorded?.validationErrors[0]).toContain("deprecated");
    expect(emulator.requests()).toHaveLength(1);
  });

  it("an unknown access token is a 401 unauthorized error", async () => {
    const stranger = createAdminGraphqlClient({ shop, accessToken: "revoked", origin: emulator.origin });
    const error = await getOrderForForwarding(stranger, "gid://shopify/Order/1").catch((caught: unknown) => caught);
    expect(error).toMatchObject({ kind: "unauthorized", status: 401, retryable: false });
  });
});

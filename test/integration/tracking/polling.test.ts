import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getCjWebhookRegistration, registerCjWebhooks } from "../../../app/fulfillment/tracking/registration.server";
import { createShopPorts } from "../../../app/runtime/deps.server";
import { eventually, type Stack, startStack } from "../../support/stack";
import { CJ_ACCOUNT, fulfillmentCreates, paidOrder, shopifyFulfillments } from "./helpers";

describe("CJ tracking without pushes: the poll catches up", () => {
  let s: Stack;
  beforeAll(async () => {
    s = await startStack({
      settings: { paymentMode: "BALANCE", autoPayPerOrderCap: "500", sandbox: true },
      // Poll every second; 0.001 turns the 30-minute/1-hour intervals into 1.8/3.6 seconds.
      env: { CJ_POLL_EVERY_SECONDS: "1", CJ_POLL_INTERVAL_SCALE: "0.001" },
    });
    s.cj.setPushesEnabled(false);
  }, 120_000);
  afterAll(async () => {
    await s?.stop();
  });

  it("pushes lost entirely → shipped, fulfilled in Shopify and delivered by polling, with batched trackInfo", async () => {
    const order = await paidOrder(s);
    const shipped = s.cj.shipOrder(order.cjOrderId, { logisticName: "USPS+" });
    expect(s.cj.pushes({ type: "LOGISTIC" }).every((p) => p.state !== "delivered")).toBe(true);

    await eventually(async () => shopifyFulfillments(s, order.shopify.id).length === 1, 30_000);
    const created = fulfillmentCreates(s)[0]?.variables.fulfillment as { trackingInfo: Record<string, string> };
    // trackInfo already names the last-mile carrier and number, so the fulfillment is created with them.
    expect(created.trackingInfo.company).toBe("USPS");
    expect([shipped.tracking?.trackNumber, shipped.tracking?.lastTrackNumber]).toContain(created.trackingInfo.number);

    s.cj.advanceTracking(order.cjOrderId, { trackingStatus: 12 });
    const fulfillment = shopifyFulfillments(s, order.shopify.id)[0];
    await eventually(async () => fulfillment?.events.some((e) => e.status === "DELIVERED"), 30_000);
    const row = await eventually(async () => {
      const o = await s.t.db.order.findUnique({ where: { id: order.orderId } });
      return o?.state === "DELIVERED" ? o : undefined;
    }).catch(async (e) => {
      throw new Error(`${(e as Error).message}\n${await s.describeOrder(order.shopify.id)}`);
    });
    expect(row.lastPolledAt).not.toBeNull();
    expect(fulfillmentCreates(s)).toHaveLength(1);
    // Status came from order/list (many ids per call), progress from trackInfo, never one detail call per order.
    expect(s.cj.requests({ path: "/shopping/order/list" }).length).toBeGreaterThan(0);
    // Every list names its status: seed 002 documents CANCELLED as the default.
    for (const list of s.cj.requests({ path: "/shopping/order/list" })) expect(list.query.status?.[0]).toBeTruthy();
    expect(s.cj.requests({ path: "/logistic/trackInfo" }).length).toBeGreaterThan(0);
    expect(s.cj.pushes({ type: "LOGISTIC" }).every((p) => p.attempts.length === 0)).toBe(true);
  });

  it("registers the order and logistics callback URLs with webhook/set and shows the registration", async () => {
    const deps = { db: s.t.db, ports: createShopPorts(s.t.db, { ...process.env, CJ_API_BASE_URL: s.cj.baseUrl }) };
    expect(await getCjWebhookRegistration(s.t.db, s.shopId)).toMatchObject({ registered: false });
    await expect(registerCjWebhooks(deps, s.shopId, "http://app.example")).rejects.toThrow(/HTTPS/);
    const registration = await registerCjWebhooks(deps, s.shopId, "https://app.example");
    expect(registration.orderCallbackUrl).toBe("https://app.example/webhooks/cj");
    const set = s.cj.requests({ path: "/webhook/set" });
    expect(set).toHaveLength(1);
    expect(set[0]?.body).toEqual({
      order: { type: "ENABLE", callbackUrls: ["https://app.example/webhooks/cj"] },
      logistics: { type: "ENABLE", callbackUrls: ["https://app.example/webhooks/cj"] },
    });
    expect(s.cj.state.webhooks.get(CJ_ACCOUNT)?.logistics?.callbackUrls).toEqual(["https://app.example/webhooks/cj"]);
    expect(await getCjWebhookRegistration(s.t.db, s.shopId)).toMatchObject({
      registered: true,
      orderCallbackUrl: "https://app.example/webhooks/cj",
      logisticsCallbackUrl: "https://app.example/webhooks/cj",
    });
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signWebhookBody } from "../../emulators/cj/index";
import { eventually, STACK_OPEN_ID, STACK_SHOP, type Stack, startStack } from "../../support/stack";
import {
  fulfillmentCreates,
  paidOrder,
  pointCjPushesAtApp,
  postCjMessage,
  postRaw,
  shopifyFulfillments,
} from "./helpers";

describe("CJ tracking → Shopify fulfillments (webhooks)", () => {
  let s: Stack;
  beforeAll(async () => {
    s = await startStack({
      settings: { paymentMode: "BALANCE", autoPayPerOrderCap: "500", sandbox: true, notifyCustomer: true },
      env: { CJ_POLL_EVERY_SECONDS: "3600" },
    });
    pointCjPushesAtApp(s);
  }, 120_000);
  afterAll(async () => {
    await s?.stop();
  });

  const createsFor = (orderGid: string) =>
    fulfillmentCreates(s).filter((r) => {
      const groups = (r.variables.fulfillment as { lineItemsByFulfillmentOrder: { fulfillmentOrderId: string }[] })
        .lineItemsByFulfillmentOrder;
      const fos = s.shopify.state.orders.get(orderGid)?.order.fulfillmentOrders.map((fo) => fo.id) ?? [];
      return groups.some((g) => fos.includes(g.fulfillmentOrderId));
    });

  it("ORDER then LOGISTIC push → one fulfillmentCreate with the mapped carrier, number and URL; later pushes → events, last-mile update, DELIVERED", async () => {
    const order = await paidOrder(s);
    const shipped = s.cj.shipOrder(order.cjOrderId, { logisticName: "YunExpress" });
    const number = shipped.tracking?.trackNumber as string;

    await eventually(async () => shopifyFulfillments(s, order.shopify.id).length === 1);
    const creates = createsFor(order.shopify.id);
    expect(creates).toHaveLength(1);
    const input = creates[0]?.variables.fulfillment as Record<string, unknown>;
    expect(input.trackingInfo).toEqual({
      company: "YunExpress",
      number,
      url: `https://www.cjpacket.com/?trackingNumber=${number}`,
    });
    expect(input.notifyCustomer).toBe(true);
    const fulfillment = shopifyFulfillments(s, order.shopify.id)[0];
    const quantities = Object.fromEntries(fulfillment?.lineItems.map((l) => [l.lineItemId, l.quantity]) ?? []);
    expect(quantities).toEqual({
      [order.shopify.lineItems[0]?.id as string]: 2,
      [order.shopify.lineItems[1]?.id as string]: 1,
    });

    // Progress: in transit, out for delivery → one fulfillment event each.
    s.cj.advanceTracking(order.cjOrderId, { trackingStatus: 6, location: "Los Angeles, US" });
    await eventually(async () => fulfillment?.events.some((e) => e.status === "IN_TRANSIT"));
    s.cj.advanceTracking(order.cjOrderId, { trackingStatus: 10 });
    await eventually(async () => fulfillment?.events.some((e) => e.status === "OUT_FOR_DELIVERY"));

    // CJ reports the last-mile carrier and number → fulfillmentTrackingInfoUpdate.
    const lastMile = "9400111899223197428490";
    expect(
      (
        await postCjMessage(s, {
          type: "LOGISTIC",
          params: {
            orderId: order.cjOrderId,
            logisticName: "YunExpress",
            trackingNumber: number,
            trackingStatus: 10,
            logisticsTrackEvents: "[]",
            lastMileCarrier: "USPS",
            lastTrackNumber: lastMile,
          },
        })
      ).status,
    ).toBe(200);
    await eventually(async () => fulfillment?.trackingInfo[0]?.number === lastMile);
    expect(fulfillment?.trackingInfo[0]).toEqual({
      company: "USPS",
      number: lastMile,
      url: `https://t.17track.net/en#nums=${lastMile}`,
    });
    expect(s.shopify.requests({ operationName: "FulfillmentTrackingInfoUpdate" }).filter((r) => r.valid)).toHaveLength(
      1,
    );

    s.cj.advanceTracking(order.cjOrderId, { trackingStatus: 12 });
    await eventually(async () => fulfillment?.events.some((e) => e.status === "DELIVERED"));
    const row = await eventually(async () => {
      const o = await s.t.db.order.findUnique({ where: { id: order.orderId } });
      return o?.state === "DELIVERED" ? o : undefined;
    }).catch(async (e) => {
      throw new Error(`${(e as Error).message}\n${await s.describeOrder(order.shopify.id)}`);
    });
    expect(row.deliveredAt).not.toBeNull();
    expect(fulfillment?.events.map((e) => e.status)).toEqual([
      "CONFIRMED",
      "IN_TRANSIT",
      "OUT_FOR_DELIVERY",
      "DELIVERED",
    ]);
    expect(createsFor(order.shopify.id)).toHaveLength(1);
    const rows = await s.t.db.fulfillment.findMany({ where: { orderId: order.orderId } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: "CREATED", trackingNumber: number, syncedNumber: lastMile });
    expect(rows[0]?.shopifyFulfillmentGid).toBe(fulfillment?.id);
  });

  it("replayed and concurrent messages still make one fulfillment per tracking number", async () => {
    const order = await paidOrder(s, { lines: [{ sku: "TSHIRT-WHITE-M", quantity: 1, price: "19.90" }] });
    s.cj.setPushesEnabled(false);
    try {
      const number = "CJPKL7777777777YQ";
      const messages = Array.from({ length: 6 }, (_, i) => ({
        type: "LOGISTIC",
        params: {
          orderId: order.cjOrderId,
          logisticName: "CJPacket Ordinary",
          trackingNumber: number,
          trackingStatus: 1,
          logisticsTrackEvents: JSON.stringify([{ status: 1, activity: `scan ${i}`, location: "Shenzhen" }]),
        },
      }));
      // Six different messages at once, and each one again (same messageId, same bytes) at once.
      const sent = await Promise.all(messages.map((m) => postCjMessage(s, m)));
      const replays = await Promise.all(sent.flatMap((m) => [postRaw(s, m.raw, m.sign), postRaw(s, m.raw, m.sign)]));
      expect([...sent, ...replays].map((a) => a.status)).toEqual(Array(18).fill(200));
      expect(JSON.parse(replays[0]?.body ?? "{}")).toEqual({ code: 200, result: "success", message: "success" });

      await eventually(async () => shopifyFulfillments(s, order.shopify.id).length === 1);
      // Give the other five messages time to be processed before counting.
      await eventually(async () => {
        const pending = await s.t.db.webhookReceipt.count({ where: { source: "CJ", processedAt: null } });
        return pending === 0;
      });
      expect(createsFor(order.shopify.id)).toHaveLength(1);
      const created = createsFor(order.shopify.id)[0]?.variables.fulfillment as Record<string, unknown>;
      // CJPacket is not in Shopify's list: CJ's name and an explicit URL.
      expect(created.trackingInfo).toEqual({
        company: "CJPacket Ordinary",
        number,
        url: `https://www.cjpacket.com/?trackingNumber=${number}`,
      });
      expect(
        await s.t.db.webhookReceipt.count({
          where: { source: "CJ", deliveryId: { in: sent.map((m) => JSON.parse(m.raw).messageId) } },
        }),
      ).toBe(6);
      expect(await s.t.db.fulfillment.count({ where: { orderId: order.orderId } })).toBe(1);
    } finally {
      s.cj.setPushesEnabled(true);
    }
  });

  it("ORDERSPLIT → two fulfillments, each with the line items of its CJ order", async () => {
    const order = await paidOrder(s);
    const children = s.cj.splitOrder(order.cjOrderId);
    expect(children).toHaveLength(2);
    // The split must be recorded before the children's parcels can be matched; the app also copes with the
    // opposite order (retries), but the test wants to see the split on the timeline.
    await eventually(async () => s.cj.pushes({ type: "ORDERSPLIT" }).every((p) => p.state === "delivered"));
    for (const child of children) s.cj.shipOrder(child.orderId);

    await eventually(async () => shopifyFulfillments(s, order.shopify.id).length === 2, 30_000).catch(async (e) => {
      throw new Error(`${(e as Error).message}\n${await s.describeOrder(order.shopify.id)}`);
    });
    const fulfillments = shopifyFulfillments(s, order.shopify.id);
    const byNumber = new Map(fulfillments.map((f) => [f.trackingInfo[0]?.number, f]));
    for (const child of children) {
      const f = byNumber.get(child.tracking?.trackNumber);
      expect(f, `fulfillment for ${child.orderId}`).toBeDefined();
      const storeIds = child.lines.map((l) => String(l.storeLineItemId));
      expect(f?.lineItems.map((l) => l.lineItemId.split("/").pop())).toEqual(storeIds);
      expect(f?.lineItems.map((l) => l.quantity)).toEqual(child.lines.map((l) => l.quantity));
    }
    expect(createsFor(order.shopify.id)).toHaveLength(2);
    const row = await eventually(async () => {
      const o = await s.t.db.order.findUnique({ where: { id: order.orderId } });
      return o?.state === "FULFILLED" ? o : undefined;
    });
    expect(JSON.parse(row.cjSplitOrders ?? "[]")).toHaveLength(2);
  });

  it("a fulfillment order on hold in Shopify → NEEDS_ATTENTION with the reason, no crash loop", async () => {
    const order = await paidOrder(s, { lines: [{ sku: "TSHIRT-WHITE-L", quantity: 1, price: "21.00" }] });
    const fo = s.shopify.state.orders.get(order.shopify.id)?.order.fulfillmentOrders[0];
    expect(
      s.shopify.state.holdFulfillmentOrder(STACK_SHOP, fo?.id as string, { reason: "INCORRECT_ADDRESS" }).userErrors,
    ).toEqual([]);
    s.cj.shipOrder(order.cjOrderId);

    const row = await eventually(async () => {
      if (s.shopify.requests({ operationName: "FulfillmentCreate" }).length === 0) return undefined;
      const o = await s.t.db.order.findUnique({ where: { id: order.orderId } });
      return o?.state === "NEEDS_ATTENTION" ? o : undefined;
    }).catch(async (e) => {
      throw new Error(`${(e as Error).message}\n${await s.describeOrder(order.shopify.id)}`);
    });
    expect(row.errorReason).toMatch(/on hold/);
    expect(row.errorReason).toMatch(/release the hold/);
    expect(shopifyFulfillments(s, order.shopify.id)).toHaveLength(0);
    const f = await s.t.db.fulfillment.findFirst({ where: { orderId: order.orderId } });
    expect(f?.status).toBe("FAILED");
    // Refused once per CJ message, not retried in a loop.
    await new Promise((r) => setTimeout(r, 1500));
    expect(createsFor(order.shopify.id).length).toBeLessThanOrEqual(2);
  });

  it("trackingSync: AFTER_DISPATCH waits for SHIPPED, BEFORE_DISPATCH fulfills as soon as CJ names a number", async () => {
    const line = [{ sku: "TSHIRT-WHITE-M", quantity: 1, price: "19.90" }];
    const after = await paidOrder(s, { lines: line });
    const before = await paidOrder(s, { lines: line });
    const assigned = (o: typeof after, trackNumber: string) =>
      postCjMessage(s, {
        type: "ORDER",
        messageType: "UPDATE",
        params: { cjOrderId: o.cjOrderId, orderStatus: "UNSHIPPED", logisticName: "USPS+", trackNumber },
      });
    expect((await assigned(after, "USPSP-AFTER-1")).status).toBe(200);
    const allProcessed = async () =>
      (await s.t.db.webhookReceipt.count({ where: { source: "CJ", processedAt: null } })) === 0;
    await eventually(allProcessed);
    await s.t.db.shopSettings.update({ where: { shopId: s.shopId }, data: { trackingSync: "BEFORE_DISPATCH" } });
    try {
      expect((await assigned(before, "USPSP-BEFORE-1")).status).toBe(200);
      await eventually(async () => shopifyFulfillments(s, before.shopify.id).length === 1);
    } finally {
      await s.t.db.shopSettings.update({ where: { shopId: s.shopId }, data: { trackingSync: "AFTER_DISPATCH" } });
    }
    expect(shopifyFulfillments(s, before.shopify.id)[0]?.trackingInfo[0]).toMatchObject({
      company: "USPS",
      number: "USPSP-BEFORE-1",
    });
    await eventually(
      async () => (await s.t.db.webhookReceipt.count({ where: { source: "CJ", processedAt: null } })) === 0,
    );
    expect(shopifyFulfillments(s, after.shopify.id)).toHaveLength(0);
    expect(await s.t.db.fulfillment.count({ where: { orderId: after.orderId } })).toBe(0);
  });

  it("a bad or missing sign → 401 and nothing stored; malformed JSON → 400", async () => {
    const before = await s.t.db.webhookReceipt.count({ where: { source: "CJ" } });
    const message = {
      type: "LOGISTIC",
      messageId: "bad-sign-message",
      params: { orderId: "x", trackingNumber: "T1", trackingStatus: 1 },
    };
    expect((await postCjMessage(s, message, { sign: signWebhookBody("not-the-open-id", "{}") })).status).toBe(401);
    expect((await postRaw(s, JSON.stringify({ ...message, openId: STACK_OPEN_ID }), null)).status).toBe(401);
    expect((await postCjMessage(s, message, { openId: 999 })).status).toBe(401);
    expect((await postRaw(s, "{not json", "x")).status).toBe(400);
    expect(await s.t.db.webhookReceipt.count({ where: { source: "CJ" } })).toBe(before);
    expect(await s.t.db.webhookReceipt.count({ where: { deliveryId: "bad-sign-message" } })).toBe(0);
  });
});

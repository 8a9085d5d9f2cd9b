import { createHmac, timingSafeEqual } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CjEmulator } from "../../emulators/cj/index.js";
import {
  ACCOUNT,
  CASE_VID,
  cj,
  login,
  OPEN_ID,
  orderBody,
  PushReceiver,
  type ReceivedPush,
  registerWebhooks,
  startTestEmulator,
  TEE_VID,
} from "./harness.js";

type Data = Record<string, unknown>;

/** What the app must do: HMAC-SHA256 over the raw body with the openId as key, Base64, constant-time compare. */
function signatureVerifies(push: ReceivedPush, openId: number): boolean {
  const expected = createHmac("sha256", String(openId)).update(push.raw).digest();
  const given = Buffer.from(String(push.headers.sign ?? ""), "base64");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

describe("CJ emulator: webhook pushes", () => {
  let emulator: CjEmulator;
  let receiver: PushReceiver;
  let token: string;
  beforeEach(async () => {
    emulator = await startTestEmulator();
    receiver = await new PushReceiver().start();
    token = await login(emulator);
    await registerWebhooks(emulator, token, receiver.url);
  });
  afterEach(async () => {
    await emulator.close();
    await receiver.close();
  });

  it("orderFlow=2 with an unknown SKU creates an incomplete order; connecting the SKU pushes a signed ORDER_CONNNECTED", async () => {
    const answer = await cj(emulator, "/shopping/order/createOrderV2", {
      token,
      body: orderBody({
        orderNumber: "store-1",
        orderFlow: 2,
        payType: 3,
        products: [
          { sku: "SHOP-SKU-NEW", quantity: 1, storeLineItemId: "gid-line-1" },
          { vid: CASE_VID, quantity: 1, storeLineItemId: "gid-line-2" },
        ],
      }),
    });
    expect(answer.json.code).toBe(200);
    const data = answer.json.data as Data;
    expect(data).not.toHaveProperty("orderId");
    expect((data.productInfoList as Data[]).map((l) => [l.storeLineItemId, l.variantId])).toEqual([
      ["gid-line-1", ""],
      ["gid-line-2", CASE_VID],
    ]);
    expect(emulator.state.incompleteOrders).toMatchObject([
      { orderNumber: "store-1", unresolvedSkus: ["SHOP-SKU-NEW"] },
    ]);
    const before = await cj(emulator, "/shopping/order/getOrderDetail", { token, query: { orderId: "store-1" } });
    expect(before.json.data).toMatchObject({ isComplete: 0 });

    const connected = await cj(emulator, "/product/conn/connection", {
      token,
      body: {
        cjProductId: "1392053744945991680",
        platformProductId: "gid://shopify/Product/1",
        variantList: [
          { cjVariantId: TEE_VID, platformVariantId: "gid://shopify/ProductVariant/11", sku: "SHOP-SKU-NEW" },
        ],
      },
    });
    expect(connected.json.code).toBe(200);
    await emulator.flushPushes();

    const [push] = receiver.of("ORDER", "ORDER_CONNNECTED");
    expect(push).toBeDefined();
    if (!push) return;
    expect(signatureVerifies(push, OPEN_ID)).toBe(true);
    expect(signatureVerifies(push, OPEN_ID + 1)).toBe(false);
    expect(push.json).toMatchObject({ type: "ORDER", openId: OPEN_ID, params: { orderNumber: "store-1" } });
    const realId = String(push.json.params.cjOrderId);
    const items = push.json.params.orderItems as Data[];
    expect(items.map((i) => [i.storeLineItemId, i.vid])).toEqual([
      ["gid-line-1", TEE_VID],
      ["gid-line-2", CASE_VID],
    ]);
    const after = await cj(emulator, "/shopping/order/getOrderDetail", { token, query: { orderId: realId } });
    expect(after.json.data).toMatchObject({ orderId: realId, orderNum: "store-1", isComplete: 1 });
    expect(emulator.state.incompleteOrders[0]?.connectedAs).toBe(realId);
    const list = await cj(emulator, "/product/conn/connection", {
      token,
      query: { platformProductId: "gid://shopify/Product/1" },
    });
    expect(list.json.data).toMatchObject({
      pageNum: 1,
      pageSize: 20,
      total: 1,
      list: [{ cjVariantId: TEE_VID, sku: "SHOP-SKU-NEW" }],
    });
  });

  it("pushes INSERT on create, then ORDER UPDATE and a LOGISTIC with logisticsTrackEvents as a JSON string when shipped", async () => {
    const created = await cj(emulator, "/shopping/order/createOrderV2", {
      token,
      body: orderBody({ orderNumber: "ship-1", payType: 2 }),
    });
    const orderId = String((created.json.data as Data).orderId);
    emulator.shipOrder(orderId, { trackNumber: "CJPKL0000000001YQ" });
    emulator.advanceTracking(orderId, { trackingStatus: 6, location: "Los Angeles, US" });
    emulator.advanceTracking(orderId, { trackingStatus: 12 });
    await emulator.flushPushes();

    expect(receiver.of("ORDER", "INSERT")[0]?.json.params).toMatchObject({ cjOrderId: orderId, orderNumber: "ship-1" });
    const updates = receiver.of("ORDER", "UPDATE").map((p) => p.json.params.orderStatus);
    expect(updates).toEqual(["UNSHIPPED", "SHIPPED", "DELIVERED"]);
    expect(receiver.of("ORDER", "UPDATE")[1]?.json.params).toMatchObject({
      trackNumber: "CJPKL0000000001YQ",
      logisticName: "CJPacket Ordinary",
    });

    const logistics = receiver.of("LOGISTIC");
    expect(logistics.map((p) => p.json.params.trackingStatus)).toEqual([1, 6, 12]);
    const last = logistics[2]?.json.params ?? {};
    expect(last).toMatchObject({ orderId, trackingNumber: "CJPKL0000000001YQ" });
    expect(last).not.toHaveProperty("cjOrderId");
    expect(typeof last.logisticsTrackEvents).toBe("string");
    const events = JSON.parse(String(last.logisticsTrackEvents)) as Data[];
    expect(events).toHaveLength(3);
    expect(Object.keys(events[0] ?? {}).sort()).toEqual(["activity", "eventTime", "location", "status", "statusDesc"]);
    for (const push of receiver.received) expect(signatureVerifies(push, OPEN_ID)).toBe(true);
    expect(emulator.order(orderId)?.status).toBe("DELIVERED");
  });

  it("pushes ORDERSPLIT when one CJ order becomes several", async () => {
    const created = await cj(emulator, "/shopping/order/createOrderV2", {
      token,
      body: orderBody({
        orderNumber: "split-1",
        payType: 2,
        products: [
          { vid: TEE_VID, quantity: 1, storeLineItemId: "a" },
          { vid: CASE_VID, quantity: 3, storeLineItemId: "b" },
        ],
      }),
    });
    const orderId = String((created.json.data as Data).orderId);
    const children = emulator.splitOrder(orderId);
    await emulator.flushPushes();
    const [push] = receiver.of("ORDERSPLIT");
    expect(push?.json.params).toMatchObject({
      originalOrderId: orderId,
      orderSplitTime: expect.any(String),
      splitOrderList: [
        { orderCode: children[0]?.orderId, orderStatus: "UNSHIPPED", productList: [{ vid: TEE_VID, quantity: 1 }] },
        { orderCode: children[1]?.orderId, orderStatus: "UNSHIPPED", productList: [{ vid: CASE_VID, quantity: 3 }] },
      ],
    });
    const original = await cj(emulator, "/shopping/order/getOrderDetail", { token, query: { orderId } });
    expect(original.json.data).toMatchObject({ orderStatus: "CANCELLED" });
  });

  it("retries a failed push (at most 3 times) and records every attempt", async () => {
    receiver.failNext = 2;
    await cj(emulator, "/shopping/order/createOrderV2", {
      token,
      body: orderBody({ orderNumber: "retry-1", payType: 3 }),
    });
    await emulator.flushPushes();
    const [delivery] = emulator.pushes({ type: "ORDER", messageType: "INSERT" });
    expect(delivery?.state).toBe("delivered");
    expect(delivery?.attempts.map((a) => a.status)).toEqual([500, 500, 200]);
    expect(receiver.of("ORDER", "INSERT")).toHaveLength(1);

    receiver.failNext = 10;
    await cj(emulator, "/shopping/order/createOrderV2", {
      token,
      body: orderBody({ orderNumber: "retry-2", payType: 3 }),
    });
    await emulator.flushPushes();
    const failed = emulator.pushes({ type: "ORDER", messageType: "INSERT" })[1];
    expect(failed?.state).toBe("failed");
    expect(failed?.attempts).toHaveLength(4);
  });

  it("suppressed pushes are recorded but not sent, so only polling sees the shipment", async () => {
    const created = await cj(emulator, "/shopping/order/createOrderV2", {
      token,
      body: orderBody({ orderNumber: "quiet-1", payType: 2 }),
    });
    await emulator.flushPushes();
    const sentBefore = receiver.received.length;
    emulator.setPushesEnabled(false);
    emulator.shipOrder(String((created.json.data as Data).orderId));
    await emulator.flushPushes();
    expect(receiver.received).toHaveLength(sentBefore);
    expect(emulator.pushes({ accountId: ACCOUNT }).filter((d) => d.state === "suppressed")).toHaveLength(2);
    const polled = await cj(emulator, "/shopping/order/list", { token, query: { status: "SHIPPED" } });
    expect((polled.json.data as { list: Data[] }).list[0]).toMatchObject({
      orderNum: "quiet-1",
      trackNumber: expect.any(String),
    });
  });

  it("webhook/set CANCEL stops a topic; an empty callback list answers 1606001", async () => {
    const empty = await cj(emulator, "/webhook/set", { token, body: { order: { type: "ENABLE", callbackUrls: [] } } });
    expect(empty.json.code).toBe(1606001);
    await cj(emulator, "/webhook/set", { token, body: { order: { type: "CANCEL", callbackUrls: [] } } });
    await cj(emulator, "/shopping/order/createOrderV2", {
      token,
      body: orderBody({ orderNumber: "off-1", payType: 3 }),
    });
    await emulator.flushPushes();
    expect(receiver.of("ORDER")).toHaveLength(0);
    expect(emulator.pushes({ type: "ORDER" })[0]?.state).toBe("no-callback");
    const settings = await cj(emulator, "/setting/get", { token });
    expect(settings.json.data).toMatchObject({
      openId: OPEN_ID,
      setting: { qpsLimit: 50 },
      callback: { orderType: "CANCEL" },
    });
  });
});

import { describe, expect, it } from "vitest";
import { CjWebhookPayloadError, parseCjWebhook, signCjWebhook, verifyCjSignature } from "../../../app/cj";

const openId = "123456789";

describe("CJ webhook signature", () => {
  it("is Base64(HMAC-SHA256(openId, raw body)) and verifies only the exact bytes", () => {
    const body = '{"messageId":"m1","type":"ORDER"}';
    // Computed independently: printf '%s' "$body" | openssl dgst -sha256 -hmac 123456789 -binary | base64
    expect(signCjWebhook(body, openId)).toBe("kgYNQLI47lP7o0F/Ai+Fv/1CJxHRpsefY8Nm1+q5BhI=");
    const sign = signCjWebhook(body, openId);
    expect(verifyCjSignature(body, sign, openId)).toBe(true);
    expect(verifyCjSignature(Buffer.from(body), sign, openId)).toBe(true);
    expect(verifyCjSignature(`${body} `, sign, openId)).toBe(false);
    expect(verifyCjSignature(body, sign, "987654321")).toBe(false);
    expect(verifyCjSignature(body, "", openId)).toBe(false);
    expect(verifyCjSignature(body, "not base64 at all", openId)).toBe(false);
  });
});

describe("parseCjWebhook", () => {
  it("ORDER, including CJ's ORDER_CONNNECTED spelling and orderItems", () => {
    const message = parseCjWebhook(
      JSON.stringify({
        messageId: "m-1",
        type: "ORDER",
        messageType: "ORDER_CONNNECTED",
        openId: 123456789,
        params: {
          cjOrderId: "CJ1",
          orderNumber: "shop-1001",
          orderStatus: "UNSHIPPED",
          logisticName: "CJPacket",
          trackNumber: null,
          createDate: "2026-03-01 10:00:00",
          updateDate: null,
          payDate: null,
          deliveryDate: null,
          completeDate: null,
          orderItems: [{ vid: "V1", quantity: "2", sellPrice: 3.5, lineItemId: "L1", storeLineItemId: "S1" }],
        },
      }),
    );
    expect(message.type).toBe("ORDER");
    if (message.type !== "ORDER") throw new Error("unreachable");
    expect(message.messageType).toBe("ORDER_CONNNECTED");
    expect(message.openId).toBe("123456789");
    expect(message.params).toMatchObject({ cjOrderId: "CJ1", trackNumber: null, trackingUrl: null });
    expect(message.params.orderItems).toEqual([
      { vid: "V1", quantity: 2, sellPrice: "3.50", lineItemId: "L1", storeLineItemId: "S1" },
    ]);
  });

  it("LOGISTIC: logisticsTrackEvents is a JSON string holding the events", () => {
    const events = [
      {
        status: "12",
        activity: "Delivered",
        location: "NY",
        eventTime: "2026-03-10 10:00:00",
        statusDesc: "delivered",
      },
    ];
    const message = parseCjWebhook(
      Buffer.from(
        JSON.stringify({
          messageId: "m-2",
          type: "LOGISTIC",
          messageType: "UPDATE",
          params: {
            orderId: "CJ1",
            logisticName: "USPS",
            trackingNumber: "TN1",
            trackingStatus: 12,
            logisticsTrackEvents: JSON.stringify(events),
            storeOrderNumbers: ["shop-1001"],
          },
        }),
      ),
    );
    if (message.type !== "LOGISTIC") throw new Error(`unexpected ${message.type}`);
    expect(message.params.trackingStatus).toBe(12);
    expect(message.params.logisticsTrackEvents).toEqual(events);
    expect(message.params.storeOrderNumbers).toEqual(["shop-1001"]);
    expect(message.params.lastMileCarrier).toBeNull();
  });

  it("LOGISTIC: an odd field is read as empty and the message still carries the rest", () => {
    const base = { messageId: "m", type: "LOGISTIC", messageType: "UPDATE" };
    // A status outside 0–14, events that are not JSON, a null status: CJ's push is authentic, so it is not refused
    // (a refusal counts as a failed push, and CJ pauses every push of the account at 50 % failures).
    const outOfRange = parseCjWebhook({ ...base, params: { orderId: "1", trackingNumber: "T1", trackingStatus: 15 } });
    expect(outOfRange.type === "LOGISTIC" && outOfRange.params).toMatchObject({
      orderId: "1",
      trackingNumber: "T1",
      trackingStatus: null,
    });
    const badEvents = parseCjWebhook({
      ...base,
      params: { orderId: "1", trackingStatus: 1, logisticsTrackEvents: "[{" },
    });
    expect(badEvents.type === "LOGISTIC" && badEvents.params).toMatchObject({
      trackingStatus: 1,
      logisticsTrackEvents: [],
    });
    const nullStatus = parseCjWebhook({
      ...base,
      params: { orderId: "1", trackingStatus: null, logisticsTrackEvents: "" },
    });
    expect(nullStatus.type === "LOGISTIC" && nullStatus.params).toMatchObject({
      trackingStatus: null,
      logisticsTrackEvents: [],
    });
  });

  it("a numeric messageId identifies the message as a string does", () => {
    const message = parseCjWebhook({
      messageId: 998877,
      type: "LOGISTIC",
      messageType: "UPDATE",
      params: { orderId: "1" },
    });
    expect(message.messageId).toBe("998877");
  });

  it("still refuses a message that is not CJ's shape at all", () => {
    expect(() => parseCjWebhook({ type: "LOGISTIC", params: {} })).toThrow(CjWebhookPayloadError);
    expect(() => parseCjWebhook({ messageId: "m", type: "NOPE", params: {} })).toThrow(CjWebhookPayloadError);
  });

  it("ORDERSPLIT", () => {
    const message = parseCjWebhook({
      messageId: "m-3",
      type: "ORDERSPLIT",
      messageType: "INSERT",
      params: {
        originalOrderId: "CJ1",
        orderSplitTime: "2026-03-02 09:00:00",
        splitOrderList: [
          {
            orderCode: "CJ1-1",
            createAt: "2026-03-02",
            orderStatus: "UNSHIPPED",
            productList: [{ productCode: "P", vid: "V1", quantity: 1, sku: "SKU1" }],
          },
        ],
      },
    });
    if (message.type !== "ORDERSPLIT") throw new Error("unreachable");
    expect(message.params.splitOrderList[0]?.productList[0]).toEqual({
      productCode: "P",
      vid: "V1",
      quantity: 1,
      sku: "SKU1",
      storeLineItemId: null,
    });
  });

  it("refuses bodies that are not CJ webhooks", () => {
    expect(() => parseCjWebhook("{oops")).toThrow("not JSON");
    expect(() => parseCjWebhook({ type: "ORDER", messageType: "INSERT", params: {} })).toThrow(/messageId/);
    expect(() => parseCjWebhook({ messageId: "m", type: "ORDER", messageType: "MAYBE", params: {} })).toThrow(
      /messageType/,
    );
  });
});

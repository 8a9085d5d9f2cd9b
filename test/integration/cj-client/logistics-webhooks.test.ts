/** Freight quotes, trackInfo and signed webhooks through createCjClient against the CJ emulator (seed 001, facts). */
import { getGlobalDispatcher, setGlobalDispatcher } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CjLogisticWebhook, type CjOrderWebhook, parseCjWebhook, verifyCjSignature } from "../../../app/cj";
import type { CjEmulator } from "../../emulators/cj/index.js";
import {
  ACCOUNT,
  CASE_VID,
  clientFor,
  control,
  emulatorPerFile,
  loopbackTlsTerminator,
  orderRequest,
  requestsTo,
  TEE_VID,
  WebhookReceiver,
} from "./harness.js";

let emulator: CjEmulator;
const previousDispatcher = getGlobalDispatcher();

emulatorPerFile((started) => {
  emulator = started;
});
afterAll(() => {
  setGlobalDispatcher(previousDispatcher);
});

describe("freight quotes", () => {
  it("freightCalculate, freightCalculateTip and partnerFreightCalculate answer typed quotes with decimal strings", async () => {
    const { client } = clientFor(emulator);

    const quotes = await client.logistics.freightCalculate({
      startCountryCode: "CN",
      endCountryCode: "US",
      zip: "10001",
      products: [{ vid: TEE_VID, quantity: 2 }],
    });
    expect(quotes.length).toBeGreaterThan(1);
    const ordinary = quotes.find((quote) => quote.logisticName === "CJPacket Ordinary");
    // The emulator's rate table: 2.50 + 0.60 × ⌈360 g / 100⌉ = 4.90 USD to the US.
    expect(ordinary).toMatchObject({ logisticPrice: "4.90", totalPostageFee: "4.90", logisticAging: "7-12" });

    const tips = await client.logistics.freightCalculateTip({
      reqDTOS: [
        {
          srcAreaCode: "CN",
          destAreaCode: "US",
          volume: 0.06,
          productProp: ["COMMON"],
          skuList: ["CJCF104237201AZ"],
          freightTrialSkuList: [{ sku: "CJCF104237201AZ", skuQuantity: 2 }],
        },
      ],
    });
    const tip = tips.find((quote) => quote.option?.enName === "CJPacket Ordinary");
    expect(tip).toMatchObject({ postage: "4.90", cjRespDTO: { postage: "4.90" } });

    const partner = await client.logistics.partnerFreightCalculate({
      orderNumber: "quote-1",
      shippingZip: "10001",
      shippingCountryCode: "US",
      shippingCountry: "United States",
      shippingProvince: "New York",
      shippingCity: "New York",
      fromCountryCode: "CN",
      logisticName: "CJPacket Ordinary",
      products: [{ vid: TEE_VID, quantity: 2 }],
    });
    expect(partner).toHaveLength(1);
    expect(partner[0]).toMatchObject({ logisticsName: "CJPacket Ordinary", postageAmount: "4.90" });

    expect(
      emulator
        .requests({ accountId: ACCOUNT.id })
        .map((request) => `${request.method} ${request.path} ${request.code}`),
    ).toEqual([
      "POST /authentication/getAccessToken 200",
      "POST /logistic/freightCalculate 200",
      "POST /logistic/freightCalculateTip 200",
      "POST /logistic/partnerFreightCalculate 200",
    ]);
  });
});

describe("trackInfo", () => {
  it("asks for several tracking numbers in ONE request with repeated trackNumber keys", async () => {
    const { client } = clientFor(emulator);
    const a = await client.orders.createOrderV2(orderRequest({ payType: 2 }));
    const b = await client.orders.createOrderV2(
      orderRequest({ payType: 2, products: [{ vid: CASE_VID, quantity: 1 }] }),
    );
    const shippedA = emulator.shipOrder(a.orderId ?? "");
    const shippedB = emulator.shipOrder(b.orderId ?? "", { trackNumber: "YT2412345678901234" });
    emulator.advanceTracking(b.orderId ?? "", { trackingStatus: 12 });
    const numbers = [shippedA.tracking?.trackNumber ?? "", shippedB.tracking?.trackNumber ?? ""];

    const tracks = await client.logistics.trackInfo(numbers);

    const calls = requestsTo(emulator, "/logistic/trackInfo");
    expect(calls).toHaveLength(1);
    expect(calls[0]?.query.trackNumber).toEqual(numbers);
    expect(tracks.map((track) => track.trackingNumber)).toEqual(numbers);
    expect(tracks[0]).toMatchObject({ trackingStatus: "In transit", trackingTo: "US", lastMileCarrier: "USPS" });
    expect(tracks[1]).toMatchObject({ trackingNumber: "YT2412345678901234", trackingStatus: "Delivered" });
  });
});

describe("webhooks", () => {
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await new WebhookReceiver().start();
    setGlobalDispatcher(loopbackTlsTerminator());
  });
  afterAll(async () => {
    await receiver.close();
  });

  it("setWebhooks, then shipping pushes signed ORDER and LOGISTIC messages that verify and parse", async () => {
    const { client, store } = clientFor(emulator);
    await client.account.setWebhooks({
      order: { type: "ENABLE", callbackUrls: [receiver.httpsUrl] },
      logistics: { type: "ENABLE", callbackUrls: [receiver.httpsUrl] },
    });
    expect(emulator.state.webhooks.get(ACCOUNT.id)).toMatchObject({
      order: { type: "ENABLE", callbackUrls: [receiver.httpsUrl] },
      logistics: { type: "ENABLE", callbackUrls: [receiver.httpsUrl] },
    });
    const request = orderRequest({ payType: 2 });
    const { orderId } = await client.orders.createOrderV2(request);
    await emulator.flushPushes();
    const beforeShipping = receiver.received.length;

    await control(emulator, "POST", "/orders/ship", { orderId, trackNumber: "CJPKL0000000042YQ" });
    const received = (await receiver.waitFor(beforeShipping + 2)).slice(beforeShipping);

    // The openId returned by getAccessToken is the signing secret.
    const openId = store.records.get(ACCOUNT.id)?.tokens?.openId ?? "";
    expect(openId).toBe(String(ACCOUNT.openId));
    for (const push of received) {
      expect(verifyCjSignature(push.raw, String(push.headers.sign), openId)).toBe(true);
    }
    const messages = received.map((push) => parseCjWebhook(push.raw));
    const order = messages.find((message): message is CjOrderWebhook => message.type === "ORDER");
    const logistic = messages.find((message): message is CjLogisticWebhook => message.type === "LOGISTIC");
    expect(order).toMatchObject({
      messageType: "UPDATE",
      params: { cjOrderId: orderId, orderNumber: request.orderNumber, orderStatus: "SHIPPED" },
    });
    expect(order?.params.trackNumber).toBe("CJPKL0000000042YQ");
    expect(logistic?.params).toMatchObject({
      orderId,
      trackingNumber: "CJPKL0000000042YQ",
      trackingStatus: 1,
      storeOrderNumbers: [request.orderNumber],
    });
    // Sent as a JSON string, read as typed events.
    expect(
      typeof JSON.parse(received.find((push) => push.raw.includes('"LOGISTIC"'))?.raw.toString() ?? "{}").params
        .logisticsTrackEvents,
    ).toBe("string");
    expect(logistic?.params.logisticsTrackEvents).toEqual([
      expect.objectContaining({ status: "1", location: "Shenzhen, CN", activity: "Warehouse outbound" }),
    ]);

    await emulator.flushPushes();
    const delivered = emulator.pushes({ accountId: ACCOUNT.id }).filter((push) => push.state === "delivered");
    expect(delivered.map((push) => push.messageId)).toEqual(
      expect.arrayContaining(messages.map((message) => message.messageId)),
    );
  });

  it("a tampered body or a wrong secret fails verification", async () => {
    const { client, store } = clientFor(emulator);
    await client.account.setWebhooks({ logistics: { type: "ENABLE", callbackUrls: [receiver.httpsUrl] } });
    const { orderId } = await client.orders.createOrderV2(orderRequest({ payType: 2 }));
    const before = receiver.received.length;
    await control(emulator, "POST", "/orders/ship", { orderId });
    const [push] = (await receiver.waitFor(before + 1)).slice(before);
    const openId = store.records.get(ACCOUNT.id)?.tokens?.openId ?? "";
    const sign = String(push?.headers.sign);
    const raw = push?.raw ?? Buffer.alloc(0);

    expect(verifyCjSignature(raw, sign, openId)).toBe(true);
    const tampered = Buffer.from(raw.toString("utf8").replace('"trackingStatus":1', '"trackingStatus":12'));
    expect(tampered.equals(raw)).toBe(false);
    expect(verifyCjSignature(tampered, sign, openId)).toBe(false);
    // Re-serialising changes the bytes even when the content is the same: verify on the raw body only.
    expect(verifyCjSignature(JSON.stringify(JSON.parse(raw.toString()), null, 1), sign, openId)).toBe(false);
    expect(verifyCjSignature(raw, sign, "999999")).toBe(false);
  });
});

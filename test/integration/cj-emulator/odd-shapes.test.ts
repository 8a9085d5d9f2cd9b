import { afterEach, describe, expect, it } from "vitest";
import type { CjEmulator } from "../../emulators/cj/index.js";
import { CREATE_AMOUNTS } from "../../emulators/cj/odd-shapes.js";
import {
  ACCOUNT,
  API_KEY,
  cj,
  control,
  login,
  OPEN_ID,
  orderBody,
  PushReceiver,
  registerWebhooks,
  startTestEmulator,
  TEE_VID,
} from "./harness.js";

type Data = Record<string, unknown>;

const POD = JSON.stringify([
  { links: ["https://example.com/print.png"], effectImgs: ["https://example.com/mock.png"] },
]);

describe("CJ emulator: odd-but-legal answer shapes", () => {
  let emulator: CjEmulator;
  let receiver: PushReceiver | null = null;
  afterEach(async () => {
    await emulator.close();
    await receiver?.close();
    receiver = null;
  });

  it('createOrderV2: amounts "", logisticsMiss "", unknown extra fields, interceptOrderReasons null', async () => {
    emulator = await startTestEmulator({ oddShapes: true });
    const token = await login(emulator);
    const answer = await cj(emulator, "/shopping/order/createOrderV2", {
      token,
      body: orderBody({ orderNumber: "odd-create", payType: 1 }),
    });
    const data = answer.json.data as Data;
    expect(answer.json.code).toBe(200);
    for (const key of CREATE_AMOUNTS) expect(data[key], key).toBe("");
    expect(data).toMatchObject({
      logisticsMiss: "",
      interceptOrderReasons: null,
      orderStatus: "UNPAID",
      orderId: expect.any(String),
      cjPayUrl: expect.stringMatching(/^https:\/\//),
      orderSource: "API",
      extInfo: null,
      warehouseTips: "",
    });
    // An intercepted order still names its reasons.
    const held = await cj(emulator, "/shopping/order/createOrderV3", {
      token,
      body: orderBody({ orderNumber: "odd-held", shippingCountryCode: "MX", shippingCountry: "Mexico" }),
    });
    expect((held.json.data as Data).interceptOrderReasons).toEqual([
      { code: 1002, message: "Tax ID (dutyNo) is required for MX" },
    ]);
    // The state keeps its tidy amounts.
    expect(emulator.order("odd-create")?.orderAmount).toMatch(/^\d+\.\d{2}$/);
  });

  it("getOrderDetail and order/list: booleans, string amounts, POD as a JSON string, trackNumber null, extra fields", async () => {
    emulator = await startTestEmulator({ oddShapes: true });
    const token = await login(emulator);
    await cj(emulator, "/shopping/order/createOrderV2", {
      token,
      body: orderBody({
        orderNumber: "77001234",
        payType: 2,
        isSandbox: 0,
        products: [
          { vid: TEE_VID, quantity: 2, storeLineItemId: "16045188153625", podProperties: POD },
          { vid: TEE_VID, quantity: 1, storeLineItemId: "gid-line-2" },
        ],
      }),
    });
    await cj(emulator, "/shopping/order/createOrderV2", {
      token,
      body: orderBody({ orderNumber: "odd-created", payType: 3, isSandbox: 1 }),
    });
    const shipped = emulator.shipOrder("77001234");
    expect(shipped.tracking?.trackNumber).toEqual(expect.any(String));

    const detail = (await cj(emulator, "/shopping/order/getOrderDetail", { token, query: { orderId: "77001234" } }))
      .json.data as Data;
    expect(detail).toMatchObject({
      orderNum: 77001234,
      shippingPhone: 2125550100,
      isSandbox: false,
      orderStatus: "SHIPPED",
      orderAmount: emulator.order("77001234")?.orderAmount,
      productAmount: emulator.order("77001234")?.productAmount,
      postageAmount: emulator.order("77001234")?.postageAmount,
      trackNumber: null,
    });
    expect(typeof detail.orderAmount).toBe("string");
    const [pod, plain] = detail.productList as Data[];
    expect(typeof pod?.podPropertiesInfo).toBe("string");
    expect(JSON.parse(String(pod?.podPropertiesInfo))).toMatchObject({
      podVersion: 3,
      effectImgList: ["https://example.com/mock.png"],
      productionImgList: ["https://example.com/print.png"],
    });
    expect(plain?.podPropertiesInfo).toBe("{}");
    expect(pod).toMatchObject({
      vid: TEE_VID,
      sellPrice: "4.57",
      storeLineItemId: 16045188153625,
      cjProductId: null,
      skuImage: "",
      giftFlag: 0,
      extendInfo: "{}",
    });
    expect(plain?.storeLineItemId).toBe("gid-line-2");

    const created = (await cj(emulator, "/shopping/order/getOrderDetail", { token, query: { orderId: "odd-created" } }))
      .json.data as Data;
    expect(created).toMatchObject({ isSandbox: true, postageAmount: "", orderNum: "odd-created" });

    const list = await cj(emulator, "/shopping/order/list", { token, query: { status: "SHIPPED" } });
    const [item] = (list.json.data as { list: Data[] }).list;
    expect(item).toMatchObject({
      orderNum: 77001234,
      isSandbox: false,
      trackNumber: null,
      orderAmount: expect.any(String),
    });
    expect(item?.productList).toEqual([
      expect.objectContaining({ podPropertiesInfo: expect.any(String), extendInfo: "{}" }),
      expect.objectContaining({ podPropertiesInfo: "{}" }),
    ]);
  });

  it('webhooks: numeric messageId, LOGISTIC trackingStatus null and "" events until the carrier reports', async () => {
    emulator = await startTestEmulator({ oddShapes: true });
    receiver = await new PushReceiver().start();
    const token = await login(emulator);
    await registerWebhooks(emulator, token, receiver.url);
    await cj(emulator, "/shopping/order/createOrderV2", {
      token,
      body: orderBody({ orderNumber: "odd-hook", payType: 2 }),
    });
    emulator.shipOrder("odd-hook");
    emulator.advanceTracking("odd-hook", { trackingStatus: 6 });
    await emulator.flushPushes();

    expect(receiver.received.length).toBeGreaterThan(0);
    for (const push of receiver.received) {
      expect(typeof push.json.messageId).toBe("number");
      expect(Number.isSafeInteger(push.json.messageId)).toBe(true);
    }
    const [first, second] = receiver.of("LOGISTIC");
    expect(first?.json.params).toMatchObject({ trackingStatus: null, logisticsTrackEvents: "" });
    expect(second?.json.params.trackingStatus).toBeNull();
    expect(JSON.parse(String(second?.json.params.logisticsTrackEvents))).toEqual([
      expect.objectContaining({ status: 6, statusDesc: "Arrived in destination country" }),
    ]);
    expect(emulator.pushes({ type: "LOGISTIC" })[0]?.messageId).toMatch(/^\d+$/);
  });

  it("is off by default and switched per emulator or per account through the control route", async () => {
    emulator = await startTestEmulator({
      accounts: [
        { id: ACCOUNT, apiKey: API_KEY, openId: OPEN_ID, qpsLimit: 50, balance: "100.00" },
        { id: "odd", apiKey: "odd-key", qpsLimit: 50, balance: "100.00", oddShapes: true },
      ],
    });
    const token = await login(emulator);
    const oddToken = await login(emulator, "odd-key");
    const detail = async (t: string, orderNumber: string) =>
      (await cj(emulator, "/shopping/order/getOrderDetail", { token: t, query: { orderId: orderNumber } })).json
        .data as Data;
    await cj(emulator, "/shopping/order/createOrderV2", { token, body: orderBody({ orderNumber: "tidy" }) });
    await cj(emulator, "/shopping/order/createOrderV2", { token: oddToken, body: orderBody({ orderNumber: "odd" }) });
    expect(await detail(token, "tidy")).toMatchObject({ isSandbox: 0, orderAmount: expect.any(Number) });
    expect(await detail(oddToken, "odd")).toMatchObject({ isSandbox: false, orderAmount: expect.any(String) });

    const on = await control(emulator, "/odd-shapes", { body: { enabled: true } });
    expect(on.json).toEqual({ oddShapes: true });
    expect((await detail(token, "tidy")).isSandbox).toBe(false);
    // The account's own setting wins; null follows the emulator again.
    await control(emulator, "/odd-shapes", { body: { enabled: false, accountId: ACCOUNT } });
    expect((await detail(token, "tidy")).isSandbox).toBe(0);
    await control(emulator, "/odd-shapes", { body: { enabled: null, accountId: ACCOUNT } });
    expect((await detail(token, "tidy")).isSandbox).toBe(false);
    await control(emulator, "/odd-shapes", { body: { enabled: false } });
    expect((await detail(token, "tidy")).isSandbox).toBe(0);
    expect((await detail(oddToken, "odd")).isSandbox).toBe(false);
    expect((await control(emulator, "/odd-shapes", { body: { enabled: "yes" } })).status).toBe(400);
  });
});

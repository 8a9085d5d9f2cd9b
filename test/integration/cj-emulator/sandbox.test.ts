import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CjEmulator } from "../../emulators/cj/index.js";
import { cj, login, orderBody, PushReceiver, registerWebhooks, startTestEmulator } from "./harness.js";

type Data = Record<string, unknown>;

/** Seed 002 §1.11/§1.12: a sandbox test order driven to shipped, as the onboarding's test order does it. */
describe("CJ emulator: driving a sandbox order", () => {
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

  const create = async (orderNumber: string, extra: Data = {}) => {
    const answer = await cj(emulator, "/shopping/order/createOrderV2", {
      token,
      body: orderBody({ orderNumber, payType: 3, ...extra }),
    });
    expect(answer.json.code).toBe(200);
    return String((answer.json.data as Data).orderId);
  };
  const detail = async (orderId: string) =>
    (await cj(emulator, "/shopping/order/getOrderDetail", { token, query: { orderId } })).json.data as Data;
  const updateStatus = (orderId: string, targetStatus: number) =>
    cj(emulator, "/shopping/sandbox/updateStatus", { token, body: { orderId, targetStatus } });
  const balance = async () =>
    ((await cj(emulator, "/shopping/pay/getBalance", { token })).json.data as { amount: number }).amount;

  it("simulatePay then 500 → 600 → 700: a tracking number in getOrderDetail and pushes like a real shipment", async () => {
    const orderId = await create("sandbox-1", { isSandbox: 1, orderFlow: 2 });
    expect(await detail(orderId)).toMatchObject({ orderStatus: "CREATED", isSandbox: 1, trackNumber: null });

    const paid = await cj(emulator, "/shopping/sandbox/simulatePay", { token, body: { orderId } });
    expect(paid.json).toMatchObject({ code: 200, result: true, data: true });
    expect(await detail(orderId)).toMatchObject({ orderStatus: "UNSHIPPED", paymentDate: expect.any(String) });
    expect(await balance()).toBe(100);

    expect((await updateStatus(orderId, 500)).json).toMatchObject({ code: 200, data: true });
    const shipped = await detail(orderId);
    expect(shipped).toMatchObject({
      orderStatus: "SHIPPED",
      trackNumber: expect.stringMatching(/^[A-Z]+\d+YQ$/),
      trackingUrl: expect.stringContaining("trackingNumber="),
      outWarehouseTime: expect.any(String),
    });
    await emulator.flushPushes();
    const orderUpdates = receiver.of("ORDER", "UPDATE").map((p) => p.json.params);
    expect(orderUpdates.map((p) => p.orderStatus)).toEqual(["UNSHIPPED", "SHIPPED"]);
    expect(orderUpdates[1]).toMatchObject({ cjOrderId: orderId, trackNumber: shipped.trackNumber });
    const [logistic] = receiver.of("LOGISTIC");
    expect(logistic?.json.params).toMatchObject({
      orderId,
      trackingNumber: shipped.trackNumber,
      trackingStatus: 1,
      storeOrderNumbers: ["sandbox-1"],
    });

    expect((await updateStatus(orderId, 600)).json.code).toBe(200);
    expect(await detail(orderId)).toMatchObject({ orderStatus: "DELIVERED" });
    expect((await updateStatus(orderId, 700)).json.code).toBe(200);
    expect(await detail(orderId)).toMatchObject({ orderStatus: "OTHER" });
    await emulator.flushPushes();
    expect(receiver.of("LOGISTIC").map((p) => p.json.params.trackingStatus)).toEqual([1, 12]);
    expect(receiver.of("ORDER", "UPDATE").map((p) => p.json.params.orderStatus)).toEqual([
      "UNSHIPPED",
      "SHIPPED",
      "DELIVERED",
      "OTHER",
    ]);
    // Nothing after 700, and no going back.
    expect((await updateStatus(orderId, 800)).json.code).toBe(1600100);
    expect((await updateStatus(orderId, 600)).json.code).toBe(1600100);
    expect(await balance()).toBe(100);
  });

  it("updateStatus 400 pays a created sandbox order (300 → 400) without touching the balance; no skipping", async () => {
    const orderId = await create("sandbox-2", { isSandbox: 1 });
    expect((await updateStatus(orderId, 500)).json.code).toBe(1600100);
    expect((await updateStatus(orderId, 400)).json).toMatchObject({ code: 200, data: true });
    expect(await detail(orderId)).toMatchObject({ orderStatus: "UNSHIPPED" });
    expect((await updateStatus(orderId, 400)).json.code).toBe(1600100);
    expect(await balance()).toBe(100);
    expect((await updateStatus(orderId, 500)).json.code).toBe(200);
    expect(await detail(orderId)).toMatchObject({ orderStatus: "SHIPPED", trackNumber: expect.any(String) });
  });

  it("refuses a normal order (1600100) and an unknown one (1600300), changing nothing", async () => {
    const orderId = await create("live-1");
    const pay = await cj(emulator, "/shopping/sandbox/simulatePay", { token, body: { orderId } });
    expect(pay.json).toMatchObject({ code: 1600100, result: false });
    expect((await updateStatus(orderId, 400)).json.code).toBe(1600100);
    expect(await detail(orderId)).toMatchObject({ orderStatus: "CREATED", isSandbox: 0 });
    const unknown = await cj(emulator, "/shopping/sandbox/simulatePay", { token, body: { orderId: "999" } });
    expect(unknown.json.code).toBe(1600300);
    expect((await updateStatus("999", 400)).json.code).toBe(1600300);
    expect((await cj(emulator, "/shopping/sandbox/simulatePay", { token, body: {} })).json.code).toBe(1600100);
    expect((await cj(emulator, "/shopping/sandbox/updateStatus", { token, body: { orderId } })).json.code).toBe(
      1600100,
    );
  });
});

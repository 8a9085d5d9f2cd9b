/**
 * Lost answers, retries and local validation of createCjClient against the CJ emulator's fault injection
 * (cj-api-facts "Error codes", "Orders": never blind-retry createOrderV2).
 */
import { describe, expect, it } from "vitest";
import { CJ_CODE, CjApiError, CjRequestValidationError, nextUtcMidnight } from "../../../app/cj";
import type { CjEmulator } from "../../emulators/cj/index.js";
import { ACCOUNT, clientFor, emulatorPerFile, orderRequest, ordersNumbered, requestsTo } from "./harness.js";

const CREATE = "/shopping/order/createOrderV2";
const DETAIL = "/shopping/order/getOrderDetail";
const BALANCE = "/shopping/pay/getBalance";

let emulator: CjEmulator;

emulatorPerFile((started) => {
  emulator = started;
});

const codes = (path: string) => requestsTo(emulator, path, ACCOUNT.id).map((request) => request.code);

describe("a lost createOrderV2 answer", () => {
  it("is recovered by getOrderDetail(orderNumber): recovered=true and CJ holds ONE order", async () => {
    const { client } = clientFor(emulator);
    await client.auth.accessToken();
    // The emulator creates the order, then drops the connection without answering.
    emulator.addFault({ kind: "drop", path: CREATE, times: 1 });
    const request = orderRequest({ payType: 3 });

    const outcome = await client.orders.createOrderV2(request, { minTimeoutMs: 10 });

    expect(outcome.recovered).toBe(true);
    const [order] = ordersNumbered(emulator, request.orderNumber);
    expect(ordersNumbered(emulator, request.orderNumber)).toHaveLength(1);
    expect(outcome.orderId).toBe(order?.orderId);
    expect(outcome.recovered && outcome.existing.orderNum).toBe(request.orderNumber);
    expect(requestsTo(emulator, CREATE).map((r) => r.outcome)).toEqual(["dropped"]);
    expect(requestsTo(emulator, DETAIL).map((r) => [r.query.orderId, r.code])).toEqual([[[request.orderNumber], 200]]);
  });

  it("when CJ never got the request (timeout, nothing created) the lookup finds nothing and it creates once", async () => {
    const { client } = clientFor(emulator, { timeouts: { connectMs: 1_000, headersMs: 300, bodyMs: 300 } });
    await client.auth.accessToken();
    emulator.addFault({ kind: "hang", path: CREATE, times: 1, hangMs: 2_000 });
    const request = orderRequest();

    const outcome = await client.orders.createOrderV2(request, { minTimeoutMs: 10 });

    expect(outcome.recovered).toBe(false);
    expect(ordersNumbered(emulator, request.orderNumber)).toHaveLength(1);
    expect(requestsTo(emulator, CREATE).map((r) => r.outcome)).toEqual(["hung", "answered"]);
    expect(codes(DETAIL)).toEqual([1600300]);
  });

  it("a lost payBalanceV2 answer is not repeated: one payment, the error says the answer was lost", async () => {
    const { client } = clientFor(emulator);
    const { orderId } = await client.orders.createOrderV2(orderRequest());
    await client.orders.addCart({ cjOrderIdList: [orderId ?? ""] });
    const { shipmentsId } = await client.orders.addCartConfirm({ cjOrderIdList: [orderId ?? ""] });
    emulator.addFault({ kind: "drop", path: "/shopping/pay/payBalanceV2", times: 1 });

    const error = await client.payment
      .payBalanceV2({ shipmentOrderId: shipmentsId ?? "" })
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(CjApiError);
    expect((error as CjApiError).answerLost).toBe(true);
    expect(requestsTo(emulator, "/shopping/pay/payBalanceV2")).toHaveLength(1);
    expect(emulator.order(orderId ?? "")?.status).toBe("UNSHIPPED");
    expect((await client.payment.getBalance()).amount).toBe(emulator.account(ACCOUNT.id).balance);
  });
});

describe("retries", () => {
  it("an HTTP 5xx burst is retried: two 503s then success", async () => {
    const { client } = clientFor(emulator);
    const { orderId } = await client.orders.createOrderV2(orderRequest());
    emulator.addFault({ kind: "http5xx", status: 503, path: DETAIL, times: 2 });

    const detail = await client.orders.getOrderDetail({ orderId: orderId ?? "" });

    expect(detail?.orderId).toBe(orderId);
    expect(codes(DETAIL)).toEqual([503, 503, 200]);
  });

  it("a longer 5xx burst stops after 3 tries and surfaces the last answer", async () => {
    const { client } = clientFor(emulator);
    await client.auth.accessToken();
    emulator.addFault({ kind: "http5xx", status: 502, path: BALANCE, times: 10 });

    const error = await client.payment.getBalance().catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(CjApiError);
    expect(error).toMatchObject({ httpStatus: 502, kind: "retryable", endpoint: BALANCE });
    expect(codes(BALANCE)).toEqual([502, 502, 502]);
  });

  it("1600000 (system busy) is retried at most 3 tries in all", async () => {
    const { client } = clientFor(emulator);
    await client.auth.accessToken();
    emulator.addFault({ kind: "busy", path: BALANCE, times: 2 });
    expect((await client.payment.getBalance()).amount).toBe("100.00");
    expect(codes(BALANCE)).toEqual([CJ_CODE.systemBusy, CJ_CODE.systemBusy, 200]);

    emulator.addFault({ kind: "busy", path: BALANCE, times: 3 });
    const error = await client.payment.getBalance().catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: CJ_CODE.systemBusy, kind: "retryable" });
    expect(codes(BALANCE)).toEqual([1600000, 1600000, 200, 1600000, 1600000, 1600000]);
  });

  it("1600200 waits for the limit window before the retry", async () => {
    const { client } = clientFor(emulator);
    await client.auth.accessToken();
    emulator.addFault({ kind: "rateLimit", path: BALANCE, times: 1 });

    expect((await client.payment.getBalance()).amount).toBe("100.00");

    const [refused, retried] = requestsTo(emulator, BALANCE);
    expect([refused?.code, retried?.code]).toEqual([CJ_CODE.callLimitExceeded, 200]);
    // Arrival times at the emulator: the retry came after the 1-second window (not a timing benchmark).
    expect((retried?.t ?? 0) - (refused?.t ?? 0)).toBeGreaterThanOrEqual(990);
  });

  it("a createOrderV2 refused with 1600200 waits for the window too, and creates once", async () => {
    const { client } = clientFor(emulator);
    await client.auth.accessToken();
    emulator.addFault({ kind: "rateLimit", path: CREATE, times: 1 });
    const request = orderRequest();

    const outcome = await client.orders.createOrderV2(request, { minTimeoutMs: 10 });

    expect(outcome.recovered).toBe(false);
    expect(ordersNumbered(emulator, request.orderNumber)).toHaveLength(1);
    const [refused, created] = requestsTo(emulator, CREATE);
    expect([refused?.code, created?.code]).toEqual([CJ_CODE.callLimitExceeded, 200]);
    expect((created?.t ?? 0) - (refused?.t ?? 0)).toBeGreaterThanOrEqual(990);
  });

  it("1600201 (quota used up) is not retried and carries retryAt = next 00:00 UTC", async () => {
    const { client } = clientFor(emulator);
    await client.auth.accessToken();
    emulator.addFault({ kind: "cjError", code: CJ_CODE.quotaUsedUp, message: "quota used up", path: BALANCE });

    const before = new Date();
    const error = await client.payment.getBalance().catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(CjApiError);
    expect(error).toMatchObject({ code: CJ_CODE.quotaUsedUp, kind: "quota_exhausted" });
    expect((error as CjApiError).retryAt?.toISOString()).toBe(nextUtcMidnight(before).toISOString());
    expect(codes(BALANCE)).toEqual([CJ_CODE.quotaUsedUp]);
  });
});

describe("local validation against the seed tables", () => {
  it("a 51-character shippingCustomerName is refused before anything is sent", async () => {
    const { client } = clientFor(emulator);
    const request = orderRequest({ shippingCustomerName: "N".repeat(51) });

    const error = await client.orders.createOrderV2(request).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(CjRequestValidationError);
    expect((error as CjRequestValidationError).issues).toEqual([
      { path: "shippingCustomerName", rule: "at most 50 characters" },
    ]);
    expect((error as Error).message).toContain("shippingCustomerName");
    // Not even a token request: validation runs before the transport.
    expect(emulator.requests()).toEqual([]);
  });

  it("also with a token in hand: a 21st line and a missing vid/sku are refused, CJ receives no create", async () => {
    const { client } = clientFor(emulator);
    await client.auth.accessToken();
    const tooMany = orderRequest({
      products: Array.from({ length: 21 }, (_, index) => ({ vid: `v${index}`, quantity: 1 })),
    });
    const noVariant = orderRequest({ products: [{ quantity: 1 }] });

    await expect(client.orders.createOrderV2(tooMany)).rejects.toMatchObject({
      name: "CjRequestValidationError",
      issues: [{ path: "products", rule: "at most 20 items" }],
    });
    await expect(client.orders.createOrderV2(noVariant)).rejects.toMatchObject({
      issues: [{ path: "products.0.vid", rule: "vid or sku required" }],
    });
    expect(requestsTo(emulator, CREATE)).toEqual([]);
  });
});

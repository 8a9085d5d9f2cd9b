/**
 * Issue 15: the happy path is one CJ call per order. With the connection, the CJ variant's price and the freight quote
 * cached, a paid Shopify order costs CJ exactly one createOrderV2: `payType: 2` (paid from the balance in that call)
 * when the caps can be checked against the amount known up front, `payType: 1` (CJ's payment page in the answer) when
 * the shop pays by link. The caps still hold: an estimate over a cap, with the margin, is created without payment and
 * the payment job checks CJ's own amount; a balance too low and a lost create answer are recovered with one CJ
 * order. Assertions on the requests the CJ emulator received, its orders and balance, and the database.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cjOrderNumberFor } from "../../../app/fulfillment/mapping";
import { embeddedUrl } from "../../../app/runtime/session-token";
import type { OrderLineInput } from "../../emulators/shopify/build-order";
import { toOrderWebhookPayload } from "../../emulators/shopify/index";
import type { Order as ShopifyOrder } from "../../emulators/shopify/model";
import { BROWSER_UA, testApiKey, testAppSecret } from "../../support/app-process";
import { addConnectedVariants } from "../../support/connected-variants";
import { eventually, STACK_SHOP, type Stack, startStack } from "../../support/stack";
import { orderRowWhen, pointCjPushesAtApp, sendPaidOrder } from "../tracking/helpers";

const BALANCE_SETTINGS = {
  logisticsRule: "CHEAPEST",
  paymentMode: "BALANCE",
  autoPayPerOrderCap: "100",
  autoPayPerDayCap: "1000",
  sandbox: false,
};

function helpers(get: () => Stack) {
  const stateOf = (order: ShopifyOrder, states: string[]) => orderRowWhen(get(), order, states);
  /** Sends a paid order and returns its row once it reaches one of `states`, with the CJ calls made meanwhile. */
  const place = async (lines: OrderLineInput[], states: string[]) => {
    const s = get();
    const before = s.cj.requests().length;
    const order = await sendPaidOrder(s, { lines });
    const row = await stateOf(order, states);
    // Jobs that follow the state (none are expected) get a moment to show up in the count.
    await new Promise((r) => setTimeout(r, 300));
    const calls = s.cj
      .requests()
      .slice(before)
      .filter((r) => r.path !== "/authentication/getAccessToken");
    return { order, row, calls };
  };
  const createsOf = (order: ShopifyOrder) =>
    get()
      .cj.requests({ path: "/shopping/order/createOrderV2" })
      .filter((r) => (r.body as { orderNumber?: string }).orderNumber === cjOrderNumberFor(STACK_SHOP, order.id));
  const payTypeOf = (request: { body: unknown } | undefined) =>
    (request?.body as { payType?: number } | undefined)?.payType;
  return { stateOf, place, createsOf, payTypeOf };
}

describe("one CJ call per order, paid from the balance (payType 2)", () => {
  let s: Stack;
  const { place, createsOf, stateOf, payTypeOf } = helpers(() => s);
  beforeAll(async () => {
    s = await startStack({ balance: "500.00", settings: BALANCE_SETTINGS });
  }, 120_000);
  afterAll(async () => {
    await s?.stop();
  });

  it("a cold order learns the connection, the CJ price and the quote; the next one costs only createOrderV2", async () => {
    const cold = await place([{ sku: "TSHIRT-WHITE-M" }], ["PAID"]);
    const coldPaths = cold.calls.map((c) => c.path);
    expect(coldPaths).toContain("/shopping/order/createOrderV2");
    expect(coldPaths).toContain("/logistic/freightCalculate");
    expect(coldPaths).not.toContain("/shopping/order/addCart");
    expect(coldPaths).not.toContain("/shopping/pay/payBalanceV2");

    const balanceBefore = s.cj.state.accounts.get("acct-1")?.balance;
    const warm = await place([{ sku: "TSHIRT-WHITE-M" }], ["PAID"]);
    expect(warm.calls.map((c) => `${c.method} ${c.path}`)).toEqual(["POST /shopping/order/createOrderV2"]);
    expect(payTypeOf(warm.calls[0])).toBe(2);
    // Paid by CJ in that call: the amount CJ charged is recorded, and the balance went down by it.
    const atCj = s.cj.order(warm.row.cjOrderId as string);
    expect(atCj?.status).toBe("UNSHIPPED");
    expect(warm.row.paidAmount).toBe(atCj?.orderAmount);
    expect(warm.row.paidAt).not.toBeNull();
    expect(Number(balanceBefore) - Number(s.cj.state.accounts.get("acct-1")?.balance)).toBeCloseTo(
      Number(atCj?.orderAmount),
      2,
    );
    const paid = await s.t.db.orderEvent.findFirst({ where: { orderId: warm.row.id, type: "paid" } });
    expect(paid?.message).toMatch(
      /from the CJ balance with the order \(payType 2: about [\d.]+ USD, within the auto-pay caps/,
    );
  });

  it("a five-line order: cold it learns its three new variants and one quote; warm it is one call too", async () => {
    const extra = addConnectedVariants(s, "ONE-CALL", ["MUG", "CAP", "BAG"]);
    const lines = [{ sku: "TSHIRT-WHITE-M" }, { sku: "TSHIRT-WHITE-L" }, ...extra];
    const cold = await place(lines, ["PAID"]);
    const coldPaths = cold.calls.map((c) => c.path);
    // One quote for the whole order; each new variant's connection and price once.
    expect(coldPaths.filter((p) => p === "/logistic/freightCalculate")).toHaveLength(1);
    expect(coldPaths.filter((p) => p === "/shopping/order/createOrderV2")).toHaveLength(1);
    expect(payTypeOf(cold.calls.find((c) => c.path === "/shopping/order/createOrderV2"))).toBe(2);
    const warm = await place(lines, ["PAID"]);
    expect(warm.calls.map((c) => c.path)).toEqual(["/shopping/order/createOrderV2"]);
    expect((warm.calls[0]?.body as { products?: unknown[] } | undefined)?.products).toHaveLength(5);
    expect(warm.row.paidAmount).toBe(s.cj.order(warm.row.cjOrderId as string)?.orderAmount);
  });

  it("the per-order cap holds: an estimate over it (with the margin) is created only, and CJ's amount decides", async () => {
    await s.t.db.shopSettings.update({ where: { shopId: s.shopId }, data: { autoPayPerOrderCap: "15" } });
    try {
      // Three T-shirts and postage are about 20 USD at CJ: over the cap of 15, up front and at CJ.
      const capped = await place([{ sku: "TSHIRT-WHITE-M", quantity: 3 }], ["AWAITING_PAYMENT"]);
      expect(payTypeOf(createsOf(capped.order)[0])).toBe(3);
      expect(capped.calls.map((c) => c.path)).not.toContain("/shopping/pay/payBalanceV2");
      expect(s.cj.order(capped.row.cjOrderId as string)?.status).toBe("UNPAID");
      expect(capped.row.cjPayUrl).toContain("pid=");
      const wait = await s.t.db.orderEvent.findFirst({ where: { orderId: capped.row.id, type: "awaiting_payment" } });
      expect(wait?.message).toMatch(/over the per-order auto-pay cap of 15/);

      // Under the cap, but not with the 10 % margin: created only, then paid by the payment job against CJ's own
      // amount (which is under the cap).
      await s.t.db.shopSettings.update({ where: { shopId: s.shopId }, data: { autoPayPerOrderCap: "21" } });
      const close = await place([{ sku: "TSHIRT-WHITE-M", quantity: 3 }], ["PAID"]);
      expect(payTypeOf(createsOf(close.order)[0])).toBe(3);
      expect(Number(close.row.paidAmount)).toBeLessThanOrEqual(21);
      expect(Number(close.row.paidAmount) * 1.1).toBeGreaterThan(21);
      expect(close.calls.map((c) => c.path)).toEqual(
        expect.arrayContaining(["/shopping/order/addCart", "/shopping/pay/payBalanceV2"]),
      );
    } finally {
      await s.t.db.shopSettings.update({ where: { shopId: s.shopId }, data: { autoPayPerOrderCap: "100" } });
    }
  });

  it("the daily cap holds: with today's payments near it, the order is created only and waits", async () => {
    const paidToday = await s.t.db.order.findMany({ where: { shopId: s.shopId, paidAt: { not: null } } });
    const spent = paidToday.reduce((sum, o) => sum + Number(o.paidAmount ?? 0), 0);
    await s.t.db.shopSettings.update({
      where: { shopId: s.shopId },
      data: { autoPayPerDayCap: (spent + 5).toFixed(2) },
    });
    try {
      const capped = await place([{ sku: "TSHIRT-WHITE-M" }], ["AWAITING_PAYMENT"]);
      expect(payTypeOf(createsOf(capped.order)[0])).toBe(3);
      expect(capped.calls.map((c) => c.path)).not.toContain("/shopping/pay/payBalanceV2");
      expect(capped.row.paidAt).toBeNull();
      const wait = await s.t.db.orderEvent.findFirst({ where: { orderId: capped.row.id, type: "awaiting_payment" } });
      expect(wait?.message).toMatch(/today's auto-pay cap/);
    } finally {
      await s.t.db.shopSettings.update({ where: { shopId: s.shopId }, data: { autoPayPerDayCap: "1000" } });
    }
  });

  it("a balance too low for payType 2: the one CJ order is recorded and waits, with the reason", async () => {
    s.cj.setBalance("acct-1", "1.00");
    try {
      const short = await place([{ sku: "TSHIRT-WHITE-M" }], ["AWAITING_PAYMENT"]);
      expect(createsOf(short.order)).toHaveLength(1);
      expect(payTypeOf(createsOf(short.order)[0])).toBe(2);
      const orders = s.cj.state
        .ordersOf("acct-1")
        .filter((o) => o.orderNumber === cjOrderNumberFor(STACK_SHOP, short.order.id));
      expect(orders).toHaveLength(1);
      expect(orders[0]?.status).toBe("UNPAID");
      expect(short.row.cjOrderId).toBe(orders[0]?.orderId);
      expect(short.row.errorReason).toMatch(/CJ balance is too low/);
      expect(await s.t.db.orderEvent.count({ where: { orderId: short.row.id, type: "balance_short" } })).toBe(1);
      // While the balance may still be short, orders are created only, so each gets CJ's payment page.
      const next = await place([{ sku: "TSHIRT-WHITE-M" }], ["AWAITING_PAYMENT"]);
      expect(payTypeOf(createsOf(next.order)[0])).toBe(3);
      expect(next.row.cjPayUrl).toContain("pid=");
      expect(next.row.errorReason).toMatch(/CJ balance is too low/);
    } finally {
      s.cj.setBalance("acct-1", "500.00");
    }
    // Topped up: the next payment goes through and clears the flag; then orders are paid in the create call again.
    const after = await place([{ sku: "TSHIRT-WHITE-M" }], ["PAID"]);
    expect(payTypeOf(createsOf(after.order)[0])).toBe(3);
    const again = await place([{ sku: "TSHIRT-WHITE-M" }], ["PAID"]);
    expect(payTypeOf(createsOf(again.order)[0])).toBe(2);
  });

  it("CJ pays and ships the order before the app has its create answer: its pushes wait, then one fulfillment", async () => {
    pointCjPushesAtApp(s);
    // CJ creates, pays (payType 2) and answers 2.5 s later; meanwhile the warehouse ships and CJ pushes it.
    const slow = s.cj.addFault({ kind: "slow", path: "/shopping/order/createOrderV2", times: 1, hangMs: 2500 });
    try {
      const order = await sendPaidOrder(s, { lines: [{ sku: "TSHIRT-WHITE-M" }] });
      const atCj = await eventually(async () => s.cj.order(cjOrderNumberFor(STACK_SHOP, order.id)));
      expect(atCj.status).toBe("UNSHIPPED");
      s.cj.shipOrder(atCj.orderId);
      const row = await stateOf(order, ["FULFILLED"]);
      expect(row.cjOrderId).toBe(atCj.orderId);
      expect(s.shopify.state.orders.get(order.id)?.order.fulfillments).toHaveLength(1);
      expect(createsOf(order)).toHaveLength(1);
    } finally {
      s.cj.removeFault(slow.id);
    }
  });

  it("a create answer lost after CJ created and paid the order: found by its number, never created twice", async () => {
    const fault = s.cj.addFault({ kind: "holdAfter", path: "/shopping/order/createOrderV2", times: 1, hangMs: 500 });
    try {
      const balanceBefore = Number(s.cj.state.accounts.get("acct-1")?.balance);
      const paymentsBefore = s.cj.requests({ path: "/shopping/pay/payBalanceV2" }).length;
      const order = await sendPaidOrder(s, { lines: [{ sku: "TSHIRT-WHITE-L" }] });
      const row = await stateOf(order, ["PAID"]);
      const orders = s.cj.state
        .ordersOf("acct-1")
        .filter((o) => o.orderNumber === cjOrderNumberFor(STACK_SHOP, order.id));
      expect(orders).toHaveLength(1);
      expect(row.cjOrderId).toBe(orders[0]?.orderId);
      // Charged once, by CJ in the lost call; the app recorded it from CJ's own status.
      expect(balanceBefore - Number(s.cj.state.accounts.get("acct-1")?.balance)).toBeCloseTo(
        Number(orders[0]?.orderAmount),
        2,
      );
      expect(s.cj.requests({ path: "/shopping/pay/payBalanceV2" }).slice(paymentsBefore)).toHaveLength(0);
      // Recorded paid once, from CJ's word: the payment job's look at CJ's status, or CJ's ORDER push when it comes
      // first (a busy machine), whichever is first; never from a payment of ours.
      const paid = await s.t.db.orderEvent.findMany({ where: { orderId: row.id, type: "paid" } });
      expect(paid).toHaveLength(1);
      expect(paid[0]?.message).toMatch(/already paid|reports CJ order \S+ as paid and waiting to ship/);
    } finally {
      s.cj.removeFault(fault.id);
    }
  });
});

describe("one CJ call per order, paid by link (payType 1)", () => {
  let s: Stack;
  const { place, payTypeOf } = helpers(() => s);
  beforeAll(async () => {
    s = await startStack({ settings: { ...BALANCE_SETTINGS, paymentMode: "LINK" } });
  }, 120_000);
  afterAll(async () => {
    await s?.stop();
  });

  it("the warm order is one createOrderV2, and waits on the payment page CJ returned with it", async () => {
    await place([{ sku: "TSHIRT-WHITE-M" }], ["AWAITING_PAYMENT"]);
    const warm = await place([{ sku: "TSHIRT-WHITE-M" }], ["AWAITING_PAYMENT"]);
    expect(warm.calls.map((c) => `${c.method} ${c.path}`)).toEqual(["POST /shopping/order/createOrderV2"]);
    expect(payTypeOf(warm.calls[0])).toBe(1);
    const atCj = s.cj.order(warm.row.cjOrderId as string);
    expect(atCj?.status).toBe("UNPAID");
    expect(warm.row.cjPayUrl).toMatch(/^https:\/\/www\.cjdropshipping\.com\/mine\/payment\?pid=.+/);
    expect(warm.row.cjPayId).toBe(new URL(warm.row.cjPayUrl as string).searchParams.get("pid"));
    expect(warm.row.paidAt).toBeNull();
    const wait = await s.t.db.orderEvent.findFirst({ where: { orderId: warm.row.id, type: "awaiting_payment" } });
    expect(wait?.message).toMatch(/on CJ's payment page \(the shop pays CJ orders through the payment link\)/);
  });

  it("a lost payType 1 answer: found by its number, never created twice, and the merchant told where to pay", async () => {
    const fault = s.cj.addFault({ kind: "holdAfter", path: "/shopping/order/createOrderV2", times: 1, hangMs: 500 });
    try {
      const { row, order } = await place([{ sku: "TSHIRT-WHITE-L" }], ["AWAITING_PAYMENT"]);
      const orders = s.cj.state
        .ordersOf("acct-1")
        .filter((o) => o.orderNumber === cjOrderNumberFor(STACK_SHOP, order.id));
      expect(orders).toHaveLength(1);
      expect(row.cjOrderId).toBe(orders[0]?.orderId);
      // The page came only in the lost answer (CJ's order detail has no parent order): the order says where to pay.
      expect(row.cjPayUrl).toBeNull();
      expect(row.errorReason).toMatch(/in your CJ account \(Orders, awaiting payment: CJ order \d+/);
    } finally {
      s.cj.removeFault(fault.id);
    }
  });

  it("the merchant pays a link order from the balance, also when CJ's answer had no parent order id", async () => {
    const { row } = await place([{ sku: "TSHIRT-WHITE-M" }], ["AWAITING_PAYMENT"]);
    // As if CJ's create answer had carried the payment page but an empty shipmentOrderId.
    await s.t.db.order.update({ where: { id: row.id }, data: { cjShipmentOrderId: null } });
    const before = s.cj.requests({ path: "/shopping/pay/payBalance" }).length;
    const url = await embeddedUrl(s.app.url, `/app/orders/${row.id}.data`, {
      shop: STACK_SHOP,
      apiKey: testApiKey,
      apiSecret: testAppSecret,
    });
    const res = await fetch(url, {
      method: "POST",
      body: new URLSearchParams({ intent: "pay" }),
      headers: { "User-Agent": BROWSER_UA },
    });
    expect(res.status).toBe(200);
    await res.text();
    const paid = await eventually(async () => {
      const o = await s.t.db.order.findUnique({ where: { id: row.id } });
      return o?.state === "PAID" ? o : undefined;
    }, 30_000).catch(async (e) => {
      throw new Error(`${(e as Error).message}\n${await s.describeOrder(row.shopifyOrderGid)}`);
    });
    expect(s.cj.requests({ path: "/shopping/pay/payBalance" }).slice(before)).toEqual([
      expect.objectContaining({ code: 200, body: { orderId: row.cjOrderId } }),
    ]);
    expect(s.cj.order(row.cjOrderId as string)?.status).toBe("UNSHIPPED");
    expect(paid.paidAmount).toBe(s.cj.order(row.cjOrderId as string)?.orderAmount);
  });

  it("cancelled in Shopify while unpaid at CJ: cancelled here, left unpaid at CJ, its payment page withdrawn", async () => {
    const { row, order } = await place([{ sku: "TSHIRT-WHITE-L" }], ["AWAITING_PAYMENT"]);
    const deletes = s.cj.requests({ path: "/shopping/order/deleteOrder" }).length;
    expect(
      await s.webhook("orders/cancelled", order, {
        payload: {
          ...toOrderWebhookPayload(order, STACK_SHOP),
          cancelled_at: new Date().toISOString(),
          updated_at: new Date(Date.now() + 3000).toISOString(),
        },
      }),
    ).toBe(200);
    const cancelled = await eventually(async () => {
      const o = await s.t.db.order.findUnique({ where: { id: row.id } });
      return o?.state === "CANCELLED" ? o : undefined;
    }, 30_000).catch(async (e) => {
      throw new Error(`${(e as Error).message}\n${await s.describeOrder(order.id)}`);
    });
    expect(cancelled.cjPayUrl).toBeNull();
    expect(s.cj.requests({ path: "/shopping/order/deleteOrder" }).length).toBe(deletes);
    expect(s.cj.order(row.cjOrderId as string)?.status).toBe("UNPAID");
    const event = await s.t.db.orderEvent.findFirst({ where: { orderId: row.id, type: "cancelled" } });
    expect(event?.message).toMatch(/unpaid, so CJ will not ship it.*Do not pay it on CJ/);
  });
});

/**
 * After forwarding: paying CJ (balance under caps, or the payment link), holds the merchant decides on, Shopify
 * cancellations, and the reconciliation sweep that finds orders whose webhook never came.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { forwardNow } from "../../../app/fulfillment/actions.server";
import { cjOrderNumberFor } from "../../../app/fulfillment/mapping";
import { payCjOrder } from "../../../app/fulfillment/payment.server";
import { createEmbeddedQueue } from "../../../app/jobs/embedded-queue";
import { enqueueForOrder, type JobQueue } from "../../../app/jobs/queue";
import { registerJobHandlers } from "../../../app/jobs/registry.server";
import type { Order as ShopifyOrder } from "../../emulators/shopify/model";
import { eventually, inProcessDeps, STACK_SHOP, type Stack, startStack } from "../../support/stack";

let s: Stack;
beforeAll(async () => {
  // Not sandbox: sandbox orders are paid without touching the balance (seed 002 §2.3). Create only (payType 3), then
  // the cart and the parent order: the path of every order whose payment cannot be decided up front, and the one
  // this file tests (payment in the create call: one-call.test.ts).
  s = await startStack({
    balance: "60.00",
    settings: { paymentMode: "BALANCE", autoPayPerOrderCap: "40", autoPayPerDayCap: "1000", sandbox: false },
    env: { CJ_PAY_IN_CREATE: "0" },
  });
});
afterAll(async () => {
  await s?.stop();
});

async function stateOf(order: ShopifyOrder, states: string[]) {
  return eventually(async () => {
    const row = await s.t.db.order.findFirst({ where: { shopifyOrderGid: order.id } });
    return row && states.includes(row.state) ? row : undefined;
  }).catch(async (e) => {
    throw new Error(`${(e as Error).message}\n${await s.describeOrder(order.id)}`);
  });
}
const calls = (path: string) => s.cj.requests({ path });
/** Requests CJ carried out (a 1600200 refusal, retried later, did nothing). */
const done = (path: string) => calls(path).filter((r) => r.code === 200);

describe("paying CJ", () => {
  it("pays from the balance under the caps", async () => {
    const order = s.addOrder({ financialStatus: "PAID", lines: [{ sku: "TSHIRT-WHITE-M" }] });
    await s.webhook("orders/paid", order);
    const row = await stateOf(order, ["PAID"]);
    expect(row.paidAmount).toBe(row.orderAmount);
    expect(s.cj.order(row.cjOrderId as string)?.status).toBe("UNSHIPPED");
  });

  it("sends the payment link when the CJ amount is over the per-order cap, without touching the balance", async () => {
    const before = calls("/shopping/pay/payBalanceV2").length;
    const order = s.addOrder({ financialStatus: "PAID", lines: [{ sku: "TSHIRT-WHITE-M", quantity: 12 }] });
    await s.webhook("orders/paid", order);
    const row = await stateOf(order, ["AWAITING_PAYMENT"]);
    expect(row.cjPayUrl).toMatch(/^https:\/\/www\.cjdropshipping\.com\/mine\/payment\?pid=.+/);
    expect(calls("/shopping/pay/payBalanceV2").length).toBe(before);
    const event = await s.t.db.orderEvent.findFirst({ where: { orderId: row.id, type: "awaiting_payment" } });
    expect(event?.message).toMatch(/over the per-order auto-pay cap of 40/);
  });

  it("falls back to the link and tells the merchant when the balance is too low (1604000)", async () => {
    s.cj.setBalance("acct-1", "1.00");
    try {
      const order = s.addOrder({ financialStatus: "PAID", lines: [{ sku: "TSHIRT-WHITE-L" }] });
      await s.webhook("orders/paid", order);
      const row = await stateOf(order, ["AWAITING_PAYMENT"]);
      expect(row.errorReason).toMatch(/CJ balance is too low/);
      expect(row.cjPayUrl).toContain("pid=");
      expect(s.cj.order(row.cjOrderId as string)?.status).toBe("UNPAID");
    } finally {
      s.cj.setBalance("acct-1", "60.00");
    }
  });

  it("pays an order whose cart confirmation at CJ went through but whose answer was lost, once", async () => {
    // CJ confirms the cart (the order becomes UNPAID under a new parent order), then the answer never arrives.
    s.cj.addFault({ kind: "drop", path: "/shopping/order/addCartConfirm", times: 1 });
    const order = s.addOrder({ financialStatus: "PAID", lines: [{ sku: "TSHIRT-WHITE-M" }] });
    await s.webhook("orders/paid", order);
    const row = await stateOf(order, ["PAID", "AWAITING_PAYMENT", "NEEDS_ATTENTION"]);
    expect([row.state, row.errorReason]).toEqual(["PAID", null]);
    const mine = (r: { body: unknown }) => JSON.stringify(r.body).includes(row.cjOrderId as string);
    // One confirmation (the lost one), never a second; paid by the order's own id, once.
    expect(
      calls("/shopping/order/addCartConfirm")
        .filter(mine)
        .map((r) => r.outcome),
    ).toEqual(["dropped"]);
    expect(done("/shopping/pay/payBalance").filter(mine)).toHaveLength(1);
    expect(calls("/shopping/pay/payBalanceV2").filter(mine)).toHaveLength(0);
    expect(s.cj.order(row.cjOrderId as string)?.status).toBe("UNSHIPPED");
  });

  it("never pays twice, even when two payments of the same order race", async () => {
    await s.t.db.shopSettings.update({ where: { shopId: s.shopId }, data: { paymentMode: "LINK" } });
    const order = s.addOrder({ financialStatus: "PAID", lines: [{ sku: "TSHIRT-WHITE-M" }] });
    await s.webhook("orders/paid", order);
    const row = await stateOf(order, ["AWAITING_PAYMENT"]);
    await s.t.db.shopSettings.update({ where: { shopId: s.shopId }, data: { paymentMode: "BALANCE" } });
    // The merchant's "pay with balance", twice at once, from this process (same domain code as the pages).
    const enqueued: string[] = [];
    const queue: JobQueue = { enqueue: async (name) => void enqueued.push(name) };
    const deps = inProcessDeps(s, queue);
    const before = done("/shopping/pay/payBalanceV2").length;
    const results = await Promise.all([
      payCjOrder(deps, row.id, { trigger: "merchant" }),
      payCjOrder(deps, row.id, { trigger: "merchant" }),
    ]);
    expect(results.map((r) => r.outcome).sort()).toEqual(["paid", "skipped"]);
    expect(done("/shopping/pay/payBalanceV2").length - before).toBe(1);
    const again = await payCjOrder(deps, row.id, { trigger: "merchant" });
    expect(again.outcome).toBe("skipped");
    expect(done("/shopping/pay/payBalanceV2").length - before).toBe(1);
    expect((await s.t.db.order.findUniqueOrThrow({ where: { id: row.id } })).state).toBe("PAID");
  });
});

describe("holds", () => {
  it("waits for payment under the on-payment trigger, then forwards when Shopify reports it paid", async () => {
    const order = s.addOrder({ financialStatus: "PENDING", lines: [{ sku: "TSHIRT-WHITE-M" }] });
    expect(await s.webhook("orders/create", order)).toBe(200);
    await new Promise((r) => setTimeout(r, 800));
    expect(
      calls("/shopping/order/createOrderV2").filter(
        (r) => (r.body as { orderNumber: string }).orderNumber === cjOrderNumberFor(STACK_SHOP, order.id),
      ),
    ).toHaveLength(0);
    const stored = s.shopify.state.orders.get(order.id);
    if (stored) stored.order.displayFinancialStatus = "PAID";
    const { toOrderWebhookPayload } = await import("../../emulators/shopify/index");
    await s.webhook("orders/paid", order, {
      payload: {
        ...toOrderWebhookPayload(order, STACK_SHOP),
        financial_status: "paid",
        updated_at: new Date(Date.now() + 1000).toISOString(),
      },
    });
    await stateOf(order, ["PAID", "AWAITING_PAYMENT"]);
  });

  it("holds a high-risk order with a reason, and forwards it once the merchant approves", async () => {
    const order = s.addOrder({
      financialStatus: "PAID",
      risk: { recommendation: "CANCEL", assessments: [{ riskLevel: "HIGH" } as never] },
      lines: [{ sku: "TSHIRT-WHITE-M" }],
    });
    await s.webhook("orders/paid", order);
    const held = await stateOf(order, ["HELD"]);
    expect(held.errorReason).toMatch(/high fraud risk/);
    await s.t.db.order.update({ where: { id: held.id }, data: { approvedAt: new Date() } });
    const { toOrderWebhookPayload } = await import("../../emulators/shopify/index");
    await s.webhook("orders/updated", order, {
      payload: { ...toOrderWebhookPayload(order, STACK_SHOP), updated_at: new Date(Date.now() + 2000).toISOString() },
    });
    const row = await stateOf(order, ["PAID", "AWAITING_PAYMENT"]);
    expect(row.cjOrderId).toBeTruthy();
  });
});

describe("cancellations", () => {
  it("cancels an order that never reached CJ without calling CJ", async () => {
    await s.t.db.shopSettings.update({ where: { shopId: s.shopId }, data: { orderTotalCap: "1" } });
    const order = s.addOrder({ financialStatus: "PAID", lines: [{ sku: "TSHIRT-WHITE-M" }] });
    await s.webhook("orders/paid", order);
    await stateOf(order, ["HELD"]);
    await s.t.db.shopSettings.update({ where: { shopId: s.shopId }, data: { orderTotalCap: null } });
    const deletes = calls("/shopping/order/deleteOrder").length;
    const { toOrderWebhookPayload } = await import("../../emulators/shopify/index");
    await s.webhook("orders/cancelled", order, {
      payload: {
        ...toOrderWebhookPayload(order, STACK_SHOP),
        cancelled_at: new Date().toISOString(),
        updated_at: new Date(Date.now() + 3000).toISOString(),
      },
    });
    await stateOf(order, ["CANCELLED"]);
    expect(calls("/shopping/order/deleteOrder").length).toBe(deletes);
  });

  it("deletes a CJ order that is still CREATED, even when the order needs the merchant", async () => {
    // The payment step fails (CJ refuses the cart): the order needs the merchant, and its CJ order stays CREATED.
    s.cj.addFault({ kind: "cjError", code: 1603000, path: "/shopping/order/addCart", times: 1 });
    const order = s.addOrder({ financialStatus: "PAID", lines: [{ sku: "TSHIRT-WHITE-M" }] });
    await s.webhook("orders/paid", order);
    const submitted = await stateOf(order, ["NEEDS_ATTENTION"]);
    expect(submitted.cjOrderId).toBeTruthy();
    expect(submitted.errorReason).toMatch(/CJ refused the payment step/);
    expect(await s.t.db.orderEvent.count({ where: { orderId: submitted.id, type: "payment_refused" } })).toBe(1);
    const { toOrderWebhookPayload } = await import("../../emulators/shopify/index");
    await s.webhook("orders/cancelled", order, {
      payload: {
        ...toOrderWebhookPayload(order, STACK_SHOP),
        cancelled_at: new Date().toISOString(),
        updated_at: new Date(Date.now() + 3000).toISOString(),
      },
    });
    const cancelled = await stateOf(order, ["CANCELLED"]);
    expect(calls("/shopping/order/deleteOrder").some((r) => r.query.orderId?.[0] === submitted.cjOrderId)).toBe(true);
    expect(s.cj.order(submitted.cjOrderId as string)).toBeUndefined();
    const event = await s.t.db.orderEvent.findFirstOrThrow({ where: { orderId: cancelled.id, type: "cancelled" } });
    // Not "before it reached CJ": CJ had it, and it is gone from CJ now.
    expect(event.message).toMatch(/deleted at CJ/);
  });

  it("asks the merchant to settle on CJ when the CJ order is already paid", async () => {
    const order = s.addOrder({ financialStatus: "PAID", lines: [{ sku: "TSHIRT-WHITE-M" }] });
    await s.webhook("orders/paid", order);
    await stateOf(order, ["PAID"]);
    const { toOrderWebhookPayload } = await import("../../emulators/shopify/index");
    await s.webhook("orders/cancelled", order, {
      payload: {
        ...toOrderWebhookPayload(order, STACK_SHOP),
        cancelled_at: new Date().toISOString(),
        updated_at: new Date(Date.now() + 3000).toISOString(),
      },
    });
    const row = await stateOf(order, ["NEEDS_ATTENTION"]);
    expect(row.errorReason).toMatch(/already UNSHIPPED: CJ cannot delete it/);
  });
});

describe("the merchant's decision", () => {
  it("a Forward now that meets an automatic job already queued for the order still forwards it", async () => {
    await s.t.db.shopSettings.update({ where: { shopId: s.shopId }, data: { orderTotalCap: "1" } });
    try {
      const order = s.addOrder({ financialStatus: "PAID", lines: [{ sku: "TSHIRT-WHITE-M" }] });
      await s.webhook("orders/paid", order);
      const held = await stateOf(order, ["HELD"]);
      // The real queue, not started yet: an automatic forwarding job is pending for the order (as an orders/updated
      // webhook would leave it), so the merchant's job is folded into it by the one-job-per-order rule.
      const queue = createEmbeddedQueue();
      const deps = inProcessDeps(s, queue);
      registerJobHandlers(queue, deps);
      await enqueueForOrder(queue, "forward-order", held.id);
      await forwardNow(deps, STACK_SHOP, held.id);
      await queue.start();
      await queue.idle();
      await queue.stop();
      const row = await stateOf(order, ["AWAITING_PAYMENT", "PAID"]);
      expect(row.approvedAt).not.toBeNull();
      const creates = calls("/shopping/order/createOrderV2").filter(
        (r) => (r.body as { orderNumber: string }).orderNumber === cjOrderNumberFor(STACK_SHOP, order.id),
      );
      expect(creates).toHaveLength(1);
    } finally {
      await s.t.db.shopSettings.update({ where: { shopId: s.shopId }, data: { orderTotalCap: null } });
    }
  });
});

describe("reconciliation", () => {
  it("finds a paid order whose webhook never arrived and forwards it", async () => {
    const order = s.addOrder({ financialStatus: "PAID", lines: [{ sku: "TSHIRT-WHITE-L" }] });
    // No webhook. A restart runs the sweep at once (it also runs on a schedule).
    await s.restartApp("SIGTERM");
    const row = await stateOf(order, ["PAID", "AWAITING_PAYMENT"]);
    const events = await s.t.db.orderEvent.findMany({ where: { orderId: row.id } });
    expect(events.map((e) => e.type)).toContain("discovered");
    expect(
      calls("/shopping/order/createOrderV2").filter(
        (r) => (r.body as { orderNumber: string }).orderNumber === cjOrderNumberFor(STACK_SHOP, order.id),
      ),
    ).toHaveLength(1);
  });
});

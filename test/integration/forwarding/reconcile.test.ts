/**
 * The reconciliation sweep, run with the real job handlers on the stack's database against the CJ and Shopify
 * emulators: a submitted order whose payment never happened is paid even though the tracking poll keeps touching its
 * row; a stale RECEIVED order and a FAILED order past its retry delay are forwarded again; fresh, claimed, recently
 * failed orders and orders CJ has not completed yet are left alone — judged by what the emulators received and the rows, not by the jobs sent.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reconcileOrders } from "../../../app/fulfillment/reconcile.server";
import { createEmbeddedQueue } from "../../../app/jobs/embedded-queue";
import { registerJobHandlers } from "../../../app/jobs/registry.server";
import { eventually, inProcessDeps, type Stack, startStack } from "../../support/stack";

const MINUTE = 60_000;
let s: Stack;
beforeAll(async () => {
  // Create only, then the cart (payType 1 would have CJ confirm in the create call): the sweep re-drives those steps.
  s = await startStack({ settings: { paymentMode: "LINK" }, env: { CJ_PAY_IN_CREATE: "0" } });
});
afterAll(async () => {
  await s?.stop();
});

const mentions = (needle: string) =>
  s.cj.state.requests.filter((r) => JSON.stringify([r.query, r.body]).includes(needle));
const readsOf = (gid: string) =>
  s.shopify.requests({ operationName: "GetOrderForForwarding" }).filter((r) => r.variables.id === gid);

async function insertOrder(name: string, data: Record<string, unknown>, updatedMinutesAgo?: number) {
  const row = await s.t.db.order.create({
    data: { shopId: s.shopId, shopifyOrderGid: `gid://shopify/Order/${name}`, shopifyOrderName: `#${name}`, ...data },
  });
  if (updatedMinutesAgo !== undefined) {
    const at = new Date(Date.now() - updatedMinutesAgo * MINUTE);
    await s.t.db.$executeRawUnsafe(`UPDATE "Order" SET "updatedAt" = ? WHERE id = ?`, at.getTime(), row.id);
  }
  return row;
}

describe("reconciliation sweep", () => {
  it("re-drives what is stuck, judged by when it got stuck, and leaves the rest alone", async () => {
    // A real order CJ has (created, not in a cart), whose payment job was lost: SUBMITTED with no job. It is made so
    // by refusing its cart once (the order then needs the merchant) and putting it back to SUBMITTED, as a process
    // that died between the create and its payment job would leave it.
    s.cj.addFault({ kind: "cjError", code: 1603000, path: "/shopping/order/addCart", times: 1 });
    const shopifyOrder = s.addOrder({ financialStatus: "PAID", lines: [{ sku: "TSHIRT-WHITE-M" }] });
    expect(await s.webhook("orders/paid", shopifyOrder)).toBe(200);
    const refusedRow = await eventually(async () => {
      const row = await s.t.db.order.findFirst({ where: { shopifyOrderGid: shopifyOrder.id } });
      const refused = row && (await s.t.db.orderEvent.count({ where: { orderId: row.id, type: "payment_refused" } }));
      return row?.state === "NEEDS_ATTENTION" && refused ? row : undefined;
    });
    const stuck = await s.t.db.order.update({
      where: { id: refusedRow.id },
      data: { state: "SUBMITTED", errorReason: null },
    });
    const cjOrderId = stuck.cjOrderId as string;
    const cartsBefore = mentions(cjOrderId).filter((r) => r.path === "/shopping/order/addCart").length;
    await new Promise((r) => setTimeout(r, 1100));
    // The tracking poll has just written its bookkeeping on the row: updatedAt is now, submittedAt is not.
    await s.t.db.order.update({ where: { id: stuck.id }, data: { lastPolledAt: new Date(), nextPollAt: new Date() } });

    const now = Date.now();
    const fresh = await insertOrder("9001", { state: "SUBMITTED", submittedAt: new Date(now), cjOrderId: "CJ-FRESH" });
    const claimed = await insertOrder("9002", {
      state: "SUBMITTED",
      submittedAt: new Date(now - 10 * MINUTE),
      cjOrderId: "CJ-CLAIMED",
      lockedUntil: new Date(now + MINUTE),
    });
    const awaitingConnection = await insertOrder("9007", {
      state: "SUBMITTED",
      submittedAt: new Date(now - 10 * MINUTE),
      cjOrderNumber: "AWAITING-CONNECTION-1",
    });
    const staleReceived = await insertOrder("9003", { state: "RECEIVED" }, 10);
    const failedLongAgo = await insertOrder("9004", { state: "FAILED", attempts: 8 }, 11);
    const failedJustNow = await insertOrder("9005", { state: "FAILED", attempts: 8 });
    const gaveUp = await insertOrder("9006", { state: "FAILED", attempts: 25 }, 60);

    // The sweep with the real handlers behind the real in-process queue, as a worker runs it.
    const queue = createEmbeddedQueue();
    const deps = inProcessDeps(s, queue);
    registerJobHandlers(queue, deps);
    await queue.start();
    const result = await reconcileOrders(deps, { staleAfterSeconds: 1 });
    await queue.idle();
    await queue.stop();
    expect(result.redriven).toBe(3);

    // Paid at last: CJ got the cart again and the order waits on CJ's payment page.
    const paid = await s.t.db.order.findUniqueOrThrow({ where: { id: stuck.id } });
    expect([paid.state, paid.cjPayUrl?.startsWith("https://")]).toEqual(["AWAITING_PAYMENT", true]);
    expect(mentions(cjOrderId).filter((r) => r.path === "/shopping/order/addCart").length).toBe(cartsBefore + 1);
    // Forwarded again: Shopify was asked for each (these test rows have no Shopify order, so they need attention).
    for (const row of [staleReceived, failedLongAgo]) {
      expect(readsOf(row.shopifyOrderGid)).toHaveLength(1);
      expect((await s.t.db.order.findUniqueOrThrow({ where: { id: row.id } })).state).toBe("NEEDS_ATTENTION");
    }
    // Left alone: nothing asked of CJ or Shopify, rows as they were.
    expect(mentions("CJ-FRESH")).toEqual([]);
    expect(mentions("CJ-CLAIMED")).toEqual([]);
    expect(mentions("AWAITING-CONNECTION-1")).toEqual([]);
    for (const row of [fresh, claimed, awaitingConnection, failedJustNow, gaveUp]) {
      expect(readsOf(row.shopifyOrderGid)).toEqual([]);
      expect((await s.t.db.order.findUniqueOrThrow({ where: { id: row.id } })).state).toBe(row.state);
    }
  });
});

/**
 * The reconciliation sweep's choice of orders to re-drive, on a real database: a submitted order whose payment job
 * was lost is re-driven even though the tracking poll keeps touching its row; fresh, claimed and merchant-only
 * orders are left alone; a FAILED order is forwarded again once its retry delay has passed.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reconcileOrders } from "../../../app/fulfillment/reconcile.server";
import type { JobName, JobQueue } from "../../../app/jobs/queue";
import type { ShopPorts } from "../../../app/runtime/deps.server";
import { connectShop } from "../../../app/settings/connect.server";
import { createTestDatabase, type TestDatabase } from "../../support/database";

let t: TestDatabase;
let shopId: string;
const MINUTE = 60_000;

beforeAll(async () => {
  process.env.APP_ENCRYPTION_KEY ??= randomBytes(32).toString("base64");
  t = await createTestDatabase("sqlite");
  const shop = await connectShop(t.db, {
    shop: "sweep-store.myshopify.com",
    accessToken: "shpat_sweep",
    cjApiKey: "CJ-SWEEP-KEY",
    scopes: "read_orders",
  });
  shopId = shop.id;
});
afterAll(async () => {
  await t?.drop();
});

/** The queue port, recording what the sweep sends (the jobs themselves are tested elsewhere). */
function recordingQueue() {
  const sent: { name: JobName; orderId: unknown }[] = [];
  const queue: JobQueue = {
    enqueue: async (name, data) => void sent.push({ name, orderId: data.orderId }),
  };
  return { queue, sent };
}

// Discovery asks Shopify for missed orders first; Shopify is unreachable here, which the sweep logs and survives.
const ports = {
  admin: async () => {
    throw new Error("no Shopify in this test");
  },
  cj: async () => {
    throw new Error("no CJ in this test");
  },
} as unknown as ShopPorts;

async function order(name: string, data: Record<string, unknown>) {
  const row = await t.db.order.create({
    data: { shopId, shopifyOrderGid: `gid://shopify/Order/${name}`, shopifyOrderName: `#${name}`, ...data },
  });
  return row.id;
}

describe("reconciliation sweep", () => {
  it("re-drives what is stuck, judged by when it got stuck, and leaves the rest alone", async () => {
    const now = new Date();
    const ago = (minutes: number) => new Date(now.getTime() - minutes * MINUTE);
    const lostPayment = await order("1001", { state: "SUBMITTED", submittedAt: ago(10), cjOrderId: "CJ-1" });
    // The tracking poll has just written its bookkeeping on this row: updatedAt is now.
    await t.db.order.update({ where: { id: lostPayment }, data: { lastPolledAt: now, nextPollAt: now } });
    const justSubmitted = await order("1002", { state: "SUBMITTED", submittedAt: ago(0.1), cjOrderId: "CJ-2" });
    const paying = await order("1003", {
      state: "SUBMITTED",
      submittedAt: ago(10),
      cjOrderId: "CJ-3",
      lockedUntil: new Date(now.getTime() + MINUTE),
    });
    const received = await order("1004", { state: "RECEIVED" });
    await t.db.$executeRawUnsafe(`UPDATE "Order" SET "updatedAt" = ? WHERE id = ?`, ago(10).getTime(), received);
    const failedLongAgo = await order("1005", { state: "FAILED", attempts: 8 });
    await t.db.$executeRawUnsafe(`UPDATE "Order" SET "updatedAt" = ? WHERE id = ?`, ago(11).getTime(), failedLongAgo);
    const failedJustNow = await order("1006", { state: "FAILED", attempts: 8 });
    const gaveUp = await order("1007", { state: "FAILED", attempts: 25 });
    await t.db.$executeRawUnsafe(`UPDATE "Order" SET "updatedAt" = ? WHERE id = ?`, ago(60).getTime(), gaveUp);

    const { queue, sent } = recordingQueue();
    const result = await reconcileOrders({ db: t.db, ports, queue, now: () => now }, { staleAfterSeconds: 120 });

    expect(sent).toEqual(
      expect.arrayContaining([
        { name: "pay-order", orderId: lostPayment },
        { name: "forward-order", orderId: received },
        { name: "forward-order", orderId: failedLongAgo },
      ]),
    );
    expect(sent).toHaveLength(3);
    for (const untouched of [justSubmitted, paying, failedJustNow, gaveUp]) {
      expect(sent.map((s) => s.orderId)).not.toContain(untouched);
    }
    expect(result).toEqual({ discovered: 0, redriven: 3 });
  });
});

/**
 * The reconciliation sweep: Shopify webhooks can be late, lost or out of order, and an in-process job can die with
 * its process. Periodically, and at once when the embedded profile starts (with no staleness: every job of the dead
 * process is gone): ask Shopify for recent paid orders the app has not seen, and re-drive every kind of unfinished
 * work from the database — orders stuck before or after submission, cancellations Shopify reported whose job never
 * ran, CJ pushes recorded but not processed, and fulfillments Shopify has not caught up with. Every job it enqueues
 * is idempotent, so a sweep that overlaps live traffic changes nothing.
 */

import { enqueueForOrder } from "../jobs/queue";
import { logger } from "../logger.server";
import { iteratePaidOrdersSince } from "../shopify/orders";
import { redriveShopifyWebhookReceipts } from "../webhooks/shopify-process.server";
import type { ForwardDeps } from "./forward.server";
import { redriveCjWebhookReceipts } from "./tracking/process.server";
import { fulfillmentNeedsSync } from "./tracking/sync.server";

/** Forward attempts (all jobs together) after which a FAILED order waits for the merchant. */
const MAX_AUTOMATIC_ATTEMPTS = 25;
const FAILED_RETRY_AFTER_SECONDS = 600;

export interface ReconcileOptions {
  lookbackHours?: number;
  /** An order untouched for this long in a state that should move on is re-driven. */
  staleAfterSeconds?: number;
  /** A FAILED order is forwarded again this long after it failed (default 600 s). */
  failedRetryAfterSeconds?: number;
  /**
   * Only paid orders Shopify last updated before this moment are looked for (default: staleAfterSeconds ago): a
   * newer one's webhook may still be on its way, or recorded and waiting for its job. After a restart: the start of
   * the process, as this process receives every later webhook itself.
   */
  discoverUpdatedBefore?: Date;
}

export async function reconcileOrders(deps: ForwardDeps, options: ReconcileOptions = {}) {
  const { db, queue } = deps;
  const now = deps.now?.() ?? new Date();
  const since = new Date(now.getTime() - (options.lookbackHours ?? 72) * 3600_000);
  const stale = new Date(now.getTime() - (options.staleAfterSeconds ?? 120) * 1000);
  const failedRetryBefore = new Date(
    now.getTime() - (options.failedRetryAfterSeconds ?? FAILED_RETRY_AFTER_SECONDS) * 1000,
  );
  const shops = await db.shop.findMany({ where: { uninstalledAt: null }, include: { settings: true } });
  const discoverBefore = options.discoverUpdatedBefore ?? stale;
  let discovered = 0;
  let redriven = 0;

  for (const shop of shops) {
    if (shop.settings?.forwardingTrigger === "MANUAL") continue;
    try {
      const admin = await deps.ports.admin(shop.domain);
      for await (const summary of iteratePaidOrdersSince(admin, { since })) {
        if (summary.cancelledAt) continue;
        if (new Date(summary.updatedAt) >= discoverBefore) continue;
        const known = await db.order.findUnique({
          where: { shopId_shopifyOrderGid: { shopId: shop.id, shopifyOrderGid: summary.id } },
          select: { id: true },
        });
        if (known) continue;
        // Its webhook did arrive and waits for its job (re-driven after a crash, or recorded while this sweep read
        // Shopify): the job makes the order. Read now, not when the sweep began, as deliveries keep coming.
        if ((await ordersOfRecordedDeliveries(db)).has(`${shop.domain} ${summary.id}`)) continue;
        const created = await db.order.create({
          data: {
            shopId: shop.id,
            shopifyOrderGid: summary.id,
            shopifyOrderName: summary.name,
            financialStatus: summary.displayFinancialStatus?.toLowerCase() ?? null,
            shopifyUpdatedAt: new Date(summary.updatedAt),
            events: {
              create: {
                actor: "system",
                type: "discovered",
                toState: "RECEIVED",
                message: `Found ${summary.name} through reconciliation (its webhook never arrived).`,
              },
            },
          },
        });
        discovered++;
        await enqueueForOrder(queue, "forward-order", created.id);
      }
    } catch (error) {
      logger.warn({ shop: shop.domain, err: (error as Error).message }, "reconciliation could not read Shopify orders");
    }
  }

  const unclaimed = { OR: [{ lockedUntil: null }, { lockedUntil: { lt: now } }] };
  const stuck = await db.order.findMany({
    where: {
      shop: { uninstalledAt: null },
      OR: [
        { state: "RECEIVED", updatedAt: { lt: stale }, ...unclaimed },
        // Submitted but not paid: the payment job may have been lost (its process died between recording the CJ
        // order and sending the job). Timed from the submission, not `updatedAt`: the tracking poll touches every
        // submitted order's row on each pass, which would hide a stuck one from this sweep. An order CJ has not
        // completed yet (no CJ order id: products still to connect) cannot be paid; CJ's ORDER_CONNECTED push or the
        // poll sends its payment job once it can.
        {
          state: "SUBMITTED",
          cjOrderId: { not: null },
          shopifyCancelledAt: null,
          AND: [{ OR: [{ submittedAt: { lt: stale } }, { submittedAt: null, updatedAt: { lt: stale } }] }, unclaimed],
        },
        // A forward that used up its tries on passing trouble (CJ down, timeouts) gets more, spaced out, for a while;
        // the reason stays on the order and the merchant can retry at any time.
        { state: "FAILED", attempts: { lt: MAX_AUTOMATIC_ATTEMPTS }, updatedAt: { lt: failedRetryBefore } },
      ],
    },
    orderBy: { updatedAt: "asc" },
    select: { id: true, state: true, financialStatus: true, shop: { select: { settings: true } } },
    take: 500,
  });
  for (const order of stuck) {
    if (order.state === "RECEIVED" || order.state === "FAILED") {
      const trigger = order.shop.settings?.forwardingTrigger ?? "ON_PAYMENT";
      if (trigger === "MANUAL") continue;
      await enqueueForOrder(queue, "forward-order", order.id);
    } else {
      await enqueueForOrder(queue, "pay-order", order.id);
    }
    redriven++;
  }
  const cancellations = await redriveCancellations(deps);
  const cjMessages = await redriveCjWebhookReceipts(deps, { olderThanSeconds: options.staleAfterSeconds ?? 120 });
  const shopifyDeliveries = await redriveShopifyWebhookReceipts(deps, {
    olderThanSeconds: options.staleAfterSeconds ?? 120,
  });
  const syncs = await redriveFulfillmentSyncs(deps, stale, now);
  if (discovered || redriven || cancellations || cjMessages || shopifyDeliveries || syncs) {
    logger.info({ discovered, redriven, cancellations, cjMessages, shopifyDeliveries, syncs }, "reconciliation sweep");
  }
  return { discovered, redriven, cancellations, cjMessages, shopifyDeliveries, syncs };
}

/** "shop gid" of every order named by a recorded order delivery still waiting for its job. */
async function ordersOfRecordedDeliveries(db: ForwardDeps["db"]): Promise<Set<string>> {
  const receipts = await db.webhookReceipt.findMany({
    where: { source: "SHOPIFY", processedAt: null, payload: { not: null }, topic: { startsWith: "ORDERS_" } },
    select: { shopDomain: true, payload: true },
    take: 2000,
  });
  const orders = new Set<string>();
  for (const receipt of receipts) {
    try {
      const gid = (JSON.parse(receipt.payload ?? "{}") as { admin_graphql_api_id?: unknown }).admin_graphql_api_id;
      if (typeof gid === "string") orders.add(`${receipt.shopDomain} ${gid}`);
    } catch {
      // Checked at the door; a payload that does not parse is the job's to report.
    }
  }
  return orders;
}

/** Orders Shopify cancelled whose cancellation never finished (not CANCELLED, no cancelledAt, nobody told yet). */
async function redriveCancellations(deps: ForwardDeps): Promise<number> {
  const orders = await deps.db.order.findMany({
    where: {
      shop: { uninstalledAt: null },
      shopifyCancelledAt: { not: null },
      cancelledAt: null,
      // Before CJ ships: later, nothing can be cancelled at CJ and the merchant was told (or will be, by the poll).
      // No staleness: the tracking poll touches these rows, and a cancel job is idempotent under its order's key.
      state: { in: ["RECEIVED", "HELD", "FAILED", "SUBMITTED", "AWAITING_PAYMENT", "PAID"] },
    },
    select: { id: true },
    take: 500,
  });
  for (const order of orders) await enqueueForOrder(deps.queue, "cancel-order", order.id);
  return orders.length;
}

/** Orders with a fulfillment Shopify is behind on (fulfillmentNeedsSync) whose sync job is gone. */
async function redriveFulfillmentSyncs(deps: ForwardDeps, stale: Date, now: Date): Promise<number> {
  const rows = await deps.db.fulfillment.findMany({
    where: {
      status: { in: ["PENDING", "CREATING", "CREATED"] },
      updatedAt: { lt: stale, gt: new Date(now.getTime() - 30 * 86_400_000) },
      order: { state: { not: "CANCELLED" }, shop: { uninstalledAt: null } },
    },
    orderBy: { updatedAt: "asc" },
    take: 2000,
  });
  const orderIds = new Set(rows.filter((row) => fulfillmentNeedsSync(row, now)).map((row) => row.orderId));
  for (const orderId of orderIds) await enqueueForOrder(deps.queue, "sync-tracking", orderId);
  return orderIds.size;
}

/**
 * Orders stopped because a line's store variant is not connected to a CJ variant (OrderLine.unconnected). They say
 * which variant (the order page links to it on the Products page) and go on by themselves once it is connected:
 * - not at CJ yet (NEEDS_ATTENTION or FAILED before submission): forwarded again, now with the CJ variant;
 * - at CJ as an incomplete orderFlow=2 order (SUBMITTED, no CJ order id): CJ completes it itself once the connection
 *   exists and pushes ORDER_CONNNECTED (tracking/process.server.ts), which continues to payment.
 */
import type { Db } from "../db.server";
import { enqueueForOrder, type JobQueue } from "../jobs/queue";
import { recordOrderEvent } from "./state";
import { linksForVariants } from "./variant-links.server";

/** How many orders of the shop since `since` each of these variants blocks (the Products page's rows). */
export async function blockedOrderCounts(
  db: Db,
  shopId: string,
  since: Date,
  variantGids: readonly string[],
): Promise<Map<string, number>> {
  if (variantGids.length === 0) return new Map();
  const lines = await db.orderLine.findMany({
    where: {
      unconnected: true,
      shopifyVariantGid: { in: [...variantGids] },
      order: { shopId, createdAt: { gte: since } },
    },
    select: { shopifyVariantGid: true, orderId: true },
    take: 50_000,
  });
  const orders = new Map<string, Set<string>>();
  for (const l of lines) {
    const gid = l.shopifyVariantGid as string;
    if (!orders.has(gid)) orders.set(gid, new Set());
    orders.get(gid)?.add(l.orderId);
  }
  return new Map([...orders].map(([gid, set]) => [gid, set.size]));
}

/**
 * Lines of orders at CJ that waited for these variants' connection (still unconnected, or completed by CJ's
 * ORDER_CONNNECTED, which names no vids) get the vid the variant is connected to now, for the order page. Either
 * may come first: the merchant's connection is saved after CJ answered, CJ's push may be processed before that.
 */
export async function recordConnectedVids(db: Db, shopId: string, variantGids: readonly (string | null)[]) {
  const links = await linksForVariants(db, shopId, variantGids);
  for (const [gid, link] of links) {
    if (!link.cjVariantId || link.notFulfilledByCj) continue;
    await db.orderLine.updateMany({
      where: {
        shopifyVariantGid: gid,
        cjVariantId: null,
        order: {
          shopId,
          submittedAt: { not: null },
          OR: [{ lines: { some: { unconnected: true } } }, { events: { some: { type: "cj_connected" } } }],
        },
      },
      data: { cjVariantId: link.cjVariantId },
    });
  }
}

/**
 * Re-forwards the orders the given variants blocked (not at CJ yet), and those left unsent because all their lines
 * were the merchant's own (call it too when a variant is no longer "not fulfilled by CJ"); returns how many.
 */
export async function resumeOrdersBlockedBy(
  deps: { db: Db; queue: JobQueue },
  shopId: string,
  variantGids: readonly string[],
): Promise<number> {
  if (variantGids.length === 0) return 0;
  await recordConnectedVids(deps.db, shopId, variantGids);
  const orders = await deps.db.order.findMany({
    where: {
      shopId,
      OR: [
        {
          state: { in: ["NEEDS_ATTENTION", "FAILED"] },
          cjOrderId: null,
          submittedAt: null,
          lines: { some: { unconnected: true, shopifyVariantGid: { in: [...variantGids] } } },
        },
        // Not sent because every line was the merchant's own: a variant CJ fulfils again changes that.
        { state: "NOT_SENT", lines: { some: { shopifyVariantGid: { in: [...variantGids] } } } },
      ],
    },
    select: { id: true, lines: { where: { unconnected: true }, select: { sku: true, shopifyVariantGid: true } } },
    take: 1000,
  });
  for (const order of orders) {
    const connected = order.lines.filter((l) => l.shopifyVariantGid && variantGids.includes(l.shopifyVariantGid));
    await recordOrderEvent(deps.db, order.id, {
      actor: "system",
      type: "variant_connected",
      message:
        connected.length > 0
          ? `Connected to CJ on the Products page: ${connected.map((l) => l.sku ?? l.shopifyVariantGid).join(", ")}. Forwarding the order again.`
          : "A variant of this order is fulfilled by CJ again (Products page): forwarding the order again.",
    });
    await enqueueForOrder(deps.queue, "forward-order", order.id, { trigger: "resume" });
  }
  return orders.length;
}

/**
 * The `process-cj-webhook` job: one verified, recorded CJ message (WebhookReceipt with the raw body) → our state.
 * ORDER (INSERT/UPDATE/DELETE, ORDER_CONNNECTED), LOGISTIC and ORDERSPLIT. A receipt is marked processed once its
 * effect is stored; one that is not (the process died, the job ran out of tries) is re-driven by
 * `redriveCjWebhookReceipts`, and everything here is idempotent, so running a message twice changes nothing.
 */
import {
  type CjLogisticWebhook,
  type CjOrderSplitWebhook,
  type CjOrderWebhook,
  CjWebhookPayloadError,
  parseCjWebhook,
} from "../../cj/webhooks";
import { cjWebhookJobKey, enqueueForOrder } from "../../jobs/queue";
import { logger } from "../../logger.server";
import { recordConnectedVids } from "../blocked.server";
import { recordOrderEvent } from "../state";
import {
  applyCjShipmentUpdate,
  type CjSplitOrder,
  findOrderForCj,
  matchSplitLines,
  parseSplitOrders,
  type TrackingDeps,
} from "./shipments.server";

/** A message whose order we do not know (yet): retried by the job, then left on the receipt for the poll. */
export class CjOrderNotFoundError extends Error {
  override readonly name = "CjOrderNotFoundError";
}

export async function processCjWebhookReceipt(
  deps: TrackingDeps,
  receiptId: string,
): Promise<"processed" | "skipped" | "rejected"> {
  const { db } = deps;
  const receipt = await db.webhookReceipt.findUnique({ where: { id: receiptId } });
  if (receipt?.source !== "CJ" || receipt.processedAt || !receipt.shopId) return "skipped";
  const done = (error: string | null = null) =>
    db.webhookReceipt.update({ where: { id: receiptId }, data: { processedAt: new Date(), error } });
  let message: ReturnType<typeof parseCjWebhook>;
  try {
    message = parseCjWebhook(receipt.payload ?? "");
  } catch (error) {
    if (!(error instanceof CjWebhookPayloadError)) throw error;
    await done(error.message);
    return "rejected";
  }
  const shopId = receipt.shopId;
  const syncOrders = new Set<string>();
  switch (message.type) {
    case "ORDER":
      await processOrderMessage(deps, shopId, message, syncOrders);
      break;
    case "LOGISTIC":
      await processLogisticMessage(deps, shopId, message, syncOrders);
      break;
    case "ORDERSPLIT":
      await processSplitMessage(deps, shopId, message, syncOrders);
      break;
    case "MAKEUP":
      // CJ billed (or settled) a makeup payment: the account's bills are listed again (money/makeup.server.ts).
      await deps.queue.enqueue("sync-makeup-bills", { shopId }, { singletonKey: `makeup:${shopId}` });
      break;
    default:
      // PRODUCT, STOCK, …: recorded only (the app does not subscribe to them).
      break;
  }
  for (const orderId of syncOrders) {
    await enqueueForOrder(deps.queue, "sync-tracking", orderId);
  }
  await done();
  return "processed";
}

async function processOrderMessage(deps: TrackingDeps, shopId: string, message: CjOrderWebhook, sync: Set<string>) {
  const { db } = deps;
  const p = message.params;
  const orderNumbers = p.orderNumber ? [p.orderNumber] : [];
  if (message.messageType === "ORDER_CONNNECTED") {
    // The store order CJ could not match (orderFlow=2) is complete now: it carries the real CJ order id.
    const order = await findOrderForCj(db, shopId, { orderNumbers });
    if (!order) throw new CjOrderNotFoundError(`No order with CJ order number ${p.orderNumber ?? "?"}`);
    if (!p.cjOrderId) return;
    const { count } = await db.order.updateMany({
      where: { id: order.id, OR: [{ cjOrderId: null }, { cjOrderId: { not: p.cjOrderId } }] },
      data: { cjOrderId: p.cjOrderId, ...(p.orderStatus ? { cjStatus: p.orderStatus } : {}) },
    });
    // Every line is matched now: none blocks the order any more (Products page counts). The push names no vids:
    // a line whose variant is connected in the app shows that connection's vid (before the flags are cleared).
    const lines = await db.orderLine.findMany({ where: { orderId: order.id }, select: { shopifyVariantGid: true } });
    await recordConnectedVids(
      db,
      shopId,
      lines.map((l) => l.shopifyVariantGid),
    );
    await db.orderLine.updateMany({ where: { orderId: order.id, unconnected: true }, data: { unconnected: false } });
    if (count > 0) {
      await recordOrderEvent(db, order.id, {
        actor: "cj",
        type: "cj_connected",
        message: `CJ matched every product of this order: CJ order ${p.cjOrderId}.`,
        data: { cjOrderId: p.cjOrderId },
      });
    }
    await enqueueForOrder(deps.queue, "pay-order", order.id);
    return;
  }
  const order = await findOrderForCj(db, shopId, { cjOrderId: p.cjOrderId, orderNumbers });
  if (!order) {
    // INSERT may arrive before our createOrderV2 answer was stored; the forwarding job records it anyway.
    if (message.messageType === "INSERT") return;
    throw new CjOrderNotFoundError(`No order for CJ order ${p.cjOrderId ?? p.orderNumber ?? "?"}`);
  }
  const cjOrderId = p.cjOrderId ?? (await db.order.findUnique({ where: { id: order.id } }))?.cjOrderId;
  if (!cjOrderId) return;
  const result = await applyCjShipmentUpdate(
    deps,
    order.id,
    {
      cjOrderId,
      cjStatus: message.messageType === "DELETE" ? "CANCELLED" : p.orderStatus,
      trackingNumber: p.trackNumber,
      logisticName: p.logisticName,
      trackingUrl: p.trackingUrl,
    },
    "cj",
  );
  if (result.unknownCjOrder)
    throw new CjOrderNotFoundError(
      `CJ order ${cjOrderId} is not known yet (a split not seen yet, or a create not recorded yet)`,
    );
  if (result.syncNeeded) sync.add(order.id);
}

async function processLogisticMessage(
  deps: TrackingDeps,
  shopId: string,
  message: CjLogisticWebhook,
  sync: Set<string>,
) {
  const p = message.params;
  if (!p.orderId) throw new CjWebhookPayloadError("LOGISTIC message without orderId");
  const order = await findOrderForCj(deps.db, shopId, { cjOrderId: p.orderId, orderNumbers: p.storeOrderNumbers });
  if (!order) throw new CjOrderNotFoundError(`No order for CJ order ${p.orderId}`);
  const last = p.logisticsTrackEvents.at(-1);
  const result = await applyCjShipmentUpdate(
    deps,
    order.id,
    {
      cjOrderId: p.orderId,
      trackingNumber: p.trackingNumber,
      logisticName: p.logisticName,
      trackingUrl: p.trackingUrl,
      trackingStatus: p.trackingStatus,
      lastMileCarrier: p.lastMileCarrier,
      lastTrackNumber: p.lastTrackNumber,
      lastEvent: last ? { activity: last.activity ?? last.statusDesc, location: last.location } : null,
    },
    "cj",
  );
  if (result.unknownCjOrder)
    throw new CjOrderNotFoundError(
      `CJ order ${p.orderId} is not known yet (a split not seen yet, or a create not recorded yet)`,
    );
  if (result.syncNeeded) sync.add(order.id);
}

async function processSplitMessage(
  deps: TrackingDeps,
  shopId: string,
  message: CjOrderSplitWebhook,
  sync: Set<string>,
) {
  const { db } = deps;
  const p = message.params;
  if (!p.originalOrderId) throw new CjWebhookPayloadError("ORDERSPLIT message without originalOrderId");
  const found = await findOrderForCj(db, shopId, { cjOrderId: p.originalOrderId });
  if (!found) throw new CjOrderNotFoundError(`No order for CJ order ${p.originalOrderId}`);
  const order = await db.order.findUnique({ where: { id: found.id }, include: { lines: true } });
  if (!order) return;
  const existing = parseSplitOrders(order.cjSplitOrders);
  const splits: CjSplitOrder[] = [];
  let unmatchedTotal = 0;
  for (const part of p.splitOrderList) {
    if (!part.orderCode) continue;
    let matched = matchSplitLines(order.lines, part.productList);
    if (matched.unmatched > 0) {
      // The push names products by CJ variant; CJ's order detail has our line item ids for sure.
      const detail = await (await deps.ports.cj(shopId)).orders.findOrder(part.orderCode).catch(() => null);
      if (detail) matched = matchSplitLines(order.lines, detail.productList);
    }
    unmatchedTotal += matched.unmatched;
    const previous = existing.find((s) => s.cjOrderId === part.orderCode);
    splits.push({
      cjOrderId: part.orderCode,
      status: part.orderStatus ?? previous?.status ?? null,
      lines: matched.lines,
    });
  }
  const merged = [...existing.filter((s) => !splits.some((n) => n.cjOrderId === s.cjOrderId)), ...splits];
  // A paid order's costs are CJ's parts' now: fetched again (money/costs.server.ts).
  await db.order.update({
    where: { id: order.id },
    data: { cjSplitOrders: JSON.stringify(merged), ...(order.paidAt ? { costsDueAt: new Date() } : {}) },
  });
  await recordOrderEvent(db, order.id, {
    actor: "cj",
    type: "cj_split",
    message: `CJ split order ${p.originalOrderId} into ${splits.map((s) => s.cjOrderId).join(", ")}: each ships and is fulfilled on its own.${unmatchedTotal > 0 ? ` ${unmatchedTotal} product(s) could not be matched to a line of this order.` : ""}`,
    data: { originalOrderId: p.originalOrderId, splits },
  });
  sync.add(order.id);
}

/** Enqueues every CJ receipt left unprocessed for longer than `olderThanSeconds` (the reconciliation sweep). */
export async function redriveCjWebhookReceipts(
  deps: TrackingDeps,
  options: { olderThanSeconds?: number; limit?: number } = {},
): Promise<number> {
  const now = deps.now?.() ?? new Date();
  const before = new Date(now.getTime() - (options.olderThanSeconds ?? 60) * 1000);
  const receipts = await deps.db.webhookReceipt.findMany({
    where: { source: "CJ", processedAt: null, receivedAt: { lt: before } },
    select: { id: true },
    orderBy: { receivedAt: "asc" },
    take: options.limit ?? 500,
  });
  for (const r of receipts) {
    await deps.queue.enqueue("process-cj-webhook", { receiptId: r.id }, { singletonKey: cjWebhookJobKey(r.id) });
  }
  if (receipts.length > 0) logger.info({ count: receipts.length }, "re-driving unprocessed CJ webhooks");
  return receipts.length;
}

/** After the job's last try: keep the reason on the receipt and stop re-driving it (the poll catches up). */
export async function giveUpCjWebhookReceipt(deps: TrackingDeps, receiptId: string, error: unknown) {
  await deps.db.webhookReceipt.updateMany({
    where: { id: receiptId, processedAt: null },
    data: { processedAt: new Date(), error: (error as Error).message ?? String(error) },
  });
}

/**
 * What CJ says about an order's shipments — from a webhook or from a poll, the same function takes it in: the CJ
 * status moves the order through the state table, every tracking number becomes one Fulfillment row (unique per
 * order and number, so a replay, a poll racing a push, or a retry never makes a second one), and the sync job is
 * asked to bring Shopify up to date.
 */
import { isUniqueViolation } from "../../db/errors";
import type { Db } from "../../db.server";
import { enqueueForOrder } from "../../jobs/queue";
import type { ForwardDeps } from "../forward.server";
import { legacyId } from "../mapping";
import { PRE_SUBMISSION_STATES, recordOrderEvent, transitionOrder } from "../state";
import { cjReportsDispatched, isFinalTrackingStatus, TRACKING_STATUS_TEXT } from "./status";

export type TrackingDeps = ForwardDeps;

/** One line of a shipment: which of our order lines, how many of it. */
export interface ShipmentLine {
  orderLineId: string;
  shopifyLineItemGid: string;
  quantity: number;
}

/** A CJ order created by ORDERSPLIT, with the lines it took. */
export interface CjSplitOrder {
  cjOrderId: string;
  status: string | null;
  lines: ShipmentLine[];
}

export interface CjShipmentUpdate {
  /** The CJ order this is about (the original order, or one created by a split). */
  cjOrderId: string;
  /** CJ order status (ORDER webhooks, order/list, getOrderDetail). */
  cjStatus?: string | null;
  trackingNumber?: string | null;
  logisticName?: string | null;
  trackingUrl?: string | null;
  trackingStatus?: number | null;
  lastMileCarrier?: string | null;
  lastTrackNumber?: string | null;
  /** The newest tracking event, for the timeline. */
  lastEvent?: { activity?: string | null; location?: string | null } | null;
}

export function parseSplitOrders(value: string | null | undefined): CjSplitOrder[] {
  if (!value) return [];
  try {
    const parsed = JSON.parse(value) as unknown;
    return Array.isArray(parsed) ? (parsed as CjSplitOrder[]) : [];
  } catch {
    return [];
  }
}

export function parseShipmentLines(value: string | null | undefined): ShipmentLine[] {
  if (!value) return [];
  try {
    const parsed = JSON.parse(value) as unknown;
    return Array.isArray(parsed) ? (parsed as ShipmentLine[]) : [];
  } catch {
    return [];
  }
}

/**
 * Our order for a CJ order id: the order CJ created for it, an order whose split produced it, or (LOGISTIC's
 * `storeOrderNumbers`, ORDER's `orderNumber`) our own order number. Scoped to the shop the message was signed for.
 */
export async function findOrderForCj(
  db: Db,
  shopId: string,
  ref: { cjOrderId?: string | null; orderNumbers?: readonly string[] },
): Promise<{ id: string } | null> {
  const id = ref.cjOrderId ?? null;
  if (id) {
    const direct =
      // A merged CJ order names several of our orders: its lead takes the update (and hands it to the others).
      (await db.order.findFirst({ where: { shopId, cjOrderId: id, mergedIntoId: null }, select: { id: true } })) ??
      (await db.order.findFirst({
        where: { shopId, fulfillments: { some: { cjOrderId: id } } },
        select: { id: true },
      }));
    if (direct) return direct;
  }
  const numbers = (ref.orderNumbers ?? []).filter(Boolean);
  if (numbers.length > 0) {
    const byNumber = await db.order.findFirst({
      where: { shopId, cjOrderNumber: { in: [...numbers] } },
      select: { id: true },
    });
    if (byNumber) return byNumber;
  }
  if (id) {
    // A split child named before any of its parcels: only its parent's split record knows it.
    const candidates = await db.order.findMany({
      where: { shopId, cjSplitOrders: { contains: id } },
      select: { id: true, cjSplitOrders: true },
      take: 5,
    });
    const match = candidates.find((o) => parseSplitOrders(o.cjSplitOrders).some((s) => s.cjOrderId === id));
    if (match) return { id: match.id };
  }
  return null;
}

const PAID_FROM = ["SUBMITTED", "AWAITING_PAYMENT"] as const;
const SHIPPED_FROM = ["SUBMITTED", "AWAITING_PAYMENT", "PAID"] as const;

/**
 * Takes in one CJ update for an order; returns whether Shopify needs a sync. The update of a merged CJ order's lead
 * is taken in by each order merged with it too (its own fulfillment with the shared tracking number), and their
 * Shopify syncs are asked for here.
 */
export async function applyCjShipmentUpdate(
  deps: TrackingDeps,
  orderId: string,
  update: CjShipmentUpdate,
  actor: "cj" | "job" | "merchant",
): Promise<{ syncNeeded: boolean; unknownCjOrder?: boolean }> {
  const result = await applyToOrder(deps, orderId, update, actor);
  if (result.unknownCjOrder || !result.mergeLead) return result;
  const followers = await deps.db.order.findMany({
    where: { mergedIntoId: orderId, cjOrderId: update.cjOrderId },
    select: { id: true },
  });
  for (const follower of followers) {
    const applied = await applyToOrder(deps, follower.id, update, actor);
    if (applied.syncNeeded) await enqueueForOrder(deps.queue, "sync-tracking", follower.id);
  }
  return result;
}

const loadForUpdate = (db: Db, orderId: string) =>
  db.order.findUnique({ where: { id: orderId }, include: { lines: true, shop: { include: { settings: true } } } });

/** One order's take of the update; `mergeLead`: the order carries a merged CJ order for others (its followers). */
async function applyToOrder(
  deps: TrackingDeps,
  orderId: string,
  update: CjShipmentUpdate,
  actor: "cj" | "job" | "merchant",
): Promise<{ syncNeeded: boolean; unknownCjOrder?: boolean; mergeLead?: boolean }> {
  const order = await loadForUpdate(deps.db, orderId);
  if (!order) return { syncNeeded: false };
  const result = await applyToLoadedOrder(deps, order, update, actor);
  return { ...result, mergeLead: order.mergeGroupId !== null && order.mergedIntoId === null };
}

async function applyToLoadedOrder(
  deps: TrackingDeps,
  order: NonNullable<Awaited<ReturnType<typeof loadForUpdate>>>,
  update: CjShipmentUpdate,
  actor: "cj" | "job" | "merchant",
): Promise<{ syncNeeded: boolean; unknownCjOrder?: boolean }> {
  const { db } = deps;
  const now = deps.now?.() ?? new Date();
  const orderId = order.id;
  const splits = parseSplitOrders(order.cjSplitOrders);
  const child = splits.find((s) => s.cjOrderId === update.cjOrderId) ?? null;
  const isOriginal = !child && (order.cjOrderId === update.cjOrderId || order.cjOrderId === null);
  // A CJ order of a split we have not heard of yet (CJ promises no ordering between messages).
  if (!child && !isOriginal) return { syncNeeded: false, unknownCjOrder: true };
  // CJ has the order but the app has not recorded its creation yet: the create's answer is still on its way or was
  // lost, and with payType 2 CJ pays it in that call, so it may even ship it first. Nothing is applied now; the push
  // is taken in again once forwarding has recorded the CJ order (which it looks up by number).
  if (
    !child &&
    order.cjOrderId === null &&
    order.submittedAt === null &&
    PRE_SUBMISSION_STATES.includes(order.state as never)
  ) {
    return { syncNeeded: false, unknownCjOrder: true };
  }
  const status = update.cjStatus ? update.cjStatus.toUpperCase() : null;
  const source = actor === "cj" ? "CJ" : actor === "merchant" ? "CJ (asked from the order page)" : "The CJ poll";
  // An order that needed the merchant before it was ever paid (CJ intercepted it, a payment step was refused) and
  // that CJ now reports paid or shipped was settled in CJ: it goes on. Not one cancelled in Shopify (that attention
  // is about the cancel), nor one that stopped later (a Shopify hold on its fulfillment): that reason stays.
  const resumable = !order.shopifyCancelledAt && !order.cancelledAt && !order.paidAt && !order.shippedAt;

  // 1. The order's state, from CJ's order status.
  if (status) {
    if (child) {
      if (child.status !== status) {
        child.status = status;
        await db.order.update({ where: { id: orderId }, data: { cjSplitOrders: JSON.stringify(splits) } });
      }
    } else if (order.cjStatus !== status) {
      await db.order.update({ where: { id: orderId }, data: { cjStatus: status } });
    }
    if (status === "UNSHIPPED") {
      await transitionOrder(db, orderId, {
        to: "PAID",
        actor,
        type: "paid",
        message: `${source} reports CJ order ${update.cjOrderId} as paid and waiting to ship.`,
        set: { paidAt: order.paidAt ?? now, ...(order.state === "NEEDS_ATTENTION" ? { errorReason: null } : {}) },
        from: resumable ? [...PAID_FROM, "NEEDS_ATTENTION"] : PAID_FROM,
      });
    } else if (status === "CANCELLED" && isOriginal && splits.length === 0) {
      await cjCancelled(deps, order, update.cjOrderId, source);
      return { syncNeeded: false };
    }
  }

  const dispatched = cjReportsDispatched(status, update.trackingStatus);
  if (dispatched) {
    await transitionOrder(db, orderId, {
      to: "SHIPPED",
      actor,
      type: "shipped",
      message: `${source} reports CJ order ${update.cjOrderId} shipped${update.trackingNumber ? ` with ${update.logisticName ?? "tracking"} ${update.trackingNumber}` : ""}.`,
      set: { shippedAt: order.shippedAt ?? now, ...(order.state === "NEEDS_ATTENTION" ? { errorReason: null } : {}) },
      from: resumable ? [...SHIPPED_FROM, "NEEDS_ATTENTION"] : SHIPPED_FROM,
    });
  }

  // 2. The shipment (one Fulfillment row per tracking number).
  const number = update.trackingNumber?.trim();
  if (!number) return { syncNeeded: false };
  if (!order.trackingNumber || order.trackingNumber === number) {
    await db.order.update({
      where: { id: orderId },
      data: {
        trackingNumber: number,
        ...(update.trackingUrl ? { trackingUrl: update.trackingUrl } : {}),
        ...(update.trackingStatus !== null && update.trackingStatus !== undefined
          ? { trackingStatus: update.trackingStatus }
          : {}),
      },
    });
  }
  const beforeDispatch = order.shop.settings?.trackingSync === "BEFORE_DISPATCH";
  const existing = await db.fulfillment.findUnique({
    where: { orderId_trackingNumber: { orderId, trackingNumber: number } },
  });
  if (!existing && !dispatched && !beforeDispatch) return { syncNeeded: false };

  const lines: ShipmentLine[] = child
    ? child.lines
    : order.lines
        .filter((l) => l.skipReason === null)
        .map((l) => ({ orderLineId: l.id, shopifyLineItemGid: l.shopifyLineItemGid, quantity: l.quantity }));
  const known = (v: string | null | undefined) => (v?.trim() ? v.trim() : undefined);
  // Never step back from delivered/returned because of a late, older message (CJ promises no ordering).
  const keepStatus =
    existing &&
    isFinalTrackingStatus(existing.trackingStatus) &&
    (update.trackingStatus ?? 0) < (existing.trackingStatus ?? 0);
  const trackingStatus = keepStatus ? undefined : (update.trackingStatus ?? undefined);
  const fields = {
    logisticName: known(update.logisticName),
    cjTrackingUrl: known(update.trackingUrl),
    trackingStatus,
    lastMileCarrier: known(update.lastMileCarrier),
    lastTrackNumber: known(update.lastTrackNumber),
  };
  const changed =
    !existing ||
    (Object.entries(fields) as [keyof typeof fields, unknown][]).some(
      ([key, value]) => value !== undefined && existing[key] !== value,
    );
  if (!changed) return { syncNeeded: existing.status !== "CREATED" };
  if (!existing) {
    try {
      await db.fulfillment.create({
        data: {
          orderId,
          trackingNumber: number,
          cjOrderId: update.cjOrderId,
          status: "PENDING",
          lineItems: JSON.stringify(lines),
          ...fields,
        },
      });
    } catch (error) {
      // A concurrent message created it first: that row is the one (unique on order + number).
      if (!isUniqueViolation(error)) throw error;
      await db.fulfillment.update({
        where: { orderId_trackingNumber: { orderId, trackingNumber: number } },
        data: fields,
      });
    }
  } else {
    await db.fulfillment.update({ where: { id: existing.id }, data: fields });
  }
  if (trackingStatus !== undefined && trackingStatus !== existing?.trackingStatus) {
    const where = [update.lastEvent?.activity, update.lastEvent?.location].filter(Boolean).join(", ");
    await recordOrderEvent(db, orderId, {
      actor,
      type: "tracking",
      message: `Parcel ${number}: ${TRACKING_STATUS_TEXT[trackingStatus] ?? `status ${trackingStatus}`}${where ? ` (${where})` : ""}.`,
      data: { trackingNumber: number, trackingStatus, cjOrderId: update.cjOrderId },
    });
  }
  return { syncNeeded: true };
}

async function cjCancelled(
  deps: TrackingDeps,
  order: { id: string; state: string; cancelledAt: Date | null },
  cjOrderId: string,
  source: string,
) {
  if (order.state === "CANCELLED") return;
  if (order.cancelledAt) {
    await transitionOrder(deps.db, order.id, {
      to: "CANCELLED",
      actor: "cj",
      type: "cancelled",
      message: `${source} confirms CJ order ${cjOrderId} is cancelled.`,
    });
    return;
  }
  const message = `CJ cancelled CJ order ${cjOrderId} although the Shopify order is still open. Check the reason in CJ, then forward the order again or cancel and refund it in Shopify.`;
  await transitionOrder(deps.db, order.id, {
    to: "NEEDS_ATTENTION",
    actor: "cj",
    type: "cj_cancelled",
    message,
    set: { errorReason: message },
  });
}

/** The lines a split CJ order took, matched to our order lines. */
export function matchSplitLines(
  lines: readonly {
    id: string;
    shopifyLineItemGid: string;
    sku: string | null;
    cjVariantId: string | null;
    cjLineItemId: string | null;
  }[],
  products: readonly {
    storeLineItemId?: string | null;
    lineItemId?: string | null;
    vid?: string | null;
    sku?: string | null;
    quantity?: number | null;
  }[],
): { lines: ShipmentLine[]; unmatched: number } {
  const out: ShipmentLine[] = [];
  let unmatched = 0;
  for (const p of products) {
    const line =
      (p.storeLineItemId && lines.find((l) => legacyId(l.shopifyLineItemGid) === String(p.storeLineItemId))) ||
      (p.lineItemId && lines.find((l) => l.cjLineItemId === p.lineItemId)) ||
      (p.vid && lines.find((l) => l.cjVariantId === p.vid)) ||
      (p.sku && lines.find((l) => l.sku === p.sku)) ||
      null;
    if (!line || !p.quantity) {
      unmatched++;
      continue;
    }
    const same = out.find((o) => o.orderLineId === line.id);
    if (same) same.quantity += p.quantity;
    else out.push({ orderLineId: line.id, shopifyLineItemGid: line.shopifyLineItemGid, quantity: p.quantity });
  }
  return { lines: out, unmatched };
}

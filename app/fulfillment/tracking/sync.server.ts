/**
 * `syncTrackingToShopify` (the `sync-tracking` job): brings one order's Shopify fulfillments up to what CJ said,
 * from the Fulfillment rows (one per CJ tracking number).
 *
 * Exactly one Shopify fulfillment per (order, tracking number):
 * 1. the row is claimed (PENDING/FAILED → CREATING, a conditional update) before Shopify is called, so two workers
 *    never create at once; a claim left by a dead process expires after CLAIM_MS;
 * 2. before creating, Shopify's own fulfillments of the order are read: one that already carries the number (our
 *    process died after Shopify answered, before the commit) is adopted instead of creating another;
 * 3. the fulfillment GID is stored with status CREATED.
 * Shopify's userErrors (fulfilled elsewhere, cancelled, on hold) leave the row FAILED and the order NEEDS_ATTENTION
 * with what to do; they are not thrown, so the job does not loop. THROTTLED is backed off by the Admin client (cost
 * extension) and, past that, by the job's retries.
 */
import { logger } from "../../logger.server";
import {
  createFulfillment,
  createFulfillmentEvent,
  getOrderFulfillments,
  type ShopifyFulfillment,
  updateFulfillmentTracking,
} from "../../shopify/fulfillments";
import type { AdminGraphql, UserError } from "../../shopify/graphql";
import { getFulfillmentOrders, type ShopifyFulfillmentOrder } from "../../shopify/orders";
import { type OrderState, recordOrderEvent, transitionOrder } from "../state";
import { type ShopifyTracking, trackingForShipment } from "./carriers";
import { parseShipmentLines, type ShipmentLine, type TrackingDeps } from "./shipments.server";
import { fulfillmentEventForTrackingStatus, TRACKING_STATUS_TEXT } from "./status";

const CLAIM_MS = 2 * 60 * 1000;
/** errorReason prefix of the attention this module raises (so it can clear it once Shopify accepts). */
export const FULFILLMENT_ATTENTION_PREFIX = "Shopify fulfillment:";

type FulfillmentRow = Awaited<ReturnType<TrackingDeps["db"]["fulfillment"]["findMany"]>>[number];

export interface SyncResult {
  created: number;
  adopted: number;
  failed: number;
  trackingUpdates: number;
  events: number;
}

export async function syncTrackingToShopify(deps: TrackingDeps, orderId: string): Promise<SyncResult> {
  const { db } = deps;
  const result: SyncResult = { created: 0, adopted: 0, failed: 0, trackingUpdates: 0, events: 0 };
  const order = await db.order.findUnique({
    where: { id: orderId },
    include: { shop: { include: { settings: true } }, lines: true, fulfillments: { orderBy: { createdAt: "asc" } } },
  });
  if (!order || order.state === "CANCELLED" || order.fulfillments.length === 0) return result;
  if (order.shop.uninstalledAt) return result;
  const notifyCustomer = order.shop.settings?.notifyCustomer ?? true;
  const admin = await deps.ports.admin(order.shop.domain);
  const ctx: SyncContext = { deps, admin, orderId, orderGid: order.shopifyOrderGid, notifyCustomer, result };

  for (const row of order.fulfillments) {
    let current: FulfillmentRow | null = row;
    if (row.status !== "CREATED") current = await createInShopify(ctx, row);
    if (current?.status === "CREATED" && current.shopifyFulfillmentGid) {
      current = await updateTracking(ctx, current);
      await sendProgressEvent(ctx, current);
    }
  }
  await settleOrderState(deps, orderId);
  return result;
}

interface SyncContext {
  deps: TrackingDeps;
  admin: AdminGraphql;
  orderId: string;
  orderGid: string;
  notifyCustomer: boolean;
  result: SyncResult;
}

/**
 * Whether Shopify is behind this row: not created yet (or a creation claim that lapsed), or created with another
 * number, carrier or link, or without the latest delivery progress. FAILED rows (Shopify refused; the order needs
 * attention) are left to the merchant's retry. The sweeps use it to re-drive syncs lost with a process.
 */
export function fulfillmentNeedsSync(row: FulfillmentRow, now: Date = new Date()): boolean {
  if (row.status === "PENDING") return true;
  if (row.status === "CREATING") return row.updatedAt.getTime() < now.getTime() - CLAIM_MS;
  // Shopify refused an update of this one (the reason is on the row and the order): the merchant retries it.
  if (row.status !== "CREATED" || row.error) return false;
  const desired = desiredTracking(row);
  if (row.syncedNumber !== desired.number || row.company !== desired.company || row.url !== desired.url) return true;
  const status = fulfillmentEventForTrackingStatus(row.trackingStatus);
  return status !== null && status !== row.lastEventStatus;
}

function desiredTracking(row: FulfillmentRow): ShopifyTracking {
  return trackingForShipment({
    trackingNumber: row.trackingNumber,
    logisticName: row.logisticName,
    trackingUrl: row.cjTrackingUrl,
    lastMileCarrier: row.lastMileCarrier,
    lastTrackNumber: row.lastTrackNumber,
  });
}

async function createInShopify(ctx: SyncContext, row: FulfillmentRow): Promise<FulfillmentRow | null> {
  const { db } = ctx.deps;
  const now = ctx.deps.now?.() ?? new Date();
  const claim = await db.fulfillment.updateMany({
    where: {
      id: row.id,
      OR: [
        { status: { in: ["PENDING", "FAILED"] } },
        { status: "CREATING", updatedAt: { lt: new Date(now.getTime() - CLAIM_MS) } },
      ],
    },
    data: { status: "CREATING" },
  });
  if (claim.count === 0) return null;
  const release = (data: Record<string, unknown> = {}) =>
    db.fulfillment.update({ where: { id: row.id }, data: { status: "PENDING", ...data } });
  const tracking = desiredTracking(row);
  try {
    // 1. Shopify may already have it (a previous attempt died after Shopify answered).
    const existing = await getOrderFulfillments(ctx.admin, ctx.orderGid);
    if (!existing) {
      return await refuse(ctx, row, "Shopify no longer returns this order (deleted?): the tracking cannot be added.");
    }
    const numbers = new Set([row.trackingNumber, row.lastTrackNumber, row.syncedNumber].filter(Boolean));
    const same = existing.fulfillments.find(
      (f) => f.status !== "CANCELLED" && f.trackingInfo.some((t) => t.number && numbers.has(t.number)),
    );
    if (same) return await markCreated(ctx, row, same, "adopted");

    // 2. Which fulfillment orders and line items this shipment covers.
    const lines = parseShipmentLines(row.lineItems);
    const shopifyOrder = await getFulfillmentOrders(ctx.admin, ctx.orderGid);
    const plan = planFulfillment(shopifyOrder?.fulfillmentOrders ?? [], lines);
    if (plan.groups.length === 0) return await refuse(ctx, row, plan.problem ?? "Nothing left to fulfill.");

    // 3. Create.
    const answer = await createFulfillment(ctx.admin, {
      lineItemsByFulfillmentOrder: plan.groups,
      tracking,
      notifyCustomer: ctx.notifyCustomer,
    });
    if (answer.userErrors.length > 0 || !answer.fulfillment) {
      return await refuse(ctx, row, explainUserErrors(answer.userErrors, plan.involved), answer.userErrors);
    }
    const created = await markCreated(ctx, row, answer.fulfillment, "created");
    if (plan.leftover.length > 0) {
      await recordOrderEvent(db, ctx.orderId, {
        actor: "job",
        type: "fulfillment_partial",
        message: `Tracking ${row.trackingNumber} could not cover every item CJ shipped in it (${plan.leftover.join("; ")}).`,
      });
    }
    return created;
  } catch (error) {
    await release().catch(() => undefined);
    throw error;
  }
}

async function markCreated(
  ctx: SyncContext,
  row: FulfillmentRow,
  fulfillment: ShopifyFulfillment,
  how: "created" | "adopted",
): Promise<FulfillmentRow> {
  const info = fulfillment.trackingInfo[0];
  const updated = await ctx.deps.db.fulfillment.update({
    where: { id: row.id },
    data: {
      status: "CREATED",
      shopifyFulfillmentGid: fulfillment.id,
      company: info?.company ?? null,
      url: info?.url ?? null,
      syncedNumber: info?.number ?? row.trackingNumber,
      error: null,
    },
  });
  ctx.result[how === "created" ? "created" : "adopted"]++;
  await recordOrderEvent(ctx.deps.db, ctx.orderId, {
    actor: "job",
    type: how === "created" ? "fulfillment_created" : "fulfillment_adopted",
    message:
      how === "created"
        ? `Shopify fulfillment ${fulfillment.name} created with ${info?.company ?? "?"} ${info?.number ?? row.trackingNumber}${ctx.notifyCustomer ? " (customer notified)" : ""}.`
        : `Shopify already had fulfillment ${fulfillment.name} for ${row.trackingNumber}: recorded it instead of creating another.`,
    data: { fulfillmentId: fulfillment.id, tracking: fulfillment.trackingInfo },
  });
  return updated;
}

async function refuse(
  ctx: SyncContext,
  row: FulfillmentRow,
  why: string,
  userErrors?: UserError[],
): Promise<FulfillmentRow> {
  const { db } = ctx.deps;
  const message = `${FULFILLMENT_ATTENTION_PREFIX} tracking ${row.trackingNumber} was not added. ${why}`;
  const updated = await db.fulfillment.update({ where: { id: row.id }, data: { status: "FAILED", error: why } });
  ctx.result.failed++;
  const moved = await transitionOrder(db, ctx.orderId, {
    to: "NEEDS_ATTENTION",
    actor: "job",
    type: "fulfillment_refused",
    message,
    data: { trackingNumber: row.trackingNumber, userErrors },
    set: { errorReason: message },
    // This order's own Shopify fulfillment: orders merged with it at CJ have their own.
    mirror: false,
  });
  if (!moved) {
    await db.order.update({ where: { id: ctx.orderId }, data: { errorReason: message } });
    await recordOrderEvent(db, ctx.orderId, {
      actor: "job",
      type: "fulfillment_refused",
      message,
      data: { userErrors },
    });
  }
  logger.warn({ orderId: ctx.orderId, trackingNumber: row.trackingNumber, why }, "Shopify fulfillment refused");
  return updated;
}

export interface FulfillmentPlan {
  groups: { fulfillmentOrderId: string; fulfillmentOrderLineItems: { id: string; quantity: number }[] }[];
  involved: ShopifyFulfillmentOrder[];
  leftover: string[];
  problem: string | null;
}

const OPEN_FO_STATUSES = new Set(["OPEN", "IN_PROGRESS", "ON_HOLD", "SCHEDULED"]);

/**
 * Allocates a shipment's lines to fulfillment-order line items with remaining quantity. One fulfillmentCreate may
 * only cover fulfillment orders of one location (shopify-facts), so the first location that can take a line wins.
 * On-hold fulfillment orders are kept: Shopify's own userError then tells the merchant what to release.
 */
export function planFulfillment(
  fulfillmentOrders: readonly ShopifyFulfillmentOrder[],
  lines: readonly ShipmentLine[],
): FulfillmentPlan {
  const groups = new Map<string, { id: string; quantity: number }[]>();
  const involved: ShopifyFulfillmentOrder[] = [];
  const leftover: string[] = [];
  const taken = new Map<string, number>();
  let location: string | null = null;
  const candidates = fulfillmentOrders.filter((fo) => OPEN_FO_STATUSES.has(fo.status));
  for (const line of lines) {
    let remaining = line.quantity;
    for (const fo of candidates) {
      if (remaining <= 0) break;
      const foLocation = fo.assignedLocation.location?.id ?? fo.assignedLocation.name;
      if (location !== null && foLocation !== location) continue;
      for (const item of fo.lineItems.nodes) {
        if (remaining <= 0) break;
        if (item.lineItem.id !== line.shopifyLineItemGid) continue;
        const available = item.remainingQuantity - (taken.get(item.id) ?? 0);
        if (available <= 0) continue;
        const quantity = Math.min(available, remaining);
        remaining -= quantity;
        taken.set(item.id, (taken.get(item.id) ?? 0) + quantity);
        location ??= foLocation;
        const group = groups.get(fo.id) ?? [];
        const same = group.find((g) => g.id === item.id);
        if (same) same.quantity += quantity;
        else group.push({ id: item.id, quantity });
        groups.set(fo.id, group);
        if (!involved.includes(fo)) involved.push(fo);
      }
    }
    if (remaining > 0) leftover.push(`${remaining} × ${line.shopifyLineItemGid}`);
  }
  let problem: string | null = null;
  if (groups.size === 0) {
    const all = fulfillmentOrders;
    if (lines.length === 0) problem = "CJ did not say which items this parcel holds: fulfill it by hand in Shopify.";
    else if (all.length > 0 && all.every((fo) => fo.status === "CANCELLED"))
      problem =
        "The order is cancelled in Shopify: nothing was fulfilled. Refund or re-create the order if CJ still ships it.";
    else
      problem =
        "Shopify shows these items as already fulfilled (by hand or by another app) or closed: add the tracking number to that fulfillment in Shopify if it is CJ's parcel.";
  }
  return {
    groups: [...groups].map(([fulfillmentOrderId, items]) => ({
      fulfillmentOrderId,
      fulfillmentOrderLineItems: items,
    })),
    involved,
    leftover,
    problem,
  };
}

/** userErrors → a sentence the merchant can act on. */
export function explainUserErrors(errors: readonly UserError[], involved: readonly ShopifyFulfillmentOrder[]): string {
  const said = errors.map((e) => e.message).join(" ") || "Shopify refused the fulfillment without a reason.";
  const held = involved.find((fo) => fo.status === "ON_HOLD");
  if (held || /on.?hold/i.test(said)) {
    const reason = held?.fulfillmentHolds[0]?.reason;
    return `Shopify says: ${said} The fulfillment order is on hold${reason ? ` (${reason.toLowerCase().replace(/_/g, " ")})` : ""}: release the hold in Shopify, then retry the tracking sync from the order page.`;
  }
  if (/cancel/i.test(said))
    return `Shopify says: ${said} The order is cancelled in Shopify: check whether CJ still ships it.`;
  if (/quantity|fulfilled|no line items/i.test(said)) {
    return `Shopify says: ${said} These items look fulfilled already (by hand or another app): add the tracking number there.`;
  }
  return `Shopify says: ${said}`;
}

async function updateTracking(ctx: SyncContext, row: FulfillmentRow): Promise<FulfillmentRow> {
  const { db } = ctx.deps;
  const desired = desiredTracking(row);
  if (row.syncedNumber === desired.number && row.company === desired.company && row.url === desired.url) return row;
  const claim = await db.fulfillment.updateMany({
    where: { id: row.id, syncedNumber: row.syncedNumber, company: row.company, url: row.url },
    data: { syncedNumber: desired.number, company: desired.company, url: desired.url },
  });
  if (claim.count === 0) return (await db.fulfillment.findUnique({ where: { id: row.id } })) ?? row;
  const revert = () =>
    db.fulfillment.update({
      where: { id: row.id },
      data: { syncedNumber: row.syncedNumber, company: row.company, url: row.url },
    });
  try {
    const numberChanged = row.syncedNumber !== desired.number;
    const answer = await updateFulfillmentTracking(ctx.admin, {
      fulfillmentId: row.shopifyFulfillmentGid as string,
      tracking: desired,
      notifyCustomer: ctx.notifyCustomer && numberChanged,
    });
    if (answer.userErrors.length > 0) {
      await revert();
      const why = answer.userErrors.map((e) => e.message).join(" ");
      await db.fulfillment.update({ where: { id: row.id }, data: { error: why } });
      await recordOrderEvent(db, ctx.orderId, {
        actor: "job",
        type: "tracking_update_refused",
        message: `Shopify refused the new tracking ${desired.company} ${desired.number}: ${why}`,
      });
      return row;
    }
    ctx.result.trackingUpdates++;
    await recordOrderEvent(db, ctx.orderId, {
      actor: "job",
      type: "tracking_updated",
      message: `Tracking of ${row.trackingNumber} in Shopify is now ${desired.company} ${desired.number}.`,
      data: { tracking: desired },
    });
    return { ...row, syncedNumber: desired.number, company: desired.company, url: desired.url };
  } catch (error) {
    await revert().catch(() => undefined);
    throw error;
  }
}

async function sendProgressEvent(ctx: SyncContext, row: FulfillmentRow): Promise<void> {
  const { db } = ctx.deps;
  const status = fulfillmentEventForTrackingStatus(row.trackingStatus);
  if (!status || status === row.lastEventStatus) return;
  const now = ctx.deps.now?.() ?? new Date();
  const claim = await db.fulfillment.updateMany({
    where: { id: row.id, lastEventStatus: row.lastEventStatus },
    data: { lastEventStatus: status, lastEventAt: now },
  });
  if (claim.count === 0) return;
  const revert = () =>
    db.fulfillment.update({
      where: { id: row.id },
      data: { lastEventStatus: row.lastEventStatus, lastEventAt: row.lastEventAt },
    });
  try {
    const answer = await createFulfillmentEvent(ctx.admin, {
      fulfillmentId: row.shopifyFulfillmentGid as string,
      status,
      message: `CJ: ${TRACKING_STATUS_TEXT[row.trackingStatus ?? 0] ?? status.toLowerCase()}`,
      happenedAt: now.toISOString(),
    });
    if (answer.userErrors.length > 0) {
      await recordOrderEvent(db, ctx.orderId, {
        actor: "job",
        type: "fulfillment_event_refused",
        message: `Shopify refused the ${status} event for ${row.trackingNumber}: ${answer.userErrors.map((e) => e.message).join(" ")}`,
      });
      return;
    }
    ctx.result.events++;
  } catch (error) {
    await revert().catch(() => undefined);
    throw error;
  }
}

/** FULFILLED / PARTIALLY_FULFILLED / DELIVERED from the rows: what Shopify now shows for the order. */
export async function settleOrderState(deps: TrackingDeps, orderId: string): Promise<void> {
  const { db } = deps;
  const now = deps.now?.() ?? new Date();
  const order = await db.order.findUnique({ where: { id: orderId }, include: { lines: true, fulfillments: true } });
  if (!order) return;
  const created = order.fulfillments.filter((f) => f.status === "CREATED");
  if (created.length === 0) return;
  const covered = new Map<string, number>();
  for (const f of created) {
    for (const line of parseShipmentLines(f.lineItems)) {
      covered.set(line.orderLineId, (covered.get(line.orderLineId) ?? 0) + line.quantity);
    }
  }
  const sent = order.lines.filter((l) => l.skipReason === null);
  const allCovered = sent.length > 0 && sent.every((l) => (covered.get(l.id) ?? 0) >= l.quantity);
  const failed = order.fulfillments.some((f) => f.status === "FAILED");
  const state = order.state as OrderState;

  // Shopify accepted what it refused before: the attention this module raised is over.
  if (state === "NEEDS_ATTENTION" && !failed && order.errorReason?.startsWith(FULFILLMENT_ATTENTION_PREFIX)) {
    await transitionOrder(db, orderId, {
      to: "PAID",
      actor: "job",
      type: "attention_resolved",
      message: "Shopify accepted the tracking: back on track.",
      set: { errorReason: null },
      from: ["NEEDS_ATTENTION"],
      mirror: false,
    });
  }
  const target: OrderState = allCovered ? "FULFILLED" : "PARTIALLY_FULFILLED";
  const names = created.map((f) => f.syncedNumber ?? f.trackingNumber).join(", ");
  await transitionOrder(db, orderId, {
    to: target,
    actor: "job",
    type: allCovered ? "fulfilled" : "partially_fulfilled",
    message: allCovered
      ? `Fulfilled in Shopify (${names}).`
      : `Partly fulfilled in Shopify (${names}); the rest ships separately.`,
    from: allCovered ? ["PAID", "SHIPPED", "PARTIALLY_FULFILLED"] : ["PAID", "SHIPPED"],
  });
  if (allCovered && created.every((f) => f.trackingStatus === 12)) {
    await transitionOrder(db, orderId, {
      to: "DELIVERED",
      actor: "job",
      type: "delivered",
      message: `Delivered (${names}).`,
      set: { deliveredAt: order.deliveredAt ?? now, nextPollAt: null },
      from: ["SHIPPED", "PARTIALLY_FULFILLED", "FULFILLED"],
    });
  }
}

/**
 * The polling safety net (`poll-cj-orders`, scheduled). CJ drops a push after 3 failed retries and pauses every push
 * at 50 % failures (cj-api-facts "Webhooks"), so orders that are paid but not delivered are polled:
 * - CJ orders not complete yet (orderFlow=2, no cjOrderId): `getOrderDetail(orderNumber)`, one by one (rare);
 * - status and tracking number: `order/list` with up to PAGE orderIds per call, not one detail call per order;
 * - parcel progress: `trackInfo` with up to TRACK_BATCH numbers per call.
 * Each order is polled again at `nextPollAt`: often while the parcel is young, rarely once it is old, never after
 * delivered or returned. What the poll learns goes through the same `applyCjShipmentUpdate` as a webhook, so a
 * poll racing a push changes nothing twice.
 */
import type { CjClient } from "../../cj";
import { enqueueForOrder } from "../../jobs/queue";
import { logger } from "../../logger.server";
import { applyCjShipmentUpdate, parseSplitOrders, type TrackingDeps } from "./shipments.server";
import { isFinalTrackingStatus, trackingStatusFromTrackInfo } from "./status";

/** order/list: CJ's own client pages by 50; the endpoint takes up to 100 ids (requests.ts). */
export const ORDER_LIST_PAGE = 50;
/** trackInfo: numbers per call (the seed shows several; 50 keeps the query string short). */
export const TRACK_BATCH = 50;
const POLLED_STATES = ["SUBMITTED", "AWAITING_PAYMENT", "PAID", "SHIPPED", "PARTIALLY_FULFILLED", "FULFILLED"];
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export interface PollOptions {
  /** Orders per cycle (the oldest due first). */
  limit?: number;
  /** Multiplies every interval (tests: 0.001 turns 30 minutes into 1.8 s). */
  intervalScale?: number;
  /**
   * After a restart: every order not shipped yet that was last polled before this moment is due as well, whatever
   * its schedule. CJ retries a push only a few times; the ones it sent while the app was down are lost, and an order
   * polled shortly before the crash would otherwise wait its whole interval to learn that CJ shipped it.
   */
  notPolledSince?: Date;
}

export interface PollStats {
  orders: number;
  cjCalls: { list: number; detail: number; trackInfo: number };
  updates: number;
}

/** CJ's order statuses in the order an order moves through them (cj-api-facts "Orders"). */
const STATUS_FLOW = ["CREATED", "IN_CART", "UNPAID", "UNSHIPPED", "SHIPPED", "DELIVERED"] as const;
/** Asked first: where polled orders usually are (paid and waiting for a parcel, or on the way). */
const ASK_ORDER = ["SHIPPED", "UNSHIPPED", "DELIVERED", "UNPAID", "CANCELLED", "OTHER", "IN_CART", "CREATED"] as const;

/**
 * The statuses to ask order/list for, for orders last seen in `known`: the one each was in (its tracking number
 * may have arrived since) and every later one, plus CANCELLED and OTHER. Most likely first, so that a chunk usually costs one
 * or two calls.
 */
export function statusesToAsk(known: readonly (string | null)[]): (typeof ASK_ORDER)[number][] {
  // CANCELLED and OTHER (held at CJ) can follow any status.
  const wanted = new Set<string>(["CANCELLED", "OTHER"]);
  for (const status of known) {
    const at = STATUS_FLOW.indexOf(status as (typeof STATUS_FLOW)[number]);
    // Unknown (never seen, OTHER): from UNPAID on, where a submitted order can be.
    for (const s of STATUS_FLOW.slice(at >= 0 ? at : 2)) wanted.add(s);
  }
  return ASK_ORDER.filter((s) => wanted.has(s));
}

/** When to look at an order again: the younger the parcel, the sooner. */
export function nextPollDelayMs(order: { shippedAt: Date | null }, now: Date): number {
  if (!order.shippedAt) {
    // Not shipped yet: CJ usually ships within 1–5 days of payment.
    return 30 * MINUTE;
  }
  const age = now.getTime() - order.shippedAt.getTime();
  if (age < 2 * DAY) return HOUR;
  if (age < 10 * DAY) return 4 * HOUR;
  if (age < 30 * DAY) return 12 * HOUR;
  return DAY;
}

export async function pollCjOrders(deps: TrackingDeps, options: PollOptions = {}): Promise<PollStats> {
  const { db } = deps;
  const now = deps.now?.() ?? new Date();
  const scale = options.intervalScale ?? 1;
  const stats: PollStats = { orders: 0, cjCalls: { list: 0, detail: 0, trackInfo: 0 }, updates: 0 };
  const due = await db.order.findMany({
    where: {
      state: { in: POLLED_STATES },
      shop: { uninstalledAt: null },
      cjOrderNumber: { not: null },
      // An order merged into another's CJ order learns its CJ state from that lead (shipments.server.ts).
      mergedIntoId: null,
      OR: [
        { nextPollAt: null },
        { nextPollAt: { lte: now } },
        ...(options.notPolledSince
          ? [
              {
                state: { in: ["SUBMITTED", "AWAITING_PAYMENT", "PAID"] },
                OR: [{ lastPolledAt: null }, { lastPolledAt: { lt: options.notPolledSince } }],
              },
            ]
          : []),
      ],
    },
    include: { fulfillments: true },
    orderBy: [{ nextPollAt: "asc" }, { createdAt: "asc" }],
    take: options.limit ?? 2000,
  });
  stats.orders = due.length;
  const byShop = new Map<string, typeof due>();
  for (const order of due) byShop.set(order.shopId, [...(byShop.get(order.shopId) ?? []), order]);
  const sync = new Set<string>();

  for (const [shopId, orders] of byShop) {
    let cj: CjClient;
    try {
      cj = await deps.ports.cj(shopId);
    } catch (error) {
      logger.warn({ shopId, err: (error as Error).message }, "poll: no CJ client for shop");
      continue;
    }
    try {
      await pollShop(deps, cj, orders, stats, sync);
    } catch (error) {
      // One shop's trouble (CJ down, quota) must not stop the others; its orders are due again next cycle.
      logger.warn({ shopId, err: (error as Error).message }, "poll: CJ could not be read for this shop");
      continue;
    }
    for (const order of orders) {
      const fresh = await db.order.findUnique({
        where: { id: order.id },
        select: { state: true, shippedAt: true, submittedAt: true, fulfillments: { select: { trackingStatus: true } } },
      });
      if (!fresh) continue;
      // Every parcel delivered or returned: polling is over (a far date keeps the row out of the due query).
      const over =
        fresh.fulfillments.length > 0 && fresh.fulfillments.every((f) => isFinalTrackingStatus(f.trackingStatus));
      const delay = over ? 3650 * DAY : nextPollDelayMs(fresh, now) * scale;
      await db.order.update({
        where: { id: order.id },
        data: { lastPolledAt: now, nextPollAt: new Date(now.getTime() + Math.max(delay, 1000 * Math.min(1, scale))) },
      });
    }
  }
  // Rows Shopify refused or a dead process left behind get another try (bounded: once per poll of the order).
  for (const order of due) {
    if (order.fulfillments.some((f) => f.status !== "CREATED")) sync.add(order.id);
  }
  for (const orderId of sync) {
    await enqueueForOrder(deps.queue, "sync-tracking", orderId);
  }
  return stats;
}

type PolledOrder = Awaited<ReturnType<TrackingDeps["db"]["order"]["findMany"]>>[number] & {
  fulfillments: { trackingNumber: string; cjOrderId: string | null; trackingStatus: number | null }[];
};

async function pollShop(deps: TrackingDeps, cj: CjClient, orders: PolledOrder[], stats: PollStats, sync: Set<string>) {
  const { db } = deps;
  // 1. Orders CJ had not completed (no cjOrderId): look them up by our order number.
  for (const order of orders.filter((o) => !o.cjOrderId && o.cjOrderNumber)) {
    stats.cjCalls.detail++;
    const detail = await cj.orders.findOrder(order.cjOrderNumber as string);
    const id = detail?.orderId ?? detail?.cjOrderId;
    if (!detail || !id) continue;
    await db.order.update({ where: { id: order.id }, data: { cjOrderId: id, cjStatus: detail.orderStatus ?? null } });
    order.cjOrderId = id;
    await enqueueForOrder(deps.queue, "pay-order", order.id);
  }

  // 2. Status and tracking numbers, many orders per call. Split orders are polled through their children.
  const owner = new Map<string, string>();
  for (const order of orders) {
    const splits = parseSplitOrders(order.cjSplitOrders);
    const ids = splits.length > 0 ? splits.map((s) => s.cjOrderId) : order.cjOrderId ? [order.cjOrderId] : [];
    for (const id of ids) owner.set(id, order.id);
  }
  const known = new Map<string, string | null>();
  for (const order of orders) {
    for (const split of parseSplitOrders(order.cjSplitOrders)) known.set(split.cjOrderId, split.status);
    if (order.cjOrderId && !known.has(order.cjOrderId)) known.set(order.cjOrderId, order.cjStatus ?? null);
  }
  const ids = [...owner.keys()];
  for (let i = 0; i < ids.length; i += ORDER_LIST_PAGE) {
    const chunk = ids.slice(i, i + ORDER_LIST_PAGE);
    const items = [];
    // order/list filters by one status, and documents CANCELLED as the default: each status is asked for by name,
    // only those the chunk's orders can still reach, until every order of the chunk has been seen.
    const pending = new Set(chunk);
    for (const status of statusesToAsk(chunk.map((id) => known.get(id) ?? null))) {
      if (pending.size === 0) break;
      stats.cjCalls.list++;
      const page = await cj.orders.list({ orderIds: [...pending], status, pageNum: 1, pageSize: ORDER_LIST_PAGE });
      for (const item of page.list) {
        const id = item.orderId ?? item.cjOrderId;
        if (id) pending.delete(id);
        items.push(item);
      }
    }
    for (const item of items) {
      const cjOrderId = item.orderId ?? item.cjOrderId;
      const orderId = cjOrderId ? owner.get(cjOrderId) : undefined;
      if (!cjOrderId || !orderId) continue;
      const result = await applyCjShipmentUpdate(
        deps,
        orderId,
        {
          cjOrderId,
          cjStatus: item.orderStatus,
          trackingNumber: item.trackNumber,
          logisticName: item.logisticName,
          trackingUrl: item.trackingUrl,
        },
        "job",
      );
      stats.updates++;
      if (result.syncNeeded) sync.add(orderId);
    }
  }

  // 3. Parcel progress, many numbers per call (only parcels not delivered or returned yet).
  const parcels = new Map<string, { orderId: string; cjOrderId: string; known: number | null }>();
  const rows = await db.fulfillment.findMany({
    where: { orderId: { in: orders.map((o) => o.id) } },
    select: { orderId: true, trackingNumber: true, cjOrderId: true, trackingStatus: true },
  });
  for (const row of rows) {
    if (isFinalTrackingStatus(row.trackingStatus) || !row.cjOrderId) continue;
    parcels.set(row.trackingNumber, { orderId: row.orderId, cjOrderId: row.cjOrderId, known: row.trackingStatus });
  }
  const numbers = [...parcels.keys()];
  for (let i = 0; i < numbers.length; i += TRACK_BATCH) {
    stats.cjCalls.trackInfo++;
    const infos = await cj.logistics.trackInfo(numbers.slice(i, i + TRACK_BATCH));
    for (const info of infos) {
      const parcel = info.trackingNumber ? parcels.get(info.trackingNumber) : undefined;
      if (!parcel || !info.trackingNumber) continue;
      const trackingStatus = trackingStatusFromTrackInfo(info.trackingStatus, parcel.known);
      const result = await applyCjShipmentUpdate(
        deps,
        parcel.orderId,
        {
          cjOrderId: parcel.cjOrderId,
          trackingNumber: info.trackingNumber,
          logisticName: info.logisticName,
          trackingStatus,
          lastMileCarrier: info.lastMileCarrier,
          lastTrackNumber: info.lastTrackNumber,
        },
        "job",
      );
      stats.updates++;
      if (result.syncNeeded) sync.add(parcel.orderId);
    }
  }
}

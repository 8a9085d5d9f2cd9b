/**
 * Shopify order webhooks → the order snapshot. The intake checks the payload while Shopify waits (parseOrderPayload)
 * and records it; the `process-shopify-webhook` job then runs receiveOrderWebhook: the snapshot upserted keyed by
 * (shop, order GID) — an older payload never overwrites a newer one, however the deliveries' jobs interleave — and
 * the forwarding job enqueued. Nothing slow happens here (no CJ or Shopify call).
 */

import { z } from "zod";
import { isUniqueViolation } from "../db/errors";
import db from "../db.server";
import { enqueueForOrder } from "../jobs/queue";
import { jobQueue } from "../jobs/runtime.server";
import { updateOrderProfit } from "../money/costs.server";
import type { ShopifyWebhookContext } from "../webhooks/shopify-topics.server";
import { PRE_SUBMISSION_STATES } from "./state";

const orderPayload = z.looseObject({
  admin_graphql_api_id: z.string().regex(/^gid:\/\/shopify\/Order\/\d+$/),
  name: z.string().max(255),
  updated_at: z.string().refine((s) => !Number.isNaN(Date.parse(s)), "updated_at is not a date"),
  financial_status: z.string().nullish(),
  email: z.string().nullish(),
  currency: z.string().nullish(),
  total_price: z.string().nullish(),
  current_total_price: z.string().nullish(),
  cancelled_at: z.string().nullish(),
  shipping_address: z.looseObject({ name: z.string().nullish(), country_code: z.string().nullish() }).nullish(),
});

export type OrderWebhookPayload = z.infer<typeof orderPayload>;

export function parseOrderPayload(payload: unknown): OrderWebhookPayload {
  const parsed = orderPayload.safeParse(payload);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Response(`Order payload rejected: ${issue?.path.join(".") || "body"}: ${issue?.message}`, {
      status: 422,
    });
  }
  return parsed.data;
}

export async function receiveOrderWebhook(ctx: ShopifyWebhookContext): Promise<void> {
  const order = parseOrderPayload(ctx.payload);
  const shop = await db.shop.findUnique({
    where: { domain: ctx.shop },
    select: { id: true, uninstalledAt: true, settings: { select: { forwardingTrigger: true } } },
  });
  if (!shop) throw new Response(`Shop ${ctx.shop} is not installed`, { status: 404 });
  // Sent before the uninstall and processed after it: the app no longer works for this shop.
  if (shop.uninstalledAt) throw new Response(`Shop ${ctx.shop} is uninstalled`, { status: 410 });
  // Two deliveries of a new order can race (several workers): the loser of the insert finds the row on its second
  // try and applies its snapshot as an update.
  const { order: row, changed } = await upsertOrderSnapshot(shop.id, ctx.topic, order).catch((error: unknown) => {
    if (!isUniqueViolation(error)) throw error;
    return upsertOrderSnapshot(shop.id, ctx.topic, order);
  });
  if (!changed && ctx.topic !== "ORDERS_CANCELLED") return;
  const job = nextJob(ctx.topic, order, row.state, shop.settings?.forwardingTrigger ?? "ON_PAYMENT");
  if (job) await enqueueForOrder(jobQueue(), job, row.id);
}

/** Which job an order webhook starts (the forwarding trigger is a shop setting). */
export function nextJob(
  topic: string,
  order: OrderWebhookPayload,
  state: string,
  trigger: string,
): "forward-order" | "cancel-order" | null {
  const t = topic.toUpperCase().replace("/", "_");
  if (t === "ORDERS_CANCELLED" || order.cancelled_at) return "cancel-order";
  if (!PRE_SUBMISSION_STATES.includes(state as never) || trigger === "MANUAL") return null;
  const paid = ["paid", "partially_refunded"].includes(order.financial_status ?? "");
  if (t === "ORDERS_PAID") return "forward-order";
  // orders/create, and orders/updated before submission (re-maps the address and lines): forward when the trigger
  // allows it now.
  return trigger === "ON_CREATION" || paid ? "forward-order" : null;
}

export async function upsertOrderSnapshot(shopId: string, topic: string, order: OrderWebhookPayload) {
  const updatedAt = new Date(order.updated_at);
  const snapshot = {
    shopifyOrderName: order.name,
    financialStatus: order.financial_status ?? null,
    customerName: order.shipping_address?.name ?? null,
    customerEmail: order.email ?? null,
    countryCode: order.shipping_address?.country_code ?? null,
    currency: order.currency ?? null,
    totalPrice: order.total_price ?? null,
    currentTotalPrice: order.current_total_price ?? null,
    snapshot: JSON.stringify(order),
    shopifyUpdatedAt: updatedAt,
    shopifyCancelledAt:
      order.cancelled_at && !Number.isNaN(Date.parse(order.cancelled_at)) ? new Date(order.cancelled_at) : null,
  };
  // No interactive transaction (on SQLite each one takes a connection of its own and holds the write lock across
  // round trips): a new order and its first event are one nested create; an update is one conditional statement.
  const where = { shopId_shopifyOrderGid: { shopId, shopifyOrderGid: order.admin_graphql_api_id } };
  const existing = await db.order.findUnique({ where, select: { id: true, state: true, cjCostUsd: true } });
  if (!existing) {
    const created = await db.order.create({
      data: {
        shopId,
        shopifyOrderGid: order.admin_graphql_api_id,
        ...snapshot,
        events: {
          create: {
            actor: "webhook",
            type: "received",
            toState: "RECEIVED",
            message: `Received ${topic} for ${order.name}`,
          },
        },
      },
      select: { id: true, state: true },
    });
    return { order: created, changed: true };
  }
  // The newer-payload rule is the update's condition: two deliveries of one order processed at once (two workers)
  // cannot have the older one land last.
  const { count } = await db.order.updateMany({
    where: { id: existing.id, OR: [{ shopifyUpdatedAt: null }, { shopifyUpdatedAt: { lte: updatedAt } }] },
    data: snapshot,
  });
  if (count === 0) return { order: existing, changed: false };
  await db.orderEvent.create({
    data: { orderId: existing.id, actor: "webhook", type: "snapshot", message: `Snapshot updated from ${topic}` },
  });
  // A refund or an edit changes the revenue: the profit of an order with CJ's costs follows.
  if (existing.cjCostUsd !== null) await updateOrderProfit(db, existing.id);
  return { order: existing, changed: true };
}

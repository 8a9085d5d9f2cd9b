/**
 * The order-page extension's view of one order, read for one shop. Only what the Shopify order page does not
 * already show (no customer data): CJ's side of the order, payment, tracking, the latest event and what the
 * merchant can do next. An order of another shop is "not found", never its data.
 */
import type { Db } from "../db.server";
import type { FreightOption } from "../fulfillment/rules";
import { PRE_SUBMISSION_STATES } from "../fulfillment/state";
import type { ExtensionAction, ExtensionOrderView, ExtensionTracking } from "./contract";

const SHOPIFY_ORDER_GID = /^gid:\/\/shopify\/Order\/\d{1,20}$/;

export function isShopifyOrderGid(value: string | null): value is string {
  return value !== null && SHOPIFY_ORDER_GID.test(value);
}

const include = {
  lines: { where: { skipReason: { not: null } }, select: { title: true, sku: true, skipReason: true } },
  events: { orderBy: { at: "desc" as const }, take: 1 },
  fulfillments: { orderBy: { createdAt: "asc" as const } },
};

export async function findOrderViewByShopifyGid(db: Db, shopDomain: string, gid: string) {
  const order = await db.order.findFirst({ where: { shopifyOrderGid: gid, shop: { domain: shopDomain } }, include });
  return order ? toOrderView(order) : null;
}

export async function findOrderViewById(db: Db, shopDomain: string, orderId: string) {
  const order = await db.order.findFirst({ where: { id: orderId, shop: { domain: shopDomain } }, include });
  return order ? toOrderView(order) : null;
}

type OrderWithDetails = NonNullable<Awaited<ReturnType<typeof loadForType>>>;
// Only for the type of the row `include` returns.
const loadForType = (db: Db) => db.order.findFirst({ include });

const UNPAID_STATES = ["SUBMITTED", "AWAITING_PAYMENT"];

function availableActions(order: OrderWithDetails): ExtensionAction[] {
  const actions: ExtensionAction[] = [];
  const preSubmission = (PRE_SUBMISSION_STATES as readonly string[]).includes(order.state);
  if (order.state === "HELD") actions.push("approve");
  else if (preSubmission) actions.push("forward");
  if (preSubmission) actions.push("requote");
  if (UNPAID_STATES.includes(order.state)) actions.push("pay");
  if ((order.cjOrderId || order.cjOrderNumber) && !preSubmission && !["CANCELLED", "DELIVERED"].includes(order.state)) {
    actions.push("refresh");
  }
  return actions;
}

function parseQuote(text: string | null): { chosen?: FreightOption } | null {
  if (!text) return null;
  try {
    return JSON.parse(text) as { chosen?: FreightOption };
  } catch {
    return null;
  }
}

function paymentStatus(order: OrderWithDetails): ExtensionOrderView["payment"]["status"] {
  if (order.paidAt) return "PAID";
  if (order.state === "CANCELLED") return "CANCELLED";
  if ((PRE_SUBMISSION_STATES as readonly string[]).includes(order.state)) return "NOT_SUBMITTED";
  if (UNPAID_STATES.includes(order.state)) return "UNPAID";
  // Shipped or later without a recorded payment: CJ only ships paid orders.
  return "PAID";
}

function trackingOf(order: OrderWithDetails): ExtensionTracking[] {
  const list: ExtensionTracking[] = order.fulfillments.map((f) => ({
    number: f.syncedNumber ?? f.trackingNumber,
    company: f.company ?? f.lastMileCarrier ?? f.logisticName,
    url: f.url ?? f.cjTrackingUrl,
    status: f.status,
  }));
  const known = new Set(order.fulfillments.flatMap((f) => [f.trackingNumber, f.syncedNumber]));
  if (order.trackingNumber && !known.has(order.trackingNumber)) {
    list.push({ number: order.trackingNumber, company: order.logisticName, url: order.trackingUrl, status: null });
  }
  return list;
}

export function toOrderView(order: OrderWithDetails): ExtensionOrderView {
  const quote = parseQuote(order.freightQuote);
  const preSubmission = (PRE_SUBMISSION_STATES as readonly string[]).includes(order.state);
  // Before submission the merchant's pick is what will be used; after it, what CJ has.
  const chosenName =
    (preSubmission
      ? (order.chosenLogisticName ?? order.logisticName)
      : (order.logisticName ?? order.chosenLogisticName)) ??
    quote?.chosen?.logisticName ??
    null;
  const quoted = quote?.chosen && quote.chosen.logisticName === chosenName ? quote.chosen : null;
  const latest = order.events[0];
  return {
    id: order.id,
    name: order.shopifyOrderName,
    state: order.state,
    reason: order.errorReason,
    cj: { orderId: order.cjOrderId, orderNumber: order.cjOrderNumber, status: order.cjStatus },
    logistics: {
      name: chosenName,
      price: order.postageAmount ?? quoted?.price ?? null,
      aging: quoted?.aging ?? null,
      chosenByMerchant: Boolean(order.chosenLogisticName) && order.chosenLogisticName === chosenName,
    },
    payment: {
      status: paymentStatus(order),
      orderAmount: order.orderAmount,
      postageAmount: order.postageAmount,
      paidAmount: order.paidAmount,
      paidAt: order.paidAt?.toISOString() ?? null,
      payUrl: order.cjPayUrl,
    },
    tracking: trackingOf(order),
    latestEvent: latest
      ? { at: latest.at.toISOString(), message: latest.message, type: latest.type, actor: latest.actor }
      : null,
    skippedLines: order.lines.map((l) => ({ title: l.title, sku: l.sku, reason: l.skipReason ?? "" })),
    actions: availableActions(order),
  };
}

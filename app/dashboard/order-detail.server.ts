/**
 * Everything the order page shows, read from the database for one shop: the Shopify snapshot, the lines, what was
 * sent to CJ and CJ's answer (from the timeline's data), payment, tracking, fulfillments and the timeline itself.
 * Another shop's order id is "not found" (404), never its data.
 */

import type { Db } from "../db.server";
import { OrderActionError } from "../fulfillment/actions.server";
import { readCustomsOverride } from "../fulfillment/forward.server";
import type { FreightOption } from "../fulfillment/rules";
import { PRE_SUBMISSION_STATES } from "../fulfillment/state";
import { costBreakdown } from "../money/cogs";
import { MAKEUP_STATUS, UNPAID_MAKEUP } from "../money/makeup.server";

const parse = (text: string | null | undefined): unknown => {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
};

type Json = Record<string, unknown>;

/** The merchant's customs values as the page shows them: the ID by its last characters only. */
function customsShown(stored: string | null): { taxId: string | null; houseNumber: string | null } {
  const values = readCustomsOverride(stored);
  const id = values?.taxId?.trim() || values?.consigneeID?.trim() || null;
  return { taxId: id ? `…${id.slice(-3)}` : null, houseNumber: values?.houseNumber?.trim() || null };
}
const str = (v: unknown) => (v === null || v === undefined || v === "" ? null : String(v));

export async function loadOrderDetail(db: Db, shopDomain: string, orderId: string) {
  const order = await db.order.findFirst({
    where: { id: orderId, shop: { domain: shopDomain } },
    include: {
      lines: true,
      events: { orderBy: { at: "asc" } },
      fulfillments: { orderBy: { createdAt: "asc" } },
      costs: { orderBy: { cjOrderCode: "asc" } },
      makeupBills: { orderBy: { firstSeenAt: "asc" } },
    },
  });
  if (!order) throw new OrderActionError("Order not found", 404);

  const snapshot = (parse(order.snapshot) ?? {}) as Json;
  const address = (snapshot.shipping_address ?? snapshot.shippingAddress ?? null) as Json | null;
  const lastWith = (type: string) => [...order.events].reverse().find((e) => e.type === type && e.data);
  const requestEvent = lastWith("cj_request");
  const answerEvent = [...order.events]
    .reverse()
    .find((e) => (e.type === "submitted" || e.type === "submitted_recovered") && e.data);
  const quote = parse(order.freightQuote) as { options?: FreightOption[]; chosen?: FreightOption } | null;

  return {
    id: order.id,
    name: order.shopifyOrderName,
    state: order.state,
    preSubmission: (PRE_SUBMISSION_STATES as readonly string[]).includes(order.state),
    errorReason: order.errorReason,
    createdAt: order.createdAt.toISOString(),
    amountsNote: order.amountsNote,
    customs: customsShown(order.customsOverrideEnc),
    // CJ has the order but it needs the merchant: its customs values can still be corrected (retry replaces it).
    customsEditable:
      (PRE_SUBMISSION_STATES as readonly string[]).includes(order.state) ||
      (order.state === "NEEDS_ATTENTION" && !order.cancelledAt),
    shopify: {
      gid: order.shopifyOrderGid,
      financialStatus: order.financialStatus,
      customerName: order.customerName,
      customerEmail: order.customerEmail,
      total: order.totalPrice,
      currency: order.currency,
      address: address
        ? [
            str(address.name),
            str(address.address1),
            str(address.address2),
            [str(address.zip), str(address.city)].filter(Boolean).join(" "),
            str(address.province),
            str(address.country) ?? str(address.country_code) ?? order.countryCode,
          ]
            .filter(Boolean)
            .join(", ")
        : order.countryCode,
    },
    lines: order.lines.map((l) => ({
      id: l.id,
      sku: l.sku,
      title: l.title,
      quantity: l.quantity,
      unitPrice: l.unitPrice,
      cjVariantId: l.cjVariantId,
      skipReason: l.skipReason,
      // Not connected to a CJ variant: the line links to its variant on the Products page.
      unconnectedVariantGid: l.unconnected ? l.shopifyVariantGid : null,
    })),
    cj: {
      orderNumber: order.cjOrderNumber,
      orderId: order.cjOrderId,
      status: order.cjStatus,
      request: requestEvent ? ((parse(requestEvent.data) as Json | null)?.request ?? null) : null,
      requestId: requestEvent?.cjRequestId ?? null,
      answer: answerEvent ? ((parse(answerEvent.data) as Json | null)?.answer ?? null) : null,
    },
    storedQuote: {
      options: quote?.options ?? [],
      chosen: order.chosenLogisticName ?? quote?.chosen?.logisticName ?? null,
    },
    payment: {
      productAmount: order.productAmount,
      postageAmount: order.postageAmount,
      orderAmount: order.orderAmount,
      paidAmount: order.paidAmount,
      paidAt: order.paidAt?.toISOString() ?? null,
      payUrl: order.cjPayUrl,
    },
    profit: profitView(order),
    tracking: {
      logisticName: order.logisticName,
      number: order.trackingNumber,
      url: order.trackingUrl,
      status: order.trackingStatus,
      shippedAt: order.shippedAt?.toISOString() ?? null,
      deliveredAt: order.deliveredAt?.toISOString() ?? null,
    },
    fulfillments: order.fulfillments.map((f) => ({
      id: f.id,
      gid: f.shopifyFulfillmentGid,
      trackingNumber: f.syncedNumber ?? f.trackingNumber,
      company: f.company ?? f.lastMileCarrier ?? f.logisticName,
      url: f.url ?? f.cjTrackingUrl,
      status: f.status,
      lastEventStatus: f.lastEventStatus,
      lastEventAt: f.lastEventAt?.toISOString() ?? null,
      error: f.error,
    })),
    timeline: order.events.map((e) => ({
      id: e.id,
      at: e.at.toISOString(),
      actor: e.actor,
      type: e.type,
      fromState: e.fromState,
      toState: e.toState,
      message: e.message,
      cjRequestId: e.cjRequestId,
    })),
  };
}

export type OrderDetail = Awaited<ReturnType<typeof loadOrderDetail>>;

/** The order page's profit card: revenue, CJ's costs by kind (a split order's CJ orders summed), profit, and why not. */
function profitView(order: {
  currency: string | null;
  totalPrice: string | null;
  currentTotalPrice: string | null;
  revenueUsd: string | null;
  cjCostUsd: string | null;
  profitUsd: string | null;
  profitNote: string | null;
  costsFetchedAt: Date | null;
  costsDueAt: Date | null;
  costsError: string | null;
  costs: (Parameters<typeof costBreakdown>[0][number] & { cjOrderCode: string })[];
  makeupBills: { orderCode: string; amount: string; status: number; reason: string | null; payUrl: string | null }[];
}) {
  const owed = order.makeupBills.filter((b) => b.status !== 3);
  return {
    revenue: order.currentTotalPrice ?? order.totalPrice,
    currency: order.currency,
    refunded: Boolean(order.currentTotalPrice && order.totalPrice && order.currentTotalPrice !== order.totalPrice),
    revenueUsd: order.revenueUsd,
    costs: order.costs.length
      ? costBreakdown(
          order.costs,
          owed.map((b) => b.amount),
        )
      : null,
    makeup: order.makeupBills.map((b) => ({
      orderCode: b.orderCode,
      amount: b.amount,
      reason: b.reason,
      status: MAKEUP_STATUS[b.status] ?? String(b.status),
      unpaid: UNPAID_MAKEUP.includes(b.status),
      payUrl: b.payUrl,
    })),
    cjOrders: order.costs.map((c) => c.cjOrderCode),
    cjCostUsd: order.cjCostUsd,
    profitUsd: order.profitUsd,
    note: order.profitNote,
    fetchedAt: order.costsFetchedAt?.toISOString() ?? null,
    due: Boolean(order.costsDueAt),
    error: order.costsError,
  };
}

/**
 * What a merchant can do to an order, from the admin pages, the bulk actions and the order-page extension alike
 * (one implementation). Every action is scoped to the merchant's shop: an order id from another shop is "not found".
 */
import Decimal from "decimal.js";
import type { Db } from "../db.server";
import { enqueueForOrder } from "../jobs/queue";
import { encryptSecret } from "../secrets/crypto.server";
import { cjAccountIdOfShop } from "../settings/cj-account.server";
import { claimOrder } from "./claims";
import type { ForwardDeps } from "./forward.server";
import { readCustomsOverride } from "./forward.server";
import { legacyId } from "./mapping";
import { paidTodayAmount, payCjOrder } from "./payment.server";
import { assertQuotesAllowed, QuotesDeferredError, quoteScope } from "./points.server";
import { quoteFreight } from "./quotes.server";
import { type FreightOption, sortOptions, withinPaymentCaps } from "./rules";
import { PRE_SUBMISSION_STATES, recordOrderEvent, transitionOrder } from "./state";
import { applyCjShipmentUpdate } from "./tracking/shipments.server";
import { vidResolverFor } from "./variant-links.server";

export class OrderActionError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 404 | 409 = 400,
  ) {
    super(message);
  }
}

export const ORDER_ACTIONS = ["forward", "approve", "retry", "pay", "refresh"] as const;
export type OrderAction = (typeof ORDER_ACTIONS)[number];

export async function findShopOrder(db: Db, shopDomain: string, orderId: string) {
  const order = await db.order.findFirst({ where: { id: orderId, shop: { domain: shopDomain } } });
  if (!order) throw new OrderActionError("Order not found", 404);
  return order;
}

const isPreSubmission = (state: string) => PRE_SUBMISSION_STATES.includes(state as never);

/**
 * Forward now (the merchant's decision lifts holds and the manual-only setting). Runs as a job. The decision is kept
 * on the order (`approvedAt`), not only in the job: the queue keeps one pending forwarding job per order, so the job
 * that runs may be an automatic one already queued (an orders/updated webhook, a sweep), and it must honour it too.
 */
export async function forwardNow(deps: ForwardDeps, shopDomain: string, orderId: string) {
  const order = await findShopOrder(deps.db, shopDomain, orderId);
  if (!isPreSubmission(order.state)) throw new OrderActionError(`The order is already ${order.state}.`, 409);
  if (!order.approvedAt) await deps.db.order.update({ where: { id: order.id }, data: { approvedAt: new Date() } });
  await recordOrderEvent(deps.db, order.id, { actor: "merchant", type: "forward_requested", message: "Forward now" });
  await enqueueForOrder(deps.queue, "forward-order", order.id, { trigger: "merchant" });
  return { queued: true, message: `${order.shopifyOrderName} is being forwarded to CJ.` };
}

/** Approve a held order: the hold is not applied again and the order is forwarded. */
export async function approveHeld(deps: ForwardDeps, shopDomain: string, orderId: string) {
  const order = await findShopOrder(deps.db, shopDomain, orderId);
  if (order.state !== "HELD") throw new OrderActionError("Only held orders can be approved.", 409);
  await deps.db.order.update({ where: { id: order.id }, data: { approvedAt: new Date() } });
  await recordOrderEvent(deps.db, order.id, {
    actor: "merchant",
    type: "approved",
    message: "Hold approved by the merchant",
  });
  await enqueueForOrder(deps.queue, "forward-order", order.id, { trigger: "merchant" });
  return { queued: true, message: `${order.shopifyOrderName} approved and being forwarded.` };
}

/**
 * Retry whatever step failed: forwarding before CJ has the order, payment after. An order in Needs attention that
 * CJ already has is looked at with CJ first: one CJ intercepted (or that was never paid) while CJ still lets it be
 * deleted is deleted and sent again with the corrected data (same orderNumber: a deleted order's number is free);
 * one CJ confirmed (UNPAID) goes back to the payment; one CJ paid or shipped follows CJ.
 */
export async function retryOrder(deps: ForwardDeps, shopDomain: string, orderId: string) {
  const order = await findShopOrder(deps.db, shopDomain, orderId);
  if (order.state === "NEEDS_ATTENTION" && (order.cjOrderId || order.submittedAt) && !order.cancelledAt) {
    return retryWithCj(deps, shopDomain, order);
  }
  if (isPreSubmission(order.state)) return forwardNow(deps, shopDomain, orderId);
  if (["SUBMITTED", "AWAITING_PAYMENT"].includes(order.state)) {
    await enqueueForOrder(deps.queue, "pay-order", order.id);
    return { queued: true, message: `Payment of ${order.shopifyOrderName} retried.` };
  }
  await enqueueForOrder(deps.queue, "sync-tracking", order.id);
  return { queued: true, message: `Tracking of ${order.shopifyOrderName} re-synced.` };
}

async function retryWithCj(deps: ForwardDeps, shopDomain: string, order: Awaited<ReturnType<typeof findShopOrder>>) {
  const { db } = deps;
  // One retry at a time, and only of the CJ order read here (a double click, a job racing the merchant).
  const claim = await claimOrder(db, order.id, {
    now: deps.now?.() ?? new Date(),
    seconds: 120,
    where: { state: "NEEDS_ATTENTION", cjOrderId: order.cjOrderId },
  });
  if (!claim.claimed) {
    throw new OrderActionError("This order is already being retried: wait a moment, then reload the page.", 409);
  }
  // Released before the next job is sent: the forwarding or payment job takes a claim of its own.
  const release = claim.release;
  try {
    const cj = await deps.ports.cj(order.shopId);
    const ref = order.cjOrderId ?? order.cjOrderNumber;
    const detail = ref ? await cj.orders.findOrder(ref) : null;
    const status = detail?.orderStatus ?? null;
    if (!detail || status === "CREATED" || status === "IN_CART" || status === "CANCELLED") {
      // Replaced: the held (or CJ-cancelled) CJ order goes, and a new one is sent from the order's current data
      // under a new orderNumber (-R<n>), which does not depend on CJ freeing the old one.
      if (detail?.orderId && status !== "CANCELLED") await cj.orders.deleteOrder(detail.orderId);
      const revision = order.cjOrderRevision + 1;
      await db.order.update({
        where: { id: order.id },
        data: {
          cjOrderId: null,
          cjStatus: null,
          cjShipmentOrderId: null,
          cjPayId: null,
          cjPayUrl: null,
          submittedAt: null,
          cjOrderRevision: revision,
          cjOrderNumber: null,
          // The create is new: no lost-answer lookup of an earlier number.
          attempts: 0,
        },
      });
      await recordOrderEvent(db, order.id, {
        actor: "merchant",
        type: "cj_order_replaced",
        message: detail?.orderId
          ? `CJ order ${detail.orderId} (${status}) ${status === "CANCELLED" ? "was cancelled by CJ" : "deleted at CJ"}; the order is sent again with its current data (replacement ${revision}).`
          : `CJ has no order for it any more; the order is sent again with its current data (replacement ${revision}).`,
      });
      await release();
      return await forwardNow(deps, shopDomain, order.id);
    }
    if (status === "UNPAID") {
      await transitionOrder(db, order.id, {
        to: "SUBMITTED",
        actor: "merchant",
        type: "retry_payment",
        message: `Payment of CJ order ${detail.orderId ?? ref} retried.`,
        set: { errorReason: null, cjStatus: status },
        from: ["NEEDS_ATTENTION"],
      });
      await release();
      // The shop's payment rules decide (balance under the caps, or the link): a retry is not a payment order.
      await enqueueForOrder(deps.queue, "pay-order", order.id);
      return { queued: true, message: `Payment of ${order.shopifyOrderName} retried.` };
    }
    if (status === "OTHER") {
      throw new OrderActionError(
        `CJ reports order ${detail.orderId ?? ref} as OTHER (held at CJ): settle it in your CJ account, then refresh.`,
        409,
      );
    }
    await release();
    return await refreshFromCj(deps, shopDomain, order.id);
  } finally {
    await release();
  }
}

/**
 * Pay with the CJ balance now (after the merchant confirmed the amount). `capped`: a bulk payment, whose one
 * confirmation covers the total it showed: each order stays within the per-order and per-day caps, and one that
 * does not is left on its payment link with the reason.
 */
export async function payWithBalance(
  deps: ForwardDeps,
  shopDomain: string,
  orderId: string,
  options: { capped?: boolean } = {},
) {
  const order = await findShopOrder(deps.db, shopDomain, orderId);
  if (!["SUBMITTED", "AWAITING_PAYMENT"].includes(order.state)) {
    throw new OrderActionError(`Nothing to pay: the order is ${order.state}.`, 409);
  }
  const result = await payCjOrder(deps, order.id, { trigger: "merchant", capped: options.capped ?? false });
  if (options.capped && result.outcome !== "paid") {
    throw new OrderActionError(
      `not paid: ${result.message}. It waits on CJ's payment link (order page); pay it there, or raise the auto-pay caps in Settings.`,
      409,
    );
  }
  return {
    queued: false,
    message: result.outcome === "paid" ? `${order.shopifyOrderName} paid from the CJ balance.` : result.message,
    result,
  };
}

export interface BalancePaymentPreview {
  /** Orders that would be paid, in the order given, each within the caps counting those before it. */
  payable: { id: string; name: string; amount: string }[];
  skipped: { id: string; name: string; reason: string }[];
  total: string;
  paidToday: string;
  perOrderCap: string | null;
  perDayCap: string | null;
}

/** What a bulk "Pay with balance" would spend, shown to the merchant for confirmation before anything is paid. */
export async function previewBalancePayment(
  deps: ForwardDeps,
  shopDomain: string,
  orderIds: readonly string[],
): Promise<BalancePaymentPreview> {
  const shop = await deps.db.shop.findUniqueOrThrow({ where: { domain: shopDomain }, include: { settings: true } });
  const rules = {
    autoPayPerOrderCap: shop.settings?.autoPayPerOrderCap ?? null,
    autoPayPerDayCap: shop.settings?.autoPayPerDayCap ?? null,
  };
  const now = deps.now?.() ?? new Date();
  const paidToday = await paidTodayAmount(deps.db, shop.id, now);
  const orders = await deps.db.order.findMany({ where: { id: { in: [...orderIds] }, shopId: shop.id } });
  const preview: BalancePaymentPreview = {
    payable: [],
    skipped: [],
    total: "0.00",
    paidToday,
    perOrderCap: rules.autoPayPerOrderCap,
    perDayCap: rules.autoPayPerDayCap,
  };
  let total = new Decimal(0);
  for (const id of orderIds) {
    const order = orders.find((o) => o.id === id);
    if (!order) continue;
    const name = order.shopifyOrderName;
    if (!["SUBMITTED", "AWAITING_PAYMENT"].includes(order.state) || !order.cjOrderId) {
      preview.skipped.push({ id, name, reason: `nothing to pay (${order.state})` });
      continue;
    }
    if (!order.orderAmount) {
      preview.skipped.push({ id, name, reason: "CJ has not given the amount yet" });
      continue;
    }
    const check = withinPaymentCaps(rules, order.orderAmount, total.plus(paidToday).toFixed(2));
    if (!check.allowed) {
      preview.skipped.push({ id, name, reason: check.why });
      continue;
    }
    total = total.plus(order.orderAmount);
    preview.payable.push({ id, name, amount: new Decimal(order.orderAmount).toFixed(2) });
  }
  preview.total = total.toFixed(2);
  return preview;
}

/** Ask CJ for the order's current status and tracking, and sync it. */
export async function refreshFromCj(deps: ForwardDeps, shopDomain: string, orderId: string) {
  const order = await findShopOrder(deps.db, shopDomain, orderId);
  const ref = order.cjOrderId ?? order.cjOrderNumber;
  if (!ref) throw new OrderActionError("The order has not been sent to CJ yet.", 409);
  const cj = await deps.ports.cj(order.shopId);
  const detail = await cj.orders.findOrder(ref);
  if (!detail) throw new OrderActionError("CJ has no such order.", 404);
  const cjOrderId = detail.orderId ?? order.cjOrderId;
  await deps.db.order.update({
    where: { id: order.id },
    data: {
      cjOrderId,
      logisticName: detail.logisticName ?? order.logisticName,
      orderAmount: detail.orderAmount ?? order.orderAmount,
    },
  });
  await recordOrderEvent(deps.db, order.id, {
    actor: "merchant",
    type: "refreshed",
    message: `Refreshed from CJ: ${detail.orderStatus ?? "?"}${detail.trackNumber ? `, tracking ${detail.trackNumber}` : ""}`,
  });
  // CJ's word moves the order the way a push or the poll would (paid, shipped, cancelled, tracking).
  if (cjOrderId) {
    const applied = await applyCjShipmentUpdate(
      deps,
      order.id,
      {
        cjOrderId,
        cjStatus: detail.orderStatus,
        trackingNumber: detail.trackNumber,
        logisticName: detail.logisticName,
        trackingUrl: detail.trackingUrl,
      },
      "merchant",
    );
    if (applied.syncNeeded || detail.trackNumber) await enqueueForOrder(deps.queue, "sync-tracking", order.id);
  }
  // Confirmed at CJ and waiting for payment: the payment job decides (balance under the caps, or the link).
  const now = await deps.db.order.findUniqueOrThrow({ where: { id: order.id }, select: { state: true } });
  if (detail.orderStatus === "UNPAID" && now.state === "SUBMITTED") {
    await enqueueForOrder(deps.queue, "pay-order", order.id);
  }
  return { queued: false, message: `${order.shopifyOrderName}: CJ status ${detail.orderStatus ?? "unknown"}.` };
}

export async function runOrderAction(deps: ForwardDeps, shopDomain: string, action: OrderAction, orderId: string) {
  switch (action) {
    case "forward":
      return forwardNow(deps, shopDomain, orderId);
    case "approve":
      return approveHeld(deps, shopDomain, orderId);
    case "retry":
      return retryOrder(deps, shopDomain, orderId);
    case "pay":
      return payWithBalance(deps, shopDomain, orderId);
    case "refresh":
      return refreshFromCj(deps, shopDomain, orderId);
  }
}

/**
 * Customs values the checkout did not collect (a CPF, a PCCC, a house number), entered by the merchant for one
 * order, stored encrypted, then the order is retried (an order CJ intercepted is replaced at CJ).
 */
export async function saveCustomsValues(
  deps: ForwardDeps,
  shopDomain: string,
  orderId: string,
  input: { taxId?: string | null; houseNumber?: string | null },
) {
  const order = await findShopOrder(deps.db, shopDomain, orderId);
  const editable = isPreSubmission(order.state) || (order.state === "NEEDS_ATTENTION" && !order.cancelledAt);
  if (!editable) throw new OrderActionError(`CJ already has this order (${order.state}): correct it in CJ.`, 409);
  const taxId = (input.taxId ?? "").trim();
  const houseNumber = (input.houseNumber ?? "").trim();
  if (taxId.length > 20) throw new OrderActionError("CJ accepts a tax ID of at most 20 characters.");
  if (houseNumber.length > 20) throw new OrderActionError("CJ accepts a house number of at most 20 characters.");
  const previous = readCustomsOverride(order.customsOverrideEnc) ?? {};
  const values = {
    taxId: taxId || previous.taxId || null,
    houseNumber: houseNumber || previous.houseNumber || null,
  };
  if (!values.taxId && !values.houseNumber) throw new OrderActionError("Enter a tax ID or a house number.");
  await deps.db.order.update({
    where: { id: order.id },
    data: { customsOverrideEnc: encryptSecret(JSON.stringify(values)) },
  });
  await recordOrderEvent(deps.db, order.id, {
    actor: "merchant",
    type: "customs_entered",
    message: `Customs values entered: ${[taxId ? `tax ID …${taxId.slice(-3)}` : null, houseNumber ? `house number ${houseNumber}` : null].filter(Boolean).join(", ")}.`,
  });
  // Only an order that stopped goes on at once; a held one keeps waiting for the merchant's approval.
  if (order.state !== "NEEDS_ATTENTION" && order.state !== "FAILED") return { message: "Customs values saved." };
  const retried = await retryOrder(deps, shopDomain, order.id);
  return { message: `Saved. ${retried.message}` };
}

/** The merchant picks the shipping method before forwarding; it overrides the shop's rule for this order. */
export async function chooseShippingMethod(
  deps: ForwardDeps,
  shopDomain: string,
  orderId: string,
  logisticName: string,
) {
  const order = await findShopOrder(deps.db, shopDomain, orderId);
  if (!isPreSubmission(order.state))
    throw new OrderActionError("The shipping method can only change before forwarding.", 409);
  const name = logisticName.trim();
  if (!name || name.length > 50) throw new OrderActionError("Choose one of the quoted shipping methods.");
  await deps.db.order.update({ where: { id: order.id }, data: { chosenLogisticName: name } });
  await recordOrderEvent(deps.db, order.id, {
    actor: "merchant",
    type: "logistics_chosen",
    message: `Shipping method set to ${name}`,
  });
  return { message: `${name} will be used for ${order.shopifyOrderName}.` };
}

export interface OrderQuotes {
  options: FreightOption[];
  chosen: string | null;
  unmapped: string[];
  errors: string[];
}

/**
 * Every option CJ offers for this order, from the three freight endpoints (001 §1.1–§1.3), sorted by price; the one
 * in use (chosen by the merchant, or by the rule at submission) is marked by `chosen`.
 */
export async function quoteOrder(deps: ForwardDeps, shopDomain: string, orderId: string): Promise<OrderQuotes> {
  const order = await findShopOrder(deps.db, shopDomain, orderId);
  const lines = await deps.db.orderLine.findMany({ where: { orderId: order.id, skipReason: null } });
  const settings = await deps.db.shopSettings.findUniqueOrThrow({ where: { shopId: order.shopId } });
  const snapshot = order.snapshot ? (JSON.parse(order.snapshot) as Record<string, unknown>) : {};
  const address = (snapshot.shipping_address ?? {}) as Record<string, string | null | undefined>;
  const countryCode = order.countryCode ?? address.country_code ?? null;
  if (!countryCode) return { options: [], chosen: null, unmapped: [], errors: ["The order has no shipping country."] };
  if (lines.length === 0) {
    return {
      options: [],
      chosen: null,
      unmapped: [],
      errors: ["The order's lines are read when it is first forwarded: forward it or wait for the job."],
    };
  }
  const chosen =
    order.chosenLogisticName ??
    order.logisticName ??
    (order.freightQuote ? (JSON.parse(order.freightQuote) as { chosen?: FreightOption }).chosen?.logisticName : null) ??
    null;
  const accountId = await cjAccountIdOfShop(deps.db, order.shopId);
  try {
    await assertQuotesAllowed(deps.db, accountId);
  } catch (error) {
    if (error instanceof QuotesDeferredError) return { options: [], chosen, unmapped: [], errors: [error.message] };
    throw error;
  }
  return quoteScope.run(() =>
    quoteOrderFromCj(deps, order, lines, settings, { countryCode, address, chosen, accountId }),
  );
}

async function quoteOrderFromCj(
  deps: ForwardDeps,
  order: Awaited<ReturnType<typeof findShopOrder>>,
  lines: Awaited<ReturnType<ForwardDeps["db"]["orderLine"]["findMany"]>>,
  settings: { fromCountryCode: string },
  at: {
    countryCode: string;
    address: Record<string, string | null | undefined>;
    chosen: string | null;
    accountId: string | null;
  },
): Promise<OrderQuotes> {
  const { countryCode, address, chosen } = at;
  const errors: string[] = [];
  const cj = await deps.ports.cj(order.shopId);
  const base = await quoteFreight(cj, {
    cache: { db: deps.db, accountId: at.accountId },
    resolveVid: vidResolverFor(deps.db, cj, order.shopId),
    fromCountryCode: settings.fromCountryCode,
    countryCode,
    zip: address.zip ?? null,
    lines: lines.map((l) => ({
      sku: l.sku,
      shopifyVariantId: l.shopifyVariantGid,
      quantity: l.quantity,
      vid: l.cjVariantId,
    })),
  });
  const options: FreightOption[] = [...base.options];
  const vids = base.vids.filter((v): v is string => Boolean(v));
  if (vids.length === lines.length) {
    try {
      const tip = await cj.logistics.freightCalculateTip({
        reqDTOS: [
          {
            srcAreaCode: settings.fromCountryCode,
            destAreaCode: countryCode,
            ...(address.zip ? { zip: address.zip } : {}),
            skuList: lines.map((l) => l.sku ?? "").filter(Boolean),
            volume: "0",
            productProp: ["COMMON"],
            freightTrialSkuList: lines.map((l, i) => ({
              vid: vids[i],
              sku: l.sku ?? undefined,
              skuQuantity: l.quantity,
            })),
          },
        ],
      });
      for (const t of tip ?? []) {
        const name = t.option?.enName ?? t.channel?.enName ?? null;
        const price = t.totalPostageFee ?? t.postage ?? null;
        if (name && price)
          options.push({ logisticName: name, price, aging: t.arrivalTime ?? null, source: "freightCalculateTip" });
      }
    } catch (error) {
      errors.push(`freightCalculateTip: ${(error as Error).message}`);
    }
    try {
      const partner = await cj.logistics.partnerFreightCalculate({
        orderNumber: (order.cjOrderNumber ?? `Q${legacyId(order.shopifyOrderGid)}`).slice(0, 40),
        shippingCountryCode: countryCode,
        shippingCountry: address.country ?? countryCode,
        shippingProvince: address.province ?? address.city ?? countryCode,
        shippingCity: address.city ?? countryCode,
        shippingZip: address.zip ?? "00000",
        fromCountryCode: settings.fromCountryCode,
        products: lines.map((l, i) => ({ vid: vids[i] as string, quantity: l.quantity })),
      });
      for (const p of partner ?? []) {
        if (p.logisticsName && p.postageAmount) {
          options.push({
            logisticName: p.logisticsName,
            price: new Decimal(p.postageAmount).toFixed(2),
            aging: p.arrivalTime ?? null,
            source: "partnerFreightCalculate",
          });
        }
      }
    } catch (error) {
      errors.push(`partnerFreightCalculate: ${(error as Error).message}`);
    }
  }
  return { options: sortOptions(options), chosen, unmapped: base.unmapped, errors };
}

/** The freight quotes tool: store SKUs and quantities to a destination, every CJ option. */
export async function quoteProducts(
  deps: ForwardDeps,
  shopDomain: string,
  input: { lines: { sku: string; quantity: number }[]; countryCode: string; zip?: string | null },
) {
  const shop = await deps.db.shop.findUniqueOrThrow({ where: { domain: shopDomain }, include: { settings: true } });
  const known = await deps.db.orderLine.findMany({
    where: { order: { shopId: shop.id }, sku: { in: input.lines.map((l) => l.sku) }, cjVariantId: { not: null } },
    select: { sku: true, cjVariantId: true, shopifyVariantGid: true },
  });
  // Throws QuotesDeferredError (its message says why and until when) once the day's points are kept for orders.
  await assertQuotesAllowed(deps.db, shop.cjAccountId);
  const cj = await deps.ports.cj(shop.id);
  return quoteScope.run(() =>
    quoteFreight(cj, {
      cache: { db: deps.db, accountId: shop.cjAccountId },
      resolveVid: vidResolverFor(deps.db, cj, shop.id),
      fromCountryCode: shop.settings?.fromCountryCode ?? "CN",
      countryCode: input.countryCode,
      zip: input.zip ?? null,
      lines: input.lines.map((l) => {
        const match = known.find((k) => k.sku === l.sku);
        return {
          sku: l.sku,
          quantity: l.quantity,
          shopifyVariantId: match?.shopifyVariantGid ?? null,
          vid: match?.cjVariantId ?? null,
        };
      }),
    }),
  );
}

/**
 * Forwarding one Shopify order to CJ (the heart of the product). Re-reads the order from Shopify, decides which lines
 * go and whether to hold, picks the shipping method, maps to createOrderV2 (orderFlow=2), submits exactly once, and
 * records every step on the order's timeline. Payment is the next job (payment.server.ts).
 */
import Decimal from "decimal.js";
import { CjApiError, CjRequestValidationError } from "../cj/errors";
import type { Db } from "../db.server";
import { enqueueForOrder, type JobQueue } from "../jobs/queue";
import { logger } from "../logger.server";
import { NotConnectedError, type ShopPorts } from "../runtime/deps.server";
import { decryptSecret } from "../secrets/crypto.server";
import { ReconnectNeededError } from "../shopify/offline-tokens.server";
import { getOrderForForwarding, type ShopifyOrderForForwarding } from "../shopify/orders";
import { lookupCjVariant } from "./cj-variants.server";
import { usableUsdRates } from "./currency.server";
import type { CustomsOverride } from "./customs";
import { destinationRules } from "./destination-rules.server";
import { decideLines, linesToSend, NOT_FOR_CJ_REASON } from "./lines";
import { cjOrderNumberFor, legacyId, mapShopifyOrderToCjOrder } from "./mapping";
import {
  payIdOfPayUrl,
  payInCreateEnabled,
  planUpfrontPayment,
  UPFRONT_MARGIN,
  type UpfrontLine,
  type UpfrontPlan,
} from "./pay-upfront";
import { markBalanceShort, PAID_CJ_STATUSES, paidTodayAmount } from "./payment.server";
import { quoteFreight } from "./quotes.server";
import { chooseLogistics, merchantHoldList, type ShopRules } from "./rules";
import { PRE_SUBMISSION_STATES, recordOrderEvent, transitionOrder } from "./state";
import { usdConversionFor } from "./usd";
import { forgetLinksForVids, linksForVariants, variantsNotForCj, vidResolverFor } from "./variant-links.server";

export interface ForwardDeps {
  db: Db;
  ports: ShopPorts;
  queue: JobQueue;
  now?: () => Date;
  /**
   * How long a forwarding claim (`Order.lockedUntil`) lasts before another worker may take the order over (default
   * 5 minutes): the claim outlives a worker that died mid-forward by this much.
   */
  claimSeconds?: number;
}

/** automatic: a webhook or sweep; merchant: the merchant's "forward now"; resume: its blocking variant was connected. */
export type ForwardTrigger = "automatic" | "merchant" | "resume";

export interface ForwardResult {
  outcome: "submitted" | "held" | "needs_attention" | "skipped" | "cancelled" | "busy";
  message: string;
}

const LOCK_MS = 5 * 60 * 1000;

/** CJ answers that need the merchant, with what to do about them (cj-api-facts error table). */
const ATTENTION_CODES: Record<number, string> = {
  1600100:
    "CJ rejected a field of this order: check that the store name in Settings matches a store authorised in CJ, and the shipping address",
  1602000: "CJ does not know a variant of this order: connect the product in CJ, then retry.",
  1602001: "A product of this order is not found or offline at CJ: connect another CJ product, then retry.",
  1603000: "CJ refused to create the order",
  1605000: "CJ does not offer the chosen shipping method for this order: pick another one on the order page.",
  1604000: "The CJ balance is too low",
};

export async function forwardOrderToCj(
  deps: ForwardDeps,
  orderId: string,
  opts: { trigger: ForwardTrigger; lastAttempt?: boolean },
): Promise<ForwardResult> {
  const { db } = deps;
  const now = deps.now?.() ?? new Date();
  const order = await db.order.findUnique({
    where: { id: orderId },
    include: {
      shop: { include: { settings: true, cjAccount: { select: { id: true, balanceShortAt: true } } } },
      lines: true,
    },
  });
  if (!order) return { outcome: "skipped", message: "order not found" };
  if (!PRE_SUBMISSION_STATES.includes(order.state as never)) {
    return { outcome: "skipped", message: `already ${order.state}` };
  }
  const settings = order.shop.settings;
  if (!settings) throw new Error(`Shop ${order.shop.domain} has no settings row`);
  if (order.shop.uninstalledAt) return { outcome: "skipped", message: "shop uninstalled" };
  if (opts.trigger === "automatic" && settings.forwardingTrigger === "MANUAL" && order.approvedAt === null) {
    // A manual shop's order waits in the "To forward" tab (RECEIVED) until the merchant forwards it.
    return { outcome: "skipped", message: "the shop forwards orders by hand" };
  }
  // CJ has this order and it needs the merchant (intercepted, a payment step refused): forwarding it again would
  // only find the same CJ order. The merchant's Retry replaces or resumes it (actions.server.ts retryWithCj).
  if (order.state === "NEEDS_ATTENTION" && (order.cjOrderId || order.submittedAt)) {
    return { outcome: "skipped", message: "CJ has this order; it waits for the merchant" };
  }

  // Claim the order so two workers never submit it at once; the claim expires if this process dies.
  const claim = await db.order.updateMany({
    where: {
      id: orderId,
      state: { in: [...PRE_SUBMISSION_STATES] },
      OR: [{ lockedUntil: null }, { lockedUntil: { lt: now } }],
    },
    data: {
      lockedUntil: new Date(now.getTime() + (deps.claimSeconds ? deps.claimSeconds * 1000 : LOCK_MS)),
      attempts: { increment: 1 },
    },
  });
  if (claim.count === 0) return { outcome: "busy", message: "another worker is forwarding this order" };
  const release = () => db.order.update({ where: { id: orderId }, data: { lockedUntil: null } });

  const attention = async (message: string, data?: unknown, cjRequestId?: string | null): Promise<ForwardResult> => {
    await transitionOrder(db, orderId, {
      to: "NEEDS_ATTENTION",
      actor: "job",
      type: "needs_attention",
      message,
      data,
      cjRequestId: cjRequestId ?? null,
      set: { errorReason: message, lockedUntil: null },
    });
    return { outcome: "needs_attention", message };
  };

  try {
    const ports = deps.ports;
    const admin = await ports.admin(order.shop.domain);
    const shopifyOrder = await getOrderForForwarding(admin, order.shopifyOrderGid);
    if (!shopifyOrder) {
      return await attention(
        "Shopify no longer returns this order (deleted, or older than 60 days): nothing was sent to CJ.",
      );
    }
    if (shopifyOrder.cancelledAt) {
      await transitionOrder(db, orderId, {
        to: "CANCELLED",
        actor: "job",
        type: "cancelled",
        message: "The order was cancelled in Shopify before it reached CJ.",
        set: { cancelledAt: new Date(shopifyOrder.cancelledAt), lockedUntil: null },
      });
      return { outcome: "cancelled", message: "cancelled in Shopify" };
    }

    // 1. Lines (a variant the merchant ships from their own stock stays out of the CJ order).
    const links = await linksForVariants(
      db,
      order.shopId,
      shopifyOrder.lineItems.nodes.map((l) => l.variant?.id ?? null),
    );
    const decisions = decideLines(shopifyOrder, { notForCj: variantsNotForCj(links) });
    const savedLines = await saveLines(db, orderId, decisions, order.lines);
    const unconnectedNow = new Map(savedLines.map((l) => [l.shopifyLineItemGid, l.unconnected]));
    const sending = linesToSend(decisions);
    if (sending.length === 0 && decisions.some((d) => d.skipReason === NOT_FOR_CJ_REASON)) {
      const message =
        "Nothing to send to CJ: every line left to ship is one you fulfil from your own stock (not fulfilled by CJ). Fulfil it in Shopify.";
      if (order.state !== "NOT_SENT") {
        await transitionOrder(db, orderId, {
          to: "NOT_SENT",
          actor: "job",
          type: "not_sent",
          message,
          set: { errorReason: null, holdCodes: null, lockedUntil: null },
        });
      }
      await release();
      return { outcome: "skipped", message };
    }

    // 2. Holds the merchant decides on.
    const rules = settings as ShopRules;
    const byMerchant = opts.trigger === "merchant" || order.approvedAt !== null;
    const holds = merchantHoldList(shopifyOrder, rules, { byMerchant });
    if (holds.length > 0) {
      const message = holds.map((h) => h.message).join(" ");
      const holdCodes = JSON.stringify(holds.map((h) => h.code));
      if (order.state !== "HELD") {
        await transitionOrder(db, orderId, {
          to: "HELD",
          actor: "job",
          type: "held",
          message,
          set: { errorReason: message, holdCodes, lockedUntil: null },
          from: ["RECEIVED", "NEEDS_ATTENTION", "FAILED", "NOT_SENT"],
        });
      } else if (order.errorReason !== message || order.holdCodes !== holdCodes) {
        // Still held, for other reasons than before (resumed, but the fraud risk remains): the reasons shown change.
        await db.order.update({ where: { id: orderId }, data: { errorReason: message, holdCodes } });
        await recordOrderEvent(db, orderId, { actor: "job", type: "held", message });
      }
      await release();
      return { outcome: "held", message };
    }
    if (order.holdCodes) await db.order.update({ where: { id: orderId }, data: { holdCodes: null } });

    // 3. Everything that would stop the order regardless of shipping method, before spending freight quotes on it.
    const mappingSettings = {
      storeName: settings.storeName,
      fromCountryCode: settings.fromCountryCode,
      sendOrderNote: settings.sendOrderNote,
      sandbox: settings.sandbox,
      iossType: settings.iossType,
      iossNumber: settings.iossNumber,
      payType: 3 as const,
    };
    const precheck = mapShopifyOrderToCjOrder({
      shopDomain: order.shop.domain,
      order: shopifyOrder,
      lines: decisions,
      logisticName: "-",
      settings: mappingSettings,
    });
    if (!precheck.request) return await attention(precheck.problems.join(" "), { problems: precheck.problems });

    // 4. Shipping method.
    const cj = await ports.cj(order.shopId);
    const address = shopifyOrder.shippingAddress;
    const countryCode = (address?.countryCodeV2 ?? "").toUpperCase();
    let logisticName = order.chosenLogisticName;
    let quoteRecord: unknown = null;
    const vids = new Map(
      savedLines.filter((l) => l.cjVariantId).map((l) => [l.shopifyLineItemGid, l.cjVariantId as string]),
    );
    if (!logisticName && sending.length > 0 && countryCode) {
      const quotes = await quoteFreight(cj, {
        cache: { db, accountId: order.shop.cjAccountId },
        resolveVid: vidResolverFor(db, cj, order.shopId, now, links),
        fromCountryCode: settings.fromCountryCode,
        countryCode,
        zip: address?.zip ?? null,
        lines: sending.map((d) => ({
          sku: d.sku,
          shopifyVariantId: d.line.variant?.id ?? null,
          quantity: d.quantity,
          vid: savedLines.find((l) => l.shopifyLineItemGid === d.line.id)?.cjVariantId ?? null,
        })),
      });
      await rememberVids(
        db,
        orderId,
        sending.map((d) => d.line.id),
        quotes.vids,
      );
      for (const [i, d] of sending.entries()) {
        const vid = quotes.vids[i];
        if (vid) vids.set(d.line.id, vid);
      }
      await markUnconnected(
        db,
        orderId,
        unconnectedNow,
        sending.map((d) => d.line.id),
        sending.filter((_, i) => !quotes.vids[i]).map((d) => d.line.id),
      );
      const choice = chooseLogistics(rules, countryCode, quotes.options);
      if (!choice.logisticName) {
        const blocking = sending.filter((_, i) => !quotes.vids[i]);
        const why =
          quotes.unmapped.length > 0
            ? `Not connected to a CJ product: ${blocking.map((d) => `${d.sku ?? "(no SKU)"} (${d.line.name})`).join(", ")}. Connect ${blocking.length > 1 ? "them" : "it"} on the Products page: the order goes on by itself.`
            : "CJ offers no shipping method for this destination: check the address, or choose a method in Settings.";
        return await attention(why, {
          unmapped: quotes.unmapped,
          variants: blocking.map((d) => ({ sku: d.sku, variantGid: d.line.variant?.id ?? null, title: d.line.name })),
        });
      }
      logisticName = choice.logisticName;
      quoteRecord = { chosen: choice.option, why: choice.why, options: quotes.options, cached: quotes.cached };
      await recordOrderEvent(db, orderId, {
        actor: "job",
        type: "logistics_chosen",
        message: `Shipping method ${logisticName} (${choice.why}${choice.option ? `, ${choice.option.price} USD, ${choice.option.aging ?? "?"} days` : ""})`,
        data: quoteRecord,
      });
    }
    if (!logisticName) {
      return await attention(
        countryCode ? "No shipping method could be chosen." : "The shipping country is missing: add it in Shopify.",
      );
    }

    // 5. CJ's required fields for this destination and method (cached; a failed lookup leaves the check to CJ).
    const lookup = await destinationRules(
      db,
      cj,
      {
        fromCountryCode: settings.fromCountryCode,
        countryCode,
        logisticName,
        lines: sending.map((d) => ({ vid: vids.get(d.line.id) ?? d.sku ?? "", sku: d.sku, quantity: d.quantity })),
      },
      now,
    );

    // 6. Map, with amounts in US dollars and the customs values.
    const totals = shopifyOrder.totalPriceSet;
    const usdNeeded =
      totals.shopMoney.currencyCode.toUpperCase() !== "USD" &&
      totals.presentmentMoney?.currencyCode.toUpperCase() !== "USD";
    const usd = usdConversionFor(totals, usdNeeded ? await usableUsdRates(db, now) : []);
    const mapped = mapShopifyOrderToCjOrder({
      shopDomain: order.shop.domain,
      order: shopifyOrder,
      lines: decisions,
      logisticName,
      settings: mappingSettings,
      vids,
      revision: order.cjOrderRevision,
      usd,
      customsOverride: readCustomsOverride(order.customsOverrideEnc),
      rules: lookup.rules,
    });
    if (order.amountsNote !== usd.note) {
      await db.order.update({ where: { id: orderId }, data: { amountsNote: usd.note } });
    }
    if (!mapped.request) return await attention(mapped.problems.join(" "), { problems: mapped.problems });

    // 7. Submit exactly once: a previous attempt may have created the order before it died, so look first.
    const orderNumber = mapped.request.orderNumber;
    await db.order.update({ where: { id: orderId }, data: { cjOrderNumber: orderNumber } });
    const existing = order.attempts > 0 ? await cj.orders.findOrder(orderNumber) : null;
    let outcome: Awaited<ReturnType<typeof cj.orders.createOrderV2>>;
    let plan: UpfrontPlan | null = null;
    if (existing) {
      outcome = { recovered: true, orderId: existing.orderId, existing };
    } else {
      // 8. How CJ is paid, decided before creating: in the same call when it can be (pay-upfront.ts).
      // With merging on, the order is created without payment and waits for the merge window (stock/merge.server.ts).
      plan = planUpfrontPayment(rules, {
        merging: settings.mergeOrders,
        lines:
          rules.paymentMode === "BALANCE"
            ? await upfrontLines(db, cj, sending, vids, links, now)
            : sending.map((d) => ({ quantity: d.quantity, unitPrice: null })),
        postage: upfrontPostage(quoteRecord),
        paidToday: rules.paymentMode === "BALANCE" ? await paidTodayAmount(db, order.shopId, now) : "0",
        balanceShortAt: order.shop.cjAccount?.balanceShortAt ?? null,
        now,
        enabled: payInCreateEnabled(),
      });
      const request = { ...mapped.request, payType: plan.payType };
      await recordOrderEvent(db, orderId, {
        actor: "job",
        type: "cj_request",
        message: `Sending createOrderV2 ${orderNumber} (${sending.length} line(s), ${logisticName}, ${PAY_TYPE_LABELS[plan.payType]}: ${plan.why})`,
        data: {
          request: redactCustoms(request),
          warnings: mapped.warnings,
          notes: [...mapped.notes, ...(lookup.note ? [lookup.note] : [])],
          rules: lookup.rules ? { types: lookup.rules.types, cached: lookup.cached } : null,
          payment: plan,
        },
      });
      try {
        outcome = await cj.orders.createOrderV2(request);
      } catch (error) {
        // payType 2 with a balance too low: CJ has created the order (UNPAID) and refused only the payment. It is
        // recorded as CJ has it; the payment job then says what to do (top up, or pay on CJ's page).
        if (!(plan.payType === 2 && error instanceof CjApiError && error.code === 1604000)) throw error;
        await markBalanceShort(db, order.shop.cjAccountId, now);
        const created = await cj.orders.findOrder(orderNumber);
        if (!created) throw error;
        outcome = { recovered: true, orderId: created.orderId, existing: created };
        await recordOrderEvent(db, orderId, {
          actor: "cj",
          type: "balance_short",
          message: `CJ created the order but the balance was too low to pay it (CJ 1604000: ${error.message}).`,
          cjRequestId: error.requestId,
        });
      }
    }
    await recordSubmission(db, orderId, shopifyOrder, outcome, logisticName, quoteRecord);
    if (outcome.orderId) {
      // CJ matched every line (by vid, or by store SKU through its connections): none blocks the order.
      await markUnconnected(db, orderId, unconnectedNow, [...unconnectedNow.keys()], []);
    } else {
      // CJ keeps the order incomplete until every store SKU is connected (orderFlow=2): the lines sent without a CJ
      // variant are what it waits for, shown on the Products page; CJ's ORDER_CONNNECTED push completes it.
      await markUnconnected(
        db,
        orderId,
        unconnectedNow,
        sending.map((d) => d.line.id),
        sending.filter((d) => !vids.has(d.line.id)).map((d) => d.line.id),
      );
    }
    // Paid in the create call, or waiting on the payment page CJ returned: no payment job, no further CJ call.
    const settled =
      plan && !outcome.recovered && outcome.orderId
        ? await settleUpfront(db, orderId, plan, outcome.created, now)
        : false;
    if (!settled) await enqueueForOrder(deps.queue, "pay-order", orderId);
    return { outcome: "submitted", message: `CJ order ${outcome.orderId ?? "(waiting for product connection)"}` };
  } catch (error) {
    // Nothing is wrong with the order: Shopify refused the shop's token (the job waits for the merchant to
    // reconnect), or CJ's daily quota is used up (the job waits for the reset). Not an attempt: the order is
    // untouched, and its tries are kept for real trouble (registry.server.ts re-sends the job).
    if (error instanceof ReconnectNeededError || (error instanceof CjApiError && error.kind === "quota_exhausted")) {
      await db.order.update({ where: { id: orderId }, data: { lockedUntil: null, attempts: { decrement: 1 } } });
      throw error;
    }
    if (error instanceof NotConnectedError) return await attention(error.message);
    if (error instanceof CjRequestValidationError) {
      return await attention(`CJ would refuse this order: ${error.message}`, { issues: error.issues });
    }
    if (error instanceof CjApiError && (error.kind === "permanent" || error.kind === "auth")) {
      if (error.code === 1602000 || error.code === 1602001) {
        // The CJ variants remembered for the lines are what CJ refused: the retry looks them up again.
        const refused = await db.orderLine.findMany({
          where: { orderId, cjVariantId: { not: null } },
          select: { cjVariantId: true },
        });
        await forgetLinksForVids(
          db,
          order.shopId,
          refused.map((l) => l.cjVariantId as string),
        );
        await db.orderLine.updateMany({ where: { orderId }, data: { cjVariantId: null } });
      }
      const hint = ATTENTION_CODES[error.code];
      return await attention(
        `${hint ?? "CJ refused the order"} (CJ ${error.code}: ${error.message}).`,
        { code: error.code, endpoint: error.endpoint },
        error.requestId,
      );
    }
    if (opts.lastAttempt) {
      const message = `Forwarding failed after several tries: ${(error as Error).message}. Retry from the order page.`;
      await transitionOrder(db, orderId, {
        to: "FAILED",
        actor: "job",
        type: "failed",
        message,
        set: { errorReason: message, lockedUntil: null },
      });
      return { outcome: "needs_attention", message };
    }
    await release();
    logger.warn({ orderId, err: (error as Error).message }, "forwarding attempt failed; will retry");
    throw error;
  }
}

/** A CJ answer's field as text, or null when CJ left it out or empty. */
const str = (v: unknown) => (v === null || v === undefined || v === "" ? null : String(v));

const PAY_TYPE_LABELS = {
  1: "payType 1, CJ's payment page",
  2: "payType 2, paid from the balance",
  3: "payType 3, create only",
};

/**
 * Each line's CJ unit price without a CJ call when it can be: the price saved with the store variant's connection,
 * else the CJ variant cache (a lookup on a miss, 10 points, kept for a day for every shop).
 */
async function upfrontLines(
  db: Db,
  cj: Awaited<ReturnType<ShopPorts["cj"]>>,
  sending: ReturnType<typeof linesToSend>,
  vids: ReadonlyMap<string, string>,
  links: Awaited<ReturnType<typeof linksForVariants>>,
  now: Date,
): Promise<UpfrontLine[]> {
  const lines: UpfrontLine[] = [];
  for (const d of sending) {
    const vid = vids.get(d.line.id);
    const link = d.line.variant?.id ? links.get(d.line.variant.id) : undefined;
    let unitPrice: string | null = null;
    if (vid && link?.cjVariantId === vid && link.cjPrice) unitPrice = link.cjPrice;
    // A lookup CJ refuses (a quota, a fault) leaves the price unknown: the order is then created only and its
    // payment decided on CJ's own amount, so it never fails for want of an estimate.
    else if (vid) unitPrice = (await lookupCjVariant(db, cj, { vid }, now).catch(() => null))?.sellPrice ?? null;
    lines.push({ quantity: d.quantity, unitPrice });
  }
  return lines;
}

/** The chosen method's quoted postage (US dollars), when the method was chosen from a quote. */
function upfrontPostage(quote: unknown): string | null {
  const chosen = (quote as { chosen?: { price?: unknown } | null } | null)?.chosen;
  return chosen && typeof chosen.price === "string" && chosen.price !== "" ? chosen.price : null;
}

/**
 * After a create with payType 1 or 2: the order is paid (CJ reports it paid) or waits on the payment page CJ
 * returned. Returns false when CJ's answer says neither; the payment job then asks CJ.
 */
async function settleUpfront(
  db: Db,
  orderId: string,
  plan: UpfrontPlan,
  answer: Record<string, unknown>,
  now: Date,
): Promise<boolean> {
  const status = str(answer.orderStatus);
  const paid = str(answer.actualPayment);
  const amount = paid && !new Decimal(paid).isZero() ? paid : str(answer.orderAmount);
  if (plan.payType === 2 && status && PAID_CJ_STATUSES.has(status)) {
    const over =
      amount &&
      plan.estimate &&
      new Decimal(amount).greaterThan(new Decimal(plan.estimate).times(UPFRONT_MARGIN.plus(1)));
    return transitionOrder(db, orderId, {
      to: "PAID",
      actor: "cj",
      type: "paid",
      message: `Paid ${amount ?? "?"} USD from the CJ balance with the order (payType 2: ${plan.why}).${over ? ` CJ charged more than the estimate of ${plan.estimate} USD plus the margin: check the order's prices at CJ.` : ""}`,
      set: { paidAt: now, paidAmount: amount, cjStatus: status, errorReason: null },
      from: ["SUBMITTED"],
    });
  }
  const payUrl = str(answer.cjPayUrl);
  if (plan.payType === 1 && payUrl) {
    return transitionOrder(db, orderId, {
      to: "AWAITING_PAYMENT",
      actor: "job",
      type: "awaiting_payment",
      message: `Pay ${amount ? `${amount} USD` : "the amount CJ shows"} on CJ's payment page (${plan.why}).`,
      set: { cjPayUrl: payUrl, cjPayId: payIdOfPayUrl(payUrl), cjStatus: status ?? "UNPAID", errorReason: null },
      from: ["SUBMITTED"],
    });
  }
  return false;
}

/** The merchant's customs values (encrypted at rest: they identify a person). */
export function readCustomsOverride(stored: string | null): CustomsOverride | null {
  if (!stored) return null;
  try {
    return JSON.parse(decryptSecret(stored)) as CustomsOverride;
  } catch (error) {
    logger.warn({ err: (error as Error).message }, "customs values of an order could not be read");
    return null;
  }
}

/** The request as the timeline keeps it: a personal ID number is shown by its last characters only. */
function redactCustoms<T extends { taxId?: string; consigneeID?: string }>(request: T): T {
  const mask = (value: string | undefined) => (value ? `…${value.slice(-3)}` : undefined);
  return {
    ...request,
    ...(request.taxId ? { taxId: mask(request.taxId) } : {}),
    ...(request.consigneeID ? { consigneeID: mask(request.consigneeID) } : {}),
  };
}

/** Stores what each line is now (the rows read with the order are `known`) and returns the rows as stored. */
async function saveLines(
  db: Db,
  orderId: string,
  decisions: ReturnType<typeof decideLines>,
  known: readonly { shopifyLineItemGid: string; sku: string | null; shopifyVariantGid: string | null }[],
) {
  const saved = [];
  for (const d of decisions) {
    const before = known.find((l) => l.shopifyLineItemGid === d.line.id);
    // A line whose SKU or variant changed in Shopify is matched to a CJ variant again (never by the old vid).
    const changed = before && (before.sku !== d.sku || before.shopifyVariantGid !== (d.line.variant?.id ?? null));
    const data = {
      ...(changed ? { cjVariantId: null } : {}),
      sku: d.sku,
      title: d.line.name,
      quantity: d.skipReason ? d.line.currentQuantity : d.quantity,
      unitPrice: d.line.originalUnitPriceSet.shopMoney.amount,
      shopifyProductGid: d.line.product?.id ?? null,
      shopifyVariantGid: d.line.variant?.id ?? null,
      imageUrl: d.line.image?.url ?? null,
      skipReason: d.skipReason,
    };
    saved.push(
      await db.orderLine.upsert({
        where: { orderId_shopifyLineItemGid: { orderId, shopifyLineItemGid: d.line.id } },
        create: { orderId, shopifyLineItemGid: d.line.id, ...data },
        update: data,
      }),
    );
  }
  return saved;
}

/**
 * Which lines have no CJ variant (they block the order until connected: blocked.server.ts). `current` holds each
 * line's stored flag and is kept up to date: only a flag that changes is written (most orders write nothing).
 */
async function markUnconnected(
  db: Db,
  orderId: string,
  current: Map<string, boolean>,
  lineGids: string[],
  unconnectedGids: string[],
) {
  for (const want of [true, false]) {
    const change = lineGids.filter((g) => unconnectedGids.includes(g) === want && current.get(g) !== want);
    if (change.length === 0) continue;
    await db.orderLine.updateMany({
      where: { orderId, shopifyLineItemGid: { in: change } },
      data: { unconnected: want },
    });
    for (const g of change) current.set(g, want);
  }
}

async function rememberVids(db: Db, orderId: string, lineGids: string[], vids: (string | null)[]) {
  for (const [i, gid] of lineGids.entries()) {
    const vid = vids[i];
    if (vid) await db.orderLine.updateMany({ where: { orderId, shopifyLineItemGid: gid }, data: { cjVariantId: vid } });
  }
}

type CreateOutcome =
  | { recovered: false; orderId: string | null; created: Record<string, unknown> }
  | { recovered: true; orderId: string | null; existing: Record<string, unknown> };

async function recordSubmission(
  db: Db,
  orderId: string,
  shopifyOrder: ShopifyOrderForForwarding,
  outcome: CreateOutcome,
  logisticName: string,
  quote: unknown,
) {
  const answer = (outcome.recovered ? outcome.existing : outcome.created) as Record<string, unknown>;
  const intercepts = Array.isArray(answer.interceptOrderReasons)
    ? (answer.interceptOrderReasons as Array<{ code?: number | null; message?: string | null } | null>)
        .filter((r) => r && (r.message || r.code))
        .map((r) => (r?.message ? `${r.message}${r.code ? ` (CJ ${r.code})` : ""}` : `CJ reason code ${r?.code}`))
    : [];
  const logisticsMiss = answer.logisticsMiss === true;
  await db.$transaction(async (tx) => {
    const applied = await transitionOrder(tx as never, orderId, {
      to: "SUBMITTED",
      actor: "job",
      type: outcome.recovered ? "submitted_recovered" : "submitted",
      message: outcome.recovered
        ? `CJ already had order ${str(answer.orderNumber) ?? ""} (a previous answer was lost): recorded it instead of creating another.`
        : outcome.orderId
          ? `CJ order ${outcome.orderId} created (${str(answer.orderStatus) ?? "CREATED"}).`
          : "CJ accepted the order but has not matched every SKU yet: it completes when the product is connected in CJ.",
      data: { answer },
      set: {
        cjOrderId: outcome.orderId,
        cjShipmentOrderId: str(answer.shipmentOrderId),
        cjStatus: str(answer.orderStatus) ?? "CREATED",
        cjPayUrl: str(answer.cjPayUrl),
        productAmount: str(answer.productAmount),
        postageAmount: str(answer.postageAmount),
        orderAmount: str(answer.orderAmount) ?? str(answer.actualPayment),
        logisticName,
        freightQuote: quote === null ? undefined : JSON.stringify(quote),
        errorReason: null,
        submittedAt: new Date(),
        lockedUntil: null,
      },
    });
    if (!applied) return;
    const products = Array.isArray(answer.productInfoList)
      ? (answer.productInfoList as Array<{ lineItemId?: string | null; storeLineItemId?: string | null }>)
      : [];
    for (const p of products) {
      if (!p.storeLineItemId || !p.lineItemId) continue;
      const line = shopifyOrder.lineItems.nodes.find((l) => legacyId(l.id) === String(p.storeLineItemId));
      if (line) {
        await tx.orderLine.updateMany({
          where: { orderId, shopifyLineItemGid: line.id },
          data: { cjLineItemId: String(p.lineItemId) },
        });
      }
    }
    if (intercepts.length > 0 || logisticsMiss) {
      const message = [
        ...(intercepts.length > 0
          ? [
              `CJ intercepted the order: ${intercepts.join("; ")}. Correct it in Shopify or enter the missing value on this page, then retry: the app replaces the CJ order.`,
            ]
          : []),
        ...(logisticsMiss
          ? ["CJ reports the shipping method is missing for this order: pick one on the order page."]
          : []),
      ].join(" ");
      await transitionOrder(tx as never, orderId, {
        to: "NEEDS_ATTENTION",
        actor: "cj",
        type: "intercepted",
        message,
        set: { errorReason: message },
      });
    }
  });
}

export { cjOrderNumberFor };

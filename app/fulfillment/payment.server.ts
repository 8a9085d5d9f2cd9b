/**
 * Paying a submitted CJ order, by the shop's setting: from the CJ balance under the per-order and per-day caps, or
 * through CJ's payment page. Both go through CJ's create-only flow (addCart → addCartConfirm →
 * saveGenerateParentOrder → payId); the balance path then calls payBalanceV2. Never pays twice: CJ's own order status
 * is checked first, and a payment is attempted only from SUBMITTED / AWAITING_PAYMENT.
 */
import Decimal from "decimal.js";
import { CjApiError } from "../cj/errors";
import type { Db } from "../db.server";
import { enqueueForOrder, orderJobKey } from "../jobs/queue";
import { claimOrder } from "./claims";
import type { ForwardDeps } from "./forward.server";
import { mayAutoPay, type ShopRules, withinPaymentCaps } from "./rules";
import { recordOrderEvent, transitionOrder } from "./state";

export const CJ_PAY_PAGE = "https://www.cjdropshipping.com/mine/payment?pid=";
export const PAID_CJ_STATUSES = new Set(["UNSHIPPED", "SHIPPED", "DELIVERED"]);

export interface PayOptions {
  trigger: "automatic" | "merchant";
  /**
   * The merchant's payment applies the per-order and per-day caps (bulk "Pay with balance": one confirmation for
   * many orders). A merchant paying one order on its page confirms that amount and is not capped.
   */
  capped?: boolean;
}

export interface PayResult {
  outcome: "paid" | "link" | "skipped" | "needs_attention";
  message: string;
}

/**
 * CJ took the order out of the flow at a cart step (seed 002 §1.3 `interceptOrders`, §1.4 `submitSuccess` /
 * `interceptOrders`): the address or a customs field fails one of CJ's checks. The cart answers name the order, not
 * the reason; CJ's order page has it.
 */
export class CjInterceptError extends Error {
  override readonly name = "CjInterceptError";
  constructor(
    readonly step: "addCart" | "addCartConfirm",
    cjOrderId: string,
    readonly answer: unknown,
    readonly cjStatus: string | null,
  ) {
    super(
      `CJ intercepted order ${cjOrderId} at ${step === "addCart" ? "the cart" : "the cart confirmation"}: it fails one of CJ's checks (address, phone or customs ID). See the reason in your CJ account (Orders), correct the order in Shopify or enter the missing value on this page, then retry: the app replaces the CJ order.`,
    );
  }
}

/** Whether a CJ list of intercepted/added orders names this order (ids, or objects carrying one). */
function listsOrder(list: readonly unknown[], cjOrderId: string): boolean {
  return list.some((item) => {
    if (typeof item === "string" || typeof item === "number") return String(item) === cjOrderId;
    if (item && typeof item === "object") {
      const o = item as Record<string, unknown>;
      return [o.orderId, o.cjOrderId, o.orderCode, o.id].some((v) => v !== undefined && String(v) === cjOrderId);
    }
    return false;
  });
}

export async function paidTodayAmount(db: Db, shopId: string, now: Date): Promise<string> {
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const rows = await db.order.findMany({
    where: { shopId, paidAt: { gte: start }, paidAmount: { not: null } },
    select: { paidAmount: true },
  });
  return rows.reduce((sum, r) => sum.plus(r.paidAmount ?? "0"), new Decimal(0)).toFixed(2);
}

/** CJ refused a balance payment for want of funds (or `null`: one went through): see pay-upfront.ts. */
export async function markBalanceShort(db: Db, cjAccountId: string | null, at: Date | null) {
  if (!cjAccountId) return;
  await db.cjAccount.updateMany({
    where: { id: cjAccountId, ...(at ? {} : { balanceShortAt: { not: null } }) },
    data: { balanceShortAt: at },
  });
}

const capped = (d: { allowed: boolean; why: string }) =>
  d.allowed ? { allowed: true, why: "the merchant paid selected orders with the CJ balance, within the caps" } : d;

function loadOrder(db: Db, orderId: string) {
  return db.order.findUnique({ where: { id: orderId }, include: { shop: { include: { settings: true } } } });
}

export async function payCjOrder(deps: ForwardDeps, orderId: string, opts: PayOptions): Promise<PayResult> {
  const { db } = deps;
  const now = deps.now?.() ?? new Date();
  const order = await db.order.findUnique({
    where: { id: orderId },
    include: { shop: { include: { settings: true } } },
  });
  if (!order?.shop.settings) return { outcome: "skipped", message: "order not found" };
  if (!["SUBMITTED", "AWAITING_PAYMENT"].includes(order.state)) {
    return { outcome: "skipped", message: `nothing to pay in state ${order.state}` };
  }
  if (!order.cjOrderId) {
    return { outcome: "skipped", message: "waiting for CJ to complete the order (product connection)" };
  }
  if (order.mergedIntoId) {
    return { outcome: "skipped", message: "merged into another order's CJ order: paid with that order" };
  }
  const merging = await mergeHold(db, order, opts, now);
  if (merging) {
    // Paid by the shop's rules once the window is over (a lost job is re-driven by the reconciliation sweep). Under
    // a key of its own: waiting for hours, it must not stand in for the payment a merge asks for meanwhile (the
    // order's claim keeps the two from paying at once).
    if (merging.retryInSeconds) {
      await deps.queue.enqueue(
        "pay-order",
        { orderId },
        { singletonKey: `${orderJobKey(orderId)}:merge-window`, startAfterSeconds: merging.retryInSeconds },
      );
    }
    return { outcome: merging.outcome, message: merging.message };
  }
  if (order.shopifyCancelledAt && !order.cancelledAt) {
    // Cancelled in Shopify, and the cancellation job has not run yet (say its process died): never pay it; cancel it.
    await enqueueForOrder(deps.queue, "cancel-order", orderId);
    return { outcome: "skipped", message: "cancelled in Shopify: cancelling at CJ instead of paying" };
  }
  // One payer at a time per order (a job and a merchant's click can race); the claim lapses if this process dies.
  const claim = await claimOrder(db, orderId, {
    now,
    seconds: deps.claimSeconds ?? 120,
    where: { state: { in: ["SUBMITTED", "AWAITING_PAYMENT"] } },
  });
  if (!claim.claimed) return { outcome: "skipped", message: "a payment of this order is already in progress" };
  try {
    return await payClaimedOrder(deps, { ...order, cjOrderId: order.cjOrderId }, opts, now);
  } catch (error) {
    // A refusal will not change by retrying: say so on the order and stop. Anything else is retried by the job.
    if (error instanceof CjApiError && error.kind === "permanent") {
      // Needs the merchant: the sweep does not send it again (it re-drives SUBMITTED / AWAITING_PAYMENT only), and
      // "Retry" on the order page goes back to the payment.
      const message = `CJ refused the payment step (${error.endpoint}: ${error.code} ${error.message}). Pay the order on CJ, or retry from the order page.`;
      await transitionOrder(db, orderId, {
        to: "NEEDS_ATTENTION",
        actor: "cj",
        type: "payment_refused",
        message,
        cjRequestId: error.requestId,
        set: { errorReason: message },
        from: ["SUBMITTED", "AWAITING_PAYMENT"],
      });
      return { outcome: "needs_attention", message };
    }
    if (error instanceof CjInterceptError) {
      await transitionOrder(db, orderId, {
        to: "NEEDS_ATTENTION",
        actor: "cj",
        type: "intercepted",
        message: error.message,
        data: { step: error.step, answer: error.answer },
        set: { errorReason: error.message, cjStatus: error.cjStatus ?? undefined },
        from: ["SUBMITTED", "AWAITING_PAYMENT"],
      });
      return { outcome: "needs_attention", message: error.message };
    }
    throw error;
  } finally {
    await claim.release();
  }
}

/**
 * With merging on (app/stock/merge.server.ts), a new CJ order waits for the merge window before the automatic
 * payment, so the merchant can merge one customer's orders into one parcel first; one being merged right now waits
 * for the merge whatever the trigger. A merged order (the lead) is paid at once.
 */
async function mergeHold(
  db: Db,
  order: {
    id: string;
    mergeGroupId: string | null;
    cjShipmentOrderId: string | null;
    cjPayId: string | null;
    submittedAt: Date | null;
    shop: { settings: { mergeOrders: boolean; mergeWindowMinutes: number } | null };
  },
  opts: PayOptions,
  now: Date,
): Promise<(PayResult & { retryInSeconds?: number }) | null> {
  const settings = order.shop.settings;
  // Shops that do not merge (the usual case) are spared the lookup. Merging turned off while a batch is out: CJ
  // itself refuses to merge an order paid meanwhile (11002), and the group says so.
  if (!settings?.mergeOrders || order.mergeGroupId || order.cjShipmentOrderId || order.cjPayId) return null;
  const submitting = await db.mergeGroup.findFirst({
    where: { status: "SELECTED", orderIds: { contains: `"${order.id}"` }, run: { status: "SUBMITTING" } },
    select: { id: true },
  });
  if (submitting) return { outcome: "skipped", message: "being merged at CJ: paid once the merge is done" };
  if (opts.trigger !== "automatic" || !order.submittedAt) return null;
  const until = order.submittedAt.getTime() + settings.mergeWindowMinutes * 60_000;
  if (until <= now.getTime()) return null;
  return {
    outcome: "skipped",
    retryInSeconds: Math.ceil((until - now.getTime()) / 1000),
    message: `waiting for the merge window until ${new Date(until).toISOString()} (Merge candidates), then paid`,
  };
}

async function payClaimedOrder(
  deps: ForwardDeps,
  order: NonNullable<Awaited<ReturnType<typeof loadOrder>>> & { cjOrderId: string },
  opts: PayOptions,
  now: Date,
): Promise<PayResult> {
  const { db } = deps;
  const orderId = order.id;
  const cj = await deps.ports.cj(order.shopId);

  // CJ's word on whether it is already paid comes first (a previous attempt may have paid and died).
  const detail = await cj.orders.findOrder(order.cjOrderId);
  if (detail?.orderStatus && PAID_CJ_STATUSES.has(detail.orderStatus)) {
    await transitionOrder(db, orderId, {
      to: "PAID",
      actor: "cj",
      type: "paid",
      message: `CJ reports the order as ${detail.orderStatus}: already paid.`,
      set: {
        cjStatus: detail.orderStatus,
        paidAt: order.paidAt ?? now,
        paidAmount: order.paidAmount ?? detail.orderAmount,
      },
    });
    return { outcome: "paid", message: "already paid at CJ" };
  }
  let amount = order.orderAmount ?? detail?.orderAmount ?? null;
  const rules = order.shop.settings as unknown as ShopRules;
  // Never spent without a known amount: the caps cannot be checked against an amount CJ did not give.
  const decide = async (value: string | null): Promise<{ allowed: boolean; why: string }> => {
    if (!value) return { allowed: false, why: "CJ has not given the amount to pay" };
    if (opts.trigger !== "merchant") return mayAutoPay(rules, value, await paidTodayAmount(db, order.shopId, now));
    if (opts.capped) return capped(withinPaymentCaps(rules, value, await paidTodayAmount(db, order.shopId, now)));
    return { allowed: true, why: "the merchant chose to pay with the CJ balance" };
  };

  // The parent order and its payId (kept, so a retry does not build a second one).
  let payId = order.cjPayId;
  let shipmentOrderId = order.cjShipmentOrderId;
  if (!payId) {
    // Each step's result is stored before the next, so a retry resumes where the last attempt stopped instead of
    // asking CJ for a second cart or parent order.
    const known = detail?.shipmentOrderId;
    shipmentOrderId ??= typeof known === "string" && known ? known : null;
    if (!shipmentOrderId && detail?.orderStatus === "UNPAID") {
      // Confirmed at CJ by an attempt whose answer (the parent order id) was lost: a second addCartConfirm is
      // refused (1603001) and CJ's order query does not give the parent order back.
      return await payWithoutParentOrder(deps, order, await decide(amount), amount, opts, now);
    }
    if (!shipmentOrderId) {
      if (!detail || detail.orderStatus === "CREATED") {
        const added = await cj.orders.addCart({ cjOrderIdList: [order.cjOrderId] });
        if (
          listsOrder(added.interceptOrders, order.cjOrderId) ||
          (added.successCount === 0 && !listsOrder(added.addSuccessOrders, order.cjOrderId))
        ) {
          throw new CjInterceptError("addCart", order.cjOrderId, added, "CREATED");
        }
      }
      const confirmed = await cj.orders.addCartConfirm({ cjOrderIdList: [order.cjOrderId] });
      if (
        listsOrder(confirmed.interceptOrders, order.cjOrderId) ||
        confirmed.submitSuccess === false ||
        (confirmed.submitSuccess !== true && !confirmed.shipmentsId)
      ) {
        throw new CjInterceptError("addCartConfirm", order.cjOrderId, confirmed, "IN_CART");
      }
      shipmentOrderId = confirmed.shipmentsId;
      if (!shipmentOrderId) throw new Error("CJ returned no shipmentsId from addCartConfirm");
      await db.order.update({
        where: { id: orderId },
        data: { cjShipmentOrderId: shipmentOrderId, cjStatus: "UNPAID" },
      });
    }
    const parent = await cj.orders.saveGenerateParentOrder({ shipmentOrderId });
    payId = parent.payId;
    if (!payId) throw new Error("CJ returned no payId from saveGenerateParentOrder");
    // What the payment will charge is the parent order's amount: the caps are checked against it.
    amount = parent.orderMoney ?? amount;
    await db.order.update({
      where: { id: orderId },
      data: {
        cjPayId: payId,
        cjShipmentOrderId: shipmentOrderId,
        cjPayUrl: `${CJ_PAY_PAGE}${payId}`,
        cjStatus: "UNPAID",
        ...(amount && !order.orderAmount ? { orderAmount: amount } : {}),
      },
    });
    await recordOrderEvent(db, orderId, {
      actor: "job",
      type: "payment_prepared",
      message: `CJ payment ${payId} prepared${amount ? ` for ${new Decimal(amount).toFixed(2)} USD` : ""}.`,
    });
  }
  if (!shipmentOrderId) {
    // The payment page came with the create answer (payType 1) but not the parent order's id: CJ's Pay Balance by
    // the order's own id applies (each order is alone in its parent order).
    return await payWithoutParentOrder(deps, order, await decide(amount), amount, opts, now);
  }
  return payOrWait(deps, order, {
    amount,
    decision: await decide(amount),
    opts,
    now,
    payUrl: `${CJ_PAY_PAGE}${payId}`,
    pay: () => cj.payment.payBalanceV2({ shipmentOrderId: shipmentOrderId as string, payId }),
  });
}

/**
 * The last step of every payment: from the CJ balance when the rules allow it, otherwise (or when the balance is too
 * low) the order waits for the merchant, on CJ's payment page when there is one, else in the CJ account.
 */
async function payOrWait(
  deps: ForwardDeps,
  order: NonNullable<Awaited<ReturnType<typeof loadOrder>>> & { cjOrderId: string },
  step: {
    amount: string | null;
    decision: { allowed: boolean; why: string };
    opts: { trigger: "automatic" | "merchant" };
    now: Date;
    /** CJ's payment page, or null when it cannot be had (see payWithoutParentOrder). */
    payUrl: string | null;
    pay: () => Promise<unknown>;
    /** How it was paid, when not the usual way (for the timeline). */
    how?: string;
  },
): Promise<PayResult> {
  const { db } = deps;
  const { decision, payUrl } = step;
  const amount = step.amount ? `${step.amount} USD` : "the amount CJ shows";
  const where = payUrl
    ? "on CJ's payment page"
    : `in your CJ account (Orders, awaiting payment: CJ order ${order.cjOrderId}; CJ's answer with its payment page was lost)`;
  const wait = async (message: string, problem: boolean) => {
    await transitionOrder(db, order.id, {
      to: "AWAITING_PAYMENT",
      actor: "job",
      type: "awaiting_payment",
      message,
      // The reason is written with the state, so nobody sees "awaiting payment" without knowing why.
      set: {
        cjStatus: "UNPAID",
        ...(payUrl ? { cjPayUrl: payUrl } : {}),
        // A plain wait for the merchant's payment is no problem: an earlier reason (a quota wait) is over.
        errorReason: problem ? message : null,
      },
      from: ["SUBMITTED"],
    });
    if (order.state === "AWAITING_PAYMENT") {
      await recordOrderEvent(db, order.id, { actor: "job", type: "awaiting_payment", message });
    }
    if (problem || order.errorReason) {
      await db.order.update({ where: { id: order.id }, data: { errorReason: problem ? message : null } });
    }
  };
  if (!decision.allowed) {
    await wait(`Pay ${amount} ${where} (${decision.why}).`, payUrl === null);
    return { outcome: "link", message: decision.why };
  }
  try {
    await step.pay();
  } catch (error) {
    if (error instanceof CjApiError && error.code === 1604000) {
      await markBalanceShort(db, order.shop.cjAccountId, step.now);
      const message = `The CJ balance is too low to pay ${amount}: top it up, or pay ${where}.`;
      await wait(message, true);
      return { outcome: "link", message };
    }
    throw error;
  }
  await markBalanceShort(db, order.shop.cjAccountId, null);
  await transitionOrder(db, order.id, {
    to: "PAID",
    actor: step.opts.trigger === "merchant" ? "merchant" : "job",
    type: "paid",
    message: `Paid ${amount} from the CJ balance (${decision.why})${step.how ?? ""}.`,
    set: { paidAt: step.now, paidAmount: step.amount, cjStatus: "UNSHIPPED", errorReason: null },
  });
  return { outcome: "paid", message: `paid ${amount}` };
}

/**
 * Pays an order CJ has confirmed (UNPAID) when its parent order id is unknown. The app puts each order in a cart of
 * its own, so the parent holds this order alone and CJ's Pay Balance by order id applies (seed 002 §2.2). Without
 * the balance the merchant pays on the page CJ gave with the order (payType 1), or else in the CJ account.
 */
async function payWithoutParentOrder(
  deps: ForwardDeps,
  order: NonNullable<Awaited<ReturnType<typeof loadOrder>>> & { cjOrderId: string },
  decision: { allowed: boolean; why: string },
  amount: string | null,
  opts: PayOptions,
  now: Date,
): Promise<PayResult> {
  const cj = await deps.ports.cj(order.shopId);
  return payOrWait(deps, order, {
    amount,
    decision,
    opts,
    now,
    // CJ's page from a payType 1 create answer, when there was one.
    payUrl: order.cjPayUrl ?? null,
    pay: () => cj.payment.payBalance({ orderId: order.cjOrderId }),
    how: ", by the order's own id: CJ had confirmed it and the parent order's id is not known",
  });
}

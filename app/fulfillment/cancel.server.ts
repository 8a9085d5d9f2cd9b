/**
 * orders/cancelled: an order that has not reached CJ is simply cancelled; a CJ order still CREATED or IN_CART is
 * deleted at CJ (002 §1.8 allows nothing else); an UNPAID one is left unpaid (CJ never ships it, and closes it when
 * its payment expires); a paid or shipped CJ order stays, and the merchant is told to settle it on CJ (disputes
 * happen there).
 */
import { claimOrder } from "./claims";
import type { ForwardDeps } from "./forward.server";
import { PRE_SUBMISSION_STATES, recordOrderEvent, transitionOrder } from "./state";

const DELETABLE = new Set(["CREATED", "IN_CART"]);

/** The order is being forwarded or paid right now: the cancellation job tries again shortly (its retries). */
export class OrderBusyError extends Error {
  override readonly name = "OrderBusyError";
}

export async function cancelCjOrder(deps: ForwardDeps, orderId: string): Promise<string> {
  const { db } = deps;
  // Never beside a forward or a payment of the same order: a create in flight would leave a CJ order behind.
  const claim = await claimOrder(db, orderId, {
    now: deps.now?.() ?? new Date(),
    seconds: 120,
    where: { state: { not: "CANCELLED" } },
  });
  if (!claim.claimed) {
    const order = await db.order.findUnique({ where: { id: orderId }, select: { state: true } });
    if (!order || order.state === "CANCELLED") return "nothing to cancel";
    throw new OrderBusyError("the order is being forwarded or paid; the cancellation waits");
  }
  try {
    return await cancelClaimed(deps, orderId);
  } finally {
    await claim.release();
  }
}

async function cancelClaimed(deps: ForwardDeps, orderId: string): Promise<string> {
  const { db } = deps;
  const order = await db.order.findUnique({ where: { id: orderId } });
  if (!order || order.state === "CANCELLED") return "nothing to cancel";
  // cjOrderNumber is written before createOrderV2 is sent: without it nothing can be at CJ. With it, CJ is asked,
  // whatever the state says (an order in Needs attention or Failed may well have a CJ order: an intercept, a payment
  // step refused, a create whose answer was lost).
  if (!order.cjOrderNumber && !order.cjOrderId) {
    await transitionOrder(db, orderId, {
      to: "CANCELLED",
      actor: "webhook",
      type: "cancelled",
      message: "Cancelled in Shopify before it reached CJ.",
      set: { cancelledAt: new Date(), lockedUntil: null },
    });
    return "cancelled before CJ";
  }
  if (order.mergeGroupId) {
    const others = await db.order.findMany({
      where: {
        mergeGroupId: order.mergeGroupId,
        cjOrderId: order.cjOrderId,
        id: { not: orderId },
        state: { not: "CANCELLED" },
      },
      select: { shopifyOrderName: true },
    });
    if (others.length > 0) {
      // Deleting the merged CJ order would take the other customers' orders with it: the merchant decides.
      const message = `Cancelled in Shopify, but this order is merged at CJ with ${others.map((o) => o.shopifyOrderName).join(", ")} into one parcel (CJ order ${order.cjOrderId}): the app does not cancel the others' order. Remove this order's items at CJ, or cancel the merged order at CJ and send the other orders again.`;
      await transitionOrder(db, orderId, {
        to: "NEEDS_ATTENTION",
        actor: "job",
        type: "cancel_merged",
        message,
        set: { errorReason: message },
        mirror: false,
      });
      return "merged with other orders: left to the merchant";
    }
  }
  const cj = await deps.ports.cj(order.shopId);
  const detail = await cj.orders.findOrder(order.cjOrderId ?? (order.cjOrderNumber as string));
  if (!detail && PRE_SUBMISSION_STATES.includes(order.state as never)) {
    await transitionOrder(db, orderId, {
      to: "CANCELLED",
      actor: "job",
      type: "cancelled",
      message: "Cancelled in Shopify before it reached CJ (CJ has no such order).",
      set: { cancelledAt: new Date(), lockedUntil: null },
    });
    return "cancelled before CJ";
  }
  const status = detail?.orderStatus ?? order.cjStatus ?? "";
  if (!detail || DELETABLE.has(status)) {
    if (detail?.orderId) await cj.orders.deleteOrder(detail.orderId);
    await transitionOrder(db, orderId, {
      to: "CANCELLED",
      actor: "job",
      type: "cancelled",
      message: detail
        ? `Cancelled in Shopify: CJ order ${detail.orderId} (${status}) deleted at CJ.`
        : "Cancelled in Shopify; CJ has no such order.",
      set: { cancelledAt: new Date(), cjStatus: detail ? "CANCELLED" : order.cjStatus },
    });
    return "deleted at CJ";
  }
  if (status === "UNPAID" && !order.paidAt) {
    // Confirmed at CJ and waiting for payment (payType 1 puts every link-paid order there at once): CJ's API deletes
    // only CREATED / IN_CART orders, but an unpaid order is never processed, and CJ closes it when its payment
    // expires. The app stops offering its payment page.
    await transitionOrder(db, orderId, {
      to: "CANCELLED",
      actor: "job",
      type: "cancelled",
      message: `Cancelled in Shopify: CJ order ${detail?.orderId ?? order.cjOrderId ?? ""} is unpaid, so CJ will not ship it and closes it when its payment expires. Do not pay it on CJ.`,
      set: {
        cancelledAt: new Date(),
        cjStatus: status,
        cjPayUrl: null,
        cjPayId: null,
        errorReason: null,
        lockedUntil: null,
      },
    });
    return "left unpaid at CJ";
  }
  const message = `Cancelled in Shopify, but CJ order ${detail?.orderId ?? order.cjOrderId ?? ""} is already ${status}: CJ cannot delete it. Cancel it or open a dispute on CJ.`;
  const set = { errorReason: message, cancelledAt: new Date(), cjStatus: status, lockedUntil: null };
  const moved = await transitionOrder(db, orderId, {
    to: "NEEDS_ATTENTION",
    actor: "job",
    type: "cancel_needs_cj",
    message,
    set,
  });
  if (!moved && order.state === "NEEDS_ATTENTION") {
    // Already in Needs attention (for another reason): the cancellation replaces the reason.
    await db.order.update({ where: { id: orderId }, data: set });
    await recordOrderEvent(db, orderId, { actor: "job", type: "cancel_needs_cj", message });
  }
  return "needs the merchant on CJ";
}

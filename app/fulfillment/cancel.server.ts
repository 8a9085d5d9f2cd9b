/**
 * orders/cancelled: an order that has not reached CJ is simply cancelled; a CJ order still CREATED or IN_CART is
 * deleted at CJ (002 §1.8 allows nothing else); a paid or shipped CJ order stays, and the merchant is told to settle
 * it on CJ (disputes happen there).
 */
import type { ForwardDeps } from "./forward.server";
import { PRE_SUBMISSION_STATES, transitionOrder } from "./state";

const DELETABLE = new Set(["CREATED", "IN_CART"]);

export async function cancelCjOrder(deps: ForwardDeps, orderId: string): Promise<string> {
  const { db } = deps;
  const order = await db.order.findUnique({ where: { id: orderId } });
  if (!order || order.state === "CANCELLED") return "nothing to cancel";
  if (PRE_SUBMISSION_STATES.includes(order.state as never) || !order.cjOrderNumber) {
    await transitionOrder(db, orderId, {
      to: "CANCELLED",
      actor: "webhook",
      type: "cancelled",
      message: "Cancelled in Shopify before it reached CJ.",
      set: { cancelledAt: new Date(), lockedUntil: null },
    });
    return "cancelled before CJ";
  }
  const cj = await deps.ports.cj(order.shopId);
  const detail = await cj.orders.findOrder(order.cjOrderId ?? order.cjOrderNumber);
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
  const message = `Cancelled in Shopify, but the CJ order is already ${status}: CJ cannot delete it. Cancel it or open a dispute on CJ.`;
  await transitionOrder(db, orderId, {
    to: "NEEDS_ATTENTION",
    actor: "job",
    type: "cancel_needs_cj",
    message,
    set: { errorReason: message, cancelledAt: new Date(), cjStatus: status },
  });
  return "needs the merchant on CJ";
}

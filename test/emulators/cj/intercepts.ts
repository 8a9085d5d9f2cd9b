import { cjIsoDate } from "./clock.js";
import type { EmulatorContext } from "./context.js";
import { pushOrderEvent } from "./order-model.js";
import type { InterceptReason, InterceptRecord, Order } from "./state.js";

/**
 * Intercepted orders (seed 002 §1.1 `interceptOrderReasons`, §1.3/§1.4 `interceptOrders`): CJ creates the order but
 * holds it back — no cart, confirmation or payment — until the cause is fixed (in CJ's web app). Causes: the
 * destination rules (rules.ts) at create, or on demand through the control API (CJ's own risk checks).
 * getOrderDetail and order/list show nothing of it (the seed has no such field): the order simply stays CREATED.
 */
export function isIntercepted(order: Order): boolean {
  return order.interceptReasons.length > 0;
}

function log(ctx: EmulatorContext, order: Order, entry: Pick<InterceptRecord, "action" | "source" | "reasons">): void {
  ctx.state.intercepts.push({
    accountId: order.accountId,
    orderId: order.orderId,
    orderNumber: order.orderNumber,
    ...entry,
    at: cjIsoDate(ctx.clock.now()),
  });
}

/** Hold an order back with these reasons (added to any it already has). */
export function interceptWith(
  ctx: EmulatorContext,
  order: Order,
  reasons: InterceptReason[],
  source: InterceptRecord["source"],
): void {
  if (reasons.length === 0) return;
  order.interceptReasons.push(...reasons.map((r) => ({ ...r })));
  order.updatedAt = ctx.clock.now();
  log(ctx, order, { action: "intercepted", source, reasons: reasons.map((r) => ({ ...r })) });
}

/** Statuses an on-demand intercept may hit: before payment. */
const INTERCEPTABLE = ["CREATED", "IN_CART", "UNPAID"] as const;

export interface InterceptInput {
  /** Default 1000. */
  code?: number;
  message: string;
}

/** Control API: CJ's own checks hold an order back (e.g. "Address in a remote area"). */
export function interceptOnDemand(ctx: EmulatorContext, order: Order, input: InterceptInput): Order {
  if (!(INTERCEPTABLE as readonly string[]).includes(order.status)) {
    throw new Error(
      `order ${order.orderId} is ${order.status}: only ${INTERCEPTABLE.join(", ")} orders can be intercepted`,
    );
  }
  if (typeof input.message !== "string" || input.message === "") throw new Error("message is required");
  const code = input.code ?? 1000;
  if (!Number.isInteger(code)) throw new Error("code must be an integer");
  interceptWith(ctx, order, [{ code, message: input.message }], "control");
  return order;
}

/** Fields the merchant may have fixed in CJ's web app before the release. */
export const RELEASE_FIELDS = [
  "taxId",
  "consigneeID",
  "houseNumber",
  "shippingPhone",
  "email",
  "shippingZip",
  "shippingCounty",
] as const;
export type ReleaseFields = Partial<Record<(typeof RELEASE_FIELDS)[number], string | null>>;

/**
 * Control API: the merchant fixed the order in CJ's web app. Every reason is cleared (optionally after setting the
 * fixed fields); the order stays where it was and CJ pushes an ORDER UPDATE (the order was edited).
 */
export function releaseIntercept(ctx: EmulatorContext, order: Order, fields: ReleaseFields = {}): Order {
  if (!isIntercepted(order)) throw new Error(`order ${order.orderId} is not intercepted`);
  for (const [key, value] of Object.entries(fields)) {
    if (!(RELEASE_FIELDS as readonly string[]).includes(key)) {
      throw new Error(`fields.${key}: only ${RELEASE_FIELDS.join(", ")} can be set`);
    }
    if (value !== null && typeof value !== "string") throw new Error(`fields.${key} must be a string or null`);
    order[key as (typeof RELEASE_FIELDS)[number]] = value === "" ? null : value;
  }
  const reasons = order.interceptReasons;
  order.interceptReasons = [];
  order.updatedAt = ctx.clock.now();
  log(ctx, order, { action: "released", source: "control", reasons });
  pushOrderEvent(ctx, order, "UPDATE");
  return order;
}

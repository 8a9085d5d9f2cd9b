import Decimal from "decimal.js";
import { cjDateTime } from "./clock.js";
import { accountOf, type EmulatorContext, type Handler } from "./context.js";
import { CjFailure, failure, paramError } from "./envelope.js";
import { isIntercepted } from "./intercepts.js";
import { RATE_TABLE, rateByName, TRACKING_STATUS_TEXT } from "./logistics.js";
import { oddShapesFor } from "./odd-shapes.js";
import { accountFor, moveTo, newOrderId, pushLogisticEvent, pushOrderEvent } from "./order-model.js";
import { confirmIntoShipment, payShipment, shipmentOrders } from "./payment.js";
import type { Account, Order, OrderLine, Shipment } from "./state.js";
import { field, isRecord, validate } from "./validation.js";

export interface ShipInput {
  trackNumber?: string;
  logisticName?: string;
  trackingUrl?: string;
  /** Ship even from UNPAID/CREATED (demo convenience); default: only UNSHIPPED orders ship. */
  force?: boolean;
}

export function findAnyOrder(ctx: EmulatorContext, idOrNumber: string): Order {
  for (const accountId of ctx.state.accounts.keys()) {
    const order = ctx.state.findOrder(accountId, idOrNumber);
    if (order) return order;
  }
  throw failure(1600300);
}

/**
 * Ship an order: tracking number, SHIPPED, then an ORDER UPDATE and a LOGISTIC push (trackingStatus 1; with odd
 * shapes no event yet).
 */
export function shipOrder(ctx: EmulatorContext, idOrNumber: string, input: ShipInput = {}): Order {
  const order = findAnyOrder(ctx, idOrNumber);
  if (input.force && order.status !== "UNSHIPPED") {
    order.status = "UNSHIPPED";
    order.paidAt ??= ctx.clock.now();
  }
  moveTo(ctx, order, "SHIPPED", new CjFailure(1600100, `order ${order.orderId} is ${order.status}, not UNSHIPPED`));
  const rate = rateByName(input.logisticName ?? order.logisticName) ?? RATE_TABLE[0];
  const logisticName = input.logisticName ?? order.logisticName;
  const trackNumber =
    input.trackNumber ?? `${rate?.trackingPrefix ?? "CJ"}${String(ctx.state.next("track")).padStart(10, "0")}YQ`;
  const now = ctx.clock.now();
  // Odd shapes: shipped before the carrier reports anything (no event yet; the LOGISTIC push carries "").
  const odd = oddShapesFor(ctx.state, order.accountId);
  order.tracking = {
    trackNumber,
    logisticName,
    trackingUrl: input.trackingUrl ?? `https://www.cjpacket.com/?trackingNumber=${trackNumber}`,
    trackingStatus: odd ? 0 : 1,
    events: odd ? [] : [trackEvent(1, now, "Shenzhen, CN")],
    shippedAt: now,
    deliveredAt: null,
    lastMileCarrier: rate?.lastMileCarrier ?? "CJPacket",
    lastTrackNumber: `9261${String(ctx.state.next("lastMile")).padStart(11, "0")}`,
  };
  pushOrderEvent(ctx, order, "UPDATE");
  pushLogisticEvent(ctx, order);
  return order;
}

function trackEvent(status: number, at: number, location: string, activity?: string) {
  const text = TRACKING_STATUS_TEXT[status] ?? "In transit";
  return { status, activity: activity ?? text, location, eventTime: cjDateTime(at), statusDesc: text };
}

export interface TrackInput {
  trackingStatus: number;
  activity?: string;
  location?: string;
}

/** Advance tracking: a new event and a LOGISTIC push; 12 (delivered) also moves the order to DELIVERED. */
export function advanceTracking(ctx: EmulatorContext, idOrNumber: string, input: TrackInput): Order {
  const order = findAnyOrder(ctx, idOrNumber);
  const tracking = order.tracking;
  if (!tracking) throw new CjFailure(1600100, `order ${order.orderId} has not shipped`);
  if (!Number.isInteger(input.trackingStatus) || input.trackingStatus < 0 || input.trackingStatus > 14) {
    throw paramError();
  }
  const now = ctx.clock.now();
  tracking.trackingStatus = input.trackingStatus;
  tracking.events.push(trackEvent(input.trackingStatus, now, input.location ?? order.shippingCity, input.activity));
  if (input.trackingStatus === 12 && order.status === "SHIPPED") {
    tracking.deliveredAt = now;
    moveTo(ctx, order, "DELIVERED");
    order.completedAt = now;
    pushOrderEvent(ctx, order, "UPDATE");
  }
  pushLogisticEvent(ctx, order);
  return order;
}

export interface SplitPart {
  lineItemId: string;
  quantity?: number;
}

/**
 * Split one CJ order into several (ORDERSPLIT push). `parts` lists, per new order, the lines (and quantities) it
 * takes; by default each line becomes its own order. The original order is closed (CANCELLED) and points to its
 * children; lookups by orderNumber then find the first child.
 */
export function splitOrder(ctx: EmulatorContext, idOrNumber: string, parts?: SplitPart[][]): Order[] {
  const original = findAnyOrder(ctx, idOrNumber);
  if (original.splitInto.length > 0) throw paramError();
  const groups = parts ?? original.lines.map((l) => [{ lineItemId: l.lineItemId, quantity: l.quantity }]);
  if (groups.length < 2) throw paramError();
  const now = ctx.clock.now();
  const children: Order[] = groups.map((group, index) => {
    const lines: OrderLine[] = group.map((part) => {
      const line = original.lines.find((l) => l.lineItemId === part.lineItemId);
      if (!line) throw paramError();
      return { ...line, quantity: part.quantity ?? line.quantity };
    });
    const products = lines.reduce((sum, l) => sum.plus(new Decimal(l.sellPrice).times(l.quantity)), new Decimal(0));
    const postage = index === 0 ? new Decimal(original.postageAmount) : new Decimal(0);
    return {
      ...structuredClone(original),
      orderId: newOrderId(ctx),
      lines,
      productAmount: products.toFixed(2),
      postageAmount: postage.toFixed(2),
      orderAmount: products.plus(postage).toFixed(2),
      splitFrom: original.orderId,
      splitInto: [],
      previousOrderIds: [],
      createdAt: now,
      updatedAt: now,
    };
  });
  original.splitInto = children.map((c) => c.orderId);
  original.status = "CANCELLED";
  original.updatedAt = now;
  ctx.state.orders.push(...children);
  ctx.pusher.push(accountFor(ctx, original), {
    type: "ORDERSPLIT",
    messageType: "UPDATE",
    params: {
      originalOrderId: original.orderId,
      orderSplitTime: cjDateTime(now),
      splitOrderList: children.map((child) => ({
        orderCode: child.orderId,
        createAt: cjDateTime(child.createdAt),
        orderStatus: child.status,
        productList: child.lines.map((l) => ({
          productCode: ctx.state.variants.get(l.vid ?? "")?.pid ?? null,
          vid: l.vid,
          quantity: l.quantity,
          sku: ctx.state.variants.get(l.vid ?? "")?.sku ?? l.sku,
        })),
      })),
    },
  });
  return children;
}

/** uploadWaybillInfo (multipart): only after payment (seed 3.1). */
export const uploadWaybillInfo: Handler = (ctx, req) => {
  const account = accountOf(req);
  const body = validate(req.body, [
    field("orderId", "string", true, 200),
    field("cjOrderId", "string", true, 200),
    field("cjShippingCompanyName", "string", true, 200),
    field("trackNumber", "string", true, 200),
  ]);
  const file = isRecord(req.body) ? req.body.waybillFile : undefined;
  if (!isRecord(file) || typeof file.name !== "string") throw paramError();
  const order = ctx.state.findOrder(account.id, String(body.orderId));
  if (!order) throw failure(1600300);
  if (order.paidAt === null) throw paramError();
  order.waybill = {
    cjShippingCompanyName: String(body.cjShippingCompanyName),
    trackNumber: String(body.trackNumber),
    fileName: file.name,
  };
  return { message: "", data: true };
};

function sandboxOrder(ctx: EmulatorContext, accountId: string, id: string): Order {
  const order = ctx.state.findOrder(accountId, id);
  if (!order) throw failure(1600300);
  if (!order.isSandbox) throw paramError();
  return order;
}

/**
 * The parent order a sandbox order is paid through by orderId: a created (or carted) order is confirmed into a parent
 * order of its own first. 1603101 for an intercepted order; 1600100 when the parent holds other orders too.
 */
function sandboxShipmentOf(ctx: EmulatorContext, account: Account, order: Order): Shipment {
  if (isIntercepted(order)) throw new CjFailure(1603101, "order pay fail, the order is intercepted");
  if (order.status === "CREATED" || order.status === "IN_CART") {
    if (order.status === "CREATED") moveTo(ctx, order, "IN_CART");
    confirmIntoShipment(ctx, account, [order]);
  }
  const shipment = order.shipmentOrderId === null ? undefined : ctx.state.shipments.get(order.shipmentOrderId);
  if (!shipment) throw paramError();
  // "When a parent order contains multiple sub-orders, you cannot use orderId" (seed 1.11).
  if (shipmentOrders(ctx, shipment).length > 1) throw paramError();
  return shipment;
}

/** sandbox/simulatePay {orderId | shipmentOrderId}: simulated payment of sandbox orders (seed 1.11). */
export const simulatePay: Handler = (ctx, req) => {
  const account = accountOf(req);
  const body = validate(req.body, [
    field("orderId", "string", false, 200),
    field("shipmentOrderId", "string", false, 200),
  ]);
  let shipment: Shipment | undefined;
  if (typeof body.shipmentOrderId === "string" && body.shipmentOrderId !== "") {
    shipment = ctx.state.shipments.get(body.shipmentOrderId);
    if (!shipment || shipment.accountId !== account.id) throw failure(1600300);
    if (shipmentOrders(ctx, shipment).some((o) => !o.isSandbox)) throw paramError();
  } else if (typeof body.orderId === "string" && body.orderId !== "") {
    shipment = sandboxShipmentOf(ctx, account, sandboxOrder(ctx, account.id, body.orderId));
  } else {
    throw paramError();
  }
  payShipment(ctx, account, shipment);
  return { data: true };
};

/** Numeric sandbox statuses (seed 1.12): 300 → 400 unshipped → 500 shipped → 600 completed → 700 closed. */
function numericStatus(order: Order): number {
  switch (order.status) {
    case "UNSHIPPED":
      return 400;
    case "SHIPPED":
      return 500;
    case "DELIVERED":
      return 600;
    case "OTHER":
    case "CANCELLED":
      return 700;
    default:
      return 300;
  }
}

export const updateSandboxStatus: Handler = (ctx, req) => {
  const account = accountOf(req);
  const body = validate(req.body, [field("orderId", "string", true, 200), field("targetStatus", "int", true, 20)]);
  const order = sandboxOrder(ctx, account.id, String(body.orderId));
  const target = Number(body.targetStatus);
  // "Optional: 400(unshipped), 500(shipped), 600(completed), 700(closed)"; "Status can only flow in order:
  // 300→400→500→600→700. Cannot skip or revert."
  if (![400, 500, 600, 700].includes(target) || target !== numericStatus(order) + 100) throw paramError();
  if (target === 400) {
    // 300 covers CREATED, IN_CART and UNPAID: paid as simulatePay {orderId} would pay it.
    payShipment(ctx, account, sandboxShipmentOf(ctx, account, order));
  } else if (target === 500) {
    shipOrder(ctx, order.orderId);
  } else if (target === 600) {
    advanceTracking(ctx, order.orderId, { trackingStatus: 12 });
  } else {
    moveTo(ctx, order, "OTHER");
    pushOrderEvent(ctx, order, "UPDATE");
  }
  return { data: true };
};

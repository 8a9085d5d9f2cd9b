import Decimal from "decimal.js";
import { resolveStoreSku, storageName } from "./catalog.js";
import { cjDateTime, yymmdd, yymmddhhmmss } from "./clock.js";
import type { EmulatorContext } from "./context.js";
import { CjFailure, failure } from "./envelope.js";
import { postage, rateByName, ratesFor } from "./logistics.js";
import { oddCreateAnswer, oddOrderView, oddShapesFor } from "./odd-shapes.js";
import type { Account, Order, OrderStatus } from "./state.js";

/**
 * The order state machine as data (seed 002 "Order Status"): CREATED → IN_CART → UNPAID → UNSHIPPED → SHIPPED →
 * DELIVERED, CANCELLED from any state before shipping; OTHER stands for the sandbox's "700 closed".
 */
export const ALLOWED_TRANSITIONS: Record<OrderStatus, readonly OrderStatus[]> = {
  CREATED: ["IN_CART", "UNPAID", "CANCELLED"],
  IN_CART: ["UNPAID", "CANCELLED"],
  UNPAID: ["UNSHIPPED", "CANCELLED"],
  UNSHIPPED: ["SHIPPED", "CANCELLED"],
  SHIPPED: ["DELIVERED", "OTHER"],
  DELIVERED: ["OTHER"],
  CANCELLED: [],
  OTHER: [],
};

export function canMove(order: Order, to: OrderStatus): boolean {
  return ALLOWED_TRANSITIONS[order.status].includes(to);
}

export function moveTo(ctx: EmulatorContext, order: Order, to: OrderStatus, error: CjFailure = failure(1600100)): void {
  if (!canMove(order, to)) throw error;
  order.status = to;
  order.updatedAt = ctx.clock.now();
}

/** "210711100018043276"-shaped ids: yyMMdd + "1000" + sequence. */
export function newOrderId(ctx: EmulatorContext): string {
  return `${yymmdd(ctx.clock.now())}1000${String(ctx.state.next("order")).padStart(8, "0")}`;
}

export function newLineItemId(ctx: EmulatorContext): string {
  return `${yymmdd(ctx.clock.now())}0${String(ctx.state.next("lineItem")).padStart(12, "0")}`;
}

/** CJ's own order code, created at confirmation ("UNPAID: confirm order, CJ order number create"). */
export function newCjOrderCode(ctx: EmulatorContext): string {
  return `CJ${yymmddhhmmss(ctx.clock.now())}${String(ctx.state.next("cjOrderCode")).padStart(7, "0")}`;
}

export function newShipmentOrderId(ctx: EmulatorContext): string {
  return `SD${yymmddhhmmss(ctx.clock.now())}${String(ctx.state.next("shipment")).padStart(8, "0")}`;
}

export function newPayId(ctx: EmulatorContext): string {
  return `${yymmddhhmmss(ctx.clock.now())}${String(ctx.state.next("payId")).padStart(7, "0")}`;
}

export function payUrl(payId: string): string {
  return `https://www.cjdropshipping.com/mine/payment?pid=${payId}`;
}

/** Recompute weight and amounts from the resolved lines and the chosen logistic. */
export function priceOrder(ctx: EmulatorContext, order: Order): void {
  let products = new Decimal(0);
  let grams = 0;
  for (const line of order.lines) {
    const variant = line.vid === null ? undefined : ctx.state.variants.get(line.vid);
    if (!variant) continue;
    line.sellPrice = variant.sellPrice;
    products = products.plus(new Decimal(variant.sellPrice).times(line.quantity));
    grams += variant.weight * line.quantity;
  }
  const rate = rateByName(order.logisticName);
  if (!rate || !ratesFor(order.shippingCountryCode).includes(rate)) throw failure(1605000);
  const shipping = grams === 0 ? new Decimal(0) : postage(rate, order.shippingCountryCode, grams);
  order.orderWeight = grams;
  order.productAmount = products.toFixed(2);
  order.postageAmount = shipping.toFixed(2);
  order.orderAmount = products.plus(shipping).toFixed(2);
}

function date(ms: number | null): string | null {
  return ms === null ? null : cjDateTime(ms);
}

/** ORDER webhook params (cj-api-facts.md): `cjOrderId`/`trackNumber`, unlike LOGISTIC's names. */
export function orderWebhookParams(order: Order): Record<string, unknown> {
  return {
    cjOrderId: order.orderId,
    orderNumber: order.orderNumber,
    orderStatus: order.status,
    logisticName: order.tracking?.logisticName ?? order.logisticName,
    trackNumber: order.tracking?.trackNumber ?? null,
    trackingUrl: order.tracking?.trackingUrl ?? null,
    trackingProvider: order.tracking?.lastMileCarrier ?? null,
    createDate: cjDateTime(order.createdAt),
    updateDate: cjDateTime(order.updatedAt),
    payDate: date(order.paidAt),
    deliveryDate: date(order.tracking?.shippedAt ?? null),
    completeDate: date(order.completedAt),
    privateOutboundOrder: false,
    orderItems: order.lines.map((l) => ({
      vid: l.vid,
      quantity: l.quantity,
      sellPrice: Number(l.sellPrice),
      lineItemId: l.lineItemId,
      storeLineItemId: l.storeLineItemId,
    })),
  };
}

export function pushOrderEvent(ctx: EmulatorContext, order: Order, messageType: string): void {
  const account = ctx.state.accounts.get(order.accountId);
  if (!account) return;
  ctx.pusher.push(account, { type: "ORDER", messageType, params: orderWebhookParams(order) });
}

/** LOGISTIC webhook params: `orderId`/`trackingNumber`, and `logisticsTrackEvents` as a JSON *string*. */
export function pushLogisticEvent(ctx: EmulatorContext, order: Order): void {
  const account = ctx.state.accounts.get(order.accountId);
  const tracking = order.tracking;
  if (!account || !tracking) return;
  // Odd shapes: trackingStatus null, and "" instead of "[]" while there are no events.
  const odd = oddShapesFor(ctx.state, account.id);
  ctx.pusher.push(account, {
    type: "LOGISTIC",
    messageType: "UPDATE",
    params: {
      orderId: order.orderId,
      logisticName: tracking.logisticName,
      trackingNumber: tracking.trackNumber,
      trackingUrl: tracking.trackingUrl,
      trackingProvider: tracking.lastMileCarrier,
      trackingStatus: odd ? null : tracking.trackingStatus,
      logisticsTrackEvents: odd && tracking.events.length === 0 ? "" : JSON.stringify(tracking.events),
      storeOrderNumbers: [order.orderNumber],
    },
  });
}

export function productInfoList(order: Order) {
  return order.lines.map((l) => ({
    storeLineItemId: l.storeLineItemId ?? "",
    lineItemId: l.vid === null ? "" : l.lineItemId,
    variantId: l.vid ?? "",
    isGroup: false,
    quantity: l.quantity,
    subOrderProducts: [],
  }));
}

/**
 * The createOrderV2/V3 answer. Amounts are strings, as in the seed sample; no `orderId` while incomplete;
 * `interceptOrderReasons` lists why CJ holds the order back ([] when it does not).
 */
export function createAnswer(ctx: EmulatorContext, order: Order, cjPayUrl: string): Record<string, unknown> {
  const paid = order.paidAt !== null;
  const answer: Record<string, unknown> = {
    orderNumber: order.orderNumber,
    orderId: order.orderId,
    shipmentOrderId: order.shipmentOrderId ?? "",
    iossAmount: "",
    iossTaxHandlingFee: "",
    postageAmount: order.postageAmount,
    productAmount: order.productAmount,
    productOriginalAmount: order.productAmount,
    productDiscountAmount: "0.00",
    postageDiscountAmount: "0.00",
    postageOriginalAmount: order.postageAmount,
    totalDiscountAmount: "0.00",
    actualPayment: paid ? order.orderAmount : "0.00",
    orderOriginalAmount: order.orderAmount,
    cjPayUrl,
    orderAmount: order.orderAmount,
    logisticsMiss: false,
    productInfoList: productInfoList(order),
    orderStatus: order.status,
    interceptOrderReasons: order.interceptReasons.map((r) => ({ ...r })),
  };
  if (!order.isComplete) delete answer.orderId;
  return oddShapesFor(ctx.state, order.accountId) ? oddCreateAnswer(answer, order) : answer;
}

/** One entry of `order/list` (seed 1.6): numbers for amounts, null where CJ has nothing yet. */
export function listAnswer(ctx: EmulatorContext, order: Order): Record<string, unknown> {
  const item: Record<string, unknown> = {
    orderId: order.orderId,
    orderNum: order.orderNumber,
    cjOrderId: order.cjOrderCode,
    shippingCountryCode: order.shippingCountryCode,
    shippingProvince: order.shippingProvince,
    shippingCity: order.shippingCity,
    shippingPhone: order.shippingPhone,
    shippingAddress: order.shippingAddress,
    shippingCustomerName: order.shippingCustomerName,
    remark: order.remark,
    orderWeight: order.orderWeight,
    orderStatus: order.status,
    orderAmount: Number(order.orderAmount),
    productAmount: Number(order.productAmount),
    postageAmount: Number(order.postageAmount),
    logisticName: order.tracking?.logisticName ?? order.logisticName,
    trackNumber: order.tracking?.trackNumber ?? null,
    trackingUrl: order.tracking?.trackingUrl ?? null,
    createDate: cjDateTime(order.createdAt),
    paymentDate: date(order.paidAt),
    storeCreateDate: order.storeOrderTime === null ? null : cjDateTime(order.storeOrderTime * 1000),
    isSandbox: order.isSandbox ? 1 : 0,
    privateOutboundOrder: false,
    productList: null,
    storageId: order.storageId,
    storageName: storageName(order.storageId),
  };
  return oddShapesFor(ctx.state, order.accountId) ? oddOrderView(item, order, productListEntries(order)) : item;
}

/** `productList` entries of getOrderDetail (seed 1.7). */
export function productListEntries(order: Order): Record<string, unknown>[] {
  return order.lines.map((l) => ({
    vid: l.vid,
    quantity: l.quantity,
    sellPrice: Number(l.sellPrice),
    podPropertiesInfo: null,
    lineItemId: l.lineItemId,
    storeLineItemId: l.storeLineItemId,
    productionOrderStatus: 1,
    abnormalType: [],
  }));
}

/** `getOrderDetail` (seed 1.7). */
export function detailAnswer(ctx: EmulatorContext, order: Order, features: readonly string[]): Record<string, unknown> {
  let detail: Record<string, unknown> = {
    orderId: order.orderId,
    orderNum: order.orderNumber,
    platformOrderId: null,
    cjOrderId: order.cjOrderCode,
    cjOrderCode: order.cjOrderCode,
    shippingCountryCode: order.shippingCountryCode,
    shippingProvince: order.shippingProvince,
    shippingCity: order.shippingCity,
    shippingPhone: order.shippingPhone,
    shippingAddress: order.shippingAddress,
    shippingCustomerName: order.shippingCustomerName,
    remark: order.remark,
    orderWeight: order.orderWeight,
    orderStatus: order.status,
    orderAmount: Number(order.orderAmount),
    productAmount: Number(order.productAmount),
    postageAmount: Number(order.postageAmount),
    logisticName: order.tracking?.logisticName ?? order.logisticName,
    trackNumber: order.tracking?.trackNumber ?? null,
    trackingUrl: order.tracking?.trackingUrl ?? null,
    disputeId: null,
    createDate: cjDateTime(order.createdAt),
    paymentDate: date(order.paidAt),
    outWarehouseTime: date(order.tracking?.shippedAt ?? null),
    storeCreateDate: order.storeOrderTime === null ? null : cjDateTime(order.storeOrderTime * 1000),
    isComplete: order.isComplete ? 1 : 0,
    isSandbox: order.isSandbox ? 1 : 0,
    privateOutboundOrder: false,
    fromCountryCode: order.fromCountryCode,
    storageId: order.storageId,
    storageName: storageName(order.storageId),
    productList: productListEntries(order),
  };
  if (oddShapesFor(ctx.state, order.accountId)) detail = oddOrderView(detail, order, productListEntries(order));
  if (features.includes("LOGISTICS_TIMELINESS")) {
    detail.logisticsTimeliness = {
      logisticsModes: ratesFor(order.shippingCountryCode).map((r) => ({
        logisticsName: r.name,
        arrivalTime: `${r.aging} Days`,
      })),
    };
  }
  return detail;
}

/**
 * When the merchant connects a store SKU, CJ completes the waiting orders under a new CJ order id and pushes an
 * ORDER webhook with messageType "ORDER_CONNNECTED" (CJ's spelling) carrying it.
 */
export function completeConnectedOrders(ctx: EmulatorContext, accountId: string): Order[] {
  const completed: Order[] = [];
  for (const order of ctx.state.ordersOf(accountId)) {
    if (order.isComplete) continue;
    // Resolved all at once or not at all: a line is never bound to a connection the merchant may delete before
    // the order's other SKUs are connected (a deleted connection leaves the order waiting).
    const resolved = order.lines.map((line) =>
      line.vid !== null
        ? line.vid
        : line.sku === null
          ? null
          : (resolveStoreSku(ctx, accountId, line.sku)?.vid ?? null),
    );
    if (resolved.some((vid) => vid === null)) continue;
    order.lines.forEach((line, index) => {
      line.vid = resolved[index] ?? line.vid;
    });
    const temporaryId = order.orderId;
    order.previousOrderIds.push(temporaryId);
    order.orderId = newOrderId(ctx);
    order.isComplete = true;
    order.updatedAt = ctx.clock.now();
    priceOrder(ctx, order);
    const record = ctx.state.incompleteOrders.find((r) => r.temporaryOrderId === temporaryId);
    if (record) record.connectedAs = order.orderId;
    pushOrderEvent(ctx, order, "ORDER_CONNNECTED");
    completed.push(order);
  }
  return completed;
}

export function accountFor(ctx: EmulatorContext, order: Order): Account {
  const account = ctx.state.accounts.get(order.accountId);
  if (!account) throw new CjFailure(1601000, "user not found");
  return account;
}

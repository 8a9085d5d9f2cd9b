import Decimal from "decimal.js";
import { cjDateTime } from "./clock.js";
import { accountOf, type EmulatorContext, type Handler } from "./context.js";
import { CjFailure, failure, paramError } from "./envelope.js";
import { isIntercepted } from "./intercepts.js";
import { payPrivateOrder } from "./inventory.js";
import { payMakeupOrder } from "./makeup.js";
import { moveTo, newCjOrderCode, newPayId, newShipmentOrderId, pushOrderEvent } from "./order-model.js";
import type { Account, Order, Shipment } from "./state.js";
import { field, validate } from "./validation.js";

/**
 * Confirm orders into one parent ("shipment") order: each moves to UNPAID and gets its CJ order code.
 * An intercepted order cannot be confirmed (1603001, nothing changes).
 */
export function confirmIntoShipment(ctx: EmulatorContext, account: Account, orders: Order[]): Shipment {
  if (orders.some(isIntercepted)) throw new CjFailure(1603001, "order confirm fail, the order is intercepted");
  const shipment: Shipment = {
    shipmentOrderId: newShipmentOrderId(ctx),
    accountId: account.id,
    orderIds: [],
    payId: null,
    paid: false,
    createdAt: ctx.clock.now(),
  };
  for (const order of orders) {
    moveTo(ctx, order, "UNPAID", failure(1603001));
    order.cjOrderCode ??= newCjOrderCode(ctx);
    order.shipmentOrderId = shipment.shipmentOrderId;
    shipment.orderIds.push(order.orderId);
  }
  ctx.state.shipments.set(shipment.shipmentOrderId, shipment);
  return shipment;
}

export function shipmentOrders(ctx: EmulatorContext, shipment: Shipment): Order[] {
  return ctx.state
    .ordersOf(shipment.accountId)
    .filter((o) => o.shipmentOrderId === shipment.shipmentOrderId && o.status !== "CANCELLED");
}

export function ensurePayId(ctx: EmulatorContext, shipment: Shipment): string {
  shipment.payId ??= newPayId(ctx);
  return shipment.payId;
}

function total(orders: Order[]): Decimal {
  return orders.reduce((sum, o) => sum.plus(o.orderAmount), new Decimal(0));
}

/**
 * Pay a parent order from the balance. Sandbox orders use simulated payment (no deduction); sandbox and normal
 * orders may not be mixed (seed 2.3). 1604000 when the balance is short, 1603101 when an order of it is intercepted;
 * nothing changes then.
 */
export function payShipment(ctx: EmulatorContext, account: Account, shipment: Shipment): void {
  const orders = shipmentOrders(ctx, shipment);
  if (orders.length === 0 || shipment.paid || orders.some((o) => o.status !== "UNPAID")) throw failure(1603101);
  if (orders.some(isIntercepted)) throw new CjFailure(1603101, "order pay fail, the order is intercepted");
  const sandbox = orders.filter((o) => o.isSandbox).length;
  if (sandbox > 0 && sandbox < orders.length) throw paramError();
  if (sandbox === 0) {
    const amount = total(orders);
    const balance = new Decimal(account.balance);
    if (balance.lessThan(amount)) throw failure(1604000);
    account.balance = balance.minus(amount).toFixed(2);
  }
  ensurePayId(ctx, shipment);
  shipment.paid = true;
  const now = ctx.clock.now();
  for (const order of orders) {
    moveTo(ctx, order, "UNSHIPPED", failure(1603101));
    order.paidAt = now;
    pushOrderEvent(ctx, order, "UPDATE");
  }
}

export function paymentInformation(ctx: EmulatorContext, shipment: Shipment, account: Account) {
  const orders = shipmentOrders(ctx, shipment);
  const products = orders.reduce((sum, o) => sum.plus(o.productAmount), new Decimal(0));
  const freight = orders.reduce((sum, o) => sum.plus(o.postageAmount), new Decimal(0));
  const amount = products.plus(freight);
  return {
    orderMoney: amount.toNumber(),
    payExpireTime: cjDateTime(shipment.createdAt + 7 * 24 * 3600 * 1000),
    payId: ensurePayId(ctx, shipment),
    result: 0,
    submitSuccess: true,
    unMatchOrderCodes: [],
    successOrders: orders.filter((o) => !isIntercepted(o)).map((o) => o.orderId),
    unMatchProductCodes: [],
    paymentInformation: {
      actualPayment: amount.toNumber(),
      balanceDeduction: 0,
      billAmount: amount.toNumber(),
      canDeduct: new Decimal(account.balance).greaterThanOrEqualTo(amount),
      commodityDiscount: 0,
      commodityTotalAmount: products.toNumber(),
      couponAmount: 0,
      freight: freight.toNumber(),
      iossAmount: 0,
      iossNumber: "",
      iossTaxHandlingFee: 0,
      iossTaxes: 0,
      iossType: 1,
      orderOriginalAmount: amount.toNumber(),
      orderProductAmount: products.toNumber(),
      payableAmount: amount.toNumber(),
      postageDiscount: 0,
      serviceFee: 0,
    },
    interceptOrders: orders.filter(isIntercepted).map((o) => o.orderId),
  };
}

export const getBalance: Handler = (_ctx, req) => {
  const account = accountOf(req);
  return { data: { amount: Number(account.balance), noWithdrawalAmount: null, freezeAmount: null } };
};

/** payBalance {orderId}: a confirmed (UNPAID) order alone in its parent order (seed 2.2). */
export const payBalance: Handler = (ctx, req) => {
  const account = accountOf(req);
  const body = validate(req.body, [field("orderId", "string", true, 200)]);
  const order = ctx.state.findOrder(account.id, String(body.orderId));
  if (!order) throw failure(1600300);
  const shipment = order.shipmentOrderId === null ? undefined : ctx.state.shipments.get(order.shipmentOrderId);
  if (!shipment || order.status !== "UNPAID") throw failure(1603101);
  if (shipmentOrders(ctx, shipment).length > 1) {
    throw new CjFailure(1603101, "order pay fail, please pay the parent order with payBalanceV2");
  }
  payShipment(ctx, account, shipment);
  return { data: null };
};

export const payBalanceV2: Handler = (ctx, req) => {
  const account = accountOf(req);
  const body = validate(req.body, [
    field("shipmentOrderId", "string", true, 200),
    field("payId", "string", false, 200),
  ]);
  // orderType 24: a makeup payment order (seed 002 §9.3), its payId required; 9: a private inventory (SY) order
  // (§7.9), its payId optional (inventory.ts).
  if (body.orderType !== undefined && body.orderType !== null && body.orderType !== "") {
    if (body.orderType === 9) {
      payPrivateOrder(ctx, account, String(body.shipmentOrderId), body.payId);
      return { data: String(body.shipmentOrderId) };
    }
    if (body.orderType !== 24) throw paramError();
    payMakeupOrder(ctx, account, String(body.shipmentOrderId), body.payId);
    return { data: null };
  }
  const shipment = ctx.state.shipments.get(String(body.shipmentOrderId));
  if (!shipment || shipment.accountId !== account.id) throw failure(1600300);
  if (typeof body.payId === "string" && body.payId !== "" && shipment.payId !== null && body.payId !== shipment.payId) {
    throw paramError();
  }
  payShipment(ctx, account, shipment);
  return { data: null };
};

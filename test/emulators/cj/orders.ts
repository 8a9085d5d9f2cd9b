import { defaultStorageId, resolveStoreSku, variantBySku } from "./catalog.js";
import { cjIsoDate } from "./clock.js";
import { type ApiRequest, accountOf, type EmulatorContext, type Handler, type Reply } from "./context.js";
import { CjFailure, failure, paramError } from "./envelope.js";
import { interceptWith, isIntercepted } from "./intercepts.js";
import {
  canMove,
  createAnswer,
  detailAnswer,
  listAnswer,
  moveTo,
  newLineItemId,
  newOrderId,
  payUrl,
  priceOrder,
  pushOrderEvent,
} from "./order-model.js";
import { confirmIntoShipment, ensurePayId, paymentInformation, payShipment } from "./payment.js";
import { interceptReasonsFor } from "./rules.js";
import { ORDER_STATUSES, type Order, type OrderLine, type OrderStatus } from "./state.js";
import { type FieldSpec, field, isAbsent, optInt, optString, validate } from "./validation.js";

/** createOrderV2/V3 field table of seed 002 (name, type, required, length). */
const ORDER_FIELDS: readonly FieldSpec[] = [
  field("orderNumber", "string", true, 50),
  field("shippingZip", "string", false, 20),
  field("shippingCountryCode", "string", true, 20),
  field("shippingCountry", "string", true, 50),
  field("shippingProvince", "string", true, 50),
  field("shippingCity", "string", true, 50),
  field("shippingCounty", "string", false, 50),
  field("shippingPhone", "string", false, 20),
  field("shippingCustomerName", "string", true, 50),
  field("shippingAddress", "string", true, 200),
  field("shippingAddress2", "string", false, 200),
  field("houseNumber", "string", false, 20),
  field("email", "string", false, 50),
  field("taxId", "string", false, 20),
  field("remark", "string", false, 500),
  field("consigneeID", "string", false, 20),
  field("isSandbox", "int", false, 1),
  field("shopAmount", "decimal", false, 20),
  field("logisticName", "string", true, 50),
  field("fromCountryCode", "string", true, 20),
  field("platform", "string", false, 20),
  field("shopLogisticsType", "int", false, 20),
  field("storageId", "string", false, 40),
  field("iossType", "int", false, 20),
  field("iossNumber", "string", false, 10),
  field("storeName", "string", false, 50),
  field("storeOrderTime", "int", false, 20),
  field("orderFlow", "int", false, 10),
  field("products", "list", true),
];
const V2_FIELDS: readonly FieldSpec[] = [...ORDER_FIELDS, field("payType", "int", false, 10)];

const LINE_FIELDS: readonly FieldSpec[] = [
  field("vid", "string", false, 50),
  field("sku", "string", false, 50),
  field("storeProductId", "string", false, 64),
  field("storeProductImg", "string", false, 500),
  field("quantity", "int", true, 50),
  field("unitPrice", "decimal", false, 20),
  field("storeLineItemId", "string", false, 125),
  field("podProperties", "string", false, 500),
];

function oneOf(value: number | null, allowed: readonly number[]): void {
  if (value !== null && !allowed.includes(value)) throw paramError();
}

/**
 * Seed 002 §1.1: "vid and sku cannot both be null. When vid is missing, sku will be used to query the CJ variant. If
 * both are provided, they must refer to the same variant and will be validated accordingly." With orderFlow=2 the
 * `sku` is the store SKU: it refers to the vid's variant when the account's connection for it points to that vid, or
 * when it is that CJ variant's own SKU.
 */
function sameVariant(ctx: EmulatorContext, accountId: string, vid: string, sku: string, orderFlow: number): boolean {
  const variant = ctx.state.variants.get(vid);
  if (variant?.sku === sku) return true;
  if (orderFlow !== 2) return false;
  return ctx.state.connections.some((c) => c.accountId === accountId && c.sku === sku && c.cjVariantId === vid);
}

function buildLines(ctx: EmulatorContext, accountId: string, products: unknown[], orderFlow: number): OrderLine[] {
  return products.map((item, index) => {
    const line = validate(item, LINE_FIELDS);
    const quantity = Number(line.quantity);
    if (quantity < 1) throw paramError();
    const vid = optString(line.vid);
    const sku = optString(line.sku);
    if (vid === null && sku === null) throw paramError();
    let resolved: string | null = null;
    if (vid !== null) {
      const variant = ctx.state.variants.get(vid);
      if (!variant) throw failure(1602000);
      if (sku !== null && !sameVariant(ctx, accountId, vid, sku, orderFlow)) {
        throw new CjFailure(1600100, `products[${index}]: vid and sku refer to different variants`);
      }
      resolved = variant.vid;
    } else if (sku !== null) {
      const variant = orderFlow === 2 ? resolveStoreSku(ctx, accountId, sku) : variantBySku(ctx, sku);
      if (!variant && orderFlow !== 2) throw failure(1602000);
      resolved = variant?.vid ?? null;
    }
    return {
      lineItemId: newLineItemId(ctx),
      vid: resolved,
      sku,
      storeLineItemId: optString(line.storeLineItemId),
      storeProductId: optString(line.storeProductId),
      quantity,
      sellPrice: "0.00",
      unitPrice: optString(line.unitPrice),
      podProperties: optString(line.podProperties),
    };
  });
}

function createOrder(ctx: EmulatorContext, req: ApiRequest, version: "V2" | "V3"): Reply {
  const account = accountOf(req);
  const body = validate(req.body, version === "V2" ? V2_FIELDS : ORDER_FIELDS);
  const payType = version === "V2" ? (optInt(body.payType) ?? 1) : 3;
  const isSandbox = optInt(body.isSandbox) ?? 0;
  const orderFlow = optInt(body.orderFlow) ?? 1;
  const shopLogisticsType = optInt(body.shopLogisticsType);
  oneOf(payType, [1, 2, 3]);
  oneOf(isSandbox, [0, 1]);
  oneOf(orderFlow, [1, 2]);
  oneOf(optInt(body.iossType), [1, 2, 3]);
  oneOf(shopLogisticsType, [1, 2, 3]);
  if (version === "V3" && shopLogisticsType === 1 && isAbsent(body.storageId)) throw paramError();
  const storeOrderTime = optInt(body.storeOrderTime);
  if (storeOrderTime !== null && storeOrderTime * 1000 > ctx.clock.now()) throw paramError();
  const storeName = optString(body.storeName);
  if (storeName !== null && !account.shops.some((s) => s.storeName === storeName)) throw paramError();

  const orderNumber = String(body.orderNumber);
  const existing = ctx.state.ordersOf(account.id).find((o) => o.orderNumber === orderNumber);
  if (existing) {
    if (ctx.options.duplicateOrderNumber === "returnExisting") return { data: createAnswer(ctx, existing, "") };
    throw new CjFailure(1603000, "order create fail, the order number already exists");
  }

  const lines = buildLines(ctx, account.id, body.products as unknown[], orderFlow);
  const now = ctx.clock.now();
  const fromCountryCode = String(body.fromCountryCode);
  const order: Order = {
    orderId: newOrderId(ctx),
    accountId: account.id,
    orderNumber,
    apiVersion: version,
    isComplete: lines.every((l) => l.vid !== null),
    status: "CREATED",
    isSandbox: isSandbox === 1,
    orderFlow,
    payType,
    shippingCountryCode: String(body.shippingCountryCode),
    shippingCountry: String(body.shippingCountry),
    shippingProvince: String(body.shippingProvince),
    shippingCity: String(body.shippingCity),
    shippingCounty: optString(body.shippingCounty),
    shippingZip: optString(body.shippingZip),
    shippingPhone: optString(body.shippingPhone),
    shippingCustomerName: String(body.shippingCustomerName),
    shippingAddress: String(body.shippingAddress),
    shippingAddress2: optString(body.shippingAddress2),
    houseNumber: optString(body.houseNumber),
    email: optString(body.email),
    taxId: optString(body.taxId),
    remark: optString(body.remark),
    consigneeID: optString(body.consigneeID),
    logisticName: String(body.logisticName),
    fromCountryCode,
    platform: optString(body.platform) ?? "Api",
    storeName,
    storeOrderTime,
    shopLogisticsType: shopLogisticsType ?? (version === "V3" ? 2 : null),
    storageId: optString(body.storageId) ?? defaultStorageId(fromCountryCode),
    iossType: optInt(body.iossType),
    iossNumber: optString(body.iossNumber),
    shopAmount: optString(body.shopAmount),
    lines,
    orderWeight: 0,
    productAmount: "0.00",
    postageAmount: "0.00",
    orderAmount: "0.00",
    shipmentOrderId: null,
    cjOrderCode: null,
    createdAt: now,
    updatedAt: now,
    paidAt: null,
    completedAt: null,
    tracking: null,
    waybill: null,
    deleted: false,
    splitFrom: null,
    splitInto: [],
    previousOrderIds: [],
    interceptReasons: [],
  };
  priceOrder(ctx, order);
  ctx.state.orders.push(order);
  // Destination rules not met: the order is created, but intercepted (no cart, confirmation or payment).
  interceptWith(ctx, order, interceptReasonsFor(ctx.state.destinationRules, order), "rules");

  if (!order.isComplete) {
    // The seed: with a non-CJ SKU "the CJ order id will not be returned"; it arrives by webhook later.
    ctx.state.incompleteOrders.push({
      accountId: account.id,
      orderNumber,
      temporaryOrderId: order.orderId,
      unresolvedSkus: lines.filter((l) => l.vid === null).map((l) => l.sku ?? ""),
      at: cjIsoDate(now),
      connectedAs: null,
    });
    pushOrderEvent(ctx, order, "INSERT");
    return { data: createAnswer(ctx, order, "") };
  }

  pushOrderEvent(ctx, order, "INSERT");
  if (payType === 3 || isIntercepted(order)) return { data: createAnswer(ctx, order, "") };
  // payType 1 (page payment) and 2 (balance): CJ adds to cart, confirms and builds the parent order.
  moveTo(ctx, order, "IN_CART");
  const shipment = confirmIntoShipment(ctx, account, [order]);
  const payId = ensurePayId(ctx, shipment);
  if (payType === 1) {
    pushOrderEvent(ctx, order, "UPDATE");
    return { data: createAnswer(ctx, order, payUrl(payId)) };
  }
  try {
    payShipment(ctx, account, shipment);
  } catch (error) {
    // The order exists (UNPAID) even though the balance was short: the app must find it by orderNumber.
    pushOrderEvent(ctx, order, "UPDATE");
    throw error;
  }
  return { data: createAnswer(ctx, order, "") };
}

export const createOrderV2: Handler = (ctx, req) => createOrder(ctx, req, "V2");
export const createOrderV3: Handler = (ctx, req) => createOrder(ctx, req, "V3");

function cjOrderIdList(body: unknown): string[] {
  const valid = validate(body, [field("cjOrderIdList", "list", true, 200)]);
  return (valid.cjOrderIdList as unknown[]).map(String);
}

/**
 * addCart: CREATED → IN_CART. Intercepted orders are not added and are listed in `interceptOrders`; so are unknown
 * ids and orders in another state, as before. Nothing added: 1603001, unless every id was an intercepted order
 * (then a success with `successCount: 0`).
 */
export const addCart: Handler = (ctx, req) => {
  const account = accountOf(req);
  const added: string[] = [];
  const intercepted: string[] = [];
  let refused = 0;
  for (const id of cjOrderIdList(req.body)) {
    const order = ctx.state.findOrder(account.id, id);
    if (order && isIntercepted(order)) intercepted.push(id);
    else if (order?.status === "IN_CART") added.push(id);
    else if (order?.isComplete && canMove(order, "IN_CART")) {
      moveTo(ctx, order, "IN_CART");
      pushOrderEvent(ctx, order, "UPDATE");
      added.push(id);
    } else {
      intercepted.push(id);
      refused++;
    }
  }
  if (added.length === 0 && refused > 0) throw failure(1603001);
  return {
    message: "Congratulation! Well done!",
    data: {
      successCount: added.length,
      addSuccessOrders: added,
      unInterceptAddressCount: 0,
      interceptOrders: intercepted,
    },
  };
};

/**
 * addCartConfirm: IN_CART → UNPAID, grouped under one parent order whose id is `shipmentsId`. Intercepted orders are
 * listed in `interceptOrders`; none confirmed: `submitSuccess: false`, `shipmentsId: ""` — or 1603001 when an id was
 * unknown or not in the cart.
 */
export const addCartConfirm: Handler = (ctx, req) => {
  const account = accountOf(req);
  const orders: Order[] = [];
  const intercepted: string[] = [];
  let refused = 0;
  for (const id of cjOrderIdList(req.body)) {
    const order = ctx.state.findOrder(account.id, id);
    if (order && isIntercepted(order)) intercepted.push(id);
    else if (order?.status === "IN_CART") orders.push(order);
    else {
      intercepted.push(id);
      refused++;
    }
  }
  if (orders.length === 0) {
    if (refused > 0) throw failure(1603001);
    return {
      message: "Congratulation! Well done!",
      data: { successCount: 0, submitSuccess: false, shipmentsId: "", result: 0, interceptOrders: intercepted },
    };
  }
  const shipment = confirmIntoShipment(ctx, account, orders);
  for (const order of orders) pushOrderEvent(ctx, order, "UPDATE");
  return {
    message: "Congratulation! Well done!",
    data: {
      successCount: orders.length,
      submitSuccess: true,
      shipmentsId: shipment.shipmentOrderId,
      result: 0,
      interceptOrders: intercepted,
    },
  };
};

export const saveGenerateParentOrder: Handler = (ctx, req) => {
  const account = accountOf(req);
  const body = validate(req.body, [field("shipmentOrderId", "string", true, 200)]);
  const shipment = ctx.state.shipments.get(String(body.shipmentOrderId));
  if (!shipment || shipment.accountId !== account.id || shipment.paid) throw failure(1603001);
  return { message: "", data: paymentInformation(ctx, shipment, account) };
};

const MAX_PAGE_SIZE = 100;

export const listOrders: Handler = (ctx, req) => {
  const account = accountOf(req);
  const pageNum = Number(req.query.get("pageNum") ?? "1");
  const pageSize = Number(req.query.get("pageSize") ?? "20");
  if (!Number.isInteger(pageNum) || pageNum < 1 || !Number.isInteger(pageSize) || pageSize < 1) throw paramError();
  // Seed 002 §1.6: `status` "default: CANCELLED" — without it, only CANCELLED orders are listed.
  const status = req.query.get("status") || "CANCELLED";
  if (!ORDER_STATUSES.includes(status as OrderStatus)) throw paramError();
  const ids = req.query
    .getAll("orderIds")
    .flatMap((v) => v.split(","))
    .filter((v) => v !== "");
  if (ids.length > 100) throw paramError();
  const shipmentOrderId = req.query.get("shipmentOrderId");
  const size = Math.min(pageSize, MAX_PAGE_SIZE);
  const matching = ctx.state
    .ordersOf(account.id)
    .filter((o) => o.status === status)
    .filter((o) => ids.length === 0 || ids.includes(o.orderId))
    .filter((o) => !shipmentOrderId || o.shipmentOrderId === shipmentOrderId)
    .sort((a, b) => b.createdAt - a.createdAt || b.orderId.localeCompare(a.orderId));
  return {
    data: {
      pageNum,
      pageSize: size,
      total: matching.length,
      list: matching.slice((pageNum - 1) * size, pageNum * size).map((o) => listAnswer(ctx, o)),
    },
  };
};

/** getOrderDetail?orderId= takes the CJ id or the merchant's orderNumber; 1600300 otherwise. */
export const getOrderDetail: Handler = (ctx, req) => {
  const account = accountOf(req);
  const id = req.query.get("orderId");
  if (id === null || id.trim() === "") throw new CjFailure(1600300, "orderId must be not empty");
  const features = req.query.getAll("features");
  if (features.length > 20) throw new CjFailure(1600300, "The maximum number of features is 20");
  const order = ctx.state.findOrder(account.id, id.trim());
  if (!order) throw failure(1600300);
  return { data: detailAnswer(ctx, order, features) };
};

/** deleteOrder: only CREATED or IN_CART orders (seed 1.8). */
export const deleteOrder: Handler = (ctx, req) => {
  const account = accountOf(req);
  const id = req.query.get("orderId");
  if (id === null || id.trim() === "") throw paramError();
  const order = ctx.state.findOrder(account.id, id.trim());
  if (!order) throw failure(1600300);
  if (order.status !== "CREATED" && order.status !== "IN_CART") throw failure(1603002);
  order.deleted = true;
  order.updatedAt = ctx.clock.now();
  pushOrderEvent(ctx, order, "DELETE");
  return { data: id.trim() };
};

/** confirmOrder (PATCH): CREATED/IN_CART → UNPAID, as its own parent order; 1603001 for an intercepted order. */
export const confirmOrder: Handler = (ctx, req) => {
  const account = accountOf(req);
  const body = validate(req.body, [field("orderId", "string", true, 200)]);
  const order = ctx.state.findOrder(account.id, String(body.orderId));
  if (!order?.isComplete || !canMove(order, "UNPAID")) throw failure(1603001);
  confirmIntoShipment(ctx, account, [order]);
  pushOrderEvent(ctx, order, "UPDATE");
  return { data: order.orderId };
};

export const changeWarehouse: Handler = (ctx, req) => {
  const account = accountOf(req);
  const body = validate(req.body, [field("orderCode", "string", true, 200), field("storageId", "string", true, 200)]);
  const order = ctx.state.findOrder(account.id, String(body.orderCode));
  if (!order || !["CREATED", "IN_CART", "UNPAID"].includes(order.status)) {
    throw new CjFailure(1603001, "order query fail", false);
  }
  order.storageId = String(body.storageId);
  order.updatedAt = ctx.clock.now();
  return { message: "Congratulation! Well done!", data: true };
};

/**
 * Private inventory (stock-up), seed 002 §7.
 * - Warehouses (`WAREHOUSES`): CN Shenzhen stocks every variant; US West stocks variants up to 2 kg; a test can make
 *   a warehouse refuse a variant (`refuseStockOf`: createOrder answers `checkPlaceOrderInfo.confirmStatus: false`
 *   with the reason, and no order).
 * - Cart (§7.1–7.3) per account; confirmation (§7.4), logistics (§7.5), costs (§7.6) and the three-pass
 *   `getConfirmationWithCost` (§7.7): no `storageId` → the warehouses only; a valid one → its freight rows and cost;
 *   with a `logisticName` of those rows → `amountDetail.totalAmount` (products + service fee + shipping). Unit price:
 *   the variant's sell price; service fee: 2 % of the products, at least 1.00; freight `STOCK_FREIGHT` by weight.
 * - `createOrder` (§7.8; payType 1 page payment → `cjPayUrl`, 2 balance) makes an SY order in status 3 (Awaiting
 *   Payment); `payBalanceV2` with `orderType` 9 and the SY number (payment.ts) pays it from the balance (1604000 when
 *   short) and the stock is received at once: status 7 (Completed), its quantities become the account's private
 *   stock in that warehouse (§8 outbound). `payPrivateOrderByLink` stands for the merchant paying on CJ's page.
 * - An order left unpaid PRIVATE_PAY_WINDOW_MS (7 days on the emulator clock) closes: status 13 (Closed), no longer
 *   payable (§7.10 `paymentExpirationTime`).
 * - `order/list` (§7.10): pageSize over 200 is a parameter error; `orderContent` matches the SY number or a SKU.
 * Every request field is checked against the seed's tables (required, length, 1–100000 quantities): 1600100.
 */
import Decimal from "decimal.js";
import { cjDateTime, yymmdd } from "./clock.js";
import { accountOf, type EmulatorContext, type Handler } from "./context.js";
import { CjFailure, failure, paramError } from "./envelope.js";
import { newPayId, payUrl } from "./order-model.js";
import type { Account, Variant } from "./state.js";
import { isAbsent, isRecord } from "./validation.js";

export interface Warehouse {
  storageId: string;
  displayName: string;
  countryCode: string;
  areaId: number;
  address: string;
  zipCode: string;
  /** Heaviest variant (grams) it takes in. */
  maxWeight: number;
}

export const WAREHOUSES: readonly Warehouse[] = [
  {
    storageId: "CJ-SZ-001",
    displayName: "CJ Shenzhen Warehouse",
    countryCode: "CN",
    areaId: 1,
    address: "Longhua District, Shenzhen",
    zipCode: "518000",
    maxWeight: 1_000_000,
  },
  {
    storageId: "CJ-US-001",
    displayName: "CJ US West Warehouse",
    countryCode: "US",
    areaId: 2,
    address: "Chino, California",
    zipCode: "91710",
    maxWeight: 2000,
  },
];

/** Freight into the warehouse: base + per started kilogram, USD. */
export const STOCK_FREIGHT = [
  { logisticName: "CJ Packet Ordinary", base: "3.00", perKg: "1.20", estimateDays: "10-15" },
  { logisticName: "CJ Express", base: "8.00", perKg: "2.50", estimateDays: "3-5" },
] as const;

export interface CartLine {
  id: string;
  productId: string;
  variantId: string;
  quantity: number;
}

export interface PrivateOrder {
  orderCode: string;
  accountId: string;
  payId: string;
  storageId: string;
  logisticName: string;
  payType: 1 | 2;
  lines: { variantId: string; productId: string; sku: string; quantity: number; unitPrice: string }[];
  productAmount: string;
  postage: string;
  serviceFee: string;
  amount: string;
  /** §7.10 codes: 3 Awaiting Payment, 10 Pending, 7 Completed, 8 Canceled, 13 Closed. */
  status: "3" | "10" | "7" | "8" | "13";
  createdAt: number;
  paidAt: number | null;
}

/** A private stock row: what an account holds of a variant in a warehouse, from one SY order. */
export interface PrivateStock {
  accountId: string;
  storageId: string;
  privateOrderId: string;
  vid: string;
  pid: string;
  sku: string;
  name: string;
  price: string;
  quantity: number;
}

export const PRIVATE_PAY_WINDOW_MS = 7 * 24 * 3600 * 1000;

const STATUS_TEXT: Record<PrivateOrder["status"], string> = {
  "3": "Awaiting Payment",
  "10": "Pending",
  "7": "Completed",
  "8": "Canceled",
  "13": "Closed",
};

/** An unpaid order whose payment window passed is closed (looked at whenever the order is). */
function expire(ctx: EmulatorContext, order: PrivateOrder): PrivateOrder {
  if (order.status === "3" && ctx.clock.now() - order.createdAt >= PRIVATE_PAY_WINDOW_MS) order.status = "13";
  return order;
}

const text = (value: unknown, max: number, required: boolean): boolean =>
  isAbsent(value) ? !required : (typeof value === "string" || typeof value === "number") && String(value).length <= max;

const quantityOk = (value: unknown) =>
  Number.isInteger(value) && (value as number) >= 1 && (value as number) <= 100_000;

function variantOf(ctx: EmulatorContext, variantId: string, productId?: string): Variant {
  const variant = ctx.state.variants.get(variantId);
  if (!variant) throw failure(1602000);
  if (productId !== undefined && variant.pid !== productId) throw paramError();
  return variant;
}

/** `variants: [{variantId, productId, quantity}]` of §7.4/§7.7, or the account's cart when absent. */
function selection(ctx: EmulatorContext, account: Account, raw: unknown) {
  if (isAbsent(raw)) {
    return (ctx.state.privateCarts.get(account.id) ?? []).map((line) => ({
      variant: variantOf(ctx, line.variantId),
      quantity: line.quantity,
    }));
  }
  if (!Array.isArray(raw) || raw.length === 0) throw paramError();
  return raw.map((item) => {
    if (!isRecord(item) || !text(item.variantId, 200, true) || !text(item.productId, 200, true)) throw paramError();
    if (!quantityOk(item.quantity)) throw paramError();
    return {
      variant: variantOf(ctx, String(item.variantId), String(item.productId)),
      quantity: item.quantity as number,
    };
  });
}

/** `variantInfoList: [{id, quantity}]` of §7.5/§7.6. */
function variantInfo(ctx: EmulatorContext, raw: unknown) {
  if (!Array.isArray(raw) || raw.length === 0) throw paramError();
  return raw.map((item) => {
    if (!isRecord(item) || !text(item.id, 200, true) || !quantityOk(item.quantity)) throw paramError();
    return { variant: variantOf(ctx, String(item.id)), quantity: item.quantity as number };
  });
}

type Selection = ReturnType<typeof selection>;

function warehousesFor(items: Selection, selected: string | null) {
  return WAREHOUSES.filter((w) => items.every(({ variant }) => variant.weight <= w.maxWeight)).map((w) => ({
    storageId: w.storageId,
    displayName: w.displayName,
    countryCode: w.countryCode,
    areaId: w.areaId,
    addresses: w.address,
    address: w.address,
    zipCode: w.zipCode,
    selected: w.storageId === selected,
  }));
}

function freightRows(items: Selection, selected: string | null) {
  const grams = items.reduce((sum, { variant, quantity }) => sum + variant.weight * quantity, 0);
  const kg = Math.max(1, Math.ceil(grams / 1000));
  return STOCK_FREIGHT.map((rate, index) => ({
    logisticName: rate.logisticName,
    enName: rate.logisticName,
    displayName: rate.logisticName,
    logisticCode: rate.logisticName.toUpperCase().replace(/\s+/g, "_"),
    shippingCost: new Decimal(rate.base).plus(new Decimal(rate.perKg).times(kg)).toDecimalPlaces(2).toNumber(),
    estimateDays: rate.estimateDays,
    freightIndex: index,
    selected: rate.logisticName === selected,
  }));
}

function amounts(items: Selection) {
  const lines = items.map(({ variant, quantity }) => ({
    variantId: variant.vid,
    productId: variant.pid,
    sku: variant.sku,
    quantity,
    unitPrice: new Decimal(variant.sellPrice).toDecimalPlaces(2).toNumber(),
    productAmount: new Decimal(variant.sellPrice).times(quantity).toDecimalPlaces(2).toNumber(),
  }));
  const product = lines.reduce((sum, l) => sum.plus(l.productAmount), new Decimal(0));
  const serviceFee = Decimal.max(new Decimal("1.00"), product.times("0.02")).toDecimalPlaces(2);
  return { lines, product: product.toDecimalPlaces(2), serviceFee };
}

function confirmationOf(items: Selection) {
  return {
    orders: [
      {
        products: items.map(({ variant, quantity }) => ({
          id: variant.vid,
          variantId: variant.vid,
          productId: variant.pid,
          sku: variant.sku,
          productName: variant.nameEn,
          quantity,
          price: new Decimal(variant.sellPrice).toNumber(),
          weight: variant.weight,
        })),
        logisticList: freightRows(items, null),
      },
    ],
  };
}

function costInfoOf(items: Selection, logisticName: string | null) {
  const rows = freightRows(items, logisticName);
  const chosen = rows.find((r) => r.logisticName === logisticName);
  const { serviceFee } = amounts(items);
  return {
    ...(chosen ? { freightAmount: chosen.shippingCost, shippingCost: chosen.shippingCost } : {}),
    warehouseFee: 0,
    serviceFee: serviceFee.toNumber(),
    freightTrialList: rows,
    costDetails: [],
    errorEnList: [],
    errorSuggestionList: [],
  };
}

function storageOf(items: Selection, storageId: string | null): Warehouse | null {
  if (!storageId) return null;
  const w = WAREHOUSES.find((x) => x.storageId === storageId);
  return w && items.every(({ variant }) => variant.weight <= w.maxWeight) ? w : null;
}

// §7.1
export const addToCart: Handler = (ctx, req) => {
  const account = accountOf(req);
  const body = req.body;
  if (!isRecord(body) || !text(body.productId, 200, true)) throw paramError();
  if (!Array.isArray(body.variants) || body.variants.length === 0) throw paramError();
  const cart = ctx.state.privateCarts.get(account.id) ?? [];
  const adds = body.variants.map((item) => {
    if (!isRecord(item) || !text(item.variantId, 200, true) || !quantityOk(item.quantity)) throw paramError();
    variantOf(ctx, String(item.variantId), String(body.productId));
    return { variantId: String(item.variantId), quantity: item.quantity as number };
  });
  for (const add of adds) {
    const line = cart.find((l) => l.variantId === add.variantId);
    if (line) line.quantity = Math.min(100_000, line.quantity + add.quantity);
    else {
      cart.push({
        id: `CART${String(ctx.state.next("privateCart")).padStart(8, "0")}`,
        productId: String(body.productId),
        ...add,
      });
    }
  }
  ctx.state.privateCarts.set(account.id, cart);
  return { data: { success: true, addedCount: adds.length } };
};

// §7.2
export const getCart: Handler = (ctx, req) => {
  const account = accountOf(req);
  const body = isRecord(req.body) ? req.body : {};
  for (const key of ["pageNum", "pageSize"]) {
    if (!isAbsent(body[key]) && !(Number.isInteger(body[key]) && (body[key] as number) >= 1)) throw paramError();
  }
  if (!isAbsent(body.isAll) && body.isAll !== 0 && body.isAll !== 1) throw paramError();
  const cart = ctx.state.privateCarts.get(account.id) ?? [];
  const products = new Map<string, CartLine[]>();
  for (const line of cart) products.set(line.productId, [...(products.get(line.productId) ?? []), line]);
  const total = cart.reduce(
    (sum, l) => sum.plus(new Decimal(ctx.state.variants.get(l.variantId)?.sellPrice ?? 0).times(l.quantity)),
    new Decimal(0),
  );
  return {
    data: {
      productList: [...products.entries()].map(([productId, lines]) => ({
        productId,
        productName: ctx.state.variants.get(lines[0]?.variantId ?? "")?.nameEn ?? "",
        productImage: "",
        variants: lines.map((l) => ({
          id: l.id,
          variantId: l.variantId,
          sku: ctx.state.variants.get(l.variantId)?.sku ?? "",
          quantity: l.quantity,
          price: new Decimal(ctx.state.variants.get(l.variantId)?.sellPrice ?? 0).toNumber(),
        })),
      })),
      invalidProductList: [],
      totalAmount: total.toDecimalPlaces(2).toNumber(),
      selectVariantCount: cart.length,
      currencyInfo: { currencyCode: "USD", currencySymbol: "$" },
    },
  };
};

// §7.3
export const removeFromCart: Handler = (ctx, req) => {
  const account = accountOf(req);
  const body = req.body;
  if (!isRecord(body) || !Array.isArray(body.variantIds) || body.variantIds.length === 0) throw paramError();
  const ids = new Set(body.variantIds.map(String));
  const cart = ctx.state.privateCarts.get(account.id) ?? [];
  ctx.state.privateCarts.set(
    account.id,
    cart.filter((l) => !ids.has(l.variantId) && !ids.has(l.id)),
  );
  return { data: true };
};

// §7.4
export const getConfirmation: Handler = (ctx, req) => {
  const account = accountOf(req);
  const body = isRecord(req.body) ? req.body : {};
  const items = selection(ctx, account, body.variants);
  if (items.length === 0) throw paramError();
  const { product } = amounts(items);
  return {
    data: {
      ...confirmationOf(items),
      availableStorehouseList: warehousesFor(items, null),
      selectedStorageId: "",
      selectedStorehouse: null,
      totalProductPrice: product.toNumber(),
      currencyInfo: { currencyCode: "USD", currencySymbol: "$" },
    },
  };
};

// §7.5
export const listLogistics: Handler = (ctx, req) => {
  const body = req.body;
  if (!isRecord(body) || !text(body.storageId, 200, true)) throw paramError();
  const items = variantInfo(ctx, body.variantInfoList);
  const storage = storageOf(items, String(body.storageId));
  return {
    data: {
      storageId: String(body.storageId),
      availableLogisticList: storage ? freightRows(items, null) : [],
      selectedLogisticName: "",
      logisticInfoMessage: storage ? "" : "the warehouse is not available for these products",
    },
  };
};

// §7.6
export const getCostInfo: Handler = (ctx, req) => {
  const body = req.body;
  if (!isRecord(body) || !text(body.storageId, 200, true) || !text(body.logisticName, 200, false)) throw paramError();
  const items = variantInfo(ctx, body.variantInfoList);
  if (!storageOf(items, String(body.storageId))) throw new CjFailure(1600100, "storage not available");
  return { data: costInfoOf(items, isAbsent(body.logisticName) ? null : String(body.logisticName)) };
};

// §7.7
export const getConfirmationWithCost: Handler = (ctx, req) => {
  const account = accountOf(req);
  const body = isRecord(req.body) ? req.body : {};
  if (!text(body.storageId, 200, false) || !text(body.logisticName, 200, false)) throw paramError();
  const items = selection(ctx, account, body.variants);
  if (items.length === 0) throw paramError();
  const storageId = isAbsent(body.storageId) ? null : String(body.storageId);
  const logisticName = isAbsent(body.logisticName) ? null : String(body.logisticName);
  const storage = storageOf(items, storageId);
  const warehouses = warehousesFor(items, storage?.storageId ?? null);
  const { lines, product, serviceFee } = amounts(items);
  const rows = storage ? freightRows(items, logisticName) : [];
  const freight = rows.find((r) => r.logisticName === logisticName) ?? null;
  const total = storage && freight ? product.plus(serviceFee).plus(freight.shippingCost).toDecimalPlaces(2) : null;
  const missing = [...(storage ? [] : ["storageId"]), ...(freight ? [] : ["selectedFreight"])];
  return {
    data: {
      confirmation: confirmationOf(items),
      availableStorehouseList: warehouses,
      selectedStorageId: storage?.storageId ?? "",
      selectedStorehouse: storage ? (warehouses.find((w) => w.selected) ?? null) : null,
      costInfo: storage ? costInfoOf(items, logisticName) : null,
      amountDetail: {
        productAmountList: lines,
        productAmount: product.toNumber(),
        serviceFee: serviceFee.toNumber(),
        requestedLogisticName: logisticName ?? "",
        selectedFreight: freight,
        ...(freight ? { shippingCost: freight.shippingCost } : {}),
        ...(total ? { totalAmount: total.toNumber() } : {}),
        totalAmountCalculated: total !== null,
        missingAmountItems: missing,
      },
      costInfoMessage:
        storageId === null ? "storageId is required for cost details" : storage ? "" : "storage not available",
    },
  };
};

// §7.8
export const createPrivateOrder: Handler = (ctx, req) => {
  const account = accountOf(req);
  const body = req.body;
  if (!isRecord(body) || !text(body.logisticName, 200, true) || !text(body.storageId, 200, true)) throw paramError();
  if (!isAbsent(body.payType) && body.payType !== 1 && body.payType !== 2) throw paramError();
  if (!Array.isArray(body.productList) || body.productList.length === 0) throw paramError();
  const lines = body.productList.map((item) => {
    if (!isRecord(item)) throw paramError();
    if (!text(item.variantId, 200, true) || !text(item.productId, 200, true) || !text(item.sku, 200, true)) {
      throw paramError();
    }
    if (!Number.isInteger(item.quantity) || (item.quantity as number) < 1) throw paramError();
    if (!isAbsent(item.price) && !/^\d{1,16}(\.\d{1,2})?$/.test(String(item.price))) throw paramError();
    const variant = variantOf(ctx, String(item.variantId), String(item.productId));
    if (variant.sku !== String(item.sku)) throw paramError();
    return { variant, quantity: item.quantity as number };
  });
  const storage = WAREHOUSES.find((w) => w.storageId === String(body.storageId));
  if (!storage) throw paramError();
  const refused = lines.filter(
    ({ variant }) =>
      variant.weight > storage.maxWeight || ctx.state.stockRefusals.has(`${storage.storageId}:${variant.vid}`),
  );
  if (refused.length > 0) {
    return {
      data: {
        checkPlaceOrderInfo: {
          confirmStatus: false,
          productInfoVOList: refused.map(({ variant }) => ({
            variantId: variant.vid,
            sku: variant.sku,
            reason:
              ctx.state.stockRefusals.get(`${storage.storageId}:${variant.vid}`) ??
              `${storage.displayName} does not take this product`,
          })),
        },
      },
    };
  }
  const rows = freightRows(lines, null);
  const freight = rows.find((r) => r.logisticName === String(body.logisticName));
  if (!freight) return { data: { availableLogisticList: rows, requestedLogisticName: String(body.logisticName) } };
  const { lines: priced, product, serviceFee } = amounts(lines);
  const amount = product.plus(serviceFee).plus(freight.shippingCost).toDecimalPlaces(2);
  const now = ctx.clock.now();
  const order: PrivateOrder = {
    orderCode: `SY${yymmdd(now)}${String(ctx.state.next("privateOrder")).padStart(6, "0")}`,
    accountId: account.id,
    payId: newPayId(ctx),
    storageId: storage.storageId,
    logisticName: freight.logisticName,
    payType: body.payType === 2 ? 2 : 1,
    lines: priced.map((l) => ({ ...l, unitPrice: new Decimal(l.unitPrice).toFixed(2) })),
    productAmount: product.toFixed(2),
    postage: new Decimal(freight.shippingCost).toFixed(2),
    serviceFee: serviceFee.toFixed(2),
    amount: amount.toFixed(2),
    status: "3",
    createdAt: now,
    paidAt: null,
  };
  ctx.state.privateOrders.set(order.orderCode, order);
  return {
    data: {
      orderId: order.orderCode,
      orderCode: order.orderCode,
      payId: order.payId,
      ...(order.payType === 1 ? { cjPayUrl: payUrl(order.payId) } : {}),
      price: amount.toNumber(),
    },
  };
};

/** payBalanceV2 with orderType 9 (seed 002 §7.9): the SY number, payId optional. */
export function payPrivateOrder(ctx: EmulatorContext, account: Account, orderCode: string, payId: unknown) {
  const order = ctx.state.privateOrders.get(orderCode);
  if (!order || order.accountId !== account.id) throw failure(1600300);
  if (!isAbsent(payId) && String(payId) !== order.payId) throw paramError();
  if (expire(ctx, order).status !== "3")
    throw new CjFailure(1603101, "the private inventory order is not awaiting payment");
  const balance = new Decimal(account.balance);
  if (balance.lessThan(order.amount)) throw failure(1604000);
  account.balance = balance.minus(order.amount).toFixed(2);
  receive(ctx, order);
}

/** The merchant paid on CJ's page (cjPayUrl): what a test does to stand for it. */
export function payPrivateOrderByLink(ctx: EmulatorContext, orderCode: string): PrivateOrder {
  const order = ctx.state.privateOrders.get(orderCode);
  if (!order) throw new Error(`no private inventory order ${orderCode}`);
  if (expire(ctx, order).status !== "3")
    throw new Error(`private inventory order ${orderCode} is not awaiting payment`);
  receive(ctx, order);
  return order;
}

/** Paid: CJ buys and stocks the goods (at once, in the emulator). */
function receive(ctx: EmulatorContext, order: PrivateOrder) {
  order.status = "7";
  order.paidAt = ctx.clock.now();
  for (const line of order.lines) {
    const variant = ctx.state.variants.get(line.variantId);
    ctx.state.privateStock.push({
      accountId: order.accountId,
      storageId: order.storageId,
      privateOrderId: order.orderCode,
      vid: line.variantId,
      pid: line.productId,
      sku: line.sku,
      name: variant?.nameEn ?? line.sku,
      price: line.unitPrice,
      quantity: line.quantity,
    });
  }
}

// §7.10
export const listPrivateOrders: Handler = (ctx, req) => {
  const account = accountOf(req);
  const body = isRecord(req.body) ? req.body : {};
  const positive = (v: unknown) => isAbsent(v) || (Number.isInteger(v) && (v as number) >= 1);
  if (!positive(body.pageNum) || !positive(body.pageSize)) throw paramError();
  if (!isAbsent(body.pageSize) && (body.pageSize as number) > 200) throw paramError();
  if (!text(body.orderContent, 100, false) || !text(body.orderStatus, 50, false)) throw paramError();
  if (!isAbsent(body.payStatus) && body.payStatus !== 0 && body.payStatus !== 1) throw paramError();
  for (const key of ["createOrderDateStart", "createOrderDateEnd"]) {
    if (!isAbsent(body[key]) && !Number.isInteger(body[key])) throw paramError();
  }
  const pageNum = (body.pageNum as number | undefined) ?? 1;
  const pageSize = (body.pageSize as number | undefined) ?? 10;
  const content = isAbsent(body.orderContent) ? null : String(body.orderContent);
  const orders = [...ctx.state.privateOrders.values()]
    .filter((o) => o.accountId === account.id)
    .map((o) => expire(ctx, o))
    .filter((o) => isAbsent(body.orderStatus) || o.status === String(body.orderStatus))
    .filter((o) => !content || o.orderCode === content || o.lines.some((l) => l.sku === content))
    .filter((o) => isAbsent(body.createOrderDateStart) || o.createdAt >= (body.createOrderDateStart as number))
    .filter((o) => isAbsent(body.createOrderDateEnd) || o.createdAt <= (body.createOrderDateEnd as number))
    .sort((a, b) => b.createdAt - a.createdAt);
  const page = orders.slice((pageNum - 1) * pageSize, pageNum * pageSize);
  return {
    data: {
      pageSize,
      pageNumber: pageNum,
      totalRecords: orders.length,
      totalPages: Math.ceil(orders.length / pageSize),
      content: page.map((o) => ({
        orderCode: o.orderCode,
        status: o.status,
        statusDesc: STATUS_TEXT[o.status],
        storageId: o.storageId,
        storageNo2Name: WAREHOUSES.find((w) => w.storageId === o.storageId)?.displayName ?? o.storageId,
        logisticName: o.logisticName,
        postage: Number(o.postage),
        createDate: cjDateTime(o.createdAt).slice(0, 16),
        createDateTime: o.createdAt,
        ...(o.paidAt ? { paymentDate: cjDateTime(o.paidAt).slice(0, 16), paymentDateTime: o.paidAt } : {}),
        orderAmount: Number(o.productAmount),
        amount: Number(o.amount),
        serviceFee: Number(o.serviceFee),
        orderQuantity: o.lines.reduce((sum, l) => sum + l.quantity, 0),
        orderType: 2,
        orderCategory: "SY",
        inventoryReserved: o.status === "3",
        ...(o.status === "3" ? { paymentExpirationTime: o.createdAt + PRIVATE_PAY_WINDOW_MS } : {}),
        supplierList: [
          {
            supplierId: "CJ",
            supplierName: "CJ Dropshipping",
            productList: o.lines.map((l) => ({
              productId: l.productId,
              productVariantListList: [
                {
                  orderCode: o.orderCode,
                  stanProductId: l.variantId,
                  sku: l.sku,
                  cjProductId: l.productId,
                  quantity: l.quantity,
                  allocateNum: o.status === "7" ? l.quantity : 0,
                  price: Number(l.unitPrice),
                },
              ],
            })),
          },
        ],
      })),
    },
  };
};

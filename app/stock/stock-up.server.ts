/**
 * Stock-up: private-inventory orders (seed 002 §7) placed from the app. The merchant picks connected variants and
 * quantities; CJ's confirmation is walked in its three passes (`getConfirmationWithCost` without a warehouse → the
 * warehouses that can stock them; with the chosen `storageId` → the methods and costs; with the chosen
 * `logisticName` → the final amount); the merchant confirms that amount; the order is created (`createOrder`, never
 * retried) and paid by CJ's payment page (`payType` 1) or from the balance (`payType` 2, then `payBalanceV2` with
 * `orderType` 9) under the shop's caps. The "Stock at CJ" page lists these orders with CJ's own status (§7.10).
 */
import Decimal from "decimal.js";
import type { CjClient } from "../cj";
import { CjApiError } from "../cj/errors";
import type { Db } from "../db.server";
import { markBalanceShort, paidTodayAmount } from "../fulfillment/payment.server";
import { withinPaymentCaps } from "../fulfillment/rules";
import { parseJson } from "./shared";

export interface StockDeps {
  db: Db;
  ports: { cj(shopId: string): Promise<CjClient> };
  now?: () => Date;
}

export class StockUpError extends Error {
  override readonly name = "StockUpError";
}

export interface StockLineInput {
  variantId: string;
  quantity: number;
}

export interface StockLine {
  variantId: string;
  productId: string;
  sku: string;
  name: string | null;
  quantity: number;
  unitPrice: string | null;
  productAmount: string | null;
}

export interface StockQuote {
  lines: StockLine[];
  warehouses: { storageId: string; name: string; countryCode: string | null }[];
  storageId: string | null;
  methods: { logisticName: string; shippingCost: string | null; estimateDays: string | null }[];
  logisticName: string | null;
  productAmount: string | null;
  serviceFee: string | null;
  shippingCost: string | null;
  totalAmount: string | null;
  /** CJ's explanation when a pass gave nothing (no warehouse, no cost). */
  message: string | null;
}

const money = (v: string | null | undefined) =>
  v === null || v === undefined || v === "" ? null : new Decimal(v).toFixed(2);

/** The shop's variants CJ can stock: connected, with CJ's product and SKU known (Products page). */
export async function stockableVariants(db: Db, shopId: string) {
  return db.variantLink.findMany({
    where: { shopId, cjVariantId: { not: null }, cjProductId: { not: null }, cjSku: { not: null } },
    select: { cjVariantId: true, cjProductId: true, cjSku: true, cjName: true, sku: true, cjPrice: true },
    orderBy: [{ sku: "asc" }, { cjVariantId: "asc" }],
  });
}

async function linesOf(db: Db, shopId: string, input: readonly StockLineInput[]): Promise<StockLine[]> {
  const wanted = input.filter((l) => l.quantity > 0);
  if (wanted.length === 0) throw new StockUpError("Enter a quantity for at least one variant.");
  for (const line of wanted) {
    if (!Number.isInteger(line.quantity) || line.quantity > 100_000) {
      throw new StockUpError("Quantities are whole numbers from 1 to 100000 (CJ's limit).");
    }
  }
  const known = await stockableVariants(db, shopId);
  return wanted.map((line) => {
    const link = known.find((k) => k.cjVariantId === line.variantId);
    if (!link) throw new StockUpError(`Variant ${line.variantId} is not connected to CJ in this store.`);
    return {
      variantId: line.variantId,
      productId: link.cjProductId as string,
      sku: link.cjSku as string,
      name: link.cjName,
      quantity: line.quantity,
      unitPrice: null,
      productAmount: null,
    };
  });
}

async function shopOf(db: Db, shopId: string) {
  const shop = await db.shop.findUnique({ where: { id: shopId }, include: { settings: true } });
  if (!shop?.cjAccountId) throw new StockUpError("Connect a CJ account in Settings first.");
  return shop;
}

/** One pass of CJ's confirmation: warehouses; with a warehouse, its methods and costs; with a method, the total. */
export async function quoteStockUp(
  deps: StockDeps,
  shopId: string,
  input: { lines: readonly StockLineInput[]; storageId?: string | null; logisticName?: string | null },
): Promise<StockQuote> {
  await shopOf(deps.db, shopId);
  return quote(deps, shopId, input);
}

async function quote(
  deps: StockDeps,
  shopId: string,
  input: { lines: readonly StockLineInput[]; storageId?: string | null; logisticName?: string | null },
): Promise<StockQuote> {
  const lines = await linesOf(deps.db, shopId, input.lines);
  const cj = await deps.ports.cj(shopId);
  const storageId = input.storageId || null;
  const logisticName = storageId ? input.logisticName || null : null;
  const answer = await cj.inventory.getConfirmationWithCost({
    ...(storageId ? { storageId } : {}),
    ...(logisticName ? { logisticName } : {}),
    variants: lines.map((l) => ({ variantId: l.variantId, productId: l.productId, quantity: l.quantity })),
  });
  const warehouses = (answer?.availableStorehouseList ?? [])
    .filter((w) => w?.storageId)
    .map((w) => ({
      storageId: w?.storageId as string,
      name: w?.displayName ?? (w?.storageId as string),
      countryCode: w?.countryCode ?? null,
    }));
  const chosen = storageId && warehouses.some((w) => w.storageId === storageId) ? storageId : null;
  const methods = chosen
    ? (answer?.costInfo?.freightTrialList ?? [])
        .map((f) => ({
          logisticName: (f?.logisticName ?? f?.enName) as string,
          shippingCost: money(f?.shippingCost),
          estimateDays: null,
        }))
        .filter((m) => m.logisticName)
    : [];
  const detail = answer?.amountDetail ?? null;
  for (const line of lines) {
    const row = (detail?.productAmountList ?? []).find((p) => p?.variantId === line.variantId);
    line.unitPrice = money(row?.unitPrice);
    line.productAmount = money(row?.productAmount);
  }
  const method = chosen && logisticName && methods.some((m) => m.logisticName === logisticName) ? logisticName : null;
  const total = method && detail?.totalAmountCalculated !== false ? money(detail?.totalAmount) : null;
  return {
    lines,
    warehouses,
    storageId: chosen,
    methods,
    logisticName: method,
    productAmount: money(detail?.productAmount),
    serviceFee: money(detail?.serviceFee),
    shippingCost: method ? money(detail?.shippingCost) : null,
    totalAmount: total,
    message:
      (warehouses.length === 0 ? "CJ offers no warehouse that can stock these variants." : null) ??
      (answer?.costInfoMessage ? String(answer.costInfoMessage) : null) ??
      (storageId && !chosen ? "That warehouse is not offered for these variants: choose one of the list." : null),
  };
}

/**
 * The merchant's confirmation: the amount is asked of CJ once more and must be the one confirmed; then the order is
 * created (once) and, for a balance payment, paid under the caps.
 */
export async function placeStockUp(
  deps: StockDeps,
  shopId: string,
  input: {
    lines: readonly StockLineInput[];
    storageId: string;
    logisticName: string;
    payment: "LINK" | "BALANCE";
    confirmedTotal: string;
  },
): Promise<{ id: string; status: string; payUrl: string | null; message: string }> {
  const { db } = deps;
  const now = deps.now?.() ?? new Date();
  const shop = await shopOf(db, shopId);
  const confirmed = await quote(deps, shopId, input);
  if (!confirmed.totalAmount || !confirmed.storageId || !confirmed.logisticName) {
    throw new StockUpError(confirmed.message ?? "CJ gave no total for this warehouse and method: choose them again.");
  }
  if (!/^\d+(\.\d+)?$/.test(input.confirmedTotal) || !new Decimal(confirmed.totalAmount).eq(input.confirmedTotal)) {
    throw new StockUpError(
      `CJ's amount is now ${confirmed.totalAmount} USD (you confirmed ${input.confirmedTotal || "nothing"}): check it and confirm again.`,
    );
  }
  if (input.payment === "BALANCE") {
    const settings = shop.settings;
    if (!settings?.autoPayPerOrderCap) {
      throw new StockUpError("Set a per-order cap in Settings to pay stock-ups from the CJ balance, or pay by link.");
    }
    const caps = withinPaymentCaps(settings, confirmed.totalAmount, await paidTodayAmount(db, shopId, now));
    if (!caps.allowed) throw new StockUpError(`Not paid from the balance: ${caps.why}. Pay by link instead.`);
  }
  const row = await db.stockOrder.create({
    data: {
      shopId,
      accountId: shop.cjAccountId as string,
      status: "CREATING",
      storageId: confirmed.storageId,
      storageName: confirmed.warehouses.find((w) => w.storageId === confirmed.storageId)?.name ?? null,
      logisticName: confirmed.logisticName,
      lines: JSON.stringify(confirmed.lines),
      productAmount: confirmed.productAmount,
      shippingCost: confirmed.shippingCost,
      serviceFee: confirmed.serviceFee,
      totalAmount: confirmed.totalAmount,
      payment: input.payment,
    },
  });
  const cj = await deps.ports.cj(shopId);
  let created: Awaited<ReturnType<CjClient["inventory"]["createOrder"]>>;
  try {
    created = await cj.inventory.createOrder({
      productList: confirmed.lines.map((l) => ({
        variantId: l.variantId,
        productId: l.productId,
        sku: l.sku,
        quantity: l.quantity,
      })),
      logisticName: confirmed.logisticName,
      storageId: confirmed.storageId,
      payType: input.payment === "BALANCE" ? 2 : 1,
    });
  } catch (error) {
    const definite = error instanceof CjApiError && error.kind === "permanent";
    const message = definite
      ? `CJ refused the stock-up order (${(error as CjApiError).code} ${(error as Error).message}).`
      : `No answer from CJ (${(error as Error).message}): the order may exist at CJ. Check CJ's private inventory orders before ordering again.`;
    await db.stockOrder.update({
      where: { id: row.id },
      data: { status: definite ? "FAILED" : "CREATING", error: message },
    });
    throw new StockUpError(message);
  }
  const code = created?.orderId ?? created?.orderCode ?? null;
  if (!code || created?.checkPlaceOrderInfo?.confirmStatus === false) {
    const reasons = (created?.checkPlaceOrderInfo?.productInfoVOList ?? [])
      .map((p) => [p?.sku ?? p?.variantId, p?.reason ?? p?.message].filter(Boolean).join(": "))
      .filter(Boolean);
    const message = `CJ did not create the order${reasons.length ? `: ${reasons.join("; ")}` : created?.requestedLogisticName ? `: ${created.requestedLogisticName} is not available now` : ""}.`;
    await db.stockOrder.update({ where: { id: row.id }, data: { status: "FAILED", error: message } });
    throw new StockUpError(message);
  }
  await db.stockOrder.update({
    where: { id: row.id },
    data: {
      status: "UNPAID",
      cjOrderCode: code,
      payId: created?.payId ?? null,
      payUrl: created?.cjPayUrl ?? null,
      error: null,
    },
  });
  if (input.payment === "LINK") {
    return {
      id: row.id,
      status: "UNPAID",
      payUrl: created?.cjPayUrl ?? null,
      message: `Stock-up ${code} created: pay it on CJ's payment page.`,
    };
  }
  try {
    await cj.payment.payBalanceV2({
      shipmentOrderId: code,
      orderType: 9,
      ...(created?.payId ? { payId: created.payId } : {}),
    });
  } catch (error) {
    const short = error instanceof CjApiError && error.code === 1604000;
    if (short) await markBalanceShort(db, shop.cjAccountId, now);
    const message = short
      ? `Stock-up ${code} created, but the CJ balance is too low to pay ${confirmed.totalAmount} USD: top it up or pay it in CJ's private inventory orders.`
      : `Stock-up ${code} created; paying it from the balance failed (${(error as Error).message}): pay it in CJ's private inventory orders.`;
    await db.stockOrder.update({ where: { id: row.id }, data: { error: message } });
    return { id: row.id, status: "UNPAID", payUrl: created?.cjPayUrl ?? null, message };
  }
  await markBalanceShort(db, shop.cjAccountId, null);
  await db.stockOrder.update({ where: { id: row.id }, data: { status: "PAID", paidAt: now, error: null } });
  return {
    id: row.id,
    status: "PAID",
    payUrl: null,
    message: `Stock-up ${code} paid: ${confirmed.totalAmount} USD from the CJ balance.`,
  };
}

/** CJ's §7.10 statuses that end an order unpaid: 8 Canceled, 13 Closed (its payment expired). */
const CLOSED_STATUSES = new Set(["8", "13"]);
const UNPAID_STATUSES = new Set(["3", "11"]);
/** Pages of CJ's order list read for one look at the page (200 orders each, the newest first). */
const LIST_PAGES = 5;

/** The "Stock at CJ" list: the app's stock-up orders, with CJ's own status read now (§7.10, newest first). */
export async function loadStockOrders(deps: StockDeps, shopId: string) {
  const now = deps.now?.() ?? new Date();
  const rows = await deps.db.stockOrder.findMany({ where: { shopId }, orderBy: { createdAt: "desc" }, take: 100 });
  let error: string | null = null;
  const open = new Set(rows.filter((r) => r.cjOrderCode && r.status !== "FAILED").map((r) => r.cjOrderCode as string));
  if (open.size > 0) {
    try {
      const cj = await deps.ports.cj(shopId);
      for (let page = 1; page <= LIST_PAGES && open.size > 0; page++) {
        const list = await cj.inventory.listOrders({ pageNum: page, pageSize: 200 });
        for (const item of list?.content ?? []) {
          const row = rows.find((r) => r.cjOrderCode && r.cjOrderCode === item?.orderCode);
          if (!row) continue;
          open.delete(row.cjOrderCode as string);
          const status = item?.status ?? null;
          const text = item?.statusDesc ?? null;
          const next =
            status === null || UNPAID_STATUSES.has(status)
              ? row.status
              : CLOSED_STATUSES.has(status)
                ? "CLOSED"
                : "PAID";
          if (row.cjStatus !== status || row.cjStatusText !== text || row.status !== next) {
            const paidAt = next === "PAID" && !row.paidAt ? now : row.paidAt;
            await deps.db.stockOrder.update({
              where: { id: row.id },
              data: { cjStatus: status, cjStatusText: text, status: next, paidAt },
            });
            Object.assign(row, { cjStatus: status, cjStatusText: text, status: next, paidAt });
          }
        }
        if ((list?.totalPages ?? 0) <= page) break;
      }
    } catch (e) {
      error = `CJ's order list could not be read (${(e as Error).message}): the states shown are the last known; open the page again to retry.`;
    }
  }
  return {
    error,
    orders: rows.map((r) => ({
      id: r.id,
      status: r.status,
      cjOrderCode: r.cjOrderCode,
      cjStatusText: r.cjStatusText,
      storageName: r.storageName ?? r.storageId,
      logisticName: r.logisticName,
      totalAmount: r.totalAmount,
      payment: r.payment,
      payUrl: r.status === "UNPAID" ? r.payUrl : null,
      quantity: parseJson<StockLine[]>(r.lines, []).reduce((sum, l) => sum + l.quantity, 0),
      error: r.error,
      createdAt: r.createdAt.toISOString(),
    })),
  };
}

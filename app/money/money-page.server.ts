/**
 * The Money page (`/app/money`) and its CSV: per-order profit for orders paid at CJ in a date range (by the day CJ
 * was paid, UTC), summed by day and by destination country; the orders that lost money; the CJ account's unpaid
 * makeup bills; the balance. Every sum is decimal.js on the stored decimal strings.
 */
import Decimal from "decimal.js";
import type { Db } from "../db.server";
import { costBreakdown } from "./cogs";
import { MAKEUP_STATUS, UNPAID_MAKEUP } from "./makeup.server";

export interface MoneyRange {
  from: string;
  to: string;
}

const DAY_MS = 86_400_000;
const day = (d: Date) => d.toISOString().slice(0, 10);

/** The range asked for (YYYY-MM-DD, inclusive), or the last 30 days; a range the merchant typed wrong says so. */
export function moneyRange(params: URLSearchParams, now: Date = new Date()): MoneyRange & { error: string | null } {
  const fallback = { from: day(new Date(now.getTime() - 29 * DAY_MS)), to: day(now) };
  const from = params.get("from") ?? fallback.from;
  const to = params.get("to") ?? fallback.to;
  const valid = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`));
  if (!valid(from) || !valid(to)) return { ...fallback, error: "Dates must be written as YYYY-MM-DD." };
  if (from > to) return { ...fallback, error: "The start date is after the end date." };
  if (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`) > 366 * DAY_MS) {
    return { ...fallback, error: "Choose at most a year." };
  }
  return { from, to, error: null };
}

export interface ProfitRow {
  id: string;
  name: string;
  paidAt: string;
  countryCode: string | null;
  currency: string | null;
  revenue: string | null;
  revenueUsd: string | null;
  product: string | null;
  postage: string | null;
  taxesAndFees: string | null;
  makeup: string | null;
  cjCostUsd: string | null;
  profitUsd: string | null;
  note: string | null;
}

/** Every order of the shop paid at CJ in the range, with its profit (null parts: not known yet). */
export async function profitRows(db: Db, shopId: string, range: MoneyRange): Promise<ProfitRow[]> {
  const orders = await db.order.findMany({
    where: {
      shopId,
      paidAt: { gte: new Date(`${range.from}T00:00:00Z`), lt: new Date(Date.parse(`${range.to}T00:00:00Z`) + DAY_MS) },
    },
    select: {
      id: true,
      shopifyOrderName: true,
      paidAt: true,
      countryCode: true,
      currency: true,
      currentTotalPrice: true,
      totalPrice: true,
      revenueUsd: true,
      cjCostUsd: true,
      profitUsd: true,
      profitNote: true,
      costs: true,
      makeupBills: { where: { status: { not: 3 } }, select: { amount: true } },
    },
    orderBy: { paidAt: "asc" },
    take: 50_000,
  });
  return orders.map((o) => {
    const parts = o.costs.length
      ? costBreakdown(
          o.costs,
          o.makeupBills.map((b) => b.amount),
        )
      : null;
    return {
      id: o.id,
      name: o.shopifyOrderName,
      paidAt: (o.paidAt as Date).toISOString(),
      countryCode: o.countryCode,
      currency: o.currency,
      revenue: o.currentTotalPrice ?? o.totalPrice,
      revenueUsd: o.revenueUsd,
      product: parts?.product ?? null,
      postage: parts?.postage ?? null,
      taxesAndFees: parts ? new Decimal(parts.taxes).plus(parts.fees).minus(parts.refunds).toFixed(2) : null,
      makeup: parts?.makeup ?? null,
      cjCostUsd: o.cjCostUsd,
      profitUsd: o.profitUsd,
      note: o.profitNote,
    };
  });
}

interface Totals {
  revenue: Decimal;
  costs: Decimal;
  profit: Decimal;
  orders: number;
}
const zero = (): Totals => ({ revenue: new Decimal(0), costs: new Decimal(0), profit: new Decimal(0), orders: 0 });
const add = (t: Totals, r: ProfitRow) => {
  // Only orders whose profit is known count: revenue without CJ's costs would overstate the margin.
  if (r.profitUsd === null) return;
  t.revenue = t.revenue.plus(r.revenueUsd ?? 0);
  t.costs = t.costs.plus(r.cjCostUsd ?? 0);
  t.profit = t.profit.plus(r.profitUsd);
  t.orders++;
};
const shown = (t: Totals) => ({
  revenue: t.revenue.toFixed(2),
  costs: t.costs.toFixed(2),
  profit: t.profit.toFixed(2),
  orders: t.orders,
});

export async function loadMoneyPage(db: Db, shopDomain: string, range: MoneyRange) {
  const shop = await db.shop.findUniqueOrThrow({
    where: { domain: shopDomain },
    select: { id: true, cjAccountId: true },
  });
  const rows = await profitRows(db, shop.id, range);
  const total = zero();
  const byDay = new Map<string, Totals>();
  const byCountry = new Map<string, Totals>();
  for (const row of rows) {
    add(total, row);
    const d = row.paidAt.slice(0, 10);
    if (!byDay.has(d)) byDay.set(d, zero());
    add(byDay.get(d) as Totals, row);
    const c = row.countryCode ?? "—";
    if (!byCountry.has(c)) byCountry.set(c, zero());
    add(byCountry.get(c) as Totals, row);
  }
  // Every day of the range, so that a day without orders shows as one.
  const days: string[] = [];
  for (let t = Date.parse(`${range.from}T00:00:00Z`); t <= Date.parse(`${range.to}T00:00:00Z`); t += DAY_MS) {
    days.push(day(new Date(t)));
  }
  const bills = shop.cjAccountId
    ? await db.cjMakeupBill.findMany({
        where: {
          accountId: shop.cjAccountId,
          status: { in: UNPAID_MAKEUP },
          // The account's bills for this shop's orders, and those of no order of any shop (the account's own).
          OR: [{ order: { shopId: shop.id } }, { orderId: null }],
        },
        include: { order: { select: { id: true, shopifyOrderName: true } } },
        orderBy: { cjCreatedAt: "desc" },
      })
    : [];
  return {
    range,
    total: shown(total),
    unknown: rows.filter((r) => r.profitUsd === null).length,
    byDay: days.map((d) => ({ day: d, ...shown(byDay.get(d) ?? zero()) })),
    byCountry: [...byCountry]
      .map(([country, t]) => ({ country, ...shown(t) }))
      .sort((a, b) => new Decimal(b.revenue).comparedTo(a.revenue)),
    negative: rows
      .filter((r) => r.profitUsd !== null && new Decimal(r.profitUsd).isNegative())
      .sort((a, b) => new Decimal(a.profitUsd ?? 0).comparedTo(b.profitUsd ?? 0))
      .slice(0, 50),
    makeup: {
      bills: bills.map((b) => ({
        orderCode: b.orderCode,
        amount: b.amount,
        reason: b.reason,
        status: MAKEUP_STATUS[b.status] ?? String(b.status),
        type: b.type === 1 ? "Other make-up" : "Make-up order",
        cjOrderCode: b.cjOrderCode,
        order: b.order ? { id: b.order.id, name: b.order.shopifyOrderName } : null,
        payUrl: b.payUrl,
        createdAt: b.cjCreatedAt?.toISOString() ?? null,
      })),
      total: bills.reduce((s, b) => s.plus(b.amount), new Decimal(0)).toFixed(2),
    },
  };
}

const CSV_COLUMNS: [keyof ProfitRow, string][] = [
  ["name", "Order"],
  ["paidAt", "Paid at CJ (UTC)"],
  ["countryCode", "Country"],
  ["currency", "Currency"],
  ["revenue", "Customer paid (after refunds)"],
  ["revenueUsd", "Customer paid (USD)"],
  ["product", "CJ products (USD)"],
  ["postage", "CJ shipping (USD)"],
  ["taxesAndFees", "Taxes and fees less refunds (USD)"],
  ["makeup", "Makeup bills (USD)"],
  ["cjCostUsd", "CJ costs (USD)"],
  ["profitUsd", "Profit (USD)"],
  ["note", "Note"],
];

/** RFC 4180: fields with a comma, quote or line break are quoted; a leading =, +, - or @ is defused for spreadsheets. */
function csvField(value: string | null): string {
  if (value === null) return "";
  const safe = /^[=+\-@]/.test(value) && !/^-?\d+(\.\d+)?$/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function profitCsv(rows: readonly ProfitRow[]): string {
  const lines = [CSV_COLUMNS.map(([, title]) => csvField(title)).join(",")];
  for (const row of rows) lines.push(CSV_COLUMNS.map(([key]) => csvField(row[key])).join(","));
  return `${lines.join("\r\n")}\r\n`;
}

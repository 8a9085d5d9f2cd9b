/**
 * CJ's COGS basic data (seed 002 §4.1) as the costs of one CJ order. CJ sends them under one- and two-letter keys
 * (`cogsBasicDataOrderInfoJson`): f postage after discount, g total amount, h product amount, rr out-of-stock fee,
 * tt storage fee, yy re-dispatch fees (a map), x disputes (a map of DisputeInfo, every field a final refund to the
 * merchant), k tax information. Every amount is US dollars (cj-api-facts "Money") and is summed with decimal.js.
 *
 * Where the seed is silent the reading is stated here: `k` (taxesInfo) is an object whose fields the seed does not
 * list, so its numeric fields are taken as tax amounts (fields named like a rate are left out); the reissue flag has
 * no JSON key in the seed's table, so `isReissue` is read under its attribute name; `g` is postage plus products
 * (the seed's sample: 0.74 + 5.84 = 6.58), so taxes and fees are added to it, not found in it.
 */
import Decimal from "decimal.js";

export interface CogsEntry {
  orderCode?: string | null;
  originalOrderCode?: string | null;
  paymentDate?: string | null;
  cogsBasicDataOrderInfoJson?: Record<string, unknown> | null;
}

export interface CjOrderCostRecord {
  cjOrderCode: string;
  originalOrderCode: string | null;
  shipmentsOrderId: string | null;
  paid: boolean;
  paymentDate: Date | null;
  productAmount: string;
  postage: string;
  totalAmount: string;
  taxes: string;
  disputeRefund: string;
  outStockFee: string;
  storageFee: string;
  resendFee: string;
  reissue: boolean;
  reorder: boolean;
  outOfStockSplit: boolean;
  countryCode: string | null;
  raw: string;
}

const DISPUTE_REFUND_KEYS = ["q", "e", "r", "t", "y", "u", "p", "s", "d"] as const;

/** A CJ amount (number or numeric string) as a Decimal; blank is zero; anything else is refused with its key. */
function amount(value: unknown, where: string): Decimal {
  if (value === null || value === undefined || value === "") return new Decimal(0);
  if (typeof value === "number" && Number.isFinite(value)) return new Decimal(String(value));
  if (typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value.trim())) return new Decimal(value.trim());
  throw new Error(`CJ's COGS data has a non-numeric amount at ${where}: ${JSON.stringify(value)}`);
}

const money = (value: Decimal) => value.toFixed(2, Decimal.ROUND_HALF_UP);
const flag = (value: unknown) => value === 1 || value === "1" || value === true;
const text = (value: unknown) => (typeof value === "string" && value.trim() ? value.trim() : null);
const objectOf = (value: unknown): Record<string, unknown> =>
  value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};

function cjDate(value: unknown): Date | null {
  const s = text(value);
  if (!s) return null;
  // CJ's LocalDateTime has no zone ("2025-06-14T07:44:31"); read as UTC, as CJ's order dates are (seed 002 tables).
  const date = new Date(/[zZ]|[+-]\d{2}:?\d{2}$/.test(s) ? s : `${s.replace(" ", "T")}Z`);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** One COGS entry as stored costs; throws (with the key) on an amount that is not a number. */
export function readCogsEntry(entry: CogsEntry): CjOrderCostRecord {
  const code = text(entry.orderCode);
  if (!code) throw new Error("CJ's COGS data has an entry without orderCode");
  const info = objectOf(entry.cogsBasicDataOrderInfoJson);
  const taxes = Object.entries(objectOf(info.k))
    .filter(([key, value]) => !/rate/i.test(key) && (typeof value === "number" || typeof value === "string"))
    .reduce((sum, [key, value]) => sum.plus(amount(value, `k.${key}`)), new Decimal(0));
  const disputes = Object.entries(objectOf(info.x)).reduce((sum, [id, dispute]) => {
    const d = objectOf(dispute);
    return DISPUTE_REFUND_KEYS.reduce((s, key) => s.plus(amount(d[key], `x.${id}.${key}`)), sum);
  }, new Decimal(0));
  const resend = Object.entries(objectOf(info.yy)).reduce(
    (sum, [id, fee]) => sum.plus(amount(fee, `yy.${id}`)),
    new Decimal(0),
  );
  return {
    cjOrderCode: code,
    originalOrderCode: text(entry.originalOrderCode),
    shipmentsOrderId: text(info.a),
    paid: flag(info.d),
    paymentDate: cjDate(info.j ?? entry.paymentDate),
    productAmount: money(amount(info.h, "h")),
    postage: money(amount(info.f, "f")),
    totalAmount: money(amount(info.g, "g")),
    taxes: money(taxes),
    disputeRefund: money(disputes),
    outStockFee: money(amount(info.rr, "rr")),
    storageFee: money(amount(info.tt, "tt")),
    resendFee: money(resend),
    reissue: flag(info.isReissue),
    reorder: flag(info.uu),
    outOfStockSplit: flag(info.m),
    countryCode: text(info.pp),
    raw: JSON.stringify(entry),
  };
}

export interface CostBreakdown {
  product: string;
  postage: string;
  taxes: string;
  fees: string;
  makeup: string;
  refunds: string;
  total: string;
}

type CostRow = Pick<
  CjOrderCostRecord,
  "productAmount" | "postage" | "totalAmount" | "taxes" | "disputeRefund" | "outStockFee" | "storageFee" | "resendFee"
>;

/**
 * What CJ charged for an order's CJ orders (a split order's rows summed): the order total (postage + products), taxes,
 * fees and makeup bills, less dispute refunds. `makeup` is what CJ billed afterwards for these orders (USD).
 */
export function costBreakdown(rows: readonly CostRow[], makeup: readonly string[] = []): CostBreakdown {
  const sum = (pick: (row: CostRow) => string) => rows.reduce((s, row) => s.plus(pick(row)), new Decimal(0));
  const totalAmount = sum((r) => r.totalAmount);
  const product = sum((r) => r.productAmount);
  const postage = sum((r) => r.postage);
  // The rest of the total (a rounding, a packaging line CJ counts apart) stays with the products, so the parts add up.
  const productPart = totalAmount.minus(postage);
  const taxes = sum((r) => r.taxes);
  const fees = sum((r) => r.outStockFee)
    .plus(sum((r) => r.storageFee))
    .plus(sum((r) => r.resendFee));
  const makeupTotal = makeup.reduce((s, a) => s.plus(a), new Decimal(0));
  const refunds = sum((r) => r.disputeRefund);
  const total = totalAmount.plus(taxes).plus(fees).plus(makeupTotal).minus(refunds);
  return {
    product: money(totalAmount.isZero() ? product : productPart),
    postage: money(postage),
    taxes: money(taxes),
    fees: money(fees),
    makeup: money(makeupTotal),
    refunds: money(refunds),
    total: money(total),
  };
}

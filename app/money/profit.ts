/**
 * Profit of one order: what the customer paid, less refunds (Shopify's `current_total_price`, which reflects
 * refunds, returns and edits; the order's total before any), in the shop's currency and in US dollars, minus what CJ
 * charged (cogs.ts). Shops selling in another currency are converted at a stated rate (the CurrencyRate the app
 * keeps, fulfillment/currency.server.ts); without a usable rate the profit is not computed and the note says why.
 * Decimal strings throughout; `profitCents` is an integer, only to sort and filter.
 */
import Decimal from "decimal.js";
import type { UsdRate } from "../fulfillment/usd";

export interface ProfitInput {
  currency: string | null;
  /** Shopify's current total (after refunds), or null when the snapshot predates it. */
  currentTotalPrice: string | null;
  totalPrice: string | null;
  /** CJ's costs in USD (costBreakdown().total), or null when CJ's data is not there yet. */
  cjCostUsd: string | null;
  rates: readonly UsdRate[];
}

export interface Profit {
  revenue: string | null;
  revenueUsd: string | null;
  cjCostUsd: string | null;
  profitUsd: string | null;
  profitCents: number | null;
  note: string;
}

const usd = (value: Decimal) => value.toFixed(2, Decimal.ROUND_HALF_UP);

export function computeProfit(input: ProfitInput): Profit {
  const revenueText = input.currentTotalPrice ?? input.totalPrice;
  const currency = (input.currency ?? "USD").toUpperCase();
  const none = (note: string): Profit => ({
    revenue: revenueText,
    revenueUsd: null,
    cjCostUsd: input.cjCostUsd,
    profitUsd: null,
    profitCents: null,
    note,
  });
  if (!revenueText || !/^-?\d+(\.\d+)?$/.test(revenueText)) return none("Shopify's order total is not known yet.");
  const revenue = new Decimal(revenueText);
  let revenueUsd: Decimal;
  let conversion: string;
  if (currency === "USD") {
    revenueUsd = revenue;
    conversion = "Revenue in US dollars as Shopify gave it";
  } else {
    const rate = input.rates.find((r) => r.currency.toUpperCase() === currency);
    if (!rate || !new Decimal(rate.perUsd).gt(0)) {
      return none(
        `No usable US dollar rate for ${currency} is known, so the profit (CJ charges in US dollars) is not computed yet: it is as soon as the app has one (rates are fetched every few hours).`,
      );
    }
    revenueUsd = revenue.dividedBy(rate.perUsd);
    conversion = `Revenue converted from ${currency} at 1 USD = ${new Decimal(rate.perUsd).toString()} ${currency} (${rate.source}, ${rate.rateDate})`;
  }
  const refunded =
    input.currentTotalPrice !== null && input.totalPrice !== null && input.currentTotalPrice !== input.totalPrice;
  const revenueNote = `${conversion}${refunded ? `, after refunds (order total ${input.totalPrice} ${currency})` : ""}.`;
  if (input.cjCostUsd === null) {
    return { ...none(`${revenueNote} CJ's costs are not known yet.`), revenueUsd: usd(revenueUsd) };
  }
  const profit = revenueUsd.minus(input.cjCostUsd);
  return {
    revenue: revenue.toFixed(2),
    revenueUsd: usd(revenueUsd),
    cjCostUsd: input.cjCostUsd,
    profitUsd: usd(profit),
    profitCents: profit.times(100).toDecimalPlaces(0, Decimal.ROUND_HALF_UP).toNumber(),
    note: revenueNote,
  };
}

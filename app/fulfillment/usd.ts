/**
 * Every amount CJ takes is US dollars (cj-api-facts "Money"). A Shopify amount is sent to CJ only as USD: the shop
 * money when the shop sells in USD, the presentment money when the customer paid in USD, otherwise converted with a
 * stated exchange rate (currency.server.ts); with no usable rate the field is left out. Never a yen amount as dollars.
 */
import Decimal from "decimal.js";
import type { Money } from "../shopify/graphql";

export interface MoneySet {
  shopMoney: Money;
  presentmentMoney?: Money | null;
}

export interface UsdRate {
  currency: string;
  /** Units of `currency` per 1 USD. */
  perUsd: string;
  rateDate: string;
  source: string;
}

export interface UsdConversion {
  /** USD amount as a 2-decimal string, or null when it could not be had honestly. */
  convert(set: MoneySet): string | null;
  /** What was done, in the merchant's words (order page, timeline). */
  note: string;
  /** false when amounts had to be left out. */
  available: boolean;
}

/** How amounts in `set`'s currencies become USD, given the rates known (already filtered for freshness). */
export function usdConversionFor(sample: MoneySet, rates: readonly UsdRate[]): UsdConversion {
  const shopCurrency = sample.shopMoney.currencyCode.toUpperCase();
  const presentment = sample.presentmentMoney?.currencyCode.toUpperCase() ?? shopCurrency;
  if (shopCurrency === "USD") {
    return { convert: (set) => usd(set.shopMoney.amount), note: "Amounts sent to CJ in US dollars.", available: true };
  }
  if (presentment === "USD") {
    return {
      convert: (set) =>
        set.presentmentMoney?.currencyCode.toUpperCase() === "USD" ? usd(set.presentmentMoney.amount) : null,
      note: `Amounts sent to CJ in US dollars as the customer paid them (the shop's currency is ${shopCurrency}).`,
      available: true,
    };
  }
  const rate = rates.find((r) => r.currency.toUpperCase() === shopCurrency);
  if (!rate || !new Decimal(rate.perUsd).gt(0)) {
    return {
      convert: () => null,
      note: `No US dollar rate for ${shopCurrency} is known: the declared values (unitPrice, shopAmount) were not sent to CJ, which then uses its own product prices.`,
      available: false,
    };
  }
  const perUsd = new Decimal(rate.perUsd);
  return {
    convert: (set) =>
      set.shopMoney.currencyCode.toUpperCase() === shopCurrency
        ? new Decimal(set.shopMoney.amount).dividedBy(perUsd).toFixed(2, Decimal.ROUND_HALF_UP)
        : null,
    note: `Amounts sent to CJ in US dollars, converted from ${shopCurrency} at 1 USD = ${perUsd.toString()} ${shopCurrency} (${rate.source}, ${rate.rateDate}).`,
    available: true,
  };
}

function usd(amount: string): string {
  return new Decimal(amount).toFixed(2, Decimal.ROUND_HALF_UP);
}

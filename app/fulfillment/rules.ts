/**
 * The shop's rules as pure functions: whether an order is held (and why), which shipping method it gets, and whether
 * it may be paid from the CJ balance automatically.
 */
import Decimal from "decimal.js";
import type { ShopifyOrderForForwarding } from "../shopify/orders";

export interface ShopRules {
  forwardingTrigger: string;
  paused: boolean;
  holdHighRisk: boolean;
  orderTotalCap: string | null;
  logisticsRule: string;
  logisticsMaxDays: number;
  preferredLogistics: string;
  paymentMode: string;
  autoPayPerOrderCap: string | null;
  autoPayPerDayCap: string | null;
  /** When the shop went live (undefined: treated as live, for callers without onboarding). */
  liveAt?: Date | null;
  sandbox?: boolean;
}

/** Why the app holds an order (Order.holdCodes): going live releases SETUP, resuming releases PAUSED. */
export type HoldCode = "SETUP" | "PAUSED" | "UNPAID" | "RISK" | "CAP";

export interface Hold {
  /** HELD: the merchant decides (approve to forward). NEEDS_ATTENTION: something must be fixed first. */
  state: "HELD" | "NEEDS_ATTENTION";
  reasons: string[];
}

const PAID_STATUSES = new Set(["PAID", "PARTIALLY_REFUNDED"]);

export function isPaid(order: Pick<ShopifyOrderForForwarding, "displayFinancialStatus">): boolean {
  return PAID_STATUSES.has(order.displayFinancialStatus ?? "");
}

/**
 * Holds the merchant decides on, with their codes. A merchant's own "forward now" or "approve" lifts them all except
 * SETUP: a shop that has not gone live sends no order to CJ, so a customer's paid order never becomes a sandbox order
 * (or a real one) before the merchant has finished setting up. Sandbox mode is a choice a live shop makes.
 */
export function merchantHoldList(
  order: ShopifyOrderForForwarding,
  rules: ShopRules,
  opts: { byMerchant: boolean },
): { code: HoldCode; message: string }[] {
  const holds: { code: HoldCode; message: string }[] = [];
  if (rules.liveAt === null) {
    holds.push({
      code: "SETUP",
      message:
        "Waiting for setup: the shop is not live yet. Finish the steps on the home page and go live; the order is forwarded then.",
    });
  }
  if (opts.byMerchant) return holds;
  if (rules.paused)
    holds.push({
      code: "PAUSED",
      message: "Forwarding is paused for this shop: resume it in Settings, or forward this order by hand.",
    });
  if (!isPaid(order) && rules.forwardingTrigger === "ON_PAYMENT") {
    holds.push({
      code: "UNPAID",
      message: "Waiting for payment: the order is forwarded when Shopify reports it paid (or forward it by hand).",
    });
  }
  if (rules.holdHighRisk && isHighRisk(order)) {
    holds.push({
      code: "RISK",
      message: "Shopify rates this order as high fraud risk: review it, then approve it to forward.",
    });
  }
  if (rules.orderTotalCap) {
    const total = new Decimal(order.totalPriceSet.shopMoney.amount);
    if (total.greaterThan(rules.orderTotalCap)) {
      holds.push({
        code: "CAP",
        message: `The order total ${total.toFixed(2)} ${order.totalPriceSet.shopMoney.currencyCode} is over the shop's cap of ${rules.orderTotalCap}: approve it to forward.`,
      });
    }
  }
  return holds;
}

/** The reasons of merchantHoldList, as text. */
export function merchantHolds(
  order: ShopifyOrderForForwarding,
  rules: ShopRules,
  opts: { byMerchant: boolean },
): string[] {
  return merchantHoldList(order, rules, opts).map((h) => h.message);
}

export function isHighRisk(order: ShopifyOrderForForwarding): boolean {
  return order.risk.recommendation === "CANCEL" || order.risk.assessments.some((a) => a.riskLevel === "HIGH");
}

// --- logistics -------------------------------------------------------------------------------------------------

export interface FreightOption {
  logisticName: string;
  price: string;
  /** CJ's aging string, e.g. "7-12" (days). */
  aging: string | null;
  source: string;
}

/** The slowest day count of CJ's aging string ("7-12" → 12, "5" → 5); null when unknown. */
export function maxDays(aging: string | null): number | null {
  if (!aging) return null;
  const numbers = aging.match(/\d+/g)?.map(Number) ?? [];
  return numbers.length ? Math.max(...numbers) : null;
}

export function sortOptions(options: FreightOption[]): FreightOption[] {
  return [...options].sort(
    (a, b) => new Decimal(a.price).comparedTo(b.price) || (maxDays(a.aging) ?? 999) - (maxDays(b.aging) ?? 999),
  );
}

export interface LogisticsChoice {
  logisticName: string | null;
  option: FreightOption | null;
  why: string;
}

export function preferredFor(rules: ShopRules, countryCode: string): string[] {
  try {
    const table = JSON.parse(rules.preferredLogistics || "{}") as Record<string, string[]>;
    return table[countryCode] ?? table["*"] ?? [];
  } catch {
    return [];
  }
}

export function chooseLogistics(rules: ShopRules, countryCode: string, options: FreightOption[]): LogisticsChoice {
  const preferred = preferredFor(rules, countryCode);
  if (rules.logisticsRule === "PREFERRED") {
    for (const name of preferred) {
      const option = options.find((o) => o.logisticName.toLowerCase() === name.toLowerCase());
      if (option)
        return {
          logisticName: option.logisticName,
          option,
          why: `first preferred method CJ offers for ${countryCode}`,
        };
    }
    if (options.length === 0 && preferred[0]) {
      return {
        logisticName: preferred[0],
        option: null,
        why: `first preferred method for ${countryCode} (no quote available)`,
      };
    }
  }
  if (options.length === 0) return { logisticName: null, option: null, why: "CJ returned no shipping option" };
  if (rules.logisticsRule === "FASTEST") {
    const [fastest] = [...options].sort(
      (a, b) => (maxDays(a.aging) ?? 999) - (maxDays(b.aging) ?? 999) || new Decimal(a.price).comparedTo(b.price),
    );
    return { logisticName: fastest?.logisticName ?? null, option: fastest ?? null, why: "fastest option" };
  }
  const within = options.filter((o) => (maxDays(o.aging) ?? Number.POSITIVE_INFINITY) <= rules.logisticsMaxDays);
  const [cheapest] = sortOptions(within.length > 0 ? within : options);
  return {
    logisticName: cheapest?.logisticName ?? null,
    option: cheapest ?? null,
    why:
      within.length > 0
        ? `cheapest within ${rules.logisticsMaxDays} days`
        : `no option within ${rules.logisticsMaxDays} days; cheapest overall`,
  };
}

// --- payment ---------------------------------------------------------------------------------------------------

/** Whether this order may be paid from the CJ balance now, under the per-order and per-day caps. */
export function mayAutoPay(rules: ShopRules, amount: string, paidToday: string): { allowed: boolean; why: string } {
  if (rules.paymentMode !== "BALANCE")
    return { allowed: false, why: "the shop pays CJ orders through the payment link" };
  return withinPaymentCaps(rules, amount, paidToday);
}

/**
 * The per-order and per-day caps on balance payments, for every payment the merchant did not confirm one by one:
 * automatic ones and bulk "Pay with balance" (whose confirmation covers the total shown, within the caps).
 */
export function withinPaymentCaps(
  rules: Pick<ShopRules, "autoPayPerOrderCap" | "autoPayPerDayCap">,
  amount: string,
  paidToday: string,
): { allowed: boolean; why: string } {
  const value = new Decimal(amount);
  if (rules.autoPayPerOrderCap && value.greaterThan(rules.autoPayPerOrderCap)) {
    return {
      allowed: false,
      why: `the CJ amount ${value.toFixed(2)} is over the per-order auto-pay cap of ${rules.autoPayPerOrderCap}`,
    };
  }
  if (rules.autoPayPerDayCap && value.plus(paidToday).greaterThan(rules.autoPayPerDayCap)) {
    return {
      allowed: false,
      why: `paying ${value.toFixed(2)} would pass today's auto-pay cap of ${rules.autoPayPerDayCap}`,
    };
  }
  return { allowed: true, why: "within the auto-pay caps" };
}

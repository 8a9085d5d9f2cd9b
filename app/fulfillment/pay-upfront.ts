/**
 * How a new CJ order is paid, decided before it is created, so that the happy path is one CJ call (issue 15;
 * seed 002 §1.1 `payType`):
 * - the shop pays by link: `payType: 1`, and CJ's answer carries the payment page (`cjPayUrl`);
 * - the shop pays from the balance and the amount is known up front (each line's CJ price from the cached
 *   connection or variant, plus the chosen freight quote): `payType: 2` when that amount, with a margin for CJ's
 *   own rounding and price changes, is within the per-order and per-day caps; CJ then adds to cart, confirms and
 *   deducts the balance in the same call;
 * - otherwise `payType: 3` (create only), and the payment job walks CJ's cart and parent order and checks the caps
 *   against the amount CJ gives (payment.server.ts). So are recoveries and orders CJ cannot complete yet.
 */
import Decimal from "decimal.js";
import { type ShopRules, withinPaymentCaps } from "./rules";

/**
 * Headroom on the up-front amount before it is compared with the caps: CJ prices the order itself (its variant price
 * may have moved since it was cached, its postage may differ from the quote by a few cents). An order whose estimate
 * plus this share passes a cap is created without payment, and the caps are checked against CJ's own amount.
 */
export const UPFRONT_MARGIN = new Decimal("0.10");

/** After a payment CJ refused for want of funds, orders get CJ's payment page this long (or until a payment works). */
export const BALANCE_SHORT_WINDOW_MS = 6 * 60 * 60 * 1000;

/** CJ_PAY_IN_CREATE=0 turns payment in the create call off (every order create-only, then the cart flow). */
export function payInCreateEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return !["0", "false", "off", "no"].includes((env.CJ_PAY_IN_CREATE ?? "").trim().toLowerCase());
}

export interface UpfrontLine {
  quantity: number;
  /** CJ's price for one unit in US dollars, or null when it is not known without asking CJ. */
  unitPrice: string | null;
}

export interface UpfrontPlan {
  payType: 1 | 2 | 3;
  /** What the order is expected to cost at CJ (US dollars), when it could be computed. */
  estimate: string | null;
  why: string;
}

export function planUpfrontPayment(
  rules: Pick<ShopRules, "paymentMode" | "autoPayPerOrderCap" | "autoPayPerDayCap">,
  input: {
    lines: readonly UpfrontLine[];
    postage: string | null;
    paidToday: string;
    /** When CJ last refused a balance payment of the account for want of funds (cleared by a payment that works). */
    balanceShortAt?: Date | null;
    now?: Date;
    enabled?: boolean;
    /** The shop merges one customer's orders (seed 002 §5): only an unpaid order on CJ's complete-order page can be. */
    merging?: boolean;
  },
): UpfrontPlan {
  if (input.merging) {
    return {
      payType: 3,
      estimate: null,
      why: "the store merges one customer's orders: created without payment, paid after the merge window",
    };
  }
  if (input.enabled === false) {
    return { payType: 3, estimate: null, why: "payment in the create call is turned off (CJ_PAY_IN_CREATE=0)" };
  }
  if (rules.paymentMode !== "BALANCE") {
    return { payType: 1, estimate: null, why: "the shop pays CJ orders through the payment link" };
  }
  const now = input.now ?? new Date();
  if (input.balanceShortAt && now.getTime() - input.balanceShortAt.getTime() < BALANCE_SHORT_WINDOW_MS) {
    // A create whose payment fails leaves no payment page (CJ's order detail has no parent order): create only, so
    // the payment job gets the page for the merchant while the balance may still be short.
    return {
      payType: 3,
      estimate: null,
      why: `the CJ balance was too low for a payment at ${input.balanceShortAt.toISOString().slice(0, 16).replace("T", " ")} UTC`,
    };
  }
  if (input.lines.length === 0 || input.lines.some((l) => l.unitPrice === null)) {
    return { payType: 3, estimate: null, why: "a CJ price of the order's products is not known up front" };
  }
  if (input.postage === null) {
    return { payType: 3, estimate: null, why: "the postage is not known up front (no freight quote)" };
  }
  const estimate = input.lines
    .reduce((sum, l) => sum.plus(new Decimal(l.unitPrice as string).times(l.quantity)), new Decimal(0))
    .plus(input.postage);
  const checked = withinPaymentCaps(rules, estimate.times(UPFRONT_MARGIN.plus(1)).toFixed(2), input.paidToday);
  if (!checked.allowed) {
    return {
      payType: 3,
      estimate: estimate.toFixed(2),
      why: `about ${estimate.toFixed(2)} USD with a ${UPFRONT_MARGIN.times(100).toFixed(0)} % margin: ${checked.why}; CJ's exact amount decides`,
    };
  }
  return {
    payType: 2,
    estimate: estimate.toFixed(2),
    why: `about ${estimate.toFixed(2)} USD, within the auto-pay caps with a ${UPFRONT_MARGIN.times(100).toFixed(0)} % margin`,
  };
}

/** The `pid` of CJ's payment page URL (`…/mine/payment?pid=…`), which is the parent order's payId. */
export function payIdOfPayUrl(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    return new URL(url).searchParams.get("pid") || null;
  } catch {
    return null;
  }
}

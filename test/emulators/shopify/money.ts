// Amounts are decimal strings in the currency's minor units ("19.90" USD, "4500" JPY), computed exactly with
// BigInt so sums and conversions never pick up floating-point noise.

/** Currencies without minor units; every other currency has 2 decimals. */
export const zeroDecimalCurrencies: ReadonlySet<string> = new Set(["JPY", "KRW"]);

export function currencyDigits(currencyCode: string): number {
  return zeroDecimalCurrencies.has(currencyCode) ? 0 : 2;
}

interface Decimal {
  /** The value times 10^scale. */
  units: bigint;
  scale: number;
}

const decimalPattern = /^(-)?(\d+)(?:\.(\d+))?$/;

function parseDecimal(value: string): Decimal | null {
  const match = decimalPattern.exec(value.trim());
  if (!match) return null;
  const [, sign, whole = "0", fraction = ""] = match;
  const units = BigInt(`${whole}${fraction}`);
  return { units: sign ? -units : units, scale: fraction.length };
}

const pow10 = (exponent: number) => 10n ** BigInt(exponent);

/** Rounds half away from zero when dropping digits. */
function rescale(value: Decimal, scale: number): bigint {
  if (scale >= value.scale) return value.units * pow10(scale - value.scale);
  const divisor = pow10(value.scale - scale);
  const negative = value.units < 0n;
  const abs = negative ? -value.units : value.units;
  const rounded = (abs + divisor / 2n) / divisor;
  return negative ? -rounded : rounded;
}

function formatMinor(minor: bigint, digits: number): string {
  const negative = minor < 0n;
  const abs = negative ? -minor : minor;
  const divisor = pow10(digits);
  const whole = (abs / divisor).toString();
  const fraction = digits === 0 ? "" : `.${(abs % divisor).toString().padStart(digits, "0")}`;
  return `${negative && abs !== 0n ? "-" : ""}${whole}${fraction}`;
}

/** Minor units of a stored amount; extra decimals are rounded (stored data is trusted, see normalizeAmount). */
export function toMinor(amount: string, currencyCode: string): bigint {
  const parsed = parseDecimal(amount);
  if (!parsed) throw new Error(`"${amount}" is not a decimal amount`);
  return rescale(parsed, currencyDigits(currencyCode));
}

export function formatAmount(minor: bigint, currencyCode: string): string {
  return formatMinor(minor, currencyDigits(currencyCode));
}

/** An amount in the currency's format ("4500.00" JPY → "4500", "5" USD → "5.00"). */
export function canonicalAmount(amount: string, currencyCode: string): string {
  return formatAmount(toMinor(amount, currencyCode), currencyCode);
}

/**
 * For buildOrder: accepts "4500", "4500.0", "4500.00" for JPY and "19.9", "19.90" for USD, refuses what the
 * currency cannot hold ("4500.5" JPY, "19.999" USD) and anything that is not a plain decimal.
 */
export function normalizeAmount(amount: unknown, currencyCode: string, what: string): string {
  const parsed = typeof amount === "string" ? parseDecimal(amount) : null;
  if (!parsed)
    throw new Error(`buildOrder: ${what} must be a decimal string like "19.90", got ${JSON.stringify(amount)}`);
  const digits = currencyDigits(currencyCode);
  const minor = rescale(parsed, digits);
  if (rescale({ units: minor, scale: digits }, parsed.scale) !== parsed.units) {
    throw new Error(
      `buildOrder: ${what} "${amount}" has more decimals than ${currencyCode} allows (${digits}); ` +
        `${zeroDecimalCurrencies.has(currencyCode) ? `${currencyCode} amounts are whole numbers like "4500"` : 'use e.g. "19.90"'}`,
    );
  }
  return formatMinor(minor, digits);
}

/** A positive exchange rate as a decimal string ("0.0067"), or an error message. */
export function checkRate(rate: unknown): string | null {
  const text = typeof rate === "number" && Number.isFinite(rate) ? String(rate) : rate;
  const parsed = typeof text === "string" ? parseDecimal(text) : null;
  if (!parsed || parsed.units <= 0n) return null;
  return (text as string).trim();
}

/** shop amount × rate, rounded half away from zero to the presentment currency's minor units. */
export function convertAmount(amount: string, shopCurrency: string, rate: string, presentmentCurrency: string): string {
  const shop: Decimal = { units: toMinor(amount, shopCurrency), scale: currencyDigits(shopCurrency) };
  const factor = parseDecimal(rate);
  if (!factor) throw new Error(`"${rate}" is not a decimal exchange rate`);
  const product: Decimal = { units: shop.units * factor.units, scale: shop.scale + factor.scale };
  return formatAmount(rescale(product, currencyDigits(presentmentCurrency)), presentmentCurrency);
}

/** How an order's shop amounts show in shop and presentment currency. */
export interface OrderCurrencies {
  currencyCode: string;
  presentment?: { currencyCode: string; rate: string } | null;
}

export function presentmentCurrencyOf(order: OrderCurrencies): string {
  return order.presentment?.currencyCode ?? order.currencyCode;
}

/** The pair [shop amount, presentment amount] of one shop-currency amount of the order. */
export function moneyPair(order: OrderCurrencies, amount: string): { shop: string; presentment: string } {
  const shop = canonicalAmount(amount, order.currencyCode);
  const presentment = order.presentment
    ? convertAmount(shop, order.currencyCode, order.presentment.rate, order.presentment.currencyCode)
    : shop;
  return { shop, presentment };
}

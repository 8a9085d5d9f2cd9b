import type { EmulatorState, Order, OrderLine } from "./state.js";

/**
 * Odd-but-legal answer shapes. CJ is a Java API whose answers vary in ways its pages allow (BigDecimal as number or
 * string, even ""; flags as 0/1 or booleans; nested JSON as strings; unknown extra fields; nulls). With `oddShapes`
 * on (start option, account option or control route) the emulator answers in those variants, so a client that only
 * survives the tidy shapes is caught. Which field does what is listed in README.md ("Odd shapes").
 */
export function oddShapesFor(state: EmulatorState, accountId: string): boolean {
  return state.accounts.get(accountId)?.oddShapes ?? state.oddShapes;
}

/** A digit string small enough to be a JSON number without losing digits. */
function asNumberIfDigits(value: string | null): string | number | null {
  return value !== null && /^[1-9]\d{0,14}$/.test(value) ? Number(value) : value;
}

/** BigDecimal as a string, "" for zero. */
function moneyString(amount: string): string {
  return Number(amount) === 0 ? "" : amount;
}

interface PodEntry {
  links?: unknown;
  effectImgs?: unknown;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

/** `podPropertiesInfo` as a JSON *string* (never an object or null); "{}" for a line without POD data. */
export function podInfoString(line: OrderLine): string {
  if (line.podProperties === null) return "{}";
  let entries: PodEntry[] = [];
  try {
    const parsed: unknown = JSON.parse(line.podProperties);
    if (Array.isArray(parsed)) entries = parsed.filter((e): e is PodEntry => typeof e === "object" && e !== null);
  } catch {
    return "{}";
  }
  const effect = entries.flatMap((e) => strings(e.effectImgs));
  return JSON.stringify({
    podVersion: effect.length > 0 ? 3 : 2,
    effectImgList: effect,
    productionImgList: entries.flatMap((e) => strings(e.links)),
    customResources: [],
    finish: 0,
  });
}

/** A `productList` entry of detail/list: amounts as strings, numeric store ids as numbers, unknown extra fields. */
export function oddProductEntry(entry: Record<string, unknown>, line: OrderLine): Record<string, unknown> {
  return {
    ...entry,
    sellPrice: moneyString(line.sellPrice),
    podPropertiesInfo: podInfoString(line),
    storeLineItemId: asNumberIfDigits(line.storeLineItemId),
    // Fields the seed does not document; a tolerant client ignores them.
    cjProductId: null,
    skuImage: "",
    giftFlag: 0,
    extendInfo: "{}",
  };
}

/** getOrderDetail / order/list entry in odd shapes. */
export function oddOrderView(
  view: Record<string, unknown>,
  order: Order,
  productList: Record<string, unknown>[],
): Record<string, unknown> {
  const confirmed = order.status !== "CREATED" && order.status !== "IN_CART";
  return {
    ...view,
    orderNum: asNumberIfDigits(order.orderNumber),
    shippingPhone: asNumberIfDigits(order.shippingPhone),
    isSandbox: order.isSandbox,
    orderAmount: moneyString(order.orderAmount),
    productAmount: moneyString(order.productAmount),
    // CJ fixes the postage at confirmation; before it, "".
    postageAmount: confirmed ? moneyString(order.postageAmount) : "",
    trackNumber: null,
    productList: productList.map((entry, i) => {
      const line = order.lines[i];
      return line ? oddProductEntry(entry, line) : entry;
    }),
    orderTags: null,
  };
}

/** The createOrderV2 answer's amount fields (seed 002 §1.1 "data information"). */
export const CREATE_AMOUNTS = [
  "iossAmount",
  "iossTaxHandlingFee",
  "postageAmount",
  "productAmount",
  "productOriginalAmount",
  "productDiscountAmount",
  "postageDiscountAmount",
  "postageOriginalAmount",
  "totalDiscountAmount",
  "actualPayment",
  "orderOriginalAmount",
  "orderAmount",
] as const;

/** createOrderV2/V3 answer in odd shapes: amounts "", logisticsMiss "", extra fields, reasons null when none. */
export function oddCreateAnswer(answer: Record<string, unknown>, order: Order): Record<string, unknown> {
  const out: Record<string, unknown> = { ...answer };
  for (const key of CREATE_AMOUNTS) out[key] = "";
  out.logisticsMiss = "";
  out.interceptOrderReasons = order.interceptReasons.length > 0 ? order.interceptReasons : null;
  out.orderSource = "API";
  out.extInfo = null;
  out.warehouseTips = "";
  return out;
}

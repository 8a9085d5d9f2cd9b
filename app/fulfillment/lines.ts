/**
 * Which lines of a Shopify order go to CJ, and how many of each: physical lines with a SKU, less what was removed,
 * refunded or fulfilled elsewhere. Every skipped line keeps its reason (shown on the order page).
 */
import type { ShopifyOrderForForwarding, ShopifyOrderLineItem } from "../shopify/orders";

export interface LineDecision {
  line: ShopifyOrderLineItem;
  sku: string | null;
  /** Quantity to send to CJ (0 when skipped). */
  quantity: number;
  skipReason: string | null;
}

/** Fulfillment order statuses whose remaining quantity CJ may still ship. */
const OPEN_FO = new Set(["OPEN", "IN_PROGRESS", "SCHEDULED", "ON_HOLD"]);

export const NOT_FOR_CJ_REASON = "Not fulfilled by CJ: you ship this variant from your own stock (Products page).";

/** `notForCj`: store variants the merchant ships from their own stock (Products page); their lines stay in Shopify. */
export function decideLines(
  order: ShopifyOrderForForwarding,
  opts: { notForCj?: ReadonlySet<string> } = {},
): LineDecision[] {
  const remainingByLine = new Map<string, number>();
  for (const fo of order.fulfillmentOrders.nodes) {
    if (!OPEN_FO.has(fo.status)) continue;
    for (const item of fo.lineItems.nodes) {
      remainingByLine.set(item.lineItem.id, (remainingByLine.get(item.lineItem.id) ?? 0) + item.remainingQuantity);
    }
  }
  const haveFulfillmentOrders = order.fulfillmentOrders.nodes.length > 0;
  return order.lineItems.nodes.map((line) => {
    const sku = (line.sku ?? line.variant?.sku ?? "").trim() || null;
    const skip = (reason: string): LineDecision => ({ line, sku, quantity: 0, skipReason: reason });
    if (line.isGiftCard) return skip("Gift card: Shopify delivers it, not CJ.");
    if (!line.requiresShipping) return skip("Digital or service item: nothing to ship.");
    if (line.currentQuantity <= 0) return skip("Removed from the order or refunded.");
    if (line.variant?.id && opts.notForCj?.has(line.variant.id)) return skip(NOT_FOR_CJ_REASON);
    const open = haveFulfillmentOrders ? (remainingByLine.get(line.id) ?? 0) : line.unfulfilledQuantity;
    const quantity = Math.min(line.currentQuantity, line.unfulfilledQuantity, open);
    if (quantity <= 0) return skip("Already fulfilled elsewhere.");
    return { line, sku, quantity, skipReason: null };
  });
}

export function linesToSend(decisions: LineDecision[]): LineDecision[] {
  return decisions.filter((d) => d.skipReason === null);
}

/** Which lines of a Shopify order go to CJ, and how many (app/fulfillment/lines.ts). */
import { describe, expect, it } from "vitest";
import { decideLines, linesToSend } from "../../../app/fulfillment/lines";
import { fulfillmentOrder, lineItem, shopifyOrder } from "./order-factory";

const decide = (...args: Parameters<typeof shopifyOrder>) => decideLines(shopifyOrder(...args));

describe("decideLines", () => {
  it("a physical line with a SKU goes with its unfulfilled quantity", () => {
    const line = lineItem({ quantity: 3, currentQuantity: 3, unfulfilledQuantity: 3 });
    expect(decide({ lines: [line] })).toEqual([{ line, sku: line.sku, quantity: 3, skipReason: null }]);
  });

  it("a gift card is skipped: Shopify delivers it", () => {
    const [d] = decide({ lines: [lineItem({ isGiftCard: true, requiresShipping: false })] });
    expect(d).toMatchObject({ quantity: 0, skipReason: "Gift card: Shopify delivers it, not CJ." });
  });

  it("a digital line (no shipping required) is skipped", () => {
    const [d] = decide({ lines: [lineItem({ requiresShipping: false })] });
    expect(d).toMatchObject({ quantity: 0, skipReason: "Digital or service item: nothing to ship." });
  });

  it("a line removed by an edit or fully refunded is skipped", () => {
    const [d] = decide({ lines: [lineItem({ quantity: 2, currentQuantity: 0, unfulfilledQuantity: 0 })] });
    expect(d).toMatchObject({ quantity: 0, skipReason: "Removed from the order or refunded." });
  });

  it("a partial refund sends only what is left", () => {
    const line = lineItem({ quantity: 5, currentQuantity: 3, unfulfilledQuantity: 5 });
    expect(decide({ lines: [line] })[0]?.quantity).toBe(3);
    // The same with fulfillment orders, which Shopify shrinks on a refund.
    const withFo = lineItem({ quantity: 5, currentQuantity: 3, unfulfilledQuantity: 3 });
    expect(decide({ lines: [withFo], fulfillmentOrders: [fulfillmentOrder([{ line: withFo }])] })[0]?.quantity).toBe(3);
  });

  it("a line fulfilled elsewhere (its fulfillment order has nothing left) is skipped", () => {
    const line = lineItem({ quantity: 2, currentQuantity: 2, unfulfilledQuantity: 2 });
    const [d] = decide({ lines: [line], fulfillmentOrders: [fulfillmentOrder([{ line, remaining: 0 }])] });
    expect(d).toMatchObject({ quantity: 0, skipReason: "Already fulfilled elsewhere." });
  });

  it("a line whose only fulfillment order is CLOSED is skipped", () => {
    const line = lineItem({ quantity: 2, currentQuantity: 2, unfulfilledQuantity: 2 });
    const [d] = decide({ lines: [line], fulfillmentOrders: [fulfillmentOrder([{ line }], "CLOSED")] });
    expect(d).toMatchObject({ quantity: 0, skipReason: "Already fulfilled elsewhere." });
  });

  it("only the remaining quantity goes when part of a line was fulfilled elsewhere", () => {
    const line = lineItem({ quantity: 4, currentQuantity: 4, unfulfilledQuantity: 4 });
    const [d] = decide({ lines: [line], fulfillmentOrders: [fulfillmentOrder([{ line, remaining: 1 }])] });
    expect(d).toMatchObject({ quantity: 1, skipReason: null });
  });

  it.each(["OPEN", "IN_PROGRESS", "SCHEDULED", "ON_HOLD"] as const)("a %s fulfillment order still counts", (status) => {
    const line = lineItem({ quantity: 2, currentQuantity: 2, unfulfilledQuantity: 2 });
    const [d] = decide({ lines: [line], fulfillmentOrders: [fulfillmentOrder([{ line }], status)] });
    expect(d).toMatchObject({ quantity: 2, skipReason: null });
  });

  it.each(["CLOSED", "CANCELLED", "INCOMPLETE"] as const)("a %s fulfillment order does not count", (status) => {
    const line = lineItem({ quantity: 2, currentQuantity: 2, unfulfilledQuantity: 2 });
    const [d] = decide({ lines: [line], fulfillmentOrders: [fulfillmentOrder([{ line }], status)] });
    expect(d?.quantity).toBe(0);
  });

  it("quantities of one line split over several open fulfillment orders add up", () => {
    const line = lineItem({ quantity: 5, currentQuantity: 5, unfulfilledQuantity: 5 });
    const fos = [
      fulfillmentOrder([{ line, remaining: 2 }]),
      fulfillmentOrder([{ line, remaining: 3 }], "ON_HOLD"),
      fulfillmentOrder([{ line, remaining: 4 }], "CLOSED"),
    ];
    expect(decide({ lines: [line], fulfillmentOrders: fos })[0]?.quantity).toBe(5);
  });

  it("when fulfillment orders exist, a line in none of them is skipped", () => {
    const inFo = lineItem();
    const notInFo = lineItem();
    const decisions = decide({ lines: [inFo, notInFo], fulfillmentOrders: [fulfillmentOrder([{ line: inFo }])] });
    expect(decisions.map((d) => d.skipReason)).toEqual([null, "Already fulfilled elsewhere."]);
  });

  it("without fulfillment-order data the unfulfilled quantity decides", () => {
    const partly = lineItem({ quantity: 3, currentQuantity: 3, unfulfilledQuantity: 1 });
    const done = lineItem({ quantity: 3, currentQuantity: 3, unfulfilledQuantity: 0 });
    const decisions = decide({ lines: [partly, done], fulfillmentOrders: [] });
    expect(decisions.map((d) => [d.quantity, d.skipReason])).toEqual([
      [1, null],
      [0, "Already fulfilled elsewhere."],
    ]);
  });

  it("the SKU comes from the line, then the variant; blank means none (the mapping holds such a line)", () => {
    const fromVariant = lineItem({
      sku: null,
      variant: { id: "gid://shopify/ProductVariant/1", sku: "V-1", title: "M" },
    });
    const blank = lineItem({ sku: "   ", variant: null });
    const padded = lineItem({ sku: "  TEE-M  " });
    const decisions = decide({ lines: [fromVariant, blank, padded] });
    expect(decisions.map((d) => [d.sku, d.skipReason])).toEqual([
      ["V-1", null],
      [null, null],
      ["TEE-M", null],
    ]);
  });

  it("gift card wins over every other reason, and the order of lines is kept", () => {
    const lines = [
      lineItem({ isGiftCard: true, requiresShipping: false, currentQuantity: 0 }),
      lineItem({ requiresShipping: false }),
      lineItem(),
    ];
    const decisions = decide({ lines });
    expect(decisions.map((d) => d.line.id)).toEqual(lines.map((l) => l.id));
    expect(decisions[0]?.skipReason).toMatch(/^Gift card/);
    expect(linesToSend(decisions).map((d) => d.line.id)).toEqual([lines[2]?.id]);
  });
});

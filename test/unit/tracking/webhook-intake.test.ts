import { describe, expect, it } from "vitest";
import { signCjWebhook } from "../../../app/cj";
import { explainUserErrors, planFulfillment } from "../../../app/fulfillment/tracking/sync.server";
import {
  accountThatSigned,
  type CjWebhookAccount,
  readCjWebhookEnvelope,
} from "../../../app/fulfillment/tracking/webhook-intake.server";
import type { ShopifyFulfillmentOrder } from "../../../app/shopify/orders";

describe("CJ webhook envelope", () => {
  it("finds the account keys: openId, CJ order ids (ORDER, LOGISTIC, ORDERSPLIT names) and our order numbers", () => {
    const order = readCjWebhookEnvelope(
      JSON.stringify({
        messageId: "m1",
        type: "ORDER",
        messageType: "ORDER_CONNNECTED",
        openId: 4242,
        params: { cjOrderId: "CJ1", orderNumber: "S1-1" },
      }),
    );
    expect(order).toEqual({
      messageId: "m1",
      type: "ORDER",
      messageType: "ORDER_CONNNECTED",
      openId: "4242",
      cjOrderIds: ["CJ1"],
      orderNumbers: ["S1-1"],
    });
    const logistic = readCjWebhookEnvelope(
      JSON.stringify({ messageId: "m2", type: "LOGISTIC", params: { orderId: "CJ2", storeOrderNumbers: ["S1-2"] } }),
    );
    expect(logistic).toMatchObject({ openId: null, cjOrderIds: ["CJ2"], orderNumbers: ["S1-2"] });
    const split = readCjWebhookEnvelope(
      JSON.stringify({ messageId: "m3", type: "ORDERSPLIT", params: { originalOrderId: "CJ3" } }),
    );
    expect(split?.cjOrderIds).toEqual(["CJ3"]);
  });

  it.each(["{not json", "[]", "null", '"text"', JSON.stringify({ type: "ORDER" }), JSON.stringify({ messageId: "m" })])(
    "is null for a malformed body: %s",
    (raw) => {
      expect(readCjWebhookEnvelope(raw)).toBeNull();
    },
  );
});

describe("CJ webhook signature against the candidate accounts", () => {
  const accounts: CjWebhookAccount[] = [
    { id: "a1", shopIds: ["s1"], openIdEnc: "enc:111" },
    { id: "a2", shopIds: ["s2"], openIdEnc: "enc:222" },
    { id: "a3", shopIds: ["s3"], openIdEnc: null },
  ];
  const decrypt = (stored: string) => stored.replace(/^enc:/, "");
  const body = JSON.stringify({ messageId: "m1", type: "LOGISTIC", params: { orderId: "CJ1" } });

  it("answers the account whose openId signed the exact body", () => {
    expect(accountThatSigned(body, signCjWebhook(body, "222"), accounts, decrypt)?.id).toBe("a2");
    expect(accountThatSigned(body, signCjWebhook(body, "111"), accounts, decrypt)?.id).toBe("a1");
  });

  it("answers null for a missing, wrong or re-serialised signature, or no candidate", () => {
    expect(accountThatSigned(body, null, accounts, decrypt)).toBeNull();
    expect(accountThatSigned(body, "", accounts, decrypt)).toBeNull();
    expect(accountThatSigned(body, signCjWebhook(body, "333"), accounts, decrypt)).toBeNull();
    const reserialised = JSON.stringify(JSON.parse(body), null, 1);
    expect(accountThatSigned(reserialised, signCjWebhook(body, "111"), accounts, decrypt)).toBeNull();
    expect(accountThatSigned(body, signCjWebhook(body, "111"), [], decrypt)).toBeNull();
  });

  it("skips an account whose stored openId cannot be decrypted", () => {
    const broken = (stored: string) => {
      if (stored === "enc:111") throw new Error("bad key");
      return decrypt(stored);
    };
    expect(accountThatSigned(body, signCjWebhook(body, "111"), accounts, broken)).toBeNull();
    expect(accountThatSigned(body, signCjWebhook(body, "222"), accounts, broken)?.id).toBe("a2");
  });
});

function fo(
  id: string,
  status: ShopifyFulfillmentOrder["status"],
  items: [lineItemId: string, remaining: number][],
  location = "gid://shopify/Location/1",
): ShopifyFulfillmentOrder {
  return {
    id,
    status,
    requestStatus: "UNSUBMITTED",
    updatedAt: "2026-11-30T00:00:00Z",
    supportedActions: [],
    fulfillmentHolds: status === "ON_HOLD" ? [{ reason: "INCORRECT_ADDRESS", reasonNotes: null }] : [],
    assignedLocation: { name: "Main", countryCode: "US", location: { id: location } },
    lineItems: {
      pageInfo: { hasNextPage: false },
      nodes: items.map(([lineItemId, remaining], i) => ({
        id: `${id}/li${i}`,
        remainingQuantity: remaining,
        totalQuantity: remaining,
        lineItem: { id: lineItemId, sku: null },
      })),
    },
  };
}
const line = (gid: string, quantity: number) => ({ orderLineId: gid, shopifyLineItemGid: gid, quantity });

describe("mapping a CJ shipment to fulfillment orders", () => {
  it("takes each line's quantity from the fulfillment-order line items that still have it", () => {
    const plan = planFulfillment(
      [
        fo("FO1", "OPEN", [
          ["L1", 2],
          ["L2", 1],
        ]),
      ],
      [line("L1", 2)],
    );
    expect(plan.groups).toEqual([
      { fulfillmentOrderId: "FO1", fulfillmentOrderLineItems: [{ id: "FO1/li0", quantity: 2 }] },
    ]);
    expect(plan.leftover).toEqual([]);
  });

  it("stays at one location, spreads over several FOs there, and reports what did not fit", () => {
    const plan = planFulfillment(
      [
        fo("FO1", "IN_PROGRESS", [["L1", 1]]),
        fo("FO2", "OPEN", [
          ["L1", 1],
          ["L2", 3],
        ]),
        fo("FO3", "OPEN", [["L3", 1]], "gid://shopify/Location/2"),
      ],
      [line("L1", 2), line("L2", 1), line("L3", 1)],
    );
    expect(plan.groups.map((g) => g.fulfillmentOrderId)).toEqual(["FO1", "FO2"]);
    expect(plan.groups[1]?.fulfillmentOrderLineItems).toEqual([
      { id: "FO2/li0", quantity: 1 },
      { id: "FO2/li1", quantity: 1 },
    ]);
    expect(plan.leftover).toEqual(["1 × L3"]);
  });

  it("keeps an on-hold FO (Shopify's userError names it) and explains the hold", () => {
    const held = fo("FO1", "ON_HOLD", [["L1", 1]]);
    const plan = planFulfillment([held], [line("L1", 1)]);
    expect(plan.groups).toHaveLength(1);
    const why = explainUserErrors(
      [{ field: ["fulfillment"], message: "unfulfillable status= on_hold." }],
      plan.involved,
    );
    expect(why).toMatch(/on hold \(incorrect address\): release the hold/);
  });

  it("says why nothing can be fulfilled: already fulfilled, or cancelled in Shopify", () => {
    expect(planFulfillment([fo("FO1", "CLOSED", [["L1", 0]])], [line("L1", 1)]).problem).toMatch(/already fulfilled/);
    expect(planFulfillment([fo("FO1", "CANCELLED", [["L1", 1]])], [line("L1", 1)]).problem).toMatch(/cancelled/);
  });
});

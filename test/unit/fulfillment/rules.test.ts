/** The shop's rules (app/fulfillment/rules.ts): holds, the choice of shipping method, automatic payment. */
import { describe, expect, it } from "vitest";
import {
  chooseLogistics,
  type FreightOption,
  maxDays,
  mayAutoPay,
  merchantHolds,
  sortOptions,
} from "../../../app/fulfillment/rules";
import { shopifyOrder, shopRules } from "./order-factory";

describe("merchantHolds", () => {
  const auto = { byMerchant: false };

  it("a paid, low-risk order under the cap in an active shop is not held", () => {
    expect(merchantHolds(shopifyOrder(), shopRules({ orderTotalCap: "100.00" }), auto)).toEqual([]);
  });

  it("a paused shop holds every automatic forward", () => {
    expect(merchantHolds(shopifyOrder(), shopRules({ paused: true }), auto)).toEqual([
      "Forwarding is paused for this shop: resume it in Settings, or forward this order by hand.",
    ]);
  });

  it("an unpaid order waits for payment when the shop forwards on payment", () => {
    for (const status of ["PENDING", "AUTHORIZED", "PARTIALLY_PAID", null] as const) {
      const reasons = merchantHolds(shopifyOrder({ displayFinancialStatus: status }), shopRules(), auto);
      expect(reasons, String(status)).toEqual([
        "Waiting for payment: the order is forwarded when Shopify reports it paid (or forward it by hand).",
      ]);
    }
    const partlyRefunded = shopifyOrder({ displayFinancialStatus: "PARTIALLY_REFUNDED" });
    expect(merchantHolds(partlyRefunded, shopRules(), auto)).toEqual([]);
  });

  it("an unpaid order is not held when the shop forwards on creation", () => {
    const pending = shopifyOrder({ displayFinancialStatus: "PENDING" });
    expect(merchantHolds(pending, shopRules({ forwardingTrigger: "ON_CREATION" }), auto)).toEqual([]);
  });

  it("a high-risk assessment or a CANCEL recommendation holds the order", () => {
    const high = shopifyOrder({
      risk: { recommendation: "ACCEPT", assessments: [{ riskLevel: "LOW" }, { riskLevel: "HIGH" }] },
    });
    const cancel = shopifyOrder({ risk: { recommendation: "CANCEL", assessments: [] } });
    const reason = "Shopify rates this order as high fraud risk: review it, then approve it to forward.";
    expect(merchantHolds(high, shopRules(), auto)).toEqual([reason]);
    expect(merchantHolds(cancel, shopRules(), auto)).toEqual([reason]);
  });

  it("medium risk or INVESTIGATE does not hold; the high-risk rule can be turned off", () => {
    const medium = shopifyOrder({ risk: { recommendation: "INVESTIGATE", assessments: [{ riskLevel: "MEDIUM" }] } });
    expect(merchantHolds(medium, shopRules(), auto)).toEqual([]);
    const high = shopifyOrder({ risk: { recommendation: "CANCEL", assessments: [{ riskLevel: "HIGH" }] } });
    expect(merchantHolds(high, shopRules({ holdHighRisk: false }), auto)).toEqual([]);
  });

  it("the order-total cap compares decimals: 100.00 is within a cap of 100.00, 100.001 is over", () => {
    const rules = shopRules({ orderTotalCap: "100.00" });
    expect(merchantHolds(shopifyOrder({ total: "100.00" }), rules, auto)).toEqual([]);
    expect(merchantHolds(shopifyOrder({ total: "100" }), rules, auto)).toEqual([]);
    expect(merchantHolds(shopifyOrder({ total: "100.001" }), rules, auto)).toEqual([
      "The order total 100.00 USD is over the shop's cap of 100.00: approve it to forward.",
    ]);
    // 0.1 + 0.2 is not 0.3 in binary floating point; in decimal it is exactly the cap.
    expect(merchantHolds(shopifyOrder({ total: "0.3" }), shopRules({ orderTotalCap: "0.30" }), auto)).toEqual([]);
  });

  it("every reason is listed when several apply", () => {
    const order = shopifyOrder({
      displayFinancialStatus: "PENDING",
      total: "250.00",
      risk: { recommendation: "CANCEL", assessments: [] },
    });
    expect(merchantHolds(order, shopRules({ paused: true, orderTotalCap: "200" }), auto)).toHaveLength(4);
  });

  it("a merchant's own forward or approval lifts every hold", () => {
    const order = shopifyOrder({
      displayFinancialStatus: "PENDING",
      total: "250.00",
      risk: { recommendation: "CANCEL", assessments: [] },
    });
    expect(merchantHolds(order, shopRules({ paused: true, orderTotalCap: "200" }), { byMerchant: true })).toEqual([]);
  });
});

const option = (logisticName: string, price: string, aging: string | null): FreightOption => ({
  logisticName,
  price,
  aging,
  source: "freightCalculate",
});

describe("maxDays", () => {
  it.each([
    ["7-12", 12],
    ["5", 5],
    ["2-5 days", 5],
    ["12-7", 12],
    ["", null],
    [null, null],
    ["about a week", null],
  ])("maxDays(%j) = %j", (aging, expected) => {
    expect(maxDays(aging)).toBe(expected);
  });
});

describe("chooseLogistics", () => {
  const options = [
    option("CJPacket Ordinary", "4.10", "7-12"),
    option("USPS+", "5.50", "4-7"),
    option("Slow Boat", "1.90", "20-35"),
    option("DHL", "18.00", "2-4"),
  ];

  it("cheapest within N days", () => {
    const choice = chooseLogistics(shopRules({ logisticsMaxDays: 12 }), "US", options);
    expect(choice).toMatchObject({ logisticName: "CJPacket Ordinary", why: "cheapest within 12 days" });
    expect(choice.option?.price).toBe("4.10");
    expect(chooseLogistics(shopRules({ logisticsMaxDays: 7 }), "US", options).logisticName).toBe("USPS+");
  });

  it("when nothing arrives within N days: the cheapest overall, saying so", () => {
    const choice = chooseLogistics(shopRules({ logisticsMaxDays: 1 }), "US", options);
    expect(choice).toMatchObject({ logisticName: "Slow Boat", why: "no option within 1 days; cheapest overall" });
  });

  it("an option without a delivery time never counts as within N days", () => {
    const choice = chooseLogistics(shopRules({ logisticsMaxDays: 10 }), "US", [
      option("Mystery", "0.50", null),
      option("USPS+", "5.50", "4-7"),
    ]);
    expect(choice.logisticName).toBe("USPS+");
  });

  it("prices are compared as decimals, not as text", () => {
    const choice = chooseLogistics(shopRules(), "US", [option("A", "10.00", "5"), option("B", "9.5", "5")]);
    expect(choice.logisticName).toBe("B");
  });

  it("fastest, with the lower price breaking a tie", () => {
    const tie = [...options, option("FedEx", "15.00", "2-4")];
    const choice = chooseLogistics(shopRules({ logisticsRule: "FASTEST" }), "US", tie);
    expect(choice).toMatchObject({ logisticName: "FedEx", why: "fastest option" });
  });

  it("preferred list for the destination, in the merchant's order, matched case-insensitively", () => {
    const rules = shopRules({
      logisticsRule: "PREFERRED",
      preferredLogistics: JSON.stringify({ US: ["Not offered", "usps+", "CJPacket Ordinary"], "*": ["DHL"] }),
    });
    expect(chooseLogistics(rules, "US", options)).toMatchObject({
      logisticName: "USPS+",
      why: "first preferred method CJ offers for US",
    });
  });

  it('a destination without its own list uses "*"', () => {
    const rules = shopRules({
      logisticsRule: "PREFERRED",
      preferredLogistics: JSON.stringify({ US: ["USPS+"], "*": ["DHL"] }),
    });
    expect(chooseLogistics(rules, "DE", options).logisticName).toBe("DHL");
  });

  it("a preferred method with no quotes at all is still chosen, without a quote", () => {
    const rules = shopRules({ logisticsRule: "PREFERRED", preferredLogistics: JSON.stringify({ US: ["USPS+"] }) });
    expect(chooseLogistics(rules, "US", [])).toEqual({
      logisticName: "USPS+",
      option: null,
      why: "first preferred method for US (no quote available)",
    });
  });

  it("when no preferred method is offered, the cheapest-within-N-days rule applies", () => {
    const rules = shopRules({
      logisticsRule: "PREFERRED",
      logisticsMaxDays: 12,
      preferredLogistics: '{"US":["Pigeon"]}',
    });
    expect(chooseLogistics(rules, "US", options)).toMatchObject({
      logisticName: "CJPacket Ordinary",
      why: "cheapest within 12 days",
    });
  });

  it("a preferred list that is not valid JSON counts as empty", () => {
    const rules = shopRules({ logisticsRule: "PREFERRED", preferredLogistics: "{US: [USPS+" });
    expect(chooseLogistics(rules, "US", []).logisticName).toBeNull();
  });

  it("no quotes and no preferred method: no choice, with the reason", () => {
    expect(chooseLogistics(shopRules(), "US", [])).toEqual({
      logisticName: null,
      option: null,
      why: "CJ returned no shipping option",
    });
  });

  it("sortOptions: by price, then the faster one", () => {
    const sorted = sortOptions([
      option("slow", "3.00", "10-20"),
      option("fast", "3.00", "3-5"),
      option("cheap", "2.99", "30"),
    ]);
    expect(sorted.map((o) => o.logisticName)).toEqual(["cheap", "fast", "slow"]);
  });
});

describe("mayAutoPay", () => {
  const balance = (caps: { perOrder?: string; perDay?: string } = {}) =>
    shopRules({
      paymentMode: "BALANCE",
      autoPayPerOrderCap: caps.perOrder ?? null,
      autoPayPerDayCap: caps.perDay ?? null,
    });

  it("never in payment-link mode", () => {
    expect(mayAutoPay(shopRules({ paymentMode: "LINK" }), "1.00", "0")).toEqual({
      allowed: false,
      why: "the shop pays CJ orders through the payment link",
    });
  });

  it("balance mode without caps pays", () => {
    expect(mayAutoPay(balance(), "9999.99", "100000")).toEqual({ allowed: true, why: "within the auto-pay caps" });
  });

  it("per-order cap: at the cap pays, a cent over does not", () => {
    expect(mayAutoPay(balance({ perOrder: "50.00" }), "50.00", "0").allowed).toBe(true);
    expect(mayAutoPay(balance({ perOrder: "50" }), "50.01", "0")).toEqual({
      allowed: false,
      why: "the CJ amount 50.01 is over the per-order auto-pay cap of 50",
    });
  });

  it("per-day cap adds today's payments in decimal", () => {
    // 0.1 + 0.2 = 0.30000000000000004 in floating point, which would pass a cap of 0.3.
    expect(mayAutoPay(balance({ perDay: "0.3" }), "0.2", "0.1").allowed).toBe(true);
    expect(mayAutoPay(balance({ perDay: "100" }), "9.90", "90.10").allowed).toBe(true);
    expect(mayAutoPay(balance({ perDay: "100" }), "9.91", "90.10")).toEqual({
      allowed: false,
      why: "paying 9.91 would pass today's auto-pay cap of 100",
    });
  });

  it("both caps apply; the per-order one is reported first", () => {
    const rules = balance({ perOrder: "20", perDay: "30" });
    expect(mayAutoPay(rules, "15", "10").allowed).toBe(true);
    expect(mayAutoPay(rules, "25", "0").why).toContain("per-order");
    expect(mayAutoPay(rules, "15", "20").why).toContain("today's");
  });
});

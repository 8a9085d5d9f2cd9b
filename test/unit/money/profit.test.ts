import { describe, expect, it } from "vitest";
import { costBreakdown, readCogsEntry } from "../../../app/money/cogs";
import { computeProfit } from "../../../app/money/profit";

// Seed 002 §4.1's sample answer, as CJ sends it.
const SEED_ENTRY = {
  cogsBasicDataOrderInfoJson: {
    a: "CJ2506144290356158893",
    c: null,
    d: 1,
    e: 6,
    f: 0.74,
    g: 6.58,
    h: 5.84,
    i: null,
    ii: "38",
    j: "2025-06-14T07:44:31",
  },
  orderCode: "DP2506140734320969300",
  originalOrderCode: "",
  paymentDate: "2025-06-14T07:44:31",
  userId: "e11a3d3e3230401ab3984c59949be6a9",
};

const EUR = {
  currency: "EUR",
  perUsd: "0.9259259259",
  rateDate: "2026-12-02",
  source: "European Central Bank reference rate",
};

describe("CJ's COGS data as costs", () => {
  it("reads the seed's sample: codes, the paid flag, decimal amounts and the payment time", () => {
    const record = readCogsEntry(SEED_ENTRY);
    expect(record).toMatchObject({
      cjOrderCode: "DP2506140734320969300",
      originalOrderCode: null,
      shipmentsOrderId: "CJ2506144290356158893",
      paid: true,
      postage: "0.74",
      totalAmount: "6.58",
      productAmount: "5.84",
      taxes: "0.00",
      disputeRefund: "0.00",
      countryCode: null,
    });
    expect(record.paymentDate?.toISOString()).toBe("2025-06-14T07:44:31.000Z");
    expect(JSON.parse(record.raw)).toEqual(SEED_ENTRY);
    expect(costBreakdown([record])).toEqual({
      product: "5.84",
      postage: "0.74",
      taxes: "0.00",
      fees: "0.00",
      makeup: "0.00",
      refunds: "0.00",
      total: "6.58",
    });
  });

  it("adds taxes, fees and makeup, takes dispute refunds off, and sums a split order's CJ orders without floats", () => {
    const a = readCogsEntry({
      orderCode: "P1",
      originalOrderCode: "DP1",
      cogsBasicDataOrderInfoJson: {
        f: 0.1,
        g: 0.3,
        h: 0.2,
        k: { iossTaxes: "1.10", vatRate: 20 },
        rr: "0.05",
        tt: 0.05,
        yy: { parcel: 1 },
        x: { D: { q: 0.1, p: 0.2 } },
      },
    });
    const b = readCogsEntry({
      orderCode: "P2",
      originalOrderCode: "DP1",
      cogsBasicDataOrderInfoJson: { g: 0.7, h: 0.7 },
    });
    expect(a).toMatchObject({ originalOrderCode: "DP1", taxes: "1.10", outStockFee: "0.05", resendFee: "1.00" });
    // 0.1 + 0.2 in floating point is 0.30000000000000004; here every sum is exact.
    expect(costBreakdown([a, b], ["2.35"])).toEqual({
      product: "0.90",
      postage: "0.10",
      taxes: "1.10",
      fees: "1.10",
      makeup: "2.35",
      refunds: "0.30",
      total: "5.25",
    });
  });

  it("refuses an amount that is not a number, naming where it is", () => {
    expect(() => readCogsEntry({ orderCode: "X", cogsBasicDataOrderInfoJson: { g: "12,50" } })).toThrow(
      'CJ\'s COGS data has a non-numeric amount at g: "12,50"',
    );
    expect(() => readCogsEntry({ orderCode: "X", cogsBasicDataOrderInfoJson: { x: { D1: { q: "n/a" } } } })).toThrow(
      "at x.D1.q",
    );
    expect(() => readCogsEntry({ cogsBasicDataOrderInfoJson: {} })).toThrow("without orderCode");
  });
});

describe("profit per order", () => {
  it("USD: what the customer paid after refunds, minus CJ's costs, with integer cents to sort by", () => {
    const profit = computeProfit({
      currency: "USD",
      currentTotalPrice: "39.90",
      totalPrice: "49.90",
      cjCostUsd: "12.34",
      rates: [],
    });
    expect(profit).toMatchObject({ revenue: "39.90", revenueUsd: "39.90", profitUsd: "27.56", profitCents: 2756 });
    expect(profit.note).toBe("Revenue in US dollars as Shopify gave it, after refunds (order total 49.90 USD).");
  });

  it("another currency is converted at the stated rate; a loss is negative", () => {
    const profit = computeProfit({
      currency: "eur",
      currentTotalPrice: null,
      totalPrice: "10.00",
      cjCostUsd: "12.00",
      rates: [EUR],
    });
    expect(profit).toMatchObject({ revenueUsd: "10.80", profitUsd: "-1.20", profitCents: -120 });
    expect(profit.note).toContain(
      "converted from EUR at 1 USD = 0.9259259259 EUR (European Central Bank reference rate, 2026-12-02)",
    );
  });

  it("without a rate, or before CJ's costs, no profit is made up, and the note says why", () => {
    const noRate = computeProfit({
      currency: "THB",
      currentTotalPrice: "500",
      totalPrice: "500",
      cjCostUsd: "3.00",
      rates: [EUR],
    });
    expect(noRate).toMatchObject({ revenueUsd: null, profitUsd: null, profitCents: null });
    expect(noRate.note).toContain("No usable US dollar rate for THB");
    const noCosts = computeProfit({
      currency: "USD",
      currentTotalPrice: "20.00",
      totalPrice: "20.00",
      cjCostUsd: null,
      rates: [],
    });
    expect(noCosts).toMatchObject({ revenueUsd: "20.00", profitUsd: null });
    expect(noCosts.note).toContain("CJ's costs are not known yet.");
  });
});

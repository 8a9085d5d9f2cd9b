import { describe, expect, it } from "vitest";
import { payIdOfPayUrl, planUpfrontPayment } from "../../../app/fulfillment/pay-upfront";

const BALANCE = { paymentMode: "BALANCE", autoPayPerOrderCap: "50", autoPayPerDayCap: "200" } as const;
const lines = [
  { quantity: 2, unitPrice: "10.00" },
  { quantity: 1, unitPrice: "5.50" },
];

describe("planUpfrontPayment", () => {
  it("pays by link in the create call when the shop pays by link", () => {
    const plan = planUpfrontPayment({ ...BALANCE, paymentMode: "LINK" }, { lines, postage: "4.50", paidToday: "0" });
    expect(plan).toMatchObject({ payType: 1, estimate: null });
  });

  it("pays from the balance in the create call when products plus postage, with the margin, are within the caps", () => {
    const plan = planUpfrontPayment(BALANCE, { lines, postage: "4.50", paidToday: "0" });
    expect(plan.payType).toBe(2);
    expect(plan.estimate).toBe("30.00");
    expect(plan.why).toContain("10 % margin");
  });

  it("creates only when the margin takes the estimate over the per-order cap (CJ's exact amount decides then)", () => {
    // 46.00 is under 50, 46.00 × 1.1 = 50.60 is not.
    const plan = planUpfrontPayment(BALANCE, {
      lines: [{ quantity: 1, unitPrice: "40.00" }],
      postage: "6.00",
      paidToday: "0",
    });
    expect(plan).toMatchObject({ payType: 3, estimate: "46.00" });
    expect(plan.why).toContain("over the per-order auto-pay cap of 50");
  });

  it("creates only when today's payments leave no room under the daily cap", () => {
    const plan = planUpfrontPayment(BALANCE, { lines, postage: "4.50", paidToday: "170.00" });
    expect(plan.payType).toBe(3);
    expect(plan.why).toContain("today's auto-pay cap of 200");
  });

  it("creates only when a price or the postage is not known up front", () => {
    expect(
      planUpfrontPayment(BALANCE, {
        lines: [...lines, { quantity: 1, unitPrice: null }],
        postage: "4.50",
        paidToday: "0",
      }),
    ).toMatchObject({ payType: 3, why: expect.stringContaining("price") });
    expect(planUpfrontPayment(BALANCE, { lines, postage: null, paidToday: "0" })).toMatchObject({
      payType: 3,
      why: expect.stringContaining("postage"),
    });
    expect(planUpfrontPayment(BALANCE, { lines: [], postage: "1.00", paidToday: "0" }).payType).toBe(3);
  });

  it("without caps, any known amount is paid in the call", () => {
    const plan = planUpfrontPayment(
      { paymentMode: "BALANCE", autoPayPerOrderCap: null, autoPayPerDayCap: null },
      { lines: [{ quantity: 100, unitPrice: "99.99" }], postage: "20", paidToday: "100000" },
    );
    expect(plan).toMatchObject({ payType: 2, estimate: "10019.00" });
  });
});

describe("payIdOfPayUrl", () => {
  it("reads the pid of CJ's payment page and nothing else", () => {
    expect(payIdOfPayUrl("https://www.cjdropshipping.com/mine/payment?pid=P123")).toBe("P123");
    expect(payIdOfPayUrl("https://www.cjdropshipping.com/mine/payment")).toBeNull();
    expect(payIdOfPayUrl("not a url")).toBeNull();
    expect(payIdOfPayUrl(null)).toBeNull();
  });
});

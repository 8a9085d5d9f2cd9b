import { describe, expect, it } from "vitest";
import { mergeErrorText, mergeSaving, overallPercent } from "../../../app/stock/merge-progress";

describe("CJ task progress as one percentage (seed 002 §5.2)", () => {
  const stepCount = [10, 20, 30, 10, 30];
  it("adds the weights of the steps done to the current step's part", () => {
    expect(overallPercent({ step: 1, stepCount, stepPercent: 0 })).toBe(0);
    expect(overallPercent({ step: 1, stepCount, stepPercent: 5000 })).toBe(5);
    // The seed's sample: step 2 at 5000 of 10000 → 10 + 20 × 0.5 = 20 of 100.
    expect(overallPercent({ step: 2, stepCount, stepPercent: 5000 })).toBe(20);
    expect(overallPercent({ step: 5, stepCount, stepPercent: 10000 })).toBe(100);
  });
  it("stays within 0–100 whatever CJ sends", () => {
    expect(overallPercent({ step: 9, stepCount, stepPercent: 20000 })).toBe(100);
    expect(overallPercent({ step: 0, stepCount, stepPercent: -5 })).toBe(0);
    expect(overallPercent({ step: 2, stepCount: [], stepPercent: 5000 })).toBe(0);
    expect(overallPercent({ step: null, stepCount: null, stepPercent: null })).toBe(0);
  });
});

describe("merge results in words", () => {
  it("names CJ's codes, and an unknown one by its number", () => {
    expect(mergeErrorText(11004)).toBe("the orders' addresses differ (CJ code 11004)");
    expect(mergeErrorText(12345)).toBe("CJ reported an error (CJ code 12345)");
    expect(mergeErrorText(null)).toBe("CJ gave no reason");
  });
  it("the saving is never negative, and unknown without both postages", () => {
    expect(mergeSaving("9.60", "5.70")).toBe("3.90");
    expect(mergeSaving("4.80", "5.70")).toBe("0.00");
    expect(mergeSaving(null, "5.70")).toBeNull();
  });
});

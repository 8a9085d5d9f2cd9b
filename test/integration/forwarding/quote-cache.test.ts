/**
 * Issue 15: freight quotes cost 10 points each, so an answer is kept per CJ account for 10 minutes in the database
 * (CjFreightQuote). Whoever asks next for the same origin, destination and variants — the merchant's freight quotes
 * tool, the order page, the forwarding job, in this process or another — gets it without a CJ call; an expired
 * answer is asked again. Over HTTP against the app, the CJ and Shopify emulators.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { routeData } from "../../support/route-data";
import { type Stack, startStack } from "../../support/stack";
import { AUTOMATIC_SETTINGS, orderRowWhen, sendPaidOrder, US_ADDRESS } from "../tracking/helpers";

let s: Stack;
beforeAll(async () => {
  s = await startStack({ settings: { ...AUTOMATIC_SETTINGS, logisticsRule: "CHEAPEST" } });
}, 120_000);
afterAll(async () => {
  await s?.stop();
});

const freightCalls = () => s.cj.requests({ path: "/logistic/freightCalculate" }).length;
const quoteTool = (countryCode: string, zip: string) =>
  routeData<{ ok: boolean; error?: string; options?: { logisticName: string }[] }>(
    s,
    "/app/quotes.data",
    "routes/app.quotes",
    { sku: "TSHIRT-WHITE-M", quantity: "1", countryCode, zip },
  );

describe("freight quotes kept per CJ account", () => {
  it("an order's freight quote is stored for its CJ account: one freightCalculate for the order", async () => {
    const before = freightCalls();
    const order = await sendPaidOrder(s, { lines: [{ sku: "TSHIRT-WHITE-M", quantity: 1 }] });
    await orderRowWhen(s, order, ["PAID"]);
    expect(freightCalls()).toBe(before + 1);
    const shop = await s.t.db.shop.findUniqueOrThrow({ where: { id: s.shopId } });
    const stored = await s.t.db.cjFreightQuote.findMany({ where: { accountId: shop.cjAccountId as string } });
    expect(stored).toHaveLength(1);
    expect(JSON.parse(stored[0]?.options ?? "[]").length).toBeGreaterThan(0);
  });

  it("the merchant's quote for the same destination and variant is that answer: no CJ call, however often", async () => {
    const before = freightCalls();
    const stored = await s.t.db.cjFreightQuote.findFirstOrThrow();
    for (let i = 0; i < 3; i++) {
      const answer = await quoteTool("US", US_ADDRESS.zip);
      expect(answer.ok, answer.error).toBe(true);
      expect(answer.options?.map((o) => o.logisticName)).toEqual(
        (JSON.parse(stored.options) as { logisticName: string }[]).map((o) => o.logisticName),
      );
    }
    expect(freightCalls()).toBe(before);
  });

  it("a different destination or quantity is a new question; an answer older than 10 minutes is asked again", async () => {
    const before = freightCalls();
    await quoteTool("US", "90210");
    expect(freightCalls()).toBe(before + 1);
    await s.t.db.cjFreightQuote.updateMany({ data: { fetchedAt: new Date(Date.now() - 11 * 60_000) } });
    const again = await quoteTool("US", US_ADDRESS.zip);
    expect(again.ok, again.error).toBe(true);
    expect(freightCalls()).toBe(before + 2);
    // The expired answers are gone; the fresh one is kept.
    const stored = await s.t.db.cjFreightQuote.findMany();
    expect(stored.every((q) => Date.now() - q.fetchedAt.getTime() < 10 * 60_000)).toBe(true);
  });
});

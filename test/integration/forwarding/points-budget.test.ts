/**
 * Issue 15: CJ's daily points, per account. What the app spends is counted (and agrees with what CJ counted), shown
 * on the home page, and the merchant's own quote lookups (the order page's options, the freight quotes tool) are
 * deferred with a message once the day's count reaches the quote share, while orders go on with the quotes they
 * need. Freight quotes cost 10 points each, so an answer is kept per CJ account for 10 minutes in the database
 * (CjFreightQuote): whoever asks next for the same origin, destination and variants — the freight quotes tool, the
 * order page, the forwarding job, in this process or another — gets it without a CJ call; an expired answer is asked
 * again. Over HTTP against the app, the CJ and Shopify emulators.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { usageOf } from "../../emulators/cj/quotas";
import type { Order as ShopifyOrder } from "../../emulators/shopify/model";
import { routeData } from "../../support/route-data";
import { eventually, type Stack, startStack } from "../../support/stack";
import { AUTOMATIC_SETTINGS, orderRowWhen, sendPaidOrder, US_ADDRESS } from "../tracking/helpers";

let s: Stack;
beforeAll(async () => {
  s = await startStack({ settings: { ...AUTOMATIC_SETTINGS, logisticsRule: "CHEAPEST" } });
}, 120_000);
afterAll(async () => {
  await s?.stop();
});

const today = () => new Date().toISOString().slice(0, 10);
const accountId = async () =>
  (await s.t.db.shop.findUniqueOrThrow({ where: { id: s.shopId }, select: { cjAccountId: true } }))
    .cjAccountId as string;
const counted = async () =>
  s.t.db.cjPointsDay.findUnique({ where: { accountId_day: { accountId: await accountId(), day: today() } } });
const cjCounted = () => usageOf(s.cj.state, "acct-1", Date.now()).pointsUsed;
const freightCalls = () => s.cj.requests({ path: "/logistic/freightCalculate" }).length;

const data = <T>(path: string, route: string, form?: Record<string, string>) => routeData<T>(s, path, route, form);
const quoteTool = (countryCode: string, zip: string) =>
  data<{ ok: boolean; error?: string; options?: unknown[] }>("/app/quotes.data", "routes/app.quotes", {
    sku: "TSHIRT-WHITE-M",
    quantity: "1",
    countryCode,
    zip,
  });

const until = (order: ShopifyOrder, states: string[]) => orderRowWhen(s, order, states);

// First, while the day's count is low: the last points test pauses quotes for the rest of the file.
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
      expect((answer.options as { logisticName: string }[] | undefined)?.map((o) => o.logisticName)).toEqual(
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

describe("CJ points per account and day", () => {
  it("what an order spends is counted, the same as CJ counts it", async () => {
    const quotesBefore = (await counted())?.quotePoints ?? 0;
    const order = await sendPaidOrder(s, { lines: [{ sku: "TSHIRT-WHITE-M" }] });
    await until(order, ["PAID"]);
    const row = await eventually(async () => {
      const r = await counted();
      return r && r.points === cjCounted() ? r : undefined;
    });
    expect(row.points).toBeGreaterThan(0);
    // The order's own lookups are not the merchant's.
    expect(row.quotePoints).toBe(quotesBefore);
    expect(row.calls * 10).toBe(row.points);
  });

  it("the merchant's quote lookups are counted as theirs", async () => {
    const before = (await counted())?.quotePoints ?? 0;
    const calls = freightCalls();
    const answer = await quoteTool("DE", "10115");
    expect(answer.ok, answer.error).toBe(true);
    expect(freightCalls()).toBe(calls + 1);
    const row = await eventually(async () => {
      const r = await counted();
      return r && r.quotePoints > before && r.points === cjCounted() ? r : undefined;
    });
    expect(row.quotePoints - before).toBe(10);
  });

  it("past the quote share, quotes are deferred with a message, the home page says so, and orders still go on", async () => {
    await s.t.db.cjPointsDay.update({
      where: { accountId_day: { accountId: await accountId(), day: today() } },
      data: { points: 30_000 },
    });
    // The freight quotes tool: nothing is asked of CJ, the merchant reads why and until when.
    const calls = freightCalls();
    const tool = await quoteTool("FR", "75001");
    expect(tool.ok).toBe(false);
    expect(tool.error).toMatch(
      /^Quotes are paused until 00:00 UTC: your CJ account has used 30,000 of its 50,000 daily points, and the rest is kept for your orders/,
    );
    expect(freightCalls()).toBe(calls);

    // The order page of an order not sent yet (held by the total cap): its options are deferred the same way.
    await s.t.db.shopSettings.update({ where: { shopId: s.shopId }, data: { orderTotalCap: "10" } });
    const held = s.addOrder({
      financialStatus: "PAID",
      shippingAddress: { ...US_ADDRESS, zip: "10001" },
      lines: [{ sku: "TSHIRT-WHITE-L", price: "40.00" }],
    });
    expect(await s.webhook("orders/paid", held)).toBe(200);
    const heldRow = await until(held, ["HELD"]);
    const page = await data<{ quotes: { options: unknown[]; errors: string[] } | null }>(
      `/app/orders/${heldRow.id}.data`,
      "routes/app.orders.$id",
    );
    expect(page.quotes?.options).toEqual([]);
    expect(page.quotes?.errors.join(" ")).toMatch(/Quotes are paused until 00:00 UTC/);
    expect(freightCalls()).toBe(calls);

    // An order to a destination never quoted: it gets its quote (points are kept for this) and is paid.
    await s.t.db.shopSettings.update({ where: { shopId: s.shopId }, data: { orderTotalCap: null } });
    const order = s.addOrder({
      financialStatus: "PAID",
      shippingAddress: {
        ...US_ADDRESS,
        zip: "94105",
        city: "San Francisco",
        province: "California",
        provinceCode: "CA",
      },
      lines: [{ sku: "TSHIRT-WHITE-M", quantity: 2 }],
    });
    expect(await s.webhook("orders/paid", order)).toBe(200);
    const paid = await until(order, ["PAID"]);
    expect(paid.cjOrderId).toBeTruthy();
    expect(freightCalls()).toBe(calls + 1);

    const home = await data<{ cj: { points: { used: number; budget: number; quotesPaused: boolean } | null } }>(
      "/app.data?index",
      "routes/app._index",
    );
    expect(home.cj.points).toMatchObject({ budget: 50_000, quotesPaused: true });
    expect(home.cj.points?.used).toBeGreaterThanOrEqual(30_010);
  });
});

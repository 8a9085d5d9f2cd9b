/**
 * Issue 15: CJ's daily points, per account. What the app spends is counted (and agrees with what CJ counted), shown
 * on the home page, and the merchant's own quote lookups (the order page's options, the freight quotes tool) are
 * deferred with a message once the day's count reaches the quote share, while orders go on with the quotes they
 * need. Over HTTP against the app, the CJ and Shopify emulators.
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

describe("CJ points per account and day", () => {
  it("what an order spends is counted, the same as CJ counts it", async () => {
    const order = await sendPaidOrder(s, { lines: [{ sku: "TSHIRT-WHITE-M" }] });
    await until(order, ["PAID"]);
    const row = await eventually(async () => {
      const r = await counted();
      return r && r.points === cjCounted() ? r : undefined;
    });
    expect(row.points).toBeGreaterThan(0);
    expect(row.quotePoints).toBe(0);
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

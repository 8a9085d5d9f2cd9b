import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { embeddedUrl, makeSessionToken } from "../../app/runtime/session-token";
import { pointCjPushesAtApp } from "../integration/tracking/helpers";
import { testApiKey, testAppSecret } from "../support/app-process";
import { eventually, STACK_SHOP, type Stack, startStack } from "../support/stack";
import { type Browser, expectAccessible, hydrated, openBrowser, recordFailedRequests } from "./browser";

const session = { shop: STACK_SHOP, apiKey: testApiKey, apiSecret: testAppSecret };

describe("money in Chromium: profit per order, the Money page, a makeup bill paid from the balance", () => {
  let s: Stack;
  let b: Browser;
  let page: Page;
  let failedRequests: string[] = [];
  const orders: { id: string; name: string; cjOrderId: string }[] = [];

  beforeAll(async () => {
    s = await startStack({
      settings: { paymentMode: "BALANCE", autoPayPerOrderCap: "500", sandbox: true },
      env: { CJ_COSTS_EVERY_SECONDS: "1", CJ_MAKEUP_EVERY_SECONDS: "1" },
    });
    pointCjPushesAtApp(s);
    await eventually(async () => (await s.t.db.currencyRate.count()) > 0);
    const inputs = [
      { lines: [{ sku: "TSHIRT-WHITE-M", quantity: 2, price: "19.90" }] },
      { lines: [{ sku: "TSHIRT-WHITE-L", quantity: 1, price: "21.00" }], currencyCode: "EUR" },
      // Sold below what CJ charges: a loss.
      { lines: [{ sku: "TSHIRT-WHITE-M", quantity: 1, price: "1.00" }] },
    ];
    for (const input of inputs) {
      const order = s.addOrder({ financialStatus: "PAID", ...input });
      expect(await s.webhook("orders/paid", order)).toBe(200);
      const row = await eventually(async () => {
        const o = await s.t.db.order.findFirst({ where: { shopifyOrderGid: order.id } });
        return o?.profitUsd ? o : undefined;
      }, 30_000).catch(async (e) => {
        throw new Error(`${(e as Error).message}\n${await s.describeOrder(order.id)}`);
      });
      orders.push({ id: row.id, name: row.shopifyOrderName, cjOrderId: row.cjOrderId as string });
    }
    s.cj.addMakeupBill({
      accountId: "acct-1",
      cjOrderCode: orders[0]?.cjOrderId ?? "",
      amount: "3.15",
      reason: "Postage difference",
    });
    await eventually(async () => (await s.t.db.cjMakeupBill.count()) === 1 || undefined, 30_000);
    b = await openBrowser(await makeSessionToken(session));
    page = b.page;
    failedRequests = recordFailedRequests(page, s.app.url);
  }, 180_000);

  afterAll(async () => {
    await b?.close();
    await s?.stop();
  });

  it("the order page breaks the profit down: what the customer paid, CJ's parts, the makeup bill, the profit", async () => {
    const first = orders[0] as (typeof orders)[number];
    const row = await s.t.db.order.findUniqueOrThrow({ where: { id: first.id } });
    await page.goto(await embeddedUrl(s.app.url, `/app/orders/${first.id}`, session));
    const card = page.getByRole("heading", { name: "Profit", exact: true }).locator("xpath=..");
    await card.waitFor();
    const text = await card.innerText();
    expect(text).toContain(`${row.currentTotalPrice} USD`);
    expect(text).toContain(`${row.cjCostUsd} USD`);
    expect(text).toContain(`${row.profitUsd} USD`);
    expect(text).toMatch(/Makeup bills\s+3\.15 USD/);
    await expectAccessible(page, "order-profit-breakdown");
  });

  it("the Money page: KPIs, both charts, the order that lost money, and a makeup bill paid after confirming the total", async () => {
    await page.goto(await embeddedUrl(s.app.url, "/app/money", session));
    await page.getByRole("heading", { name: "Unpaid makeup bills", exact: true }).waitFor();
    await page.locator("figure[data-chart='line'] svg").first().waitFor({ timeout: 20_000 });
    await page.locator("figure[data-chart='stacked-bars'] svg").first().waitFor({ timeout: 20_000 });
    const loss = orders[2] as (typeof orders)[number];
    await page.getByRole("link", { name: loss.name }).first().waitFor();
    expect(await page.getByText("Unpaid makeup bills (1)").count()).toBe(1);
    await expectAccessible(page, "money-page");

    const box = page.getByRole("checkbox", { name: /Select bill BK/ });
    await hydrated(box);
    await box.check({ force: true });
    await page.getByRole("button", { name: "Pay from the balance" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByText("Pay 3.15 USD of makeup bills from your CJ balance?").waitFor();
    expect(s.cj.requests({ path: "/shopping/makeup/createPayOrder" })).toHaveLength(0);
    await expectAccessible(page, "money-makeup-confirm");
    await dialog.getByRole("button", { name: "Pay 3.15 USD" }).click();
    await page.getByText("Paid 3.15 USD of makeup bills from the CJ balance.").first().waitFor();
    expect(s.cj.requests({ path: "/shopping/makeup/createPayOrder" })).toHaveLength(1);
    const bill = await s.t.db.cjMakeupBill.findFirstOrThrow();
    expect(bill).toMatchObject({ status: 4, paidFromBalance: true });
    await expectAccessible(page, "money-makeup-paid");
  });

  it("no request of the pages failed", () => {
    expect(failedRequests).toEqual([]);
  });
});

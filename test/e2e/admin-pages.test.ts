import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cjOrderNumberFor } from "../../app/fulfillment/mapping";
import { embeddedUrl, makeSessionToken } from "../../app/runtime/session-token";
import { testApiKey, testAppSecret } from "../support/app-process";
import { eventually, STACK_SHOP, type Stack, startStack } from "../support/stack";
import {
  type Browser,
  expectAccessible as expectPageAccessible,
  openBrowser,
  recordFailedRequests,
  screenshot,
  seriousA11yViolations,
  toasts,
} from "./browser";
import { type Seeded, seedOrders } from "./seed";

const session = { shop: STACK_SHOP, apiKey: testApiKey, apiSecret: testAppSecret };

describe("the merchant's admin pages in Chromium", () => {
  let s: Stack;
  let b: Browser;
  let page: Page;
  let seeded: Seeded;
  const real: { id: string; name: string }[] = [];
  let failedRequests: string[] = [];

  beforeAll(async () => {
    s = await startStack({ settings: { forwardingTrigger: "ON_PAYMENT", paymentMode: "LINK" } });
    // Two real orders through the emulators: Shopify webhook → forwarded to CJ → waiting for payment (pay link).
    for (const sku of ["TSHIRT-WHITE-M", "TSHIRT-WHITE-L"]) {
      const order = s.addOrder({
        financialStatus: "PAID",
        shippingAddress: {
          name: "Ada Lovelace",
          address1: "12 Analytical Row",
          city: "Springfield",
          province: "Illinois",
          provinceCode: "IL",
          country: "United States",
          countryCodeV2: "US",
          zip: "62701",
          phone: "+1 217 555 0100",
        },
        lines: [{ sku, quantity: 1, price: "19.90" }],
      });
      expect(await s.webhook("orders/paid", order)).toBe(200);
      await eventually(async () => s.cj.order(cjOrderNumberFor(STACK_SHOP, order.id)) !== undefined, 30_000);
      const row = await eventually(async () => {
        const o = await s.t.db.order.findFirst({ where: { shopifyOrderGid: order.id } });
        return o?.state === "AWAITING_PAYMENT" ? o : undefined;
      }, 30_000).catch(async (e) => {
        throw new Error(`${(e as Error).message}\n${await s.describeOrder(order.id)}`);
      });
      real.push({ id: row.id, name: row.shopifyOrderName });
    }
    seeded = await seedOrders(s.t.db, s.shopId);
    b = await openBrowser(await makeSessionToken(session));
    page = b.page;
    failedRequests = recordFailedRequests(page, s.app.url);
  });

  afterAll(async () => {
    await b?.close();
    await s?.stop();
  });

  const expectAccessible = (name: string) => expectPageAccessible(page, name);

  /** Every URL the app navigated to kept the session params, so its data requests were authenticated. */
  function expectSessionParams() {
    const url = new URL(page.url());
    for (const key of ["embedded", "shop", "host", "id_token"]) expect(url.searchParams.get(key), key).toBeTruthy();
  }

  const rowNames = () => page.locator(".Polaris-IndexTable__TableRow a[data-primary-link]").allInnerTexts();

  it("home: connection with CJ QPS, the balance, KPIs, both charts and the checklist", async () => {
    await page.goto(await embeddedUrl(s.app.url, "/app", session));
    await page.getByText("Connected (QPS 6)").waitFor();
    await page.getByText("1000.00 USD").waitFor();
    const kpi = async (label: string) =>
      page.getByRole("heading", { name: label, exact: true }).locator("xpath=..").innerText();
    expect(await kpi("Needs attention")).toContain("2"); // NEEDS_ATTENTION + FAILED
    expect(await kpi("Awaiting payment")).toContain("3"); // two real + one seeded
    expect(await kpi("Delivered")).toContain(String(1 + seeded.fillers));
    // Polaris Viz draws client-side: both charts end up as SVG.
    await page.locator("figure[data-chart='stacked-bars'] svg").first().waitFor({ timeout: 20_000 });
    await page.locator("figure[data-chart='line'] svg").first().waitFor({ timeout: 20_000 });
    expect(await page.getByText("Get started").count()).toBe(1);
    await expectAccessible("home");
  });

  it("orders: tabs, search, date filter and keyset pagination, navigating inside the app", async () => {
    await page.getByRole("link", { name: "View orders" }).click();
    await page.waitForURL(/\/app\/orders/);
    await page.locator(".Polaris-IndexTable").waitFor();
    expectSessionParams();
    expect(await rowNames()).toHaveLength(50);

    await page.getByRole("tab", { name: "Held" }).click();
    await page.waitForURL(/tab=held/);
    await page.waitForFunction(() => document.querySelectorAll(".Polaris-IndexTable__TableRow").length === 6);
    const heldBadges = await page.locator(".Polaris-IndexTable__TableRow .Polaris-Badge").allInnerTexts();
    expect(heldBadges.every((text) => text.includes("Held"))).toBe(true);
    expectSessionParams();

    await page.getByRole("tab", { name: "All" }).click();
    await page.waitForURL((u) => !u.searchParams.has("tab"));
    await page.getByPlaceholder(/Search by order/).fill("Quote Customer");
    await page.waitForURL(/q=Quote/);
    await page.waitForFunction(() => document.querySelectorAll(".Polaris-IndexTable__TableRow").length === 1);
    expect(await rowNames()).toEqual([seeded.quotable.name]);

    await page.getByPlaceholder(/Search by order/).fill(seeded.byState.DELIVERED?.name.slice(1) ?? "");
    await page.waitForURL(/q=\d+/);
    // The previous search's single row may still be shown while the new one loads: wait for the expected row.
    await page.waitForFunction((name) => {
      const rows = document.querySelectorAll(".Polaris-IndexTable__TableRow a[data-primary-link]");
      return rows.length === 1 && rows[0]?.textContent === name;
    }, seeded.byState.DELIVERED?.name);
    expect(await rowNames()).toEqual([seeded.byState.DELIVERED?.name]);
    await page.getByRole("button", { name: "Clear" }).first().click();
    await page.waitForURL((u) => !u.searchParams.has("q"));

    // Date filter: only the 60 filler orders are older than 10 days.
    const old = new Date(Date.now() - 10 * 86_400_000).toISOString().slice(0, 10);
    await page.goto(
      `${page.url().split("?")[0]}?${new URLSearchParams({ ...Object.fromEntries(new URL(page.url()).searchParams), to: old })}`,
    );
    await page.locator(".Polaris-IndexTable").waitFor();
    expect(await rowNames()).toHaveLength(50);
    expect((await rowNames()).every((n) => Number(n.slice(1)) >= 5000)).toBe(true);
    await page.getByRole("button", { name: "Next" }).click();
    await page.waitForURL(/after=/);
    await page.waitForFunction(() => document.querySelectorAll(".Polaris-IndexTable__TableRow").length === 10);
    const second = await rowNames();
    expect(second).toHaveLength(10);
    expect(second.at(-1)).toBe("#5059"); // oldest filler last
    await page.getByRole("button", { name: "Previous" }).click();
    await page.waitForURL(/before=/);
    await page.waitForFunction(() => document.querySelectorAll(".Polaris-IndexTable__TableRow").length === 50);
    expect((await rowNames())[0]).toBe("#5000");
    expectSessionParams();
    await expectAccessible("orders");
  });

  it("order page: a held order's quotes from CJ, choosing another method before forwarding", async () => {
    await page.goto(await embeddedUrl(s.app.url, "/app/orders", session));
    await page.getByPlaceholder(/Search by order/).fill("Quote Customer");
    await page.waitForFunction(() => document.querySelectorAll(".Polaris-IndexTable__TableRow").length === 1);
    await page.getByRole("link", { name: seeded.quotable.name }).click();
    await page.waitForURL(new RegExp(`/app/orders/${seeded.quotable.id}`));
    expectSessionParams();
    await page.getByText("Over your order total cap.").first().waitFor();
    const useButtons = page.getByRole("button", { name: /^Use this method: / });
    await useButtons.first().waitFor();
    const count = await useButtons.count();
    expect(count).toBeGreaterThan(1);
    const label = (await useButtons.nth(1).getAttribute("aria-label")) ?? "";
    const method = label.replace("Use this method: ", "");
    await useButtons.nth(1).click();
    // The same method can come from several freight endpoints: every row of it is marked.
    const chosenRow = page.locator("tr", { has: page.getByText("Chosen", { exact: true }) }).first();
    await chosenRow.waitFor();
    expect(await chosenRow.locator("td, th").first().innerText()).toBe(method);
    expect((await toasts(page)).map((t) => t.message)).toContain(`${method} will be used for ${seeded.quotable.name}.`);
    const row = await s.t.db.order.findUniqueOrThrow({ where: { id: seeded.quotable.id } });
    expect(row.chosenLogisticName).toBe(method);
    await expectAccessible("order-held-quotes");
  });

  it("order page: an error state says what to do, and the timeline shows CJ request ids", async () => {
    const attention = seeded.byState.NEEDS_ATTENTION as { id: string };
    await page.goto(await embeddedUrl(s.app.url, `/app/orders/${attention.id}`, session));
    await page.getByText(/CJ cannot take this order yet: Seeded NEEDS_ATTENTION reason\./).waitFor();
    expect(await page.getByRole("button", { name: "Retry" }).count()).toBeGreaterThan(0);
    await page.getByText("CJ request id req-seed-attention-1").waitFor();
    await expectAccessible("order-needs-attention");
    // A customs value the checkout did not collect is entered here; it is kept encrypted and the order retried.
    const save = page.getByRole("button", { name: "Save and retry" });
    expect(await save.isDisabled()).toBe(true);
    await page.getByLabel("Tax / customs ID").fill("123.456.789-09");
    await save.click();
    await eventually(async () => (await toasts(page)).some((t) => t.message.startsWith("Saved.")) || undefined);
    const stored = await s.t.db.order.findUniqueOrThrow({ where: { id: attention.id } });
    expect(stored.customsOverrideEnc).toBeTruthy();
    expect(stored.customsOverrideEnc).not.toContain("123.456.789-09");
    expect(await s.t.db.orderEvent.count({ where: { orderId: attention.id, type: "customs_entered" } })).toBe(1);
  });

  it("order page: what was sent to CJ, then pay with balance after confirming in the modal", async () => {
    const order = real[0] as { id: string; name: string };
    await page.goto(await embeddedUrl(s.app.url, `/app/orders/${order.id}`, session));
    await page.getByText("createOrderV2 request").waitFor();
    await page.getByText("CJ's answer").waitFor();
    const payLink = page.getByRole("link", { name: "Open CJ pay page" }).first();
    expect(await payLink.getAttribute("target")).toBe("_blank");
    const row = await s.t.db.order.findUniqueOrThrow({ where: { id: order.id } });
    await screenshot(page, "order-awaiting-payment");

    await page.getByRole("button", { name: "Pay with balance" }).first().click();
    const dialog = page.getByRole("dialog");
    await dialog.getByText(`Pay ${row.orderAmount} USD from your CJ balance?`).waitFor();
    await screenshot(page, "order-pay-modal");
    expect(await seriousA11yViolations(page)).toEqual([]);
    await dialog.getByRole("button", { name: `Pay ${row.orderAmount} USD` }).click();
    await page
      .getByText("Paid: CJ is preparing the parcel.")
      .waitFor({ timeout: 30_000 })
      .catch(async (e) => {
        throw new Error(
          `${(e as Error).message}\ntoasts: ${JSON.stringify(await toasts(page))}\n${await s.describeOrder(row.shopifyOrderGid)}`,
        );
      });
    expect((await toasts(page)).map((t) => t.message)).toContain(`${order.name} paid from the CJ balance.`);
    // The payment reached CJ (sandbox mode: the emulator records it without moving the balance).
    const payments = s.cj.requests().filter((r) => r.path.includes("/shopping/pay/payBalance"));
    expect(payments.length).toBeGreaterThan(0);
    await expectAccessible("order-paid");
  });

  it("settings: an invalid value is shown inline, a valid one is saved", async () => {
    await page.goto(await embeddedUrl(s.app.url, "/app", session));
    await page.getByRole("link", { name: "Settings" }).first().click();
    await page.waitForURL(/\/app\/settings/);
    expectSessionParams();
    await screenshot(page, "settings-start");
    await page.getByText(/Current key: •+/).waitFor();
    const days = page.getByLabel("Maximum delivery days");
    await days.fill("0");
    await page.getByRole("button", { name: "Save" }).last().click();
    await page.getByText("At least 1 day").waitFor();
    await page.getByText("Some settings need a fix").first().waitFor();
    await screenshot(page, "settings-invalid");
    expect((await s.t.db.shopSettings.findUniqueOrThrow({ where: { shopId: s.shopId } })).logisticsMaxDays).toBe(15);

    await days.fill("20");
    await page.getByLabel("Store name in CJ").fill("Stack Store");
    await page.getByRole("button", { name: "Save" }).last().click();
    await page.getByText("Settings saved").first().waitFor();
    expect(await page.getByText("At least 1 day").count()).toBe(0);
    const saved = await s.t.db.shopSettings.findUniqueOrThrow({ where: { shopId: s.shopId } });
    expect(saved.logisticsMaxDays).toBe(20);
    expect(saved.storeName).toBe("Stack Store");
    expect((await toasts(page)).map((t) => t.message)).toContain("Settings saved");
    await expectAccessible("settings");
  });

  it("freight quotes tool: every CJ option for store SKUs to a destination, compared", async () => {
    await page.goto(await embeddedUrl(s.app.url, "/app/quotes", session));
    await page.getByLabel("Store SKU 1").fill("TSHIRT-WHITE-M");
    await page.getByLabel("Quantity 1").fill("2");
    await page.getByLabel(/Destination country/).fill("US");
    await page.getByRole("button", { name: "Get quotes" }).click();
    await page.getByText("CJ options").waitFor();
    await page.getByText("Cheapest", { exact: true }).waitFor();
    expect(await page.locator("table tbody tr").count()).toBeGreaterThan(1);
    await expectAccessible("quotes");
  });

  it("bulk action: approve held orders with a progress bar, then a toast", async () => {
    await page.goto(await embeddedUrl(s.app.url, "/app/orders", session));
    await page.getByPlaceholder(/Search by order/).fill("Bulk Buyer");
    await page.waitForFunction(() => document.querySelectorAll(".Polaris-IndexTable__TableRow").length === 4);
    // Record every text the progress line shows while the run goes.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { __bulk: string[] }).__bulk = seen;
      new MutationObserver(() => {
        const text = document.getElementById("bulk-status")?.textContent;
        if (text && seen.at(-1) !== text) seen.push(text);
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    const rows = page.locator(".Polaris-IndexTable__TableRow");
    for (let i = 0; i < 4; i++) await rows.nth(i).locator("input[type=checkbox]").check({ force: true });
    await page.getByRole("button", { name: "Approve held" }).click();
    await page.getByText("Approve held: 4 done, 0 failed").first().waitFor({ timeout: 30_000 });
    const progress = await page.evaluate(() => (window as unknown as { __bulk: string[] }).__bulk);
    expect(progress).toContain("Approve held: 1 of 4");
    expect(progress).toContain("Approve held: 3 of 4");
    expect(await page.locator("progress").first().getAttribute("value")).toBe("100");
    expect((await toasts(page)).map((t) => t.message)).toContain("Approve held: 4 done, 0 failed");
    const approved = await s.t.db.order.count({
      where: { id: { in: seeded.bulk.map((o) => o.id) }, approvedAt: { not: null } },
    });
    expect(approved).toBe(4);
    await expectAccessible("orders-bulk");
  });

  it("bulk 'Pay with balance': the total is shown in a dialog first, and only the confirmation pays", async () => {
    const order = real[1] as { id: string; name: string };
    const row = await s.t.db.order.findUniqueOrThrow({ where: { id: order.id } });
    const paymentsBefore = s.cj.requests().filter((r) => r.path.includes("/shopping/pay/payBalance")).length;
    await page.goto(await embeddedUrl(s.app.url, "/app/orders", session));
    await page.getByPlaceholder(/Search by order/).fill(order.name.slice(1));
    await page.waitForFunction(() => document.querySelectorAll(".Polaris-IndexTable__TableRow").length === 1);
    await page.locator(".Polaris-IndexTable__TableRow").first().locator("input[type=checkbox]").check({ force: true });
    await page.getByRole("button", { name: "Pay with balance" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByText(`Pay 1 order(s) from the CJ balance: ${row.orderAmount} USD`).waitFor();
    await dialog.getByText(`${order.name}: ${row.orderAmount} USD`).waitFor();
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, "orders-bulk-pay-dialog");
    // Nothing is spent while the dialog is open.
    expect(s.cj.requests().filter((r) => r.path.includes("/shopping/pay/payBalance")).length).toBe(paymentsBefore);
    await dialog.getByRole("button", { name: `Pay ${row.orderAmount} USD` }).click();
    await page.getByText("Pay with balance: 1 done, 0 failed").first().waitFor({ timeout: 30_000 });
    expect((await s.t.db.order.findUniqueOrThrow({ where: { id: order.id } })).state).toBe("PAID");
    expect(s.cj.requests().filter((r) => r.path.includes("/shopping/pay/payBalance")).length).toBe(paymentsBefore + 1);
  });

  it("an order of another shop is not found, and nothing of it is shown", async () => {
    const other = await s.t.db.shop.create({ data: { domain: "other-store.myshopify.com" } });
    const foreign = await s.t.db.order.create({
      data: {
        shopId: other.id,
        shopifyOrderGid: "gid://shopify/Order/1",
        shopifyOrderName: "#FOREIGN",
        customerName: "Secret Person",
      },
    });
    const response = await page.goto(await embeddedUrl(s.app.url, `/app/orders/${foreign.id}`, session));
    expect(response?.status()).toBe(404);
    await page.getByText("This order does not exist in your store.").waitFor();
    expect(await page.content()).not.toContain("Secret Person");
  });

  it("no page request failed along the way except the deliberate 404", () => {
    expect(failedRequests.filter((r) => !r.includes("/app/orders/") || !r.startsWith("404"))).toEqual([]);
  });
});

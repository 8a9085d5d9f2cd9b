/**
 * Issue 14 in Chromium: a fresh install walked through the home page's onboarding card to its first live order, the
 * Products page (tabs, search, connect by vid with CJ's variant shown first, suggestions and "Connect all
 * suggestions", disconnect), an order blocked by an unconnected variant that goes on once the merchant connects it
 * from the order page's link, and a variant marked "not fulfilled by CJ". Real app process, CJ and Shopify emulators;
 * assertions on what the page shows, what the emulators received and the database. Screenshots in test/e2e/screenshots.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cjOrderNumberFor } from "../../app/fulfillment/mapping";
import { embeddedUrl, makeSessionToken } from "../../app/runtime/session-token";
import { catalogueLine } from "../emulators/shopify/catalogue";
import type { CatalogueProduct, Order as ShopifyOrder } from "../emulators/shopify/model";
import { AUTOMATIC_SETTINGS, orderRowWhen, pointCjPushesAtApp, sendPaidOrder } from "../integration/tracking/helpers";
import { testApiKey, testAppSecret } from "../support/app-process";
import { CONNECTED, eventually, STACK_CJ_KEY, STACK_SHOP, type Stack, startStack } from "../support/stack";
import { addStoreCatalogue, CJ_CASE, CJ_MAT, variantOf } from "../support/store-catalogue";
import {
  type Browser,
  expectAccessible as expectPageAccessible,
  hydrated,
  openBrowser,
  recordFailedRequests,
} from "./browser";

const session = { shop: STACK_SHOP, apiKey: testApiKey, apiSecret: testAppSecret };
const legacy = (gid: string) => gid.slice(gid.lastIndexOf("/") + 1);
/** What the page shows changes after a revalidation: give it the time a busy machine needs. */
const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 15_000, interval: 200 });

describe("onboarding and products in Chromium", () => {
  let s: Stack;
  let b: Browser;
  let page: Page;
  let shirt: CatalogueProduct;
  let mat: CatalogueProduct;
  let phoneCase: CatalogueProduct;
  let mug: CatalogueProduct;
  let failedRequests: string[] = [];

  beforeAll(async () => {
    // A fresh install: not live, sandbox off (the defaults).
    s = await startStack({ settings: { ...AUTOMATIC_SETTINGS, liveAt: null, sandbox: false } });
    // ...and no CJ account yet: the merchant enters the key on the home page.
    await s.t.db.cjAccount.deleteMany({});
    ({ shirt, mat, phoneCase, mug } = addStoreCatalogue(s));
    b = await openBrowser(await makeSessionToken(session));
    page = b.page;
    failedRequests = recordFailedRequests(page, s.app.url);
  });

  afterAll(async () => {
    await b?.close();
    await s?.stop();
  });

  const expectAccessible = (name: string) => expectPageAccessible(page, name);

  const until = (order: ShopifyOrder, check: Parameters<typeof orderRowWhen>[2]) => orderRowWhen(s, order, check);
  const createOf = (order: ShopifyOrder) =>
    s.cj.requests({ path: "/shopping/order/createOrderV2" }).find((r) => {
      const number = (r.body as { orderNumber?: string }).orderNumber ?? "";
      const own = cjOrderNumberFor(STACK_SHOP, order.id);
      return number === own || number.startsWith(`${own}-R`);
    });
  const step = (key: string) => page.locator(`#onboarding-${key}`);
  const banner = () => page.locator(".Polaris-Banner").first();
  const productRow = (name: string) =>
    page.locator(".Polaris-IndexTable__TableRow").filter({ has: page.getByText(name, { exact: true }) });
  const productsMessage = () => page.locator("#products-message");

  it("onboarding: from a fresh install (key, CJ store, products, sandbox test order) to the first live order", async () => {
    // A customer pays before the merchant has set anything up: the order waits, CJ receives nothing.
    const waiting = await sendPaidOrder(s, { lines: [catalogueLine(shirt, variantOf(shirt, 0))] });
    const held = await until(waiting, (row) => row.state === "HELD");
    expect(JSON.parse(held.holdCodes ?? "[]")).toContain("SETUP");

    await page.goto(await embeddedUrl(s.app.url, "/app", session));
    await hydrated(step("cjKey").getByLabel("CJ API key"));
    await poll(() => step("cjKey").innerText()).toContain("Add the API key from CJ");
    await poll(() => page.getByRole("button", { name: "Go live" }).isDisabled()).toBe(true);
    await expectAccessible("onboarding-fresh-install");

    // 1. The key: CJ is asked, the step turns done.
    await step("cjKey").getByLabel("CJ API key").fill(STACK_CJ_KEY);
    await step("cjKey").getByRole("button", { name: "Verify key" }).click();
    await banner().getByText("CJ accepted the key").waitFor();
    expect(s.cj.requests({ path: "/authentication/getAccessToken" }).length).toBeGreaterThan(0);
    expect(await s.t.db.shop.findUniqueOrThrow({ where: { id: s.shopId } })).toMatchObject({
      cjAccountId: expect.any(String),
    });
    await poll(() => step("cjKey").innerText()).toContain("Done");
    // CJ registers webhooks only for an HTTPS app URL, which a loopback test has not: CJ's pushes are pointed at the
    // app as the webhook step does on a real tunnel (its own test: test/integration/onboarding).
    pointCjPushesAtApp(s);

    // 2. The store, chosen from CJ's stores (getShops).
    const storeSelect = step("storeName").getByLabel("CJ store");
    await storeSelect.waitFor();
    expect(await storeSelect.locator("option").allInnerTexts()).toContain("acct-1-store");
    await storeSelect.selectOption("acct-1-store");
    await step("storeName").getByRole("button", { name: "Use this store" }).click();
    await banner().getByText("Store saved.").waitFor();
    expect((await s.t.db.shopSettings.findUniqueOrThrow({ where: { shopId: s.shopId } })).storeName).toBe(
      "acct-1-store",
    );
    await poll(() => page.getByRole("button", { name: "Go live" }).isDisabled()).toBe(false);

    // 3. Products: CJ already knows the T-shirt's connections; the Products page reads them.
    await step("products").getByRole("link", { name: "Open Products" }).click();
    await page.waitForURL(/\/app\/products/);
    const refresh = page.getByRole("button", { name: "Refresh connections" });
    await hydrated(refresh);
    await refresh.click();
    await productsMessage()
      .getByText(/Read 2 connections from CJ: 2 are variants of this store\./)
      .waitFor();
    await productRow("White / M").getByText("CJ SKU", { exact: false }).first().waitFor();
    await page.getByRole("link", { name: "Home" }).first().click();
    await page.waitForURL((u) => u.pathname === "/app");

    // 4. The sandbox test order: created, paid and shipped in CJ's sandbox, followed on the card.
    const testVariant = step("testOrder").getByLabel("Connected variant");
    await testVariant.waitFor();
    expect((await testVariant.locator("option").allInnerTexts()).some((o) => o.startsWith("TSHIRT-WHITE"))).toBe(true);
    await step("testOrder").getByRole("button", { name: "Send test order" }).click();
    await banner().getByText("Test order sent to CJ's sandbox.").waitFor();
    const test = await eventually(async () => {
      const row = await s.t.db.cjTestOrder.findFirst({ where: { shopId: s.shopId } });
      return row && ["SHIPPED", "FAILED"].includes(row.status) ? row : undefined;
    }, 60_000);
    expect(test.status, test.steps).toBe("SHIPPED");
    await poll(() => step("testOrder").innerText()).toContain("Done");
    const sandboxCreate = s.cj
      .requests({ path: "/shopping/order/createOrderV2" })
      .find((r) => test.cjOrderNumber === (r.body as { orderNumber?: string }).orderNumber);
    expect(sandboxCreate, "the test order's create").toBeDefined();
    expect(createOf(waiting), "the customer's order is not sent before going live").toBeUndefined();
    await expectAccessible("onboarding-ready");

    // 5. Go live: the waiting order is forwarded to CJ, the first live order.
    await page.getByRole("button", { name: "Go live" }).click();
    await banner().getByText("You are live. 1 waiting order(s) are being forwarded to CJ.").waitFor();
    const live = await until(waiting, (row) => Boolean(row.cjOrderId));
    expect(JSON.parse(live.holdCodes ?? "[]")).not.toContain("SETUP");
    const create = createOf(waiting);
    expect((create?.body as { products?: unknown[] } | undefined)?.products).toEqual([
      expect.objectContaining({ vid: CONNECTED["TSHIRT-WHITE-M"].vid, quantity: 1 }),
    ]);
    expect((await s.t.db.shopSettings.findUniqueOrThrow({ where: { shopId: s.shopId } })).liveAt).not.toBeNull();
    await poll(() => step("live").innerText()).toContain("Done");
    await expectAccessible("onboarding-live");
  });

  it("products: tabs, search, a suggestion connected by 'Connect all suggestions', connect by vid and disconnect", async () => {
    await page.goto(await embeddedUrl(s.app.url, "/app/products", session));
    await productRow("Yoga Mat").waitFor();
    await hydrated(page.getByRole("tab", { name: "Not connected", exact: true }));
    await expectAccessible("products-all");

    // Tabs and search.
    await page.getByRole("tab", { name: "Not connected", exact: true }).click();
    await page.waitForURL(/tab=unconnected/);
    await poll(async () => (await page.locator(".Polaris-IndexTable__TableRow").allInnerTexts()).length).toBe(3);
    for (const name of ["Yoga Mat", "Phone Case", "Enamel Mug"]) await productRow(name).waitFor();
    await page.getByRole("tab", { name: "Connected", exact: true }).click();
    await page.waitForURL(/tab=connected/);
    await poll(async () => page.locator(".Polaris-IndexTable__TableRow").count()).toBe(2);
    await page.getByRole("tab", { name: "All", exact: true }).click();
    await page.waitForURL((u) => !u.searchParams.has("tab"));
    await page.getByLabel("Search variants").fill("Phone");
    await page.waitForURL(/q=Phone/);
    await poll(async () => page.locator(".Polaris-IndexTable__TableRow").count()).toBe(1);
    // The store SKU is a CJ SKU: the row suggests CJ's variant.
    await productRow("Phone Case")
      .getByText(/^Suggested: /)
      .waitFor({ timeout: 20_000 });
    await expectAccessible("products-suggestion");
    await page.getByLabel("Search variants").fill("");
    await page.waitForURL((u) => !u.searchParams.has("q"));

    // Connect all suggestions: a job, followed with a progress bar until it is done.
    const posts = s.cj.requests({ path: "/product/conn/connection", method: "POST" }).length;
    await page.getByRole("button", { name: "Connect all suggestions" }).click();
    await page
      .locator("#batch-status")
      .getByText(/Connect all suggestions: 1 connected, \d+ failed/)
      .waitFor({
        timeout: 30_000,
      });
    const created = s.cj.requests({ path: "/product/conn/connection", method: "POST" }).slice(posts);
    expect(created.flatMap((r) => (r.body as { variantList: { platformVariantId: string }[] }).variantList)).toEqual([
      expect.objectContaining({ platformVariantId: legacy(variantOf(phoneCase).id), sku: CJ_CASE.sku }),
    ]);
    await productRow("Phone Case").getByText(`CJ SKU ${CJ_CASE.sku}`).waitFor();
    await expectAccessible("products-connect-all");

    // Disconnect: CJ is told (DELETE), the row is not connected any more.
    const deletes = s.cj.requests({ path: "/product/conn/connection", method: "DELETE" }).length;
    await page.getByRole("button", { name: "Disconnect Phone Case" }).click();
    await productsMessage().getByText("Phone Case is no longer connected to CJ.").waitFor();
    expect(s.cj.requests({ path: "/product/conn/connection", method: "DELETE" }).length).toBe(deletes + 1);
    const link = await s.t.db.variantLink.findUnique({
      where: { shopId_shopifyVariantGid: { shopId: s.shopId, shopifyVariantGid: variantOf(phoneCase).id } },
    });
    expect(link?.cjVariantId ?? null).toBeNull();
    await productRow("Phone Case").getByRole("button", { name: "Connect Phone Case" }).waitFor();
  });

  it("a blocked order links to its variant, and goes on once the merchant connects it by vid", async () => {
    const order = await sendPaidOrder(s, { lines: [catalogueLine(mat, variantOf(mat))] });
    // A live orderFlow=2 order with a SKU CJ cannot match: CJ keeps it incomplete, the app marks the line.
    const line = await eventually(async () => {
      const row = await s.t.db.orderLine.findFirst({
        where: { shopifyVariantGid: variantOf(mat).id, unconnected: true },
      });
      return row ?? undefined;
    }, 30_000).catch(async (e) => {
      throw new Error(`${(e as Error).message}\n${await s.describeOrder(order.id)}`);
    });
    const sent = createOf(order)?.body as { products?: { sku?: string; vid?: string }[] } | undefined;
    expect(sent?.products).toEqual([expect.objectContaining({ sku: "MAT-PURPLE" })]);

    await page.goto(await embeddedUrl(s.app.url, `/app/orders/${line.orderId}`, session));
    const connectLink = page.getByRole("link", { name: "Not connected: connect it on the Products page" });
    await hydrated(connectLink);
    await expectAccessible("blocked-order");
    await connectLink.click();
    await page.waitForURL(/\/app\/products\?.*variant=/);
    await page.getByText("Showing one variant: Yoga Mat").waitFor();
    await productRow("Yoga Mat").getByText("1 orders").waitFor();

    // The dialog: look CJ's variant up by vid, see it, then save.
    await page.getByRole("button", { name: "Connect Yoga Mat" }).click();
    const dialog = page.getByRole("dialog", { name: "Connect Yoga Mat to CJ" });
    await dialog.waitFor();
    await dialog.getByText("CJ vid", { exact: true }).click();
    await dialog.getByRole("textbox", { name: "CJ SKU or vid" }).fill(CJ_MAT.vid);
    await poll(() => dialog.getByRole("button", { name: "Save connection" }).isDisabled()).toBe(true);
    await dialog.getByRole("button", { name: "Look up" }).click();
    await dialog.locator("#cj-preview-name").waitFor();
    await dialog.getByText(`CJ SKU: ${CJ_MAT.sku}`).waitFor();
    await expectAccessible("products-connect-dialog");
    const posts = s.cj.requests({ path: "/product/conn/connection", method: "POST" }).length;
    await dialog.getByRole("button", { name: "Save connection" }).click();
    await productsMessage().getByText(`Yoga Mat is connected to CJ variant ${CJ_MAT.sku}`).waitFor();
    await dialog.waitFor({ state: "detached" });
    const connection = s.cj.requests({ path: "/product/conn/connection", method: "POST" })[posts];
    expect((connection?.body as { variantList?: unknown[] } | undefined)?.variantList).toEqual([
      expect.objectContaining({ cjVariantId: CJ_MAT.vid, platformVariantId: legacy(variantOf(mat).id) }),
    ]);

    // CJ completes its waiting order with that variant and says so (ORDER_CONNNECTED): the order goes on by itself.
    const done = await eventually(async () => {
      const o = await s.t.db.order.findUnique({ where: { id: line.orderId }, include: { lines: true } });
      return o?.cjOrderId && o.lines.every((l) => !l.unconnected) ? o : undefined;
    }, 30_000).catch(async (e) => {
      throw new Error(`${(e as Error).message}\n${await s.describeOrder(order.id)}`);
    });
    const atCj = s.cj.order(done.cjOrderNumber ?? "");
    expect(atCj?.lines.map((l) => l.vid)).toEqual([CJ_MAT.vid]);
    expect(atCj?.orderId).toBe(done.cjOrderId);
    await page.goto(await embeddedUrl(s.app.url, `/app/orders/${line.orderId}`, session));
    await page.getByText(CJ_MAT.vid).first().waitFor();
    expect(await page.getByRole("link", { name: "Not connected: connect it on the Products page" }).count()).toBe(0);
    await expectAccessible("blocked-order-resumed");
  });

  it("a variant marked 'not fulfilled by CJ' stays out of CJ orders; an order of only such lines is never sent", async () => {
    await page.goto(await embeddedUrl(s.app.url, "/app/products", session));
    const box = page.getByRole("checkbox", { name: /Not fulfilled by CJ\s*\(Enamel Mug\)/ });
    await hydrated(box);
    expect(await box.isChecked()).toBe(false);
    await box.check({ force: true });
    await productsMessage()
      .getByText("Enamel Mug is now shipped from your own stock: its lines stay out of CJ orders.")
      .waitFor();
    const link = await s.t.db.variantLink.findUniqueOrThrow({
      where: { shopId_shopifyVariantGid: { shopId: s.shopId, shopifyVariantGid: variantOf(mug).id } },
    });
    expect(link.notFulfilledByCj).toBe(true);
    await page.getByRole("tab", { name: "Not fulfilled by CJ", exact: true }).click();
    await page.waitForURL(/tab=/);
    await poll(async () => page.locator(".Polaris-IndexTable__TableRow").allInnerTexts()).toEqual([
      expect.stringContaining("Enamel Mug"),
    ]);
    await expectAccessible("products-not-fulfilled-by-cj");

    // A mixed order: CJ gets the T-shirt only; the mug's line stays for the merchant, and says why.
    const mixed = await sendPaidOrder(s, {
      lines: [catalogueLine(shirt, variantOf(shirt, 1)), catalogueLine(mug, variantOf(mug))],
    });
    const row = await until(mixed, (r) => Boolean(r.cjOrderId));
    expect((createOf(mixed)?.body as { products?: unknown[] } | undefined)?.products).toEqual([
      expect.objectContaining({ vid: CONNECTED["TSHIRT-WHITE-L"].vid }),
    ]);
    await page.goto(await embeddedUrl(s.app.url, `/app/orders/${row.id}`, session));
    await page.getByText(/Enamel Mug \(Not sent: Not fulfilled by CJ/).waitFor();
    await expectAccessible("order-line-not-fulfilled-by-cj");

    // An order of only the mug: never sent, shown as not for CJ.
    const own = await sendPaidOrder(s, { lines: [catalogueLine(mug, variantOf(mug), { quantity: 2 })] });
    const notSent = await until(own, (r) => r.state === "NOT_SENT");
    expect(createOf(own)).toBeUndefined();
    await page.goto(await embeddedUrl(s.app.url, `/app/orders/${notSent.id}`, session));
    await page.locator(".Polaris-Badge").getByText("Not for CJ").first().waitFor();
    await expectAccessible("order-not-for-cj");
  });

  it("no request of the pages failed", () => {
    expect(failedRequests).toEqual([]);
  });
});

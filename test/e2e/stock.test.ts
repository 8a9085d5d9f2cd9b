import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { embeddedUrl, makeSessionToken } from "../../app/runtime/session-token";
import { OUTBOUND_TASK_MS } from "../emulators/cj/outbound";
import { testApiKey, testAppSecret } from "../support/app-process";
import { routeData } from "../support/route-data";
import { CONNECTED, eventually, STACK_SHOP, type Stack, startStack } from "../support/stack";
import { addStoreCatalogue } from "../support/store-catalogue";
import { type Browser, expectAccessible, hydrated, openBrowser, recordFailedRequests } from "./browser";

const session = { shop: STACK_SHOP, apiKey: testApiKey, apiSecret: testAppSecret };
const WHITE_M = CONNECTED["TSHIRT-WHITE-M"].vid;

describe("Stock at CJ and outbound orders in Chromium", () => {
  let s: Stack;
  let b: Browser;
  let page: Page;
  let failedRequests: string[] = [];

  beforeAll(async () => {
    s = await startStack({ env: { CJ_TASK_POLL_SECONDS: "0.3" } });
    addStoreCatalogue(s);
    await routeData(s, "/app/products.data", "", { intent: "refresh" });
    await routeData(s, "/app/addresses.data", "", {
      firstName: "Gilbert",
      lastName: "Soria",
      country: "United States",
      countryCode: "US",
      province: "OH",
      city: "HUBER HEIGHTS",
      address: "3419 BROADMOOR BLVD1",
      zip: "45424",
    });
    b = await openBrowser(await makeSessionToken(session));
    page = b.page;
    failedRequests = recordFailedRequests(page, s.app.url);
  }, 120_000);

  afterAll(async () => {
    await b?.close();
    await s?.stop();
  });

  it("stock-up: warehouses, then a method, then the confirmation with CJ's cost; created and paid by link", async () => {
    await page.goto(await embeddedUrl(s.app.url, `/app/stock?variant=${WHITE_M}`, session));
    const find = page.getByRole("button", { name: "Find warehouses" });
    await hydrated(find);
    await page.getByLabel("Quantity of TSHIRT-WHITE-M").fill("20");
    await find.click();
    await page.getByLabel("Warehouse").selectOption("CJ-SZ-001");
    await page.getByLabel("Shipping into the warehouse").selectOption("CJ Express");
    const total = page.getByText(/^Total \d+\.\d\d USD$/);
    await total.waitFor();
    await page.getByText(/^20 × .* at \d+\.\d\d USD = \d+\.\d\d USD$/).waitFor();
    await expectAccessible(page, "stock-up-confirmation");

    const amount = ((await total.textContent()) ?? "").match(/(\d+\.\d\d)/)?.[1];
    await page.getByRole("button", { name: `Create the stock-up order for ${amount} USD` }).click();
    await page.getByText(/Stock-up SY\d+ created: pay it on CJ's payment page\./).waitFor();
    const row = await s.t.db.stockOrder.findFirstOrThrow();
    expect(row).toMatchObject({ status: "UNPAID", totalAmount: amount });
    s.cj.payPrivateOrderByLink(row.cjOrderCode as string);
    await page.reload();
    await page
      .getByText(row.cjOrderCode as string)
      .first()
      .waitFor();
    await page.getByText("Completed").waitFor();
  });

  it("outbound: the stock shipped to the address book's address, CJ's progress shown while it prepares, then submitted", async () => {
    await page.goto(await embeddedUrl(s.app.url, "/app/outbound", session));
    const show = page.getByRole("button", { name: "Show what can be shipped" });
    await hydrated(show);
    await show.click();
    await page
      .getByLabel(/^Quantity of .+ to ship$/)
      .first()
      .fill("5");
    await page.getByRole("button", { name: "Create outbound order" }).click();
    const task = await eventually(async () => [...s.cj.state.outboundOrders.values()][0]);
    // CJ's task held past half-way (60 %) for the screenshot.
    const hold = setInterval(() => s.cj.clock.set(task.taskStartedAt + OUTBOUND_TASK_MS / 2 + 100), 50);
    try {
      await page.getByText("CJ is preparing the order: 60% (CREATE_SUB_ORDER_SUCCESS)").waitFor({ timeout: 30_000 });
      await page.getByRole("progressbar").waitFor();
      await expectAccessible(page, "outbound-progress");
    } finally {
      clearInterval(hold);
    }
    s.cj.clock.advance(OUTBOUND_TASK_MS);
    const submit = page.getByRole("button", { name: "Submit to CJ" });
    await submit.waitFor({ timeout: 30_000 });
    await submit.click();
    await page.getByText("Submitted", { exact: true }).waitFor({ timeout: 30_000 });
    expect(task.status).toBe("SUBMITTED");
    await expectAccessible(page, "outbound-submitted");
  });

  it("no request of the page failed", () => {
    expect(failedRequests).toEqual([]);
  });
});

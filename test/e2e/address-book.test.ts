import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { embeddedUrl, makeSessionToken } from "../../app/runtime/session-token";
import { testApiKey, testAppSecret } from "../support/app-process";
import { STACK_SHOP, type Stack, startStack } from "../support/stack";
import { type Browser, expectAccessible, hydrated, openBrowser, recordFailedRequests } from "./browser";

const session = { shop: STACK_SHOP, apiKey: testApiKey, apiSecret: testAppSecret };

describe("the address book in Chromium", () => {
  let s: Stack;
  let b: Browser;
  let page: Page;
  let failedRequests: string[] = [];

  beforeAll(async () => {
    s = await startStack();
    b = await openBrowser(await makeSessionToken(session));
    page = b.page;
    failedRequests = recordFailedRequests(page, s.app.url);
  }, 120_000);

  afterAll(async () => {
    await b?.close();
    await s?.stop();
  });

  it("an invalid field is shown inline and nothing reaches CJ; corrected, the address is saved and listed", async () => {
    await page.goto(await embeddedUrl(s.app.url, "/app/addresses", session));
    const add = page.getByRole("button", { name: "Add address" }).first();
    await hydrated(add);
    await add.click();
    const fill = (label: string | RegExp, value: string) => page.getByLabel(label).first().fill(value);
    await fill(/^First name/, "Gilbert");
    await fill(/^Last name/, "Soria");
    await fill(/^Address$|^Address\*/, "3419 BROADMOOR BLVD1");
    await fill(/^City/, "HUBER HEIGHTS");
    await fill(/^Province or state/, "OH");
    await fill(/^Country\b(?! code)/, "United States");
    await fill(/^Country code/, "USA");
    await page.getByRole("button", { name: "Save in CJ" }).click();
    await page.getByText("Must be a two-letter country code").waitFor();
    expect(s.cj.requests({ path: "/shopping/privateInventory/address/create" })).toHaveLength(0);
    await expectAccessible(page, "address-book-invalid-field");

    await fill(/^Country code/, "US");
    await page.getByRole("button", { name: "Save in CJ" }).click();
    await page
      .getByRole("cell", { name: /Gilbert Soria/ })
      .first()
      .waitFor();
    expect(s.cj.state.addresses).toHaveLength(1);
    expect(s.cj.state.addresses[0]).toMatchObject({ firstName: "Gilbert", countryCode: "US", city: "HUBER HEIGHTS" });
    await expectAccessible(page, "address-book-saved");
  });

  it("no request of the page failed", () => {
    expect(failedRequests).toEqual([]);
  });
});

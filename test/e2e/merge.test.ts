import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { embeddedUrl, makeSessionToken } from "../../app/runtime/session-token";
import { MERGE_TASK_MS } from "../emulators/cj/merge";
import {
  AUTOMATIC_SETTINGS,
  orderRowWhen,
  pointCjPushesAtApp,
  sendPaidOrder,
  US_ADDRESS,
} from "../integration/tracking/helpers";
import { testApiKey, testAppSecret } from "../support/app-process";
import { eventually, STACK_SHOP, type Stack, startStack } from "../support/stack";
import { type Browser, expectAccessible, hydrated, openBrowser, recordFailedRequests } from "./browser";

const session = { shop: STACK_SHOP, apiKey: testApiKey, apiSecret: testAppSecret };
const ADA = { ...US_ADDRESS, name: "Ada Lovelace", address1: "12 Engine Row" };

describe("Merge candidates in Chromium", () => {
  let s: Stack;
  let b: Browser;
  let page: Page;
  let failedRequests: string[] = [];

  beforeAll(async () => {
    s = await startStack({
      settings: { ...AUTOMATIC_SETTINGS, mergeOrders: true, mergeWindowMinutes: 120 },
      env: { CJ_TASK_POLL_SECONDS: "0.3" },
    });
    pointCjPushesAtApp(s);
    b = await openBrowser(await makeSessionToken(session));
    page = b.page;
    failedRequests = recordFailedRequests(page, s.app.url);
  }, 120_000);

  afterAll(async () => {
    await b?.close();
    await s?.stop();
  });

  it("CJ's match shows as a progress bar, then the groups with their saving; the merchant merges one", async () => {
    for (const sku of ["TSHIRT-WHITE-M", "TSHIRT-WHITE-L"]) {
      const order = await sendPaidOrder(s, { shippingAddress: ADA, lines: [{ sku, quantity: 1, price: "19.90" }] });
      await orderRowWhen(s, order, (r) => r.state === "SUBMITTED" && r.cjOrderId !== null);
    }
    await page.goto(await embeddedUrl(s.app.url, "/app/merge", session));
    const find = page.getByRole("button", { name: "Find merge candidates" });
    await hydrated(find);
    await find.click();
    // CJ's task held half-way (the emulator clock kept 1.5 s after its start), for the screenshot.
    const task = await eventually(async () => s.cj.state.mergeTasks.get("acct-1:match"));
    const hold = setInterval(() => s.cj.clock.set(task.startedAt + MERGE_TASK_MS / 2), 50);
    try {
      await page.getByRole("progressbar").waitFor();
      await page.getByText(/CJ is matching your unpaid orders — [1-9]\d?%/).waitFor();
      await expectAccessible(page, "merge-candidates-progress");
    } finally {
      clearInterval(hold);
    }
    s.cj.clock.advance(MERGE_TASK_MS);
    await page
      .getByRole("cell", { name: /^Ada Lovelace/ })
      .first()
      .waitFor({ timeout: 30_000 });
    await page.getByRole("checkbox", { name: "Merge the group of Ada Lovelace" }).check();
    await page.getByText(/Total saving of the selected groups: \d+\.\d\d USD/).waitFor();
    await expectAccessible(page, "merge-candidates-groups");

    await page.getByRole("button", { name: "Merge selected" }).click();
    await page.getByText("Merged", { exact: true }).waitFor({ timeout: 30_000 });
    const run = await s.t.db.mergeRun.findFirstOrThrow({ include: { groups: true } });
    expect(run.groups.map((g) => g.status)).toEqual(["MERGED"]);
    await page.getByText(`CJ order ${run.groups[0]?.newCjOrderId}`).waitFor();
    await expectAccessible(page, "merge-candidates-merged");
  });

  it("no request of the page failed", () => {
    expect(failedRequests).toEqual([]);
  });
});

/**
 * Issue 14: one CJ account, several stores (CJ's "Multiple Store Management"), and CJ webhooks kept healthy.
 * - A second store connecting with the same key shares the account: no second getAccessToken, one row, one rate
 *   limit; CJ's pushes (signed with the one openId) reach the store whose order they name.
 * - Webhooks are registered without a button once the app URL is HTTPS, the last push is shown, and a CJ that
 *   stopped pushing (the emulator pauses an account's pushes after too many failures) is registered again.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cjOrderNumberFor } from "../../../app/fulfillment/mapping";
import { pollCjOrders } from "../../../app/fulfillment/tracking/poll.server";
import { checkAccountWebhooks } from "../../../app/fulfillment/tracking/webhook-health.server";
import { embeddedUrl } from "../../../app/runtime/session-token";
import { connectShop } from "../../../app/settings/connect.server";
import { toOrderWebhookPayload } from "../../emulators/shopify/index";
import { BROWSER_UA, testApiKey, testAppSecret } from "../../support/app-process";
import { eventually, inProcessDeps, STACK_CJ_KEY, STACK_SHOP, type Stack, startStack } from "../../support/stack";
import {
  AUTOMATIC_SETTINGS,
  CJ_ACCOUNT,
  paidOrder,
  pointCjPushesAtApp,
  postCjMessage,
  US_ADDRESS,
} from "../tracking/helpers";

const SHOP_B = "second-store.myshopify.com";
const TOKEN_B = "shpat_second_store";
const noQueue = { enqueue: async () => {} };

describe("two Shopify stores on one CJ account", () => {
  let s: Stack;
  let shopB: string;
  beforeAll(async () => {
    s = await startStack({ settings: AUTOMATIC_SETTINGS });
    s.shopify.addShop(SHOP_B, TOKEN_B);
    shopB = (await connectShop(s.t.db, { shop: SHOP_B, accessToken: TOKEN_B, scopes: "read_orders" })).id;
    await s.t.db.shopSettings.update({
      where: { shopId: shopB },
      data: { ...AUTOMATIC_SETTINGS, liveAt: new Date() },
    });
    pointCjPushesAtApp(s);
  }, 120_000);
  afterAll(async () => {
    await s?.stop();
  });

  it("the second store connecting the same key (Settings) shares the account: one row, no second token request", async () => {
    // The first store has used the account, so it holds tokens.
    await paidOrder(s);
    const tokensBefore = s.cj.requests({ path: "/authentication/getAccessToken" }).length;
    const res = await fetch(
      await embeddedUrl(s.app.url, "/app/settings", { shop: SHOP_B, apiKey: testApiKey, apiSecret: testAppSecret }),
      {
        method: "POST",
        body: new URLSearchParams({ intent: "connect", cjApiKey: STACK_CJ_KEY }),
        headers: { "User-Agent": BROWSER_UA },
      },
    );
    expect(res.status).toBe(200);
    const [a, b] = await Promise.all([
      s.t.db.shop.findUniqueOrThrow({ where: { id: s.shopId } }),
      s.t.db.shop.findUniqueOrThrow({ where: { id: shopB } }),
    ]);
    expect(b.cjAccountId).not.toBeNull();
    expect(b.cjAccountId).toBe(a.cjAccountId);
    expect(await s.t.db.cjAccount.count()).toBe(1);
    expect(s.cj.requests({ path: "/authentication/getAccessToken" }).length).toBe(tokensBefore);
    const page = await fetch(
      await embeddedUrl(s.app.url, "/app/settings", { shop: SHOP_B, apiKey: testApiKey, apiSecret: testAppSecret }),
      { headers: { "User-Agent": BROWSER_UA } },
    );
    expect(await page.text()).toContain(`shared with ${STACK_SHOP}`);
  });

  it("each store's order reaches CJ under the one account, and CJ's pushes come back to the right store", async () => {
    const a = await paidOrder(s, { lines: [{ sku: "TSHIRT-WHITE-M", quantity: 1, price: "19.90" }] });
    const orderB = s.shopify.addOrder(SHOP_B, {
      financialStatus: "PAID",
      shippingAddress: US_ADDRESS,
      lines: [{ sku: "TSHIRT-WHITE-L", quantity: 1, price: "21.00" }],
    });
    const sent = await s.shopify.sendWebhook({
      appUrl: s.app.url,
      path: "/webhooks/orders/paid",
      topic: "orders/paid",
      shop: SHOP_B,
      secret: testAppSecret,
      payload: toOrderWebhookPayload(orderB, SHOP_B),
    });
    expect(sent.status).toBe(200);
    const numberB = cjOrderNumberFor(SHOP_B, orderB.id);
    await eventually(async () => s.cj.order(numberB)?.status === "UNSHIPPED", 30_000);
    const rowB = await eventually(async () => {
      const row = await s.t.db.order.findFirst({ where: { shopId: shopB, shopifyOrderGid: orderB.id } });
      return row?.state === "PAID" ? row : undefined;
    }, 30_000);
    // One CJ account answered both stores' orders.
    const numberA = cjOrderNumberFor(STACK_SHOP, a.shopify.id);
    const createdFor = s.cj
      .requests({ path: "/shopping/order/createOrderV2", accountId: CJ_ACCOUNT })
      .map((r) => (r.body as { orderNumber?: string }).orderNumber);
    expect(createdFor).toEqual(expect.arrayContaining([numberA, numberB]));

    s.cj.shipOrder(numberA);
    s.cj.shipOrder(numberB);
    const shippedA = await eventually(async () => {
      const row = await s.t.db.order.findUniqueOrThrow({ where: { id: a.orderId } });
      return ["SHIPPED", "FULFILLED"].includes(row.state) ? row : undefined;
    }, 30_000);
    const shippedB = await eventually(async () => {
      const row = await s.t.db.order.findUniqueOrThrow({ where: { id: rowB.id } });
      return ["SHIPPED", "FULFILLED"].includes(row.state) ? row : undefined;
    }, 30_000);
    expect(shippedA.shopId).toBe(s.shopId);
    expect(shippedB.shopId).toBe(shopB);
    // The pushes naming B's CJ order were recorded for B, A's for A; none for the wrong store.
    const receipts = await s.t.db.webhookReceipt.findMany({ where: { source: "CJ" } });
    const forB = receipts.filter((r) => r.payload?.includes(rowB.cjOrderId as string));
    const forA = receipts.filter((r) => r.payload?.includes(a.cjOrderId));
    expect(forB.length).toBeGreaterThan(0);
    expect(forA.length).toBeGreaterThan(0);
    expect(forB.every((r) => r.shopId === shopB)).toBe(true);
    expect(forA.every((r) => r.shopId === s.shopId)).toBe(true);
    // Each store's Shopify got the fulfillment of its own order only.
    await eventually(
      async () => s.shopify.requests({ shop: SHOP_B, operationName: "FulfillmentCreate" }).some((r) => r.valid),
      30_000,
    );
    await eventually(
      async () => s.shopify.requests({ shop: STACK_SHOP, operationName: "FulfillmentCreate" }).some((r) => r.valid),
      30_000,
    );
    const createsB = s.shopify.requests({ shop: SHOP_B, operationName: "FulfillmentCreate" }).filter((r) => r.valid);
    expect(createsB.length).toBe(1);
    // Each store's Shopify holds the fulfillment of its own order, none of the other's.
    expect(s.shopify.state.orders.get(orderB.id)?.order.fulfillments.length).toBe(1);
    expect(s.shopify.state.orders.get(a.shopify.id)?.order.fulfillments.length).toBe(1);
  });
});

describe("CJ webhook health", () => {
  let s: Stack;
  let accountId: string;
  // Registrations CJ accepted. The test process's CJ client and the app's share the account's QPS without sharing a
  // limiter, so a call may be refused with 1600200 and sent again: each is recorded.
  const registrations = () => s.cj.requests({ path: "/webhook/set" }).filter((r) => r.code === 200);
  beforeAll(async () => {
    s = await startStack({ settings: AUTOMATIC_SETTINGS });
    accountId = (await s.t.db.shop.findUniqueOrThrow({ where: { id: s.shopId } })).cjAccountId as string;
  }, 120_000);
  afterAll(async () => {
    await s?.stop();
  });

  it("not registered while the app runs on plain HTTP, with the reason shown; registered as soon as it is HTTPS", async () => {
    const deps = inProcessDeps(s, noQueue);
    const plain = await checkAccountWebhooks(deps, accountId, "http://127.0.0.1:3000");
    expect(plain.action).toBe("not_https");
    expect(s.cj.requests({ path: "/webhook/set" })).toEqual([]);
    const account = await s.t.db.cjAccount.findUniqueOrThrow({ where: { id: accountId } });
    expect(account.webhookProblem).toMatch(/HTTPS/);

    const https = await checkAccountWebhooks(deps, accountId, "https://app.example");
    expect(https.action).toBe("registered");
    const sets = registrations();
    expect(sets).toHaveLength(1);
    expect(sets[0]?.body).toMatchObject({
      order: { type: "ENABLE", callbackUrls: ["https://app.example/webhooks/cj"] },
      logistics: { type: "ENABLE", callbackUrls: ["https://app.example/webhooks/cj"] },
    });
    expect((await s.t.db.cjAccount.findUniqueOrThrow({ where: { id: accountId } })).webhookProblem).toBeNull();
    // Checked again with nothing wrong: nothing is sent to CJ.
    expect((await checkAccountWebhooks(deps, accountId, "https://app.example")).action).toBe("healthy");
    expect(registrations()).toHaveLength(1);
  });

  it("a push received is the health shown on the home page", async () => {
    expect((await s.t.db.cjAccount.findUniqueOrThrow({ where: { id: accountId } })).lastPushAt).toBeNull();
    const answer = await postCjMessage(s, {
      type: "ORDER",
      messageType: "UPDATE",
      params: { cjOrderId: "none", orderNumber: "none" },
    });
    expect(answer.status).toBe(200);
    const account = await s.t.db.cjAccount.findUniqueOrThrow({ where: { id: accountId } });
    expect(account.lastPushAt).not.toBeNull();
    const home = await fetch(
      await embeddedUrl(s.app.url, "/app", { shop: STACK_SHOP, apiKey: testApiKey, apiSecret: testAppSecret }),
      { headers: { "User-Agent": BROWSER_UA } },
    );
    expect(await home.text()).toContain("last push received just now");
  });

  it("CJ paused the account's pushes: the poll's findings give it away and the webhooks are registered again", async () => {
    const deps = inProcessDeps(s, noQueue);
    // Pushes go to the app, then CJ pauses them (as it does after too many failed deliveries).
    pointCjPushesAtApp(s);
    const order = await paidOrder(s);
    s.cj.setPushPaused(CJ_ACCOUNT, true);
    s.cj.shipOrder(cjOrderNumberFor(STACK_SHOP, order.shopify.id));
    expect(s.cj.pushPause(CJ_ACCOUNT).held.length).toBeGreaterThan(0);
    // The order is due for a poll now; the poll finds the shipment no push reported.
    await s.t.db.order.update({ where: { id: order.orderId }, data: { nextPollAt: new Date(0) } });
    await pollCjOrders(deps);
    const missed = await s.t.db.orderEvent.count({
      where: { orderId: order.orderId, message: { startsWith: "The CJ poll" } },
    });
    expect(missed).toBeGreaterThanOrEqual(1);
    // Within the grace period a late push could still come: nothing is registered yet.
    expect((await checkAccountWebhooks(deps, accountId, "https://app.example")).action).toBe("healthy");
    expect(registrations()).toHaveLength(1);

    const setsBefore = registrations().length;
    const result = await checkAccountWebhooks(deps, accountId, "https://app.example", { graceMs: 0 });
    expect(result.action).toBe("reregistered");
    expect(result.reason).toMatch(/CJ stopped pushing/);
    expect(registrations().length).toBe(setsBefore + 1);
    expect(s.cj.pushPause(CJ_ACCOUNT).paused).toBe(false);
    // Once registered again, the same findings do not register again.
    expect((await checkAccountWebhooks(deps, accountId, "https://app.example", { graceMs: 0 })).action).toBe("healthy");
    expect(registrations().length).toBe(setsBefore + 1);
  });
});

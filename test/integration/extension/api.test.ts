/**
 * The order-page extension's API routes over HTTP on the running app: session-token authentication (401 on a
 * missing, forged, expired or foreign-audience token), CORS for the admin's extension origin, the merchant actions
 * through the same domain functions as the pages, and no data crossing shops: shop B's token neither reads nor
 * acts on shop A's order.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type {
  ExtensionActionResponse,
  ExtensionLookupResponse,
  ExtensionQuotesResponse,
} from "../../../app/extension-api/contract";
import { makeSessionToken } from "../../../app/runtime/session-token";
import { connectShop } from "../../../app/settings/connect.server";
import { testApiKey, testAppSecret } from "../../support/app-process";
import { eventually, STACK_SHOP, type Stack, startStack } from "../../support/stack";

const SHOP_B = "other-store.myshopify.com";
const EXTENSION_ORIGIN = "https://extensions.shopifycdn.com";
const browser = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/156.0 Safari/537.36";

describe("the extension API routes", () => {
  let s: Stack;
  let tokenA: string;
  let tokenB: string;
  let held: { id: string; gid: string };
  let received: { id: string; gid: string };
  let bOrder: { id: string; gid: string };

  const call = async (path: string, init: { token?: string | null; method?: string; body?: unknown } = {}) => {
    const headers: Record<string, string> = { "User-Agent": browser, Origin: EXTENSION_ORIGIN };
    const token = init.token === undefined ? tokenA : init.token;
    if (token) headers.Authorization = `Bearer ${token}`;
    if (init.body !== undefined) headers["Content-Type"] = "application/json";
    const res = await fetch(`${s.app.url}${path}`, {
      method: init.method ?? (init.body === undefined ? "GET" : "POST"),
      headers,
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
    const text = await res.text();
    return { res, text, json: () => JSON.parse(text) as Record<string, unknown> };
  };
  const lookup = (gid: string, token?: string | null) =>
    call(`/api/orders/lookup?shopifyId=${encodeURIComponent(gid)}`, { token });

  beforeAll(async () => {
    s = await startStack();
    await connectShop(s.t.db, { shop: SHOP_B, accessToken: "shpat_b", cjApiKey: "CJ-B-KEY", scopes: "read_orders" });
    const shopB = await s.t.db.shop.findUniqueOrThrow({ where: { domain: SHOP_B } });
    const seed = async (shopId: string, n: number, data: Record<string, unknown>) => {
      const gid = `gid://shopify/Order/${n}`;
      const row = await s.t.db.order.create({
        data: { shopId, shopifyOrderGid: gid, shopifyOrderName: `#${n}`, countryCode: "US", ...data },
      });
      await s.t.db.orderEvent.create({
        data: { orderId: row.id, actor: "webhook", type: "received", toState: "RECEIVED", message: "Order received" },
      });
      return { id: row.id, gid };
    };
    held = await seed(s.shopId, 9001, { state: "HELD", errorReason: "Order total 900.00 is over your cap of 500.00" });
    received = await seed(s.shopId, 9002, { state: "RECEIVED" });
    // The same Shopify order id in shop B: the lookup must pick the row of the token's shop.
    bOrder = await seed(shopB.id, 9002, { state: "NEEDS_ATTENTION", errorReason: "Shop B's secret reason" });
    tokenA = await makeSessionToken({ shop: STACK_SHOP, apiKey: testApiKey, apiSecret: testAppSecret });
    tokenB = await makeSessionToken({ shop: SHOP_B, apiKey: testApiKey, apiSecret: testAppSecret });
  });

  afterAll(async () => {
    await s?.stop();
  });

  it("answers the block with the view of the token's shop's order, with CORS headers for the extension origin", async () => {
    const { res, json } = await lookup(held.gid);
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    const { order } = json() as unknown as ExtensionLookupResponse;
    expect(order).toMatchObject({
      id: held.id,
      name: "#9001",
      state: "HELD",
      reason: "Order total 900.00 is over your cap of 500.00",
      payment: { status: "NOT_SUBMITTED" },
      tracking: [],
      latestEvent: { message: "Order received", actor: "webhook" },
      actions: ["approve", "requote"],
    });
  });

  it("answers a CORS preflight with 204 and the allowed headers", async () => {
    const res = await fetch(`${s.app.url}/api/orders/lookup?shopifyId=x`, {
      method: "OPTIONS",
      headers: {
        "User-Agent": browser,
        Origin: EXTENSION_ORIGIN,
        "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "authorization",
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.headers.get("access-control-allow-headers")).toContain("Authorization");
  });

  it.each([
    ["no token", async () => null],
    [
      "a token signed with another secret",
      () => makeSessionToken({ shop: STACK_SHOP, apiKey: testApiKey, apiSecret: "not-the-secret" }),
    ],
    [
      "an expired token",
      () => makeSessionToken({ shop: STACK_SHOP, apiKey: testApiKey, apiSecret: testAppSecret, ttlSeconds: -120 }),
    ],
    [
      "a token for another app",
      () => makeSessionToken({ shop: STACK_SHOP, apiKey: "another-app", apiSecret: testAppSecret }),
    ],
    ["a malformed token", async () => "not.a.jwt"],
  ])("refuses %s with 401 and no order data", async (_name, makeToken) => {
    const token = await makeToken();
    for (const r of [
      await lookup(held.gid, token),
      await call(`/api/orders/${held.id}/actions`, { token, body: { action: "approve" } }),
      await call(`/api/orders/${held.id}/quotes`, { token }),
    ]) {
      expect(r.res.status).toBe(401);
      expect(r.text).not.toContain("9001");
      expect(r.text).not.toContain("over your cap");
    }
    const row = await s.t.db.order.findUniqueOrThrow({ where: { id: held.id } });
    expect(row.approvedAt).toBeNull();
  });

  it("shop B's token cannot read shop A's order: it gets its own order for the same Shopify id, or nothing", async () => {
    const own = await lookup(received.gid, tokenB);
    expect(own.res.status).toBe(200);
    expect((own.json() as unknown as ExtensionLookupResponse).order).toMatchObject({
      id: bOrder.id,
      state: "NEEDS_ATTENTION",
    });
    const other = await lookup(held.gid, tokenB);
    expect(other.res.status).toBe(200);
    expect(other.json()).toEqual({ order: null });
    expect(other.text).not.toContain("over your cap");
    // And shop A never sees shop B's reason.
    expect((await lookup(received.gid)).text).not.toContain("Shop B's secret reason");
  });

  it("shop B's token cannot act on shop A's order: 404 and nothing changes", async () => {
    const before = await s.t.db.orderEvent.count({ where: { orderId: held.id } });
    const approve = await call(`/api/orders/${held.id}/actions`, { token: tokenB, body: { action: "approve" } });
    expect(approve.res.status).toBe(404);
    expect(approve.json()).toEqual({ error: "Order not found" });
    const quotes = await call(`/api/orders/${received.id}/quotes`, { token: tokenB });
    expect(quotes.res.status).toBe(404);
    const choose = await call(`/api/orders/${received.id}/quotes`, {
      token: tokenB,
      body: { logisticName: "CJPacket Ordinary" },
    });
    expect(choose.res.status).toBe(404);
    const rowHeld = await s.t.db.order.findUniqueOrThrow({ where: { id: held.id } });
    const rowReceived = await s.t.db.order.findUniqueOrThrow({ where: { id: received.id } });
    expect(rowHeld).toMatchObject({ state: "HELD", approvedAt: null });
    expect(rowReceived.chosenLogisticName).toBeNull();
    expect(await s.t.db.orderEvent.count({ where: { orderId: held.id } })).toBe(before);
  });

  it("rejects an unknown action and a malformed body with 400", async () => {
    const unknown = await call(`/api/orders/${held.id}/actions`, { body: { action: "delete" } });
    expect(unknown.res.status).toBe(400);
    expect(String(unknown.json().error)).toContain("action must be one of");
    const res = await fetch(`${s.app.url}/api/orders/${held.id}/actions`, {
      method: "POST",
      headers: { "User-Agent": browser, Authorization: `Bearer ${tokenA}`, "Content-Type": "application/json" },
      body: "{not json",
    });
    expect(res.status).toBe(400);
    const lookupBad = await lookup("gid://shopify/Product/1");
    expect(lookupBad.res.status).toBe(400);
  });

  it("the shop's own token sets the shipping method through chooseShippingMethod", async () => {
    const r = await call(`/api/orders/${received.id}/quotes`, { body: { logisticName: "CJPacket Ordinary" } });
    expect(r.res.status).toBe(200);
    const answer = r.json() as unknown as ExtensionActionResponse;
    expect(answer.message).toBe("CJPacket Ordinary will be used for #9002.");
    expect(answer.order.logistics).toMatchObject({ name: "CJPacket Ordinary", chosenByMerchant: true });
    const row = await s.t.db.order.findUniqueOrThrow({ where: { id: received.id } });
    expect(row.chosenLogisticName).toBe("CJPacket Ordinary");
  });

  it("quotes for an order whose lines are not read yet explain why instead of failing", async () => {
    const r = await call(`/api/orders/${received.id}/quotes`);
    expect(r.res.status).toBe(200);
    const quotes = r.json() as unknown as ExtensionQuotesResponse;
    expect(quotes.options).toEqual([]);
    expect(quotes.errors[0]).toContain("lines are read when it is first forwarded");
  });

  it("the shop's own token approves a held order: recorded and queued for forwarding", async () => {
    const r = await call(`/api/orders/${held.id}/actions`, { body: { action: "approve" } });
    expect(r.res.status).toBe(200);
    const answer = r.json() as unknown as ExtensionActionResponse;
    expect(answer).toMatchObject({ message: "#9001 approved and being forwarded.", queued: true });
    expect(answer.order.id).toBe(held.id);
    const row = await s.t.db.order.findUniqueOrThrow({ where: { id: held.id } });
    expect(row.approvedAt).not.toBeNull();
    const events = await s.t.db.orderEvent.findMany({ where: { orderId: held.id, type: "approved" } });
    expect(events).toHaveLength(1);
    // A second approval is refused by the domain rule once the order has left HELD, or accepted while still HELD:
    // never a 500.
    const again = await call(`/api/orders/${held.id}/actions`, { body: { action: "approve" } });
    expect([200, 409]).toContain(again.res.status);
  });

  it("a forwarded order awaiting payment is paid with the balance from the action, and the block shows it paid", async () => {
    const order = s.addOrder({
      financialStatus: "PAID",
      lines: [{ sku: "TSHIRT-WHITE-M", quantity: 1, price: "19.90" }],
    });
    expect(await s.webhook("orders/paid", order)).toBe(200);
    const waiting = await eventually(async () => {
      const { order: view } = (await lookup(order.id)).json() as unknown as ExtensionLookupResponse;
      return view?.state === "AWAITING_PAYMENT" ? view : undefined;
    }).catch(async (e) => {
      throw new Error(`${(e as Error).message}\n${await s.describeOrder(order.id)}`);
    });
    expect(waiting.cj.orderId).toBeTruthy();
    expect(waiting.logistics.name).toBeTruthy();
    expect(waiting.payment).toMatchObject({ status: "UNPAID" });
    expect(waiting.actions).toEqual(["pay", "refresh"]);

    // Shop B cannot pay it.
    const foreign = await call(`/api/orders/${waiting.id}/actions`, { token: tokenB, body: { action: "pay" } });
    expect(foreign.res.status).toBe(404);

    const paid = await call(`/api/orders/${waiting.id}/actions`, { body: { action: "pay" } });
    expect(paid.res.status).toBe(200);
    const answer = paid.json() as unknown as ExtensionActionResponse;
    expect(answer.order.state).toBe("PAID");
    expect(answer.order.payment).toMatchObject({ status: "PAID", paidAmount: waiting.payment.orderAmount });
    const after = (await lookup(order.id)).json() as unknown as ExtensionLookupResponse;
    expect(after.order?.payment.status).toBe("PAID");
  });
});

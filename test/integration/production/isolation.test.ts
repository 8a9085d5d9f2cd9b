/**
 * Isolation: a request authenticated for shop B can never read or change shop A's orders, settings or secrets.
 * Two shops in one running app; with a session token for B, every page loader/action and api.* route that takes an
 * order id or settings is tried against A's order and A's data. Answers are 404 (or 200 without A's data), A's rows
 * are unchanged (Order, ShopSettings, CjAccount snapshots before/after), and no answer contains A's order name,
 * customer email, CJ order id, SKU, or any decrypted secret (A's CJ API key, CJ tokens, Shopify token). A forged token
 * (B in `dest`, signed with another secret) is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeSessionToken } from "../../../app/runtime/session-token";
import { encryptSecret } from "../../../app/secrets/crypto.server";
import { connectShop } from "../../../app/settings/connect.server";
import { testApiKey, testAppSecret } from "../../support/app-process";
import { eventually, STACK_CJ_KEY, STACK_SHOP, STACK_TOKEN, type Stack, startStack } from "../../support/stack";

const SHOP_B = "isolation-b.myshopify.com";
const B_KEY = "CJ-B-ISOLATION-9876";
const A_SECRETS = {
  name: "#A-PRIVATE-5501",
  email: "alice.private@example.com",
  customer: "Alice Private",
  cjOrderId: "CJA-PRIVATE-777",
  cjOrderNumber: "A-PRIVATE-NUMBER-42",
  sku: "A-PRIVATE-SKU",
  tracking: "TRKAPRIVATE001",
  accessToken: "A-CJ-ACCESS-TOKEN-SECRET",
  refreshToken: "A-CJ-REFRESH-TOKEN-SECRET",
  apiKey: STACK_CJ_KEY,
  shopifyToken: STACK_TOKEN,
  maskedApiKey: `${"•".repeat(8)}${STACK_CJ_KEY.slice(-4)}`,
};
const browser = { "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/140.0 Safari/537.36" };
const EXTENSION_ORIGIN = "https://extensions.shopifycdn.com";

const SETTINGS_FORM = {
  intent: "save",
  forwardingTrigger: "MANUAL",
  paused: "true",
  holdHighRisk: "true",
  orderTotalCap: "77",
  logisticsRule: "CHEAPEST_WITHIN_DAYS",
  logisticsMaxDays: "12",
  preferredLogistics: "",
  fromCountryCode: "CN",
  paymentMode: "LINK",
  autoPayPerOrderCap: "",
  autoPayPerDayCap: "",
  iossType: "",
  iossNumber: "",
  storeName: "B store",
  sendOrderNote: "false",
  sandbox: "true",
  notifyCustomer: "false",
  trackingSync: "AFTER_DISPATCH",
};

describe("isolation: shop B's session never reaches shop A's data", () => {
  let s: Stack;
  let aOrder: { id: string; gid: string };
  let aOrders: string[];
  let bShopId: string;
  let tokenB: string;
  const pageUrl = async (path: string, shop = SHOP_B, apiSecret = testAppSecret) => {
    const token = await makeSessionToken({ shop, apiKey: testApiKey, apiSecret });
    const url = new URL(path, s.app.url);
    url.searchParams.set("embedded", "1");
    url.searchParams.set("shop", shop);
    url.searchParams.set("host", Buffer.from(`${shop}/admin`).toString("base64url"));
    url.searchParams.set("id_token", token);
    return url.toString();
  };
  const bodies: { what: string; status: number; body: string }[] = [];
  /** `echo`: text the request itself carried (a search box's query), removed before looking for leaks. */
  const record = async (what: string, res: Response, echo?: string) => {
    const raw = await res.text();
    const body = echo ? raw.replaceAll(echo, "") : raw;
    bodies.push({ what, status: res.status, body });
    return { status: res.status, body };
  };
  const api = async (path: string, init: { method?: string; body?: unknown; token?: string } = {}) => {
    const headers: Record<string, string> = {
      ...browser,
      Origin: EXTENSION_ORIGIN,
      Authorization: `Bearer ${init.token ?? tokenB}`,
    };
    if (init.body !== undefined) headers["Content-Type"] = "application/json";
    const res = await fetch(`${s.app.url}${path}`, {
      method: init.method ?? (init.body === undefined ? "GET" : "POST"),
      headers,
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
    return record(`${init.method ?? (init.body === undefined ? "GET" : "POST")} ${path}`, res);
  };
  const snapshot = async () => {
    const db = s.t.db;
    return JSON.stringify({
      orders: await db.order.findMany({ where: { shopId: s.shopId }, orderBy: { id: "asc" } }),
      lines: await db.orderLine.findMany({ where: { order: { shopId: s.shopId } }, orderBy: { id: "asc" } }),
      events: await db.orderEvent.count({ where: { order: { shopId: s.shopId } } }),
      settings: await db.shopSettings.findMany({ where: { shopId: s.shopId } }),
      account: await db.cjAccount.findMany({ where: { shops: { some: { id: s.shopId } } } }),
      shop: await db.shop.findMany({ where: { id: s.shopId } }),
    });
  };

  beforeAll(async () => {
    s = await startStack();
    // The app's start-up work (its rates among it) is done before this process writes the same SQLite file.
    await eventually(async () => (await s.t.db.currencyRate.count()) > 0);
    const b = await connectShop(s.t.db, {
      shop: SHOP_B,
      accessToken: "shpat_b",
      cjApiKey: B_KEY,
      scopes: "read_orders",
    });
    bShopId = b.id;
    await s.t.db.cjAccount.updateMany({
      where: { shops: { some: { id: s.shopId } } },
      data: {
        accessTokenEnc: encryptSecret(A_SECRETS.accessToken),
        refreshTokenEnc: encryptSecret(A_SECRETS.refreshToken),
      },
    });
    const make = async (n: number, state: string, extra: Record<string, unknown> = {}) => {
      const gid = `gid://shopify/Order/${n}`;
      const row = await s.t.db.order.create({
        data: {
          shopId: s.shopId,
          shopifyOrderGid: gid,
          shopifyOrderName: `${A_SECRETS.name}-${n}`,
          customerName: A_SECRETS.customer,
          customerEmail: A_SECRETS.email,
          countryCode: "US",
          state,
          ...extra,
        },
      });
      await s.t.db.orderLine.create({
        data: {
          orderId: row.id,
          shopifyLineItemGid: `gid://shopify/LineItem/${n}`,
          sku: A_SECRETS.sku,
          quantity: 1,
          cjVariantId: "92511400-C758-4474-93CA-66D442F5F787",
        },
      });
      await s.t.db.orderEvent.create({
        data: { orderId: row.id, actor: "webhook", type: "received", toState: "RECEIVED", message: "Order received" },
      });
      return { id: row.id, gid };
    };
    // One order of A in each state an action applies to.
    aOrder = await make(5501, "HELD", { errorReason: "over the cap" });
    const others = await Promise.all([
      make(5502, "RECEIVED"),
      make(5503, "NEEDS_ATTENTION", { errorReason: "A's private reason" }),
      make(5504, "AWAITING_PAYMENT", {
        cjOrderId: A_SECRETS.cjOrderId,
        cjOrderNumber: A_SECRETS.cjOrderNumber,
        trackingNumber: A_SECRETS.tracking,
      }),
    ]);
    aOrders = [aOrder.id, ...others.map((o) => o.id)];
    tokenB = await makeSessionToken({ shop: SHOP_B, apiKey: testApiKey, apiSecret: testAppSecret });
  }, 120_000);
  afterAll(async () => {
    await s?.stop();
  });

  it("every page and api.* route refuses A's orders and shows B only B's settings; A's rows are unchanged", async () => {
    const before = await snapshot();

    for (const id of aOrders) {
      // Order page: loader (document and .data) and every intent.
      expect(
        (await record(`GET /app/orders/${id}`, await fetch(await pageUrl(`/app/orders/${id}`), { headers: browser })))
          .status,
      ).toBe(404);
      const data = await record(
        `GET /app/orders/${id}.data`,
        await fetch(await pageUrl(`/app/orders/${id}.data`), { headers: browser }),
      );
      expect([404, 200]).toContain(data.status);
      for (const intent of ["forward", "approve", "retry", "pay", "refresh", "chooseShipping"]) {
        const form = new URLSearchParams({ intent, logisticName: "USPS+" });
        const res = await fetch(await pageUrl(`/app/orders/${id}`), { method: "POST", body: form, headers: browser });
        expect((await record(`POST /app/orders/${id} ${intent}`, res)).status, intent).toBe(404);
      }
      // Bulk action.
      for (const action of ["forward", "approve", "retry", "pay", "refresh"]) {
        const res = await fetch(await pageUrl("/app/orders/bulk"), {
          method: "POST",
          body: new URLSearchParams({ action, orderId: id }),
          headers: browser,
        });
        expect((await record(`POST /app/orders/bulk ${action}`, res)).status, action).toBe(404);
      }
      // Extension API.
      for (const action of ["forward", "approve", "retry", "pay", "refresh"]) {
        expect((await api(`/api/orders/${id}/actions`, { body: { action } })).status, action).toBe(404);
      }
      expect((await api(`/api/orders/${id}/quotes`)).status).toBe(404);
      expect((await api(`/api/orders/${id}/quotes`, { body: { logisticName: "USPS+" } })).status).toBe(404);
    }
    // Lookup by A's Shopify id: B has no such order → 200 with no order (or 404), never A's.
    for (const n of [5501, 5502, 5503, 5504]) {
      const r = await api(`/api/orders/lookup?shopifyId=${encodeURIComponent(`gid://shopify/Order/${n}`)}`);
      expect([200, 404]).toContain(r.status);
      if (r.status === 200) expect((JSON.parse(r.body) as { order: unknown }).order ?? null).toBeNull();
    }
    // Lists and search: none of A's orders.
    for (const q of [A_SECRETS.name, A_SECRETS.email, A_SECRETS.tracking, A_SECRETS.cjOrderId]) {
      const res = await fetch(await pageUrl(`/app/orders.data?q=${encodeURIComponent(q)}`), { headers: browser });
      expect((await record(`GET /app/orders.data?q=${q}`, res, q)).status).toBe(200);
    }
    expect((await record("GET /app", await fetch(await pageUrl("/app"), { headers: browser }))).status).toBe(200);
    expect(
      (await record("GET /app/quotes", await fetch(await pageUrl("/app/quotes"), { headers: browser }))).status,
    ).toBe(200);

    // Settings: B's own masked key, never A's.
    const settings = await record(
      "GET /app/settings",
      await fetch(await pageUrl("/app/settings"), { headers: browser }),
    );
    expect(settings.status).toBe(200);
    expect(settings.body).toContain(`${"•".repeat(8)}${B_KEY.slice(-4)}`);
    expect(settings.body).not.toContain(A_SECRETS.maskedApiKey);
    const settingsData = await record(
      "GET /app/settings.data",
      await fetch(await pageUrl("/app/settings.data"), { headers: browser }),
    );
    expect(settingsData.body).toContain(B_KEY.slice(-4));
    // Saving settings changes only B's.
    const saved = await record(
      "POST /app/settings.data",
      await fetch(await pageUrl("/app/settings.data"), {
        method: "POST",
        body: new URLSearchParams(SETTINGS_FORM),
        headers: browser,
      }),
    );
    expect(saved.status).toBe(200);
    const bSettings = await s.t.db.shopSettings.findUniqueOrThrow({ where: { shopId: bShopId } });
    expect(bSettings.orderTotalCap).toBe("77");
    expect(bSettings.storeName).toBe("B store");

    // A's rows are exactly as before.
    expect(await snapshot()).toBe(before);
    // No answer carried any of A's data or secrets.
    const leaks = [
      A_SECRETS.name,
      A_SECRETS.email,
      A_SECRETS.customer,
      A_SECRETS.cjOrderId,
      A_SECRETS.cjOrderNumber,
      A_SECRETS.sku,
      A_SECRETS.tracking,
      A_SECRETS.accessToken,
      A_SECRETS.refreshToken,
      A_SECRETS.apiKey,
      A_SECRETS.shopifyToken,
      A_SECRETS.maskedApiKey,
      "A's private reason",
      STACK_SHOP,
    ];
    for (const { what, body } of bodies) {
      for (const secret of leaks) expect(body.includes(secret), `${what} contains ${secret}`).toBe(false);
    }
    expect(bodies.length).toBeGreaterThan(80);
  }, 120_000);

  it("a forged token (shop B in dest, signed with another secret) is refused", async () => {
    const forgedPage = await fetch(await pageUrl(`/app/orders/${aOrder.id}`, SHOP_B, "not-the-app-secret"), {
      headers: browser,
      redirect: "manual",
    });
    expect([401, 302]).toContain(forgedPage.status);
    const bBefore = await s.t.db.shopSettings.findUniqueOrThrow({ where: { shopId: bShopId } });
    const forgedSettings = await fetch(await pageUrl("/app/settings", SHOP_B, "not-the-app-secret"), {
      method: "POST",
      body: new URLSearchParams(SETTINGS_FORM),
      headers: browser,
      redirect: "manual",
    });
    expect([401, 302]).toContain(forgedSettings.status);
    // Remix single fetch answers a `.data` request whose auth threw a redirect with 202 + the redirect encoded.
    const forgedData = await fetch(await pageUrl("/app/settings.data", SHOP_B, "not-the-app-secret"), {
      method: "POST",
      body: new URLSearchParams({ ...SETTINGS_FORM, orderTotalCap: "13" }),
      headers: browser,
      redirect: "manual",
    });
    expect([401, 302, 202]).toContain(forgedData.status);
    expect(await s.t.db.shopSettings.findUniqueOrThrow({ where: { shopId: bShopId } })).toEqual(bBefore);
    const forged = await makeSessionToken({ shop: SHOP_B, apiKey: testApiKey, apiSecret: "not-the-app-secret" });
    expect((await api(`/api/orders/${aOrder.id}/actions`, { body: { action: "approve" }, token: forged })).status).toBe(
      401,
    );
    expect(
      (await api(`/api/orders/lookup?shopifyId=${encodeURIComponent(aOrder.gid)}`, { token: forged })).status,
    ).toBe(401);
    const body = await forgedPage.text();
    expect(body).not.toContain(A_SECRETS.name);
  });
});

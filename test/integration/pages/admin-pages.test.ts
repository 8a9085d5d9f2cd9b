// turbo-stream is Remix's own wire format for loader data (a dependency of @remix-run/server-runtime).
import { decode } from "turbo-stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { embeddedUrl } from "../../../app/runtime/session-token";
import { connectShop } from "../../../app/settings/connect.server";
import { type AppProcess, startApp, testApiKey, testAppSecret } from "../../support/app-process";
import { createTestDatabase, type TestDatabase } from "../../support/database";

const SHOP = "pages-test.myshopify.com";
const OTHER = "pages-other.myshopify.com";
const browser = { "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/140.0 Safari/537.36" };

describe("admin page loaders and actions over HTTP", () => {
  let t: TestDatabase;
  let app: AppProcess;
  let mine: string;
  let foreign: string;
  const url = (path: string, shop = SHOP) =>
    embeddedUrl(app.url, path, { shop, apiKey: testApiKey, apiSecret: testAppSecret });

  beforeAll(async () => {
    t = await createTestDatabase("sqlite");
    app = await startApp({ databaseUrl: t.url });
    process.env.APP_ENCRYPTION_KEY = app.env.APP_ENCRYPTION_KEY;
    const shop = await connectShop(t.db, { shop: SHOP, accessToken: "shpat_a", scopes: "read_orders" });
    const other = await connectShop(t.db, { shop: OTHER, accessToken: "shpat_b", scopes: "read_orders" });
    const base = Date.UTC(2026, 5, 1);
    await t.db.order.createMany({
      data: Array.from({ length: 120 }, (_, i) => ({
        shopId: shop.id,
        shopifyOrderGid: `gid://shopify/Order/${i}`,
        shopifyOrderName: `#${1000 + i}`,
        state: i % 10 === 0 ? "HELD" : "DELIVERED",
        customerName: `Customer ${i}`,
        customerEmail: `c${i}@example.com`,
        trackingNumber: `TRK${i}`,
        // Two orders share each timestamp: the (createdAt, id) keyset must neither skip nor repeat them.
        createdAt: new Date(base + Math.floor(i / 2) * 60_000),
      })),
    });
    mine = (await t.db.order.findFirstOrThrow({ where: { shopId: shop.id, shopifyOrderName: "#1000" } })).id;
    foreign = (
      await t.db.order.create({
        data: {
          shopId: other.id,
          shopifyOrderGid: "gid://shopify/Order/1",
          shopifyOrderName: "#9999",
          state: "HELD",
          customerName: "Private Customer",
          customerEmail: "private@example.com",
        },
      })
    ).id;
  });

  afterAll(async () => {
    await app?.stop();
    await t?.drop();
  });

  /** A route's loader or action answer, as the browser receives it (Remix single fetch: turbo-stream). */
  async function routeData<T>(res: Response, route: string): Promise<T> {
    expect(res.status).toBe(200);
    const decoded = (await decode(res.body as ReadableStream<Uint8Array>)) as { value: unknown; done: Promise<void> };
    await decoded.done;
    const value = decoded.value as Record<string, { data?: unknown }> & { data?: unknown };
    return (route ? value[route]?.data : value.data) as T;
  }

  async function ordersData(query: string) {
    const res = await fetch(await url(`/app/orders.data?${query}`), { headers: browser });
    return routeData<{ rows: { name: string }[]; next: string | null; previous: string | null }>(
      res,
      "routes/app.orders._index",
    );
  }

  it("the order page of another shop's order is 404 and shows none of its data", async () => {
    const res = await fetch(await url(`/app/orders/${foreign}`), { headers: browser });
    const html = await res.text();
    expect(res.status).toBe(404);
    expect(html).not.toContain("Private Customer");
    expect(html).not.toContain("private@example.com");
    expect(html).not.toContain("#9999");
  });

  it("an action on another shop's order is refused with 404 and changes nothing", async () => {
    const body = new URLSearchParams({ action: "approve", orderId: foreign });
    const res = await fetch(await url("/app/orders/bulk"), { method: "POST", body, headers: browser });
    expect(res.status).toBe(404);
    const detail = await fetch(await url(`/app/orders/${foreign}`), {
      method: "POST",
      body: new URLSearchParams({ intent: "approve" }),
      headers: browser,
    });
    expect(detail.status).toBe(404);
    const row = await t.db.order.findUniqueOrThrow({ where: { id: foreign } });
    expect(row.approvedAt).toBeNull();
    expect(await t.db.orderEvent.count({ where: { orderId: foreign } })).toBe(0);
  });

  it("the orders list never shows another shop's orders, even when searched for", async () => {
    const page = await ordersData("q=%239999");
    expect(page.rows).toEqual([]);
    const all = await ordersData("q=private%40example.com");
    expect(all.rows).toEqual([]);
  });

  it("the shop's own order page renders with its timeline and next steps", async () => {
    const res = await fetch(await url(`/app/orders/${mine}`), { headers: browser });
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(html).toContain("Order #1000");
    expect(html).toContain("Approve and forward");
  });

  it("keyset pagination walks every order once, forwards and back, even with equal timestamps", async () => {
    const seen: string[] = [];
    let query = "limit=25";
    const pages: string[] = [];
    for (;;) {
      const page = await ordersData(query);
      seen.push(...page.rows.map((r) => r.name));
      pages.push(query);
      if (!page.next) break;
      query = `limit=25&after=${page.next}`;
    }
    expect(seen).toHaveLength(120);
    expect(new Set(seen).size).toBe(120);
    expect(pages).toHaveLength(5);
    // Newest first: #1119/#1118 share the last minute.
    expect(seen.slice(0, 2).sort()).toEqual(["#1118", "#1119"]);
    // Back from the last page returns the previous 25 exactly.
    const last = await ordersData(pages[4] as string);
    const back = await ordersData(`limit=25&before=${last.previous}`);
    expect(back.rows.map((r) => r.name)).toEqual(seen.slice(75, 100));
  });

  it("sorted by profit: only orders with a known profit, in order, paged by (profit, id) both ways", async () => {
    const shop = await t.db.shop.findUniqueOrThrow({ where: { domain: SHOP } });
    const orders = await t.db.order.findMany({ where: { shopId: shop.id }, orderBy: { shopifyOrderName: "asc" } });
    // 30 orders with a profit (some equal, some losses); the rest unknown.
    for (const [i, o] of orders.slice(0, 30).entries()) {
      const cents = ((i * 37) % 11) * 100 - 300;
      await t.db.order.update({
        where: { id: o.id },
        data: { profitCents: cents, profitUsd: (cents / 100).toFixed(2) },
      });
    }
    const seen: { name: string; profit: string | null }[] = [];
    let query = "sort=profit-asc&limit=8";
    const queries: string[] = [];
    for (;;) {
      const page = (await ordersData(query)) as unknown as {
        rows: { name: string; profit: string | null }[];
        next: string | null;
        previous: string | null;
      };
      seen.push(...page.rows);
      queries.push(query);
      if (!page.next) break;
      query = `sort=profit-asc&limit=8&after=${page.next}`;
    }
    expect(seen).toHaveLength(30);
    expect(new Set(seen.map((r) => r.name)).size).toBe(30);
    const values = seen.map((r) => Number(r.profit));
    expect(values).toEqual([...values].sort((a, b) => a - b));
    expect(values[0]).toBe(-3);
    const last = (await ordersData(queries.at(-1) as string)) as unknown as { previous: string | null };
    const back = await ordersData(`sort=profit-asc&limit=8&before=${last.previous}`);
    expect(back.rows.map((r) => r.name)).toEqual(seen.slice(16, 24).map((r) => r.name));
    const desc = (await ordersData("sort=profit-desc&limit=3")) as unknown as { rows: { profit: string | null }[] };
    expect(desc.rows.map((r) => r.profit)).toEqual(["7.00", "7.00", "6.00"]);
    // The page shows the column.
    const html = await (await fetch(await url("/app/orders?sort=profit-asc"), { headers: browser })).text();
    expect(html).toContain("-3.00 USD");
    for (const o of orders.slice(0, 30)) {
      await t.db.order.update({ where: { id: o.id }, data: { profitCents: null, profitUsd: null } });
    }
  });

  it("tabs and search narrow the list", async () => {
    const held = await ordersData("tab=held&limit=100");
    expect(held.rows).toHaveLength(12);
    const byTracking = await ordersData("q=TRK42");
    expect(byTracking.rows.map((r) => r.name)).toEqual(["#1042"]);
    const byEmail = await ordersData("q=c7%40example.com");
    expect(byEmail.rows.map((r) => r.name)).toEqual(["#1007"]);
  });

  it("settings: an invalid form answers field errors and stores nothing; a valid one is saved", async () => {
    const form = {
      intent: "save",
      forwardingTrigger: "ON_PAYMENT",
      paused: "false",
      holdHighRisk: "true",
      orderTotalCap: "abc",
      logisticsRule: "CHEAPEST_WITHIN_DAYS",
      logisticsMaxDays: "15",
      preferredLogistics: "",
      fromCountryCode: "CN",
      paymentMode: "LINK",
      autoPayPerOrderCap: "",
      autoPayPerDayCap: "",
      iossType: "",
      iossNumber: "",
      storeName: "",
      sendOrderNote: "false",
      sandbox: "true",
      notifyCustomer: "true",
      trackingSync: "AFTER_DISPATCH",
    };
    const bad = await fetch(await url("/app/settings.data"), {
      method: "POST",
      body: new URLSearchParams(form),
      headers: browser,
    });
    const answer = await routeData<{ ok: boolean; errors?: Record<string, string> }>(bad, "");
    expect(answer.ok).toBe(false);
    expect(answer.errors?.orderTotalCap).toBe("Enter an amount like 150 or 150.00");
    const shop = await t.db.shop.findUniqueOrThrow({ where: { domain: SHOP }, include: { settings: true } });
    expect(shop.settings?.orderTotalCap).toBeNull();

    const good = await fetch(await url("/app/settings.data"), {
      method: "POST",
      body: new URLSearchParams({ ...form, orderTotalCap: "150" }),
      headers: browser,
    });
    expect((await routeData<{ ok: boolean }>(good, "")).ok).toBe(true);
    const saved = await t.db.shopSettings.findUniqueOrThrow({ where: { shopId: shop.id } });
    expect(saved.orderTotalCap).toBe("150");
  });
});

/**
 * `npm run demo [-- --once]`: the main job end to end on the embedded profile (SQLite, jobs in-process), against the
 * local CJ and Shopify emulators: connects a demo shop, chooses its CJ store and goes live (the home page's
 * onboarding), replays signed Shopify order webhooks, forwards the orders to CJ, pays them from the balance, ships
 * them in the CJ emulator, syncs tracking back to Shopify as fulfillments; an order whose variant is not connected to
 * CJ waits until the demo connects that variant on the Products page, then goes the same way. Prints each order's
 * timeline and keeps the admin reachable at a printed URL (or, with --once, exits with a summary).
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { migrateDatabase } from "../app/db/migrate";
import { createDb } from "../app/db.server";
import { cjOrderNumberFor } from "../app/fulfillment/mapping";
import { DEMO_CJ_API_KEY, DEMO_SHOP, DEMO_SHOPIFY_TOKEN, localEnv } from "../app/runtime/local-env";
import { embeddedUrl } from "../app/runtime/session-token";
import { connectShop } from "../app/settings/connect.server";
import { startCjEmulator } from "../test/emulators/cj/index";
import { startShopifyEmulator } from "../test/emulators/shopify/index";

const root = path.resolve(import.meta.dirname, "..");
const { values } = parseArgs({ options: { once: { type: "boolean", default: false }, port: { type: "string" } } });
const port = Number(values.port ?? process.env.PORT ?? 3000);
const appUrl = `http://127.0.0.1:${port}`;
const dbFile = path.join(root, "prisma/demo.sqlite");
const log = (line: string) => console.log(`demo: ${line}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// --- the emulators (in this process) -------------------------------------------------------------------------
const DEMO_PRODUCTS = [
  {
    sku: "DEMO-TEE-WHITE-M",
    title: "Organic tee, white, M",
    vid: "92511400-C758-4474-93CA-66D442F5F787",
    variantId: 8001,
  },
  {
    sku: "DEMO-TEE-WHITE-L",
    title: "Organic tee, white, L",
    vid: "439FC05B-1311-4349-87FA-1E1EF942C418",
    variantId: 8002,
  },
];
/** In the store's catalogue but not connected to CJ: its order waits until the demo connects it (Products page). */
const UNCONNECTED = {
  sku: "DEMO-CASE-CLEAR",
  title: "Phone case, clear",
  vid: "1392053744945991681",
  variantId: 8003,
};
const cj = await startCjEmulator({
  accounts: [
    {
      id: "demo",
      apiKey: DEMO_CJ_API_KEY,
      openId: 9001,
      qpsLimit: 6,
      balance: "500.00",
      shops: [{ shopId: "demo-shop", storeName: "Demo store", platform: "shopify" }],
    },
  ],
  connections: DEMO_PRODUCTS.map((p) => ({
    accountId: "demo",
    sku: p.sku,
    vid: p.vid,
    platformVariantId: String(p.variantId),
    platformProductId: "7001",
  })),
  pushRetryDelayMs: 1000,
});
// Expiring offline tokens, as every public app uses from 1 January 2027: short-lived here (DEMO_TOKEN_TTL_SECONDS,
// default 6 s), so the demo's run spans several refreshes.
const tokenTtlSeconds = Number(process.env.DEMO_TOKEN_TTL_SECONDS ?? 6);
const shopify = await startShopifyEmulator({
  shops: [{ domain: DEMO_SHOP, accessToken: DEMO_SHOPIFY_TOKEN }],
  tokenTtlSeconds,
  apps: [{ clientId: localEnv().SHOPIFY_API_KEY as string, clientSecret: localEnv().SHOPIFY_API_SECRET as string }],
});
// The store's catalogue, as the Products page reads it from Shopify.
shopify.addProduct(DEMO_SHOP, {
  id: 7001,
  title: "Organic tee",
  variants: DEMO_PRODUCTS.map((p) => ({
    id: p.variantId,
    sku: p.sku,
    title: p.title.split(", ").slice(1).join(", "),
    price: "24.00",
  })),
});
shopify.addProduct(DEMO_SHOP, {
  id: 7002,
  title: UNCONNECTED.title,
  variants: [{ id: UNCONNECTED.variantId, sku: UNCONNECTED.sku, price: "12.00" }],
});
log(`CJ emulator ${cj.baseUrl}, Shopify Admin emulator ${shopify.origin}`);

// --- the app (a child process, exactly what `npm start` runs) -----------------------------------------------
const env = localEnv({
  DATABASE_URL: `file:${dbFile}`,
  PORT: String(port),
  SHOPIFY_APP_URL: appUrl,
  APP_ENCRYPTION_KEY: process.env.APP_ENCRYPTION_KEY ?? randomBytes(32).toString("base64"),
  CJ_API_BASE_URL: cj.baseUrl,
  SHOPIFY_ADMIN_API_ORIGIN: shopify.origin,
  // The demo shop sells in USD and runs offline: no exchange rates are fetched.
  CURRENCY_RATES_URL: process.env.CURRENCY_RATES_URL ?? "off",
  LOG_LEVEL: process.env.LOG_LEVEL ?? "error",
  SHOPIFY_TOKEN_REFRESH_MARGIN_SECONDS: String(Math.max(1, Math.floor(tokenTtlSeconds / 4))),
  // CJ's costs and makeup bills are read every few seconds here (minutes in production), so the demo shows them.
  CJ_COSTS_EVERY_SECONDS: process.env.CJ_COSTS_EVERY_SECONDS ?? "2",
  CJ_MAKEUP_EVERY_SECONDS: process.env.CJ_MAKEUP_EVERY_SECONDS ?? "2",
});
Object.assign(process.env, env);

// A fresh demo database each run, so the output is the same every time.
for (const suffix of ["", "-journal", "-wal", "-shm"]) rmSync(`${dbFile}${suffix}`, { force: true });
await migrateDatabase(env.DATABASE_URL);
const db = createDb(env.DATABASE_URL);
// Like `shop:connect` without --access-token: the CJ key only; the Shopify token comes from the token exchange below.
const shop = await connectShop(db, {
  shop: DEMO_SHOP,
  cjApiKey: DEMO_CJ_API_KEY,
  scopes: env.SCOPES ?? "",
});
await db.cjAccount.updateMany({ where: { shops: { some: { id: shop.id } } }, data: { qpsLimit: 6 } });
await db.shopSettings.update({
  where: { shopId: shop.id },
  data: { paymentMode: "BALANCE", autoPayPerOrderCap: "100", autoPayPerDayCap: "400" },
});
log(`connected ${DEMO_SHOP} with its CJ API key (shop:connect); pay from balance up to 100 USD an order`);

const app = spawn(path.join(root, "node_modules/.bin/tsx"), ["scripts/start.ts"], {
  cwd: root,
  env: { ...process.env, ...env },
  stdio: ["ignore", "inherit", "inherit"],
});
const shutdown = async (code: number) => {
  if (app.exitCode === null) app.kill("SIGTERM");
  await Promise.all([cj.close(), shopify.close()]).catch(() => {});
  process.exit(code);
};
process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));
for (let i = 0; ; i++) {
  if (app.exitCode !== null) throw new Error("the app exited during start-up");
  if (
    await fetch(`${appUrl}/healthz`).then(
      (r) => r.ok,
      () => false,
    )
  )
    break;
  if (i > 600) throw new Error("the app did not start within 60 s");
  await sleep(100);
}

// The merchant opens the app from the Shopify admin: the app exchanges the session token for an expiring offline token.
{
  const opened = await fetch(
    await embeddedUrl(appUrl, "/app", {
      shop: DEMO_SHOP,
      apiKey: env.SHOPIFY_API_KEY ?? "",
      apiSecret: env.SHOPIFY_API_SECRET ?? "",
    }),
    { headers: { "User-Agent": "Mozilla/5.0 Chrome/156.0" } },
  );
  if (opened.status !== 200) throw new Error(`opening the app (token exchange) answered HTTP ${opened.status}`);
  log(
    `the merchant opened the app: token exchange → an expiring offline token (${tokenTtlSeconds} s) with its refresh token`,
  );
}

// The merchant's onboarding on the home page: the CJ store chosen from CJ's list, then go live.
const session = { shop: DEMO_SHOP, apiKey: env.SHOPIFY_API_KEY ?? "", apiSecret: env.SHOPIFY_API_SECRET ?? "" };
const BROWSER = { "User-Agent": "Mozilla/5.0 Chrome/156.0" };
async function post(pathname: string, form: Record<string, string>): Promise<Record<string, unknown>> {
  const answer = await fetch(await embeddedUrl(appUrl, pathname, session), {
    method: "POST",
    body: new URLSearchParams(form),
    headers: { ...BROWSER, Accept: "application/json" },
  });
  if (answer.status !== 200) throw new Error(`POST ${pathname} ${form.intent} answered HTTP ${answer.status}`);
  return answer.json().catch(() => ({}));
}
await post("/app?index", { intent: "storeName", storeName: "Demo store" });
await post("/app?index", { intent: "goLive" });
{
  const live = await db.shopSettings.findUniqueOrThrow({ where: { shopId: shop.id } });
  if (!live.liveAt || live.storeName !== "Demo store") throw new Error("the demo shop did not go live");
  log('onboarding: CJ store "Demo store" chosen from CJ\'s stores (shop/getShops); the shop is live');
}

// CJ pushes order and logistics messages to the app (registered like Settings → "Register CJ webhooks" does).
cj.state.webhooks.set("demo", {
  order: { type: "ENABLE", callbackUrls: [`${appUrl}/webhooks/cj`] },
  logistics: { type: "ENABLE", callbackUrls: [`${appUrl}/webhooks/cj`] },
});

// --- demo orders: signed Shopify webhooks ---------------------------------------------------------------------
const lines = (sku: string, quantity = 1) => {
  const p = DEMO_PRODUCTS.find((x) => x.sku === sku);
  return {
    sku,
    title: p?.title,
    quantity,
    price: "24.00",
    variantId: p ? `gid://shopify/ProductVariant/${p.variantId}` : undefined,
  };
};
const orders = [
  shopify.addOrder(DEMO_SHOP, { financialStatus: "PAID", lines: [lines("DEMO-TEE-WHITE-M", 2)] }),
  shopify.addOrder(DEMO_SHOP, {
    financialStatus: "PAID",
    shippingAddress: {
      name: "김민준",
      address1: "세종대로 110",
      city: "중구",
      province: "서울특별시",
      country: "대한민국",
      countryCodeV2: "KR",
      zip: "04524",
      phone: "010-1234-5678",
    },
    // Korea's customs need the recipient's PCCC: Shopify's checkout collects it, the app sends it as CJ's taxId.
    localizedFields: [{ key: "SHIPPING_CREDENTIAL_KR", value: "P123456789012" }],
    lines: [lines("DEMO-TEE-WHITE-L")],
  }),
  shopify.addOrder(DEMO_SHOP, {
    financialStatus: "PAID",
    shippingAddress: {
      name: "Lena Schmidt",
      address1: "Unter den Linden 1",
      city: "Berlin",
      province: "Berlin",
      country: "Germany",
      countryCodeV2: "DE",
      zip: "10117",
    },
    lines: [lines("DEMO-TEE-WHITE-M"), lines("DEMO-TEE-WHITE-L")],
  }),
  shopify.addOrder(DEMO_SHOP, {
    financialStatus: "PAID",
    lines: [lines("DEMO-TEE-WHITE-M"), { sku: null, title: "Hand-painted mug (no SKU)", quantity: 1, price: "18.00" }],
  }),
  // A variant CJ does not know yet: the order waits (needs attention) until the variant is connected.
  shopify.addOrder(DEMO_SHOP, {
    financialStatus: "PAID",
    lines: [
      {
        sku: UNCONNECTED.sku,
        title: UNCONNECTED.title,
        quantity: 1,
        price: "12.00",
        variantId: `gid://shopify/ProductVariant/${UNCONNECTED.variantId}`,
      },
    ],
  }),
];
const blockedOrder = orders[orders.length - 1] as (typeof orders)[number];
let connected = false;
const { toOrderWebhookPayload } = await import("../test/emulators/shopify/index");
for (const order of orders) {
  const sent = await shopify.sendWebhook({
    appUrl,
    path: "/webhooks/orders/paid",
    topic: "orders/paid",
    shop: DEMO_SHOP,
    secret: env.SHOPIFY_API_SECRET ?? "",
    payload: toOrderWebhookPayload(order, DEMO_SHOP),
  });
  log(`orders/paid ${order.name} → HTTP ${sent.status}`);
}

// --- watch them through: paid → shipped → in transit → delivered ------------------------------------------------
const FINAL = new Set(["DELIVERED", "NEEDS_ATTENTION", "HELD", "FAILED", "CANCELLED"]);
const stateOf = async (gid: string) =>
  (await db.order.findFirst({ where: { shopifyOrderGid: gid }, select: { state: true } }))?.state ?? "—";
const shipped = new Set<string>();
const delivered = new Set<string>();
const deadline = Date.now() + 120_000;
for (;;) {
  const states = await Promise.all(orders.map((o) => stateOf(o.id)));
  const blockedAt = orders.indexOf(blockedOrder);
  if (!connected && states[blockedAt] === "NEEDS_ATTENTION") {
    // The merchant opens the Products page, sees the variant without CJ connection, and connects it by its CJ vid.
    const products = await fetch(await embeddedUrl(appUrl, "/app/products?tab=unconnected", session), {
      headers: BROWSER,
    });
    const html = await products.text();
    if (products.status !== 200 || !html.includes(UNCONNECTED.sku)) {
      throw new Error(`the Products page did not list ${UNCONNECTED.sku} as not connected (HTTP ${products.status})`);
    }
    log(`Products page: ${UNCONNECTED.sku} is not connected to CJ and blocks ${blockedOrder.name}`);
    await post("/app/products", {
      intent: "connect",
      variantGid: `gid://shopify/ProductVariant/${UNCONNECTED.variantId}`,
      by: "vid",
      value: UNCONNECTED.vid,
    });
    connected = true;
    log(
      `Products page: connected ${UNCONNECTED.sku} to CJ variant ${UNCONNECTED.vid}; ${blockedOrder.name} goes on by itself`,
    );
  }
  for (const [i, order] of orders.entries()) {
    const number = cjOrderNumberFor(DEMO_SHOP, order.id);
    const cjOrder = cj.order(number);
    if (states[i] === "PAID" && cjOrder?.status === "UNSHIPPED" && !shipped.has(order.id)) {
      cj.shipOrder(number);
      shipped.add(order.id);
      log(`CJ ships ${order.name} (${cjOrder.orderId})`);
    }
    if (["FULFILLED", "SHIPPED"].includes(states[i] ?? "") && shipped.has(order.id) && !delivered.has(order.id)) {
      for (const trackingStatus of [5, 10, 12]) cj.advanceTracking(number, { trackingStatus });
      delivered.add(order.id);
      log(`CJ tracking for ${order.name}: in transit → out for delivery → delivered`);
    }
  }
  if (states.every((s, i) => FINAL.has(s) && (i !== blockedAt || s !== "NEEDS_ATTENTION" || !connected)) && connected)
    break;
  if (Date.now() > deadline) {
    log(`not every order reached a final state within 120 s: ${states.join(", ")}`);
    break;
  }
  await sleep(300);
}

// --- money: CJ bills a postage difference on one order; every paid order gets CJ's costs and its profit ---------
const billed = await db.order.findFirst({ where: { paidAt: { not: null } }, orderBy: { paidAt: "asc" } });
if (billed?.cjOrderId) {
  const bill = cj.addMakeupBill({
    accountId: "demo",
    cjOrderCode: billed.cjOrderId,
    amount: "1.85",
    reason: "Postage difference",
  });
  log(
    `CJ bills a makeup payment for ${billed.shopifyOrderName}: ${bill.amount} USD (${bill.reason}, bill ${bill.orderCode})`,
  );
}
const moneyDeadline = Date.now() + 30_000;
for (;;) {
  const paid = await db.order.findMany({
    where: { paidAt: { not: null } },
    select: { profitUsd: true, costsError: true },
  });
  const bills = await db.cjMakeupBill.count({ where: { orderId: { not: null } } });
  const costed = paid.every((o) => o.profitUsd !== null || o.costsError !== null);
  if ((costed && bills > 0) || Date.now() > moneyDeadline) break;
  await sleep(300);
}
const money = await db.order.findMany({
  where: { paidAt: { not: null } },
  orderBy: { shopifyOrderName: "asc" },
  include: { makeupBills: true },
});
console.log("\nProfit per order (USD: what the customer paid after refunds, minus CJ's costs)");
for (const o of money) {
  const makeup = o.makeupBills.map((b) => `, makeup bill ${b.orderCode} ${b.amount}`).join("");
  console.log(
    `  ${o.shopifyOrderName}  paid ${o.revenueUsd ?? "?"}  CJ ${o.cjCostUsd ?? "?"}${makeup}  profit ${o.profitUsd ?? `? (${o.costsError ?? o.profitNote ?? "not known yet"})`}`,
  );
}

// --- the timelines -------------------------------------------------------------------------------------------
for (const order of orders) {
  const row = await db.order.findFirst({
    where: { shopifyOrderGid: order.id },
    include: { events: { orderBy: { at: "asc" } }, fulfillments: true },
  });
  if (!row) continue;
  console.log(
    `\n${row.shopifyOrderName}  ${row.state}${row.cjOrderId ? `  CJ ${row.cjOrderId}` : ""}${row.errorReason ? `\n  ! ${row.errorReason}` : ""}`,
  );
  for (const e of row.events) console.log(`  ${e.at.toISOString().slice(11, 19)} ${e.actor.padEnd(8)} ${e.message}`);
  for (const f of row.fulfillments)
    console.log(
      `  fulfillment ${f.shopifyFulfillmentGid ?? "(pending)"} ${f.company ?? ""} ${f.trackingNumber} ${f.url ?? ""}`,
    );
}
const fulfilledInShopify = shopify.requests({ operationName: "FulfillmentCreate" }).length;
console.log("");
log(`Shopify emulator received ${fulfilledInShopify} fulfillmentCreate call(s)`);
const refreshes = shopify.tokenRequests({ grantType: "refresh_token" });
log(
  `Shopify tokens: ${refreshes.filter((r) => r.outcome === "issued").length} refresh(es), ${refreshes.filter((r) => r.reused).length} refresh token(s) presented twice`,
);

const adminUrl = await embeddedUrl(appUrl, "/app", {
  shop: DEMO_SHOP,
  apiKey: env.SHOPIFY_API_KEY ?? "",
  apiSecret: env.SHOPIFY_API_SECRET ?? "",
});
const home = await fetch(adminUrl, { headers: { "User-Agent": "Mozilla/5.0 Chrome/156.0" } });
if (home.status !== 200 || !(await home.text()).includes("Polaris-Page")) {
  throw new Error(`the admin home page did not render (HTTP ${home.status})`);
}

const total = await db.order.count();
const forwarded = await db.order.count({
  where: { OR: [{ cjOrderId: { not: null } }, { submittedAt: { not: null } }] },
});
const fulfilled = await db.order.count({ where: { state: { in: ["FULFILLED", "DELIVERED"] } } });
const attention = await db.order.count({ where: { state: { in: ["NEEDS_ATTENTION", "HELD", "FAILED"] } } });
await db.$disconnect();

if (values.once) {
  if (app.exitCode === null) app.kill("SIGTERM");
  await Promise.all([cj.close(), shopify.close()]);
  console.log(`demo: ${total} orders, ${forwarded} forwarded, ${fulfilled} fulfilled, ${attention} need attention`);
  process.exit(0);
}
log(`admin: ${adminUrl}`);
log(
  "(open it in a browser: the link carries a session token valid for one hour; pages: /app, /app/orders, /app/products, /app/money, /app/merge, /app/stock, /app/outbound, /app/addresses, /app/settings)",
);
log("running; press Ctrl+C to stop");
await new Promise(() => {});

/**
 * The whole system for integration tests: the CJ emulator and the Shopify Admin emulator in this process, the app as
 * a child process (npm start's entry) pointed at both, and a scratch database.
 */
import { randomBytes } from "node:crypto";
import type { DatabaseProfile } from "../../app/db/profile";
import type { JobQueue } from "../../app/jobs/queue";
import { createShopPorts } from "../../app/runtime/deps.server";
import { connectShop } from "../../app/settings/connect.server";
import { type CjEmulator, type StartOptions as CjStartOptions, startCjEmulator } from "../emulators/cj/index";
import { type RatesEmulator, startRatesEmulator } from "../emulators/rates/index";
import type { BuildOrderInput } from "../emulators/shopify/build-order";
import { type ShopifyEmulator, startShopifyEmulator, toOrderWebhookPayload } from "../emulators/shopify/index";
import type { Order as ShopifyOrder } from "../emulators/shopify/model";
import { type AppProcess, openAppAsMerchant, startApp, testAppSecret } from "./app-process";
import { createTestDatabase, type TestDatabase } from "./database";

export const STACK_SHOP = "stack-store.myshopify.com";
export const STACK_TOKEN = "shpat_stack_token";
export const STACK_CJ_KEY = "CJ-STACK-KEY";
export const STACK_OPEN_ID = 4242;

/** Store products connected to CJ variants in the emulator (default catalogue vids), keyed by store SKU. */
export const CONNECTED = {
  "TSHIRT-WHITE-M": { vid: "92511400-C758-4474-93CA-66D442F5F787", variantId: 7001, productId: 6001 },
  "TSHIRT-WHITE-L": { vid: "439FC05B-1311-4349-87FA-1E1EF942C418", variantId: 7002, productId: 6001 },
} as const;

/** Lines with a connected SKU get that product's Shopify ids, as a real store's orders would. */
function withStoreIds(input: BuildOrderInput): BuildOrderInput {
  return {
    ...input,
    lines: input.lines?.map((line) => {
      const known = line.sku ? CONNECTED[line.sku as keyof typeof CONNECTED] : undefined;
      if (!known) return line;
      return {
        variantId: `gid://shopify/ProductVariant/${known.variantId}`,
        productId: `gid://shopify/Product/${known.productId}`,
        ...line,
      };
    }),
  };
}

export interface Stack {
  cj: CjEmulator;
  shopify: ShopifyEmulator;
  /** The exchange-rate source the app reads (ECB format). */
  rates: RatesEmulator;
  app: AppProcess;
  t: TestDatabase;
  shopId: string;
  addOrder(input: BuildOrderInput): ShopifyOrder;
  webhook(topic: string, order: ShopifyOrder, opts?: { webhookId?: string; payload?: unknown }): Promise<number>;
  /** Kills the app (SIGKILL by default, like a crash) and starts it again on the same database and address. */
  restartApp(signal?: NodeJS.Signals): Promise<void>;
  /** The order's row, state and timeline, as text (for failure messages). */
  describeOrder(shopifyOrderGid: string): Promise<string>;
  stop(): Promise<void>;
}

export async function startStack(
  options: {
    profile?: DatabaseProfile;
    settings?: Record<string, unknown>;
    qpsLimit?: number;
    balance?: string;
    env?: Record<string, string>;
    cj?: Partial<CjStartOptions>;
    /**
     * The shop connects as a public app does: no custom-app token; the app's token exchange (the merchant opening
     * the app) gets an expiring offline token, whose lifetime is this many seconds.
     */
    expiringTokenTtlSeconds?: number;
  } = {},
): Promise<Stack> {
  const qps = options.qpsLimit ?? 6;
  const cj = await startCjEmulator({
    accounts: [
      {
        id: "acct-1",
        apiKey: STACK_CJ_KEY,
        openId: STACK_OPEN_ID,
        qpsLimit: qps,
        balance: options.balance ?? "1000.00",
      },
    ],
    connections: Object.entries(CONNECTED).map(([sku, c]) => ({
      accountId: "acct-1",
      sku,
      vid: c.vid,
      platformVariantId: String(c.variantId),
      platformProductId: String(c.productId),
    })),
    pushRetryDelayMs: 200,
    ...options.cj,
  });
  const shopify = await startShopifyEmulator({
    shops: [{ domain: STACK_SHOP, accessToken: STACK_TOKEN }],
    ...(options.expiringTokenTtlSeconds ? { tokenTtlSeconds: options.expiringTokenTtlSeconds } : {}),
  });
  const t = await createTestDatabase(options.profile ?? "sqlite");
  const rates = await startRatesEmulator();
  const appEnv = {
    CJ_API_BASE_URL: cj.baseUrl,
    SHOPIFY_ADMIN_API_ORIGIN: shopify.origin,
    CURRENCY_RATES_URL: rates.url,
    RECONCILE_EVERY_SECONDS: "3600",
    ...options.env,
  };
  // The shop is written before the app starts: its start-up jobs then neither race these writes for SQLite's lock
  // nor see the shop half set up. The key is the app's (startApp takes APP_ENCRYPTION_KEY from the environment).
  process.env.APP_ENCRYPTION_KEY ??= randomBytes(32).toString("base64");
  const shop = await connectShop(t.db, {
    shop: STACK_SHOP,
    ...(options.expiringTokenTtlSeconds ? {} : { accessToken: STACK_TOKEN }),
    cjApiKey: STACK_CJ_KEY,
    scopes: "read_orders",
  });
  await t.db.cjAccount.updateMany({ where: { shops: { some: { id: shop.id } } }, data: { qpsLimit: qps } });
  // The stack's shop has gone live in sandbox mode (CJ's sandbox ships nothing), unless a test says otherwise.
  await t.db.shopSettings.update({
    where: { shopId: shop.id },
    data: { liveAt: new Date(), sandbox: true, ...options.settings },
  });
  let app = await startApp({ databaseUrl: t.url, env: appEnv });
  process.env.APP_ENCRYPTION_KEY = app.env.APP_ENCRYPTION_KEY;
  if (options.expiringTokenTtlSeconds) {
    const status = await openAppAsMerchant(app.url, STACK_SHOP);
    if (status !== 200) throw new Error(`opening the app for the token exchange answered ${status}\n${app.output()}`);
  }
  const stack: Stack = {
    cj,
    shopify,
    rates,
    app,
    t,
    shopId: shop.id,
    addOrder: (input) => shopify.addOrder(STACK_SHOP, withStoreIds(input)),
    async webhook(topic, order, opts = {}) {
      const sent = await shopify.sendWebhook({
        appUrl: stack.app.url,
        path: `/webhooks/${topic}`,
        topic,
        shop: STACK_SHOP,
        secret: testAppSecret,
        payload: opts.payload ?? toOrderWebhookPayload(order, STACK_SHOP),
        ...(opts.webhookId ? { webhookId: opts.webhookId } : {}),
      });
      return sent.status;
    },
    async restartApp(signal = "SIGKILL") {
      await app.stop(signal);
      app = await startApp({
        databaseUrl: t.url,
        port: Number(new URL(app.url).port),
        env: { ...appEnv, APP_ENCRYPTION_KEY: app.env.APP_ENCRYPTION_KEY as string },
      });
      stack.app = app;
    },
    async describeOrder(gid) {
      const row = await t.db.order.findFirst({
        where: { shopifyOrderGid: gid },
        include: { events: { orderBy: { at: "asc" } } },
      });
      if (!row) return `no order row for ${gid}\napp output:\n${app.output().slice(-30000)}`;
      return [
        `state=${row.state} error=${row.errorReason ?? ""}`,
        ...row.events.map((e) => `  ${e.type} ${e.fromState ?? ""}→${e.toState ?? ""}: ${e.message}`),
        `app output:\n${app.output().slice(-30000)}`,
      ].join("\n");
    },
    async stop() {
      await stack.app.stop();
      await Promise.all([cj.close(), shopify.close(), rates.close()]);
      await t.drop();
    },
  };
  return stack;
}

/** Polls until `check` returns a value (not undefined/false), or fails with the last value after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined | false>,
  timeoutMs = 20_000,
  intervalMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value as T;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms (last: ${String(last)})`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** The domain's dependencies in the test process, on the stack's database and emulators (same code as the app's). */
export function inProcessDeps(s: Stack, queue: JobQueue) {
  return {
    db: s.t.db,
    ports: createShopPorts(s.t.db, {
      CJ_API_BASE_URL: s.cj.baseUrl,
      SHOPIFY_ADMIN_API_ORIGIN: s.shopify.origin,
    } as unknown as NodeJS.ProcessEnv),
    queue,
  };
}

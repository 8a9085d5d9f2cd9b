/**
 * The production profile for tests and benchmarks: a scratch PostgreSQL database, the CJ and Shopify emulators in
 * this process, any number of web processes (`scripts/start.ts`) and worker processes (`scripts/worker.ts`), and
 * any number of shops, each with its own CJ account.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { connectShop } from "../../app/settings/connect.server";
import { type CjEmulator, type StartOptions as CjStartOptions, startCjEmulator } from "../emulators/cj/index";
import type { BuildOrderInput } from "../emulators/shopify/build-order";
import { type ShopifyEmulator, startShopifyEmulator, toOrderWebhookPayload } from "../emulators/shopify/index";
import type { Order as ShopifyOrder } from "../emulators/shopify/model";
import { type AppProcess, freePort, openAppAsMerchant, startApp, testApiKey, testAppSecret } from "./app-process";
import { createTestDatabase, type TestDatabase } from "./database";
import { withoutVitest } from "./env";
import { CONNECTED } from "./stack";

const root = path.resolve(import.meta.dirname, "../..");

export interface WorkerProcess {
  pid: number;
  healthUrl: string;
  output(): string;
  exited(): boolean;
  /** The exit code once the process has exited on its own (null while running or when killed by a signal). */
  exitCode(): number | null;
  /** Resolves once /readyz answers 200. */
  ready(timeoutMs?: number): Promise<void>;
  /** Sends the signal and resolves when the process is gone. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Runs `scripts/worker.ts` (what `npm run worker` runs) against the database, with a health port.
 *
 * `spawn: "node"` runs the worker as `node --import tsx scripts/worker.ts`, one process, so `stop("SIGKILL")` kills
 * the worker itself. The default (`"tsx"`, the `node_modules/.bin/tsx` CLI) puts a wrapper process in front of the
 * worker: SIGTERM is relayed, but a SIGKILL only kills the wrapper and leaves the worker running as an orphan.
 */
export async function startWorker(options: {
  databaseUrl: string;
  env?: Record<string, string>;
  spawn?: "tsx" | "node";
}) {
  const port = await freePort();
  const env = {
    DATABASE_URL: options.databaseUrl,
    WORKER_HEALTH_PORT: String(port),
    SHOPIFY_API_KEY: testApiKey,
    SHOPIFY_API_SECRET: testAppSecret,
    LOG_LEVEL: process.env.TEST_APP_LOG_LEVEL ?? "warn",
    NODE_ENV: "production",
    ...options.env,
  };
  const [command, args] =
    options.spawn === "node"
      ? [process.execPath, ["--import", "tsx", "scripts/worker.ts"]]
      : [path.join(root, "node_modules/.bin/tsx"), ["scripts/worker.ts"]];
  const child: ChildProcess = spawn(command, args, {
    cwd: root,
    env: { ...withoutVitest(), ...env } as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const keep = (d: Buffer) => {
    out += d;
    if (out.length > 200_000) out = out.slice(-100_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const healthUrl = `http://127.0.0.1:${port}`;
  const worker: WorkerProcess = {
    pid: child.pid ?? 0,
    healthUrl,
    output: () => out,
    exited: () => child.exitCode !== null || child.signalCode !== null,
    exitCode: () => child.exitCode,
    async ready(timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (worker.exited()) throw new Error(`worker exited before it was ready:\n${out}`);
        const ok = await fetch(`${healthUrl}/readyz`).then(
          (r) => r.ok,
          () => false,
        );
        if (ok) return;
        if (Date.now() > deadline) throw new Error(`worker not ready within ${timeoutMs} ms:\n${out}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    stop: (signal = "SIGTERM") =>
      new Promise<void>((resolve) => {
        if (worker.exited()) return resolve();
        child.once("exit", () => resolve());
        child.kill(signal);
      }),
  };
  return worker;
}

export interface ProductionShop {
  domain: string;
  token: string;
  shopId: string;
  cjAccountId: string;
  cjApiKey: string;
}

export interface ProductionStack {
  cj: CjEmulator;
  shopify: ShopifyEmulator;
  t: TestDatabase;
  webs: AppProcess[];
  workers: WorkerProcess[];
  shops: ProductionShop[];
  /** Environment shared by every web and worker process. */
  env: Record<string, string>;
  addOrder(shop: number, input: BuildOrderInput): ShopifyOrder;
  /** Delivers an order webhook to web process `web` (round-robin when omitted). */
  webhook(
    shop: number,
    topic: string,
    order: ShopifyOrder,
    opts?: { webhookId?: string; payload?: unknown; web?: number },
  ): Promise<number>;
  /** Like webhook(), with the answer's body (a timeout past Shopify's 5 s is status 0 with the error as body). */
  deliver(
    shop: number,
    topic: string,
    order: ShopifyOrder,
    opts?: { webhookId?: string; payload?: unknown; web?: number },
  ): Promise<{ status: number; body: string }>;
  addWorker(extraEnv?: Record<string, string>): Promise<WorkerProcess>;
  /** CJ pushes (order and logistics) of every account go to web process 0. */
  pointCjPushesAtApp(): void;
  /** Orders not in `done` states, each with its CJ ids, error and timeline, and its pg-boss jobs (failure messages). */
  describeUnfinished(done: string[], limit?: number): Promise<string>;
  stop(): Promise<void>;
}

export interface ProductionStackOptions {
  webs?: number;
  workers?: number;
  shops?: number;
  qps?: number;
  balance?: string;
  settings?: Record<string, unknown>;
  env?: Record<string, string>;
  workerEnv?: Record<string, string>;
  cj?: Partial<CjStartOptions>;
  /** Wait for every worker's /readyz before returning (default true). */
  waitForWorkers?: boolean;
  /** How workers are spawned (see startWorker); "node" when a test SIGKILLs workers. */
  workerSpawn?: "tsx" | "node";
  /**
   * Shops connect as a public app does: no custom-app token; opening the app (web 0) performs the token exchange and
   * stores an expiring offline token of this lifetime.
   */
  expiringTokenTtlSeconds?: number;
}

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

export async function startProductionStack(options: ProductionStackOptions = {}): Promise<ProductionStack> {
  const shopCount = options.shops ?? 1;
  const qps = options.qps ?? 6;
  const accounts = Array.from({ length: shopCount }, (_, i) => ({
    id: `acct-${i + 1}`,
    apiKey: `CJ-PROD-KEY-${i + 1}`,
    openId: 5000 + i,
    qpsLimit: qps,
    balance: options.balance ?? "100000.00",
  }));
  const cj = await startCjEmulator({
    accounts,
    connections: accounts.flatMap((a) =>
      Object.entries(CONNECTED).map(([sku, c]) => ({
        accountId: a.id,
        sku,
        vid: c.vid,
        platformVariantId: String(c.variantId),
        platformProductId: String(c.productId),
      })),
    ),
    pushRetryDelayMs: 200,
    ...options.cj,
  });
  const shopDomains = accounts.map((_, i) => ({
    domain: `prod-store-${i + 1}.myshopify.com`,
    token: `shpat_prod_${i}`,
  }));
  const shopify = await startShopifyEmulator({
    shops: shopDomains.map((s) => ({ domain: s.domain, accessToken: s.token })),
    ...(options.expiringTokenTtlSeconds ? { tokenTtlSeconds: options.expiringTokenTtlSeconds } : {}),
  });
  const t = await createTestDatabase("postgresql");
  const encryptionKey = process.env.APP_ENCRYPTION_KEY ?? randomBytes(32).toString("base64");
  process.env.APP_ENCRYPTION_KEY = encryptionKey;
  const env: Record<string, string> = {
    CJ_API_BASE_URL: cj.baseUrl,
    SHOPIFY_ADMIN_API_ORIGIN: shopify.origin,
    APP_ENCRYPTION_KEY: encryptionKey,
    // No exchange-rate source in these stacks (their shops sell in USD): nothing is fetched.
    CURRENCY_RATES_URL: "off",
    RECONCILE_EVERY_SECONDS: "3600",
    CJ_POLL_EVERY_SECONDS: "3600",
    JOB_SUPERVISE_SECONDS: "2",
    JOB_RETRY_DELAY_SECONDS: "1",
    JOB_RETRY_DELAY_MAX_SECONDS: "10",
    // Several of these stacks run beside other PostgreSQL tests: keep every process's pool small, so that the suite
    // fits a stock server's max_connections (100).
    DATABASE_POOL_MAX: "5",
    ...options.env,
  };
  const shops: ProductionShop[] = [];
  for (const [i, a] of accounts.entries()) {
    const domain = shopDomains[i]?.domain as string;
    const token = shopDomains[i]?.token as string;
    const shop = await connectShop(t.db, {
      shop: domain,
      ...(options.expiringTokenTtlSeconds ? {} : { accessToken: token }),
      cjApiKey: a.apiKey,
      scopes: "read_orders",
    });
    const { cjAccountId } = await t.db.shop.findUniqueOrThrow({
      where: { id: shop.id },
      select: { cjAccountId: true },
    });
    const account = await t.db.cjAccount.update({ where: { id: cjAccountId ?? "" }, data: { qpsLimit: qps } });
    // Live in sandbox mode, as the stacks' shops are (test/support/stack.ts), unless a test says otherwise.
    await t.db.shopSettings.update({
      where: { shopId: shop.id },
      data: { liveAt: new Date(), sandbox: true, ...options.settings },
    });
    shops.push({ domain, token, shopId: shop.id, cjAccountId: account.id, cjApiKey: a.apiKey });
  }
  const webs = await Promise.all(
    Array.from({ length: options.webs ?? 1 }, () => startApp({ databaseUrl: t.url, env })),
  );
  if (options.expiringTokenTtlSeconds) {
    for (const { domain } of shops) {
      const status = await openAppAsMerchant((webs[0] as AppProcess).url, domain);
      if (status !== 200) throw new Error(`opening the app for ${domain} answered ${status}`);
    }
  }
  const workers: WorkerProcess[] = [];
  let next = 0;
  const stack: ProductionStack = {
    cj,
    shopify,
    t,
    webs,
    workers,
    shops,
    env,
    addOrder: (shop, input) => shopify.addOrder(shops[shop]?.domain as string, withStoreIds(input)),
    async webhook(shop, topic, order, opts = {}) {
      const answer = await stack.deliver(shop, topic, order, opts);
      if (answer.status === 0) throw new Error(answer.body);
      return answer.status;
    },
    async deliver(shop, topic, order, opts = {}) {
      const domain = shops[shop]?.domain as string;
      const web = webs[opts.web ?? next++ % webs.length] as AppProcess;
      return shopify
        .sendWebhook({
          appUrl: web.url,
          path: `/webhooks/${topic}`,
          topic,
          shop: domain,
          secret: testAppSecret,
          payload: opts.payload ?? toOrderWebhookPayload(order, domain),
          ...(opts.webhookId ? { webhookId: opts.webhookId } : {}),
        })
        .then(
          (sent) => ({ status: sent.status, body: sent.body }),
          (error: unknown) => ({ status: 0, body: String((error as Error).message ?? error) }),
        );
    },
    async addWorker(extraEnv = {}) {
      const worker = await startWorker({
        databaseUrl: t.url,
        env: { ...env, ...options.workerEnv, ...extraEnv },
        ...(options.workerSpawn ? { spawn: options.workerSpawn } : {}),
      });
      workers.push(worker);
      return worker;
    },
    pointCjPushesAtApp() {
      const url = `${webs[0]?.url}/webhooks/cj`;
      for (const a of accounts) {
        cj.state.webhooks.set(a.id, {
          order: { type: "ENABLE", callbackUrls: [url] },
          logistics: { type: "ENABLE", callbackUrls: [url] },
        });
      }
    },
    async describeUnfinished(done, limit = 5) {
      const rows = await t.db.order.findMany({
        where: { state: { notIn: done } },
        include: { events: { orderBy: { at: "asc" } } },
        take: limit,
      });
      const lines: string[] = [];
      for (const row of rows) {
        lines.push(
          `order ${row.id} ${row.shopifyOrderName ?? ""}: state=${row.state} cjOrderNumber=${row.cjOrderNumber ?? ""} ` +
            `cjOrderId=${row.cjOrderId ?? ""} attempts=${row.attempts} lockedUntil=${row.lockedUntil?.toISOString() ?? ""} ` +
            `error=${row.errorReason ?? ""}`,
        );
        for (const e of row.events)
          lines.push(`  ${e.at.toISOString()} ${e.type} ${e.fromState ?? ""}→${e.toState ?? ""}: ${e.message}`);
        const jobs = await t.db.$queryRawUnsafe<
          { name: string; state: string; retry_count: number; output: unknown }[]
        >(
          "SELECT name, state, retry_count, output FROM pgboss.job WHERE data->>'orderId' = $1 ORDER BY created_on",
          row.id,
        );
        for (const j of jobs) {
          const reason = (j.output as { message?: string } | null)?.message ?? "";
          lines.push(`  job ${j.name} ${j.state} tries=${j.retry_count + 1} ${reason.slice(0, 160)}`);
        }
      }
      return lines.join("\n");
    },
    async stop() {
      await Promise.all([...workers.map((w) => w.stop()), ...webs.map((w) => w.stop())]);
      await Promise.all([cj.close(), shopify.close()]);
      await t.drop();
    },
  };
  for (let i = 0; i < (options.workers ?? 1); i++) await stack.addWorker();
  if (options.waitForWorkers ?? true) await Promise.all(workers.map((w) => w.ready()));
  return stack;
}

/** CJ orders created per orderNumber, from the emulator's request log (answered successfully). */
export function createdOrderNumbers(cj: CjEmulator): Map<string, number> {
  const counts = new Map<string, number>();
  for (const order of cj.state.orders.values()) {
    const number = (order as { orderNumber?: string }).orderNumber;
    if (number) counts.set(number, (counts.get(number) ?? 0) + 1);
  }
  return counts;
}

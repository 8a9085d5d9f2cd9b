/**
 * Webhook intake vs a bare HMAC check, on the embedded profile (SQLite + the in-process job queue), in one run.
 * The app runs as `npm start` runs it (startApp) on a scratch SQLite file. Each measured request is a distinct signed
 * orders/paid delivery (its own order and X-Shopify-Webhook-Id); the intake verifies the HMAC (without loading the
 * shop's session), checks the payload, records the receipt with the payload and queues its job; the job (in the same
 * process, as the embedded profile runs it) upserts the order snapshot and decides. The baseline,
 * /bench/hmac-baseline (only with ENABLE_BENCH_ROUTES=1), runs `authenticate.webhook` alone — the library's HMAC
 * check, which also loads the shop's offline session — and answers 200.
 *
 * After each intake half the bench waits until every recorded delivery is processed (the jobs never run beside a
 * baseline half), and prints how many deliveries per second were recorded *and* processed.
 *
 * No forwarding runs during the measurement: the shop's forwardingTrigger is MANUAL, so the job enqueues nothing.
 * CJ and the Shopify Admin API point at closed loopback ports as a second guard (nothing leaves 127.0.0.1).
 * Prints a table; asserts nothing but that every request was answered 200.
 *
 *   npx tsx test/bench/webhook-intake.bench.ts          (BENCH_WEBHOOKS=2000 per cell by default)
 */
import { createHmac, randomUUID } from "node:crypto";
import { Pool } from "undici";
import { connectShop } from "../../app/settings/connect.server";
import { buildOrder } from "../emulators/shopify/build-order";
import { toOrderWebhookPayload } from "../emulators/shopify/index";
import { freePort, startApp, testAppSecret } from "../support/app-process";
import { createTestDatabase } from "../support/database";
import { formatTable, type LatencySummary, measure, summarize } from "./stats";

const COMMAND = "npx tsx test/bench/webhook-intake.bench.ts";
const WEBHOOKS = Number(process.env.BENCH_WEBHOOKS ?? 2000);
const WARMUP = Math.min(200, WEBHOOKS);
const CONCURRENCY = [1, 16] as const;
const SHOP = "bench-store.myshopify.com";

// A benchmark must stop by itself, even if something hangs.
const deadline = setTimeout(() => {
  console.error("webhook-intake bench: gave up after 10 minutes");
  process.exit(1);
}, 10 * 60_000);
deadline.unref();

const t = await createTestDatabase("sqlite");
const closedPort = await freePort();
const app = await startApp({
  databaseUrl: t.url,
  env: {
    ENABLE_BENCH_ROUTES: "1",
    CJ_API_BASE_URL: `http://127.0.0.1:${closedPort}/api2.0/v1`,
    SHOPIFY_ADMIN_API_ORIGIN: `http://127.0.0.1:${closedPort}`,
    RECONCILE_EVERY_SECONDS: "3600",
    LOG_LEVEL: "warn",
  },
});
const origin = new URL(app.url);
if (origin.hostname !== "127.0.0.1") throw new Error(`refusing to benchmark a non-loopback host: ${origin.hostname}`);

process.env.APP_ENCRYPTION_KEY = app.env.APP_ENCRYPTION_KEY;
const shop = await connectShop(t.db, {
  shop: SHOP,
  accessToken: "shpat_bench",
  cjApiKey: "CJ-BENCH",
  scopes: "read_orders",
});
await t.db.shopSettings.update({ where: { shopId: shop.id }, data: { forwardingTrigger: "MANUAL" } });

interface Signed {
  body: string;
  headers: Record<string, string>;
}

/** Signs like Shopify: HMAC-SHA256 (base64) of the exact bytes, with Shopify's headers. Done before measuring. */
function sign(body: string): Signed {
  return {
    body,
    headers: {
      "content-type": "application/json",
      "x-shopify-hmac-sha256": createHmac("sha256", testAppSecret).update(body, "utf8").digest("base64"),
      "x-shopify-topic": "orders/paid",
      "x-shopify-shop-domain": SHOP,
      "x-shopify-api-version": "2026-10",
      "x-shopify-webhook-id": randomUUID(),
      "x-shopify-event-id": randomUUID(),
      "x-shopify-triggered-at": new Date().toISOString(),
    },
  };
}

/** `count` distinct paid orders, as Shopify's orders/paid payload (test/emulators/shopify/webhook-payload.ts). */
function paidOrders(count: number): Signed[] {
  return Array.from({ length: count }, (_, i) => {
    const order = buildOrder({
      financialStatus: "PAID",
      lines: [
        { sku: "TSHIRT-WHITE-M", quantity: 1 + (i % 3), price: "19.90" },
        { sku: "TSHIRT-WHITE-L", quantity: 1, price: "21.00" },
      ],
    });
    return sign(JSON.stringify(toOrderWebhookPayload(order, SHOP)));
  });
}

const pool = new Pool(origin.origin, { connections: 16, keepAliveTimeout: 30_000 });
const statuses = new Map<string, number>();

async function post(path: string, signed: Signed): Promise<void> {
  const response = await pool.request({ path, method: "POST", headers: signed.headers, body: signed.body });
  await response.body.dump();
  const key = `${path} ${response.statusCode}`;
  statuses.set(key, (statuses.get(key) ?? 0) + 1);
}

type Side = "intake" | "baseline";
const PATHS: Record<Side, string> = { intake: "/webhooks/orders/paid", baseline: "/bench/hmac-baseline" };

/** Intake and baseline in ABBA halves so that drift (JIT, GC, a growing database) does not favour either side. */
async function compare(concurrency: number) {
  const half = Math.ceil(WEBHOOKS / 2);
  const samples: Record<Side, number[]> = { intake: [], baseline: [] };
  const wall: Record<Side, number> = { intake: 0, baseline: 0 };
  let drainMs = 0;
  for (const side of ["baseline", "intake", "intake", "baseline"] as const) {
    const deliveries = paidOrders(half);
    const run = await measure(half, concurrency, (i) => post(PATHS[side], deliveries[i] as Signed));
    samples[side].push(...run.samplesMs);
    wall[side] += run.wallMs;
    // The intake's jobs finish before anything else is measured: the baseline never runs beside them.
    if (side === "intake") drainMs += await drained();
  }
  return {
    intake: summarize(samples.intake, wall.intake),
    baseline: summarize(samples.baseline, wall.baseline),
    // Recorded and processed (order snapshot written, decision taken), from the first request to the last job.
    processedPerSecond: (2 * half) / ((wall.intake + drainMs) / 1000),
  };
}

/** Waits until every recorded delivery is processed; returns how long that took after the last answer (ms). */
async function drained(): Promise<number> {
  const start = performance.now();
  while ((await t.db.webhookReceipt.count({ where: { processedAt: null } })) > 0) {
    if (performance.now() - start > 120_000) throw new Error("recorded deliveries not processed within 2 minutes");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return performance.now() - start;
}

const warmup = paidOrders(WARMUP);
await measure(WARMUP, 16, (i) => post(PATHS.baseline, warmup[i] as Signed));
await measure(WARMUP, 16, (i) => post(PATHS.intake, warmup[i] as Signed));
await drained();
statuses.clear();

const rows: (string | number)[][] = [
  ["in flight", "route", "requests", "req/s", "p50 ms", "p95 ms", "p99 ms", "mean ms", "p50 ×", "p99 ×", "req/s ×"],
];
const processed: string[] = [];
for (const concurrency of CONCURRENCY) {
  const { intake, baseline, processedPerSecond } = await compare(concurrency);
  processed.push(`${concurrency} in flight: ${processedPerSecond.toFixed(0)}/s`);
  const row = (route: string, s: LatencySummary) => [
    concurrency === 1 ? "1 (seq)" : String(concurrency),
    route,
    String(s.count),
    s.callsPerSecond,
    s.p50,
    s.p95,
    s.p99,
    s.mean,
  ];
  rows.push(
    [...row("hmac baseline", baseline), "", "", ""],
    [
      ...row("orders/paid intake", intake),
      intake.p50 / baseline.p50,
      intake.p99 / baseline.p99,
      intake.callsPerSecond / baseline.callsPerSecond,
    ],
  );
}

const orders = await t.db.order.count();
const forwardingEvents = await t.db.orderEvent.count({ where: { type: { notIn: ["received", "snapshot"] } } });
const receipts = await t.db.webhookReceipt.count();
const notOk = [...statuses].filter(([key]) => !key.endsWith(" 200"));

console.log(`$ ${COMMAND}${process.env.BENCH_WEBHOOKS ? ` (BENCH_WEBHOOKS=${WEBHOOKS})` : ""}`);
console.log(
  `Webhook intake vs HMAC-only baseline — app (npm start's entry) on ${origin.origin}, embedded profile ` +
    `(SQLite file + in-process queue), Node ${process.version}, ${WEBHOOKS} signed orders/paid deliveries per cell ` +
    `(after ${WARMUP} warm-up deliveries to each route), undici pool of 16 keep-alive connections\n`,
);
console.log(formatTable(rows));
console.log(
  `\n"×" = intake / baseline (latency: higher is slower; req/s: lower is slower). ` +
    `Database afterwards: ${orders} orders, ${receipts} webhook receipts, ${forwardingEvents} events beyond ` +
    `"received" (forwardingTrigger MANUAL: no forwarding job ran). Answers: ${[...statuses].map(([k, n]) => `${k} ×${n}`).join(", ")}.\n` +
    `Deliveries recorded and processed (snapshot written, decision taken; from the first request of an intake half ` +
    `to its last job, each half drained before the next cell): ${processed.join(", ")}.`,
);

await pool.close();
await app.stop();
await t.drop();
clearTimeout(deadline);
if (notOk.length > 0) {
  console.error(`non-200 answers: ${notOk.map(([k, n]) => `${k} ×${n}`).join(", ")}\n${app.output().slice(-5000)}`);
  process.exit(1);
}

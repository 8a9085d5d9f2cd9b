/**
 * Production-profile benchmarks (PostgreSQL + pg-boss, web and worker processes, CJ and Shopify emulators in this
 * process; everything on 127.0.0.1). Prints tables; asserts nothing but that every request was answered.
 *
 * (a) Webhook intake: signed orders/paid deliveries spread over 2 web processes (`scripts/start.ts`), against the
 *     bare HMAC route (/bench/hmac-baseline, ENABLE_BENCH_ROUTES=1) on the same 2 processes, ABBA halves.
 *     No worker: the intake verifies the HMAC, records the receipt with its payload and sends the
 *     process-shopify-webhook job to pg-boss (a worker would process it). Sequential and 16 in flight.
 * (b) Draining N paid orders (default 1,000) through the CJ emulator at account QPS 2 and 6 with 1, 2 and 4 workers,
 *     spread evenly over A stores with a CJ account each (default 20). Each account is held to its real QPS by the
 *     shared limiter and by the emulator; the per-IP limit is raised on both sides (as for a deployment with enough
 *     egress IPs, one per 10 calls/s) so the accounts' QPS is the bound being measured. The theoretical minimum
 *     time is the busiest account's CJ calls ÷ QPS (CJ's rule), so "fraction" = that minimum ÷ the measured wall
 *     time.
 * (c) CJ LOGISTIC push → Shopify fulfillmentCreate latency while (b) runs at QPS 6 with 2 workers: each second one
 *     already-forwarded order is shipped in CJ and its push delivered to web process 0; the clock stops when the
 *     Shopify emulator holds the fulfillment.
 *
 *   npx tsx test/bench/production.bench.ts   (BENCH_WEBHOOKS=1000 per side, BENCH_DRAIN_ORDERS=1000, BENCH_DRAIN_ACCOUNTS=20;
 *                                             BENCH_PARTS=a,b to run only some parts)
 */
import { createHmac, randomUUID } from "node:crypto";
import { Pool } from "undici";
import { buildOrder } from "../emulators/shopify/build-order";
import { toOrderWebhookPayload } from "../emulators/shopify/index";
import type { Order as ShopifyOrder } from "../emulators/shopify/model";
import { testAppSecret } from "../support/app-process";
import { isPostgresReachable } from "../support/database";
import { type ProductionStack, startProductionStack } from "../support/processes";
import { formatTable, type LatencySummary, measure, summarize } from "./stats";

const COMMAND = "npx tsx test/bench/production.bench.ts";
const WEBHOOKS = Number(process.env.BENCH_WEBHOOKS ?? 1000);
const DRAIN_ORDERS = Number(process.env.BENCH_DRAIN_ORDERS ?? 1000);
const DRAIN_ACCOUNTS = Number(process.env.BENCH_DRAIN_ACCOUNTS ?? 20);
// Jobs of one type a worker runs at once (JOB_CONCURRENCY). A forwarding job spends most of its time waiting for its
// account's CJ permits (at QPS 2, ~2 s for its 4–5 calls), so with the default of 2 one worker drains ~1 order/s
// whatever the number of accounts; many accounts need more jobs in flight per worker.
const DRAIN_CONCURRENCY = Number(process.env.BENCH_JOB_CONCURRENCY ?? 8);
const PARTS = new Set((process.env.BENCH_PARTS ?? "a,b").split(",").map((x) => x.trim()));
const CONCURRENCY = 16;
const QPS_VALUES = [2, 6] as const;
const WORKER_COUNTS = [1, 2, 4] as const;
const LEFT_FORWARDING = new Set([
  "AWAITING_PAYMENT",
  "PAID",
  "SHIPPED",
  "PARTIALLY_FULFILLED",
  "FULFILLED",
  "DELIVERED",
]);

const deadline = setTimeout(() => {
  console.error("production bench: gave up after 40 minutes");
  process.exit(1);
}, 40 * 60_000);
deadline.unref();

if (!(await isPostgresReachable())) {
  console.error("production bench: PostgreSQL is not reachable (DATABASE_URL / the machine's server)");
  process.exit(1);
}

function loopbackOnly(url: string) {
  const host = new URL(url).hostname;
  if (host !== "127.0.0.1") throw new Error(`refusing to benchmark a non-loopback host: ${host}`);
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// --- (a) intake vs HMAC baseline, 2 web processes --------------------------------------------------------------
async function intake() {
  const s = await startProductionStack({
    webs: 2,
    workers: 0,
    shops: 1,
    settings: { forwardingTrigger: "MANUAL" },
    env: { ENABLE_BENCH_ROUTES: "1", LOG_LEVEL: "warn" },
  });
  try {
    for (const w of s.webs) loopbackOnly(w.url);
    const shop = s.shops[0]?.domain as string;
    const pools = s.webs.map((w) => new Pool(new URL(w.url).origin, { connections: CONCURRENCY / 2 }));
    const statuses = new Map<string, number>();
    const signed = (count: number) =>
      Array.from({ length: count }, (_, i) => {
        const order = buildOrder({
          financialStatus: "PAID",
          lines: [{ sku: "TSHIRT-WHITE-M", quantity: 1 + (i % 3), price: "19.90" }],
        });
        const body = JSON.stringify(toOrderWebhookPayload(order, shop));
        return {
          body,
          headers: {
            "content-type": "application/json",
            "x-shopify-hmac-sha256": createHmac("sha256", testAppSecret).update(body, "utf8").digest("base64"),
            "x-shopify-topic": "orders/paid",
            "x-shopify-shop-domain": shop,
            "x-shopify-api-version": "2026-10",
            "x-shopify-webhook-id": randomUUID(),
            "x-shopify-event-id": randomUUID(),
            "x-shopify-triggered-at": new Date().toISOString(),
          },
        };
      });
    const post = async (path: string, d: { body: string; headers: Record<string, string> }, i: number) => {
      const pool = pools[i % pools.length] as Pool;
      const res = await pool.request({ path, method: "POST", headers: d.headers, body: d.body });
      await res.body.dump();
      const key = `${path} ${res.statusCode}`;
      statuses.set(key, (statuses.get(key) ?? 0) + 1);
    };
    const PATHS = { intake: "/webhooks/orders/paid", baseline: "/bench/hmac-baseline" } as const;
    const warm = signed(200);
    await measure(200, CONCURRENCY, (i) => post(PATHS.baseline, warm[i] as never, i));
    await measure(200, CONCURRENCY, (i) => post(PATHS.intake, warm[i] as never, i));
    statuses.clear();
    const half = Math.ceil(WEBHOOKS / 2);
    const cells: { inFlight: number; intake: LatencySummary; baseline: LatencySummary }[] = [];
    for (const inFlight of [1, CONCURRENCY]) {
      const samples = { intake: [] as number[], baseline: [] as number[] };
      const wall = { intake: 0, baseline: 0 };
      for (const side of ["baseline", "intake", "intake", "baseline"] as const) {
        const deliveries = signed(half);
        const run = await measure(half, inFlight, (i) => post(PATHS[side], deliveries[i] as never, i));
        samples[side].push(...run.samplesMs);
        wall[side] += run.wallMs;
      }
      cells.push({
        inFlight,
        intake: summarize(samples.intake, wall.intake),
        baseline: summarize(samples.baseline, wall.baseline),
      });
    }
    await Promise.all(pools.map((p) => p.close()));
    return {
      cells,
      statuses,
      orders: await s.t.db.order.count(),
      recorded: await s.t.db.webhookReceipt.count({ where: { source: "SHOPIFY", processedAt: null } }),
    };
  } finally {
    await s.stop();
  }
}

// --- (b) + (c) draining ------------------------------------------------------------------------------------------
interface DrainResult {
  qps: number;
  workers: number;
  orders: number;
  wallMs: number;
  calls: number;
  /** CJ calls of the busiest account: its calls ÷ QPS is the shortest time CJ's rule allows. */
  busiestCalls: number;
  refused: number;
  failed: number;
  pushSamples: number[];
}

async function drain(s: ProductionStack, qps: number, workers: number, withPushes: boolean): Promise<DrainResult> {
  const started = await Promise.all(Array.from({ length: workers }, () => s.addWorker()));
  await Promise.all(started.map((w) => w.ready()));
  const orders = Array.from({ length: DRAIN_ORDERS }, (_, i) => {
    const shop = i % s.shops.length;
    return {
      shop,
      order: s.addOrder(shop, {
        financialStatus: "PAID",
        lines: [{ sku: "TSHIRT-WHITE-M", quantity: 1, price: "19.90" }],
      }),
    };
  });

  const firstRequest = s.cj.state.requests.length;
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < orders.length) {
        const { shop, order } = orders[next++] as { shop: number; order: ShopifyOrder };
        const status = await s.webhook(shop, "orders/paid", order);
        if (status !== 200) throw new Error(`orders/paid answered ${status}`);
      }
    }),
  );

  // (c): ship one forwarded order per second and time push → fulfillment, while the drain goes on.
  const pushSamples: number[] = [];
  const pending: Promise<void>[] = [];
  const shipped = new Set<string>();
  let draining = true;
  const shipper = withPushes
    ? (async () => {
        while (draining) {
          await sleep(1000);
          const candidates = await s.t.db.order.findMany({
            where: { cjOrderId: { not: null }, state: { in: [...LEFT_FORWARDING] } },
            select: { cjOrderId: true, shopifyOrderGid: true },
          });
          const pick = candidates.find((c) => !shipped.has(c.cjOrderId as string));
          if (!pick) continue;
          shipped.add(pick.cjOrderId as string);
          s.cj.shipOrder(pick.cjOrderId as string, { force: true });
          const delivery = s.cj
            .pushes({ type: "LOGISTIC" })
            .find((p) => (JSON.parse(p.body) as { params: { orderId?: string } }).params.orderId === pick.cjOrderId);
          if (!delivery) continue;
          const start = performance.now();
          pending.push(
            (async () => {
              const res = await fetch(`${s.webs[0]?.url}/webhooks/cj`, {
                method: "POST",
                headers: { "content-type": "application/json", sign: delivery.sign },
                body: delivery.body,
              });
              await res.arrayBuffer();
              if (res.status !== 200) return;
              while ((s.shopify.state.orders.get(pick.shopifyOrderGid)?.order.fulfillments ?? []).length === 0) {
                if (performance.now() - start > 120_000) return;
                await sleep(5);
              }
              pushSamples.push(performance.now() - start);
            })(),
          );
        }
      })()
    : Promise.resolve();

  const ids = orders.map((o) => o.order.id);
  let failed = 0;
  for (;;) {
    const rows = await s.t.db.order.findMany({
      where: { shopifyOrderGid: { in: ids } },
      select: { state: true, cjOrderNumber: true },
    });
    failed = rows.filter((r) => r.state === "FAILED" || r.state === "NEEDS_ATTENTION").length;
    const done = rows.filter((r) => LEFT_FORWARDING.has(r.state)).length;
    if (rows.length === ids.length && done + failed === ids.length) break;
    if (performance.now() - t0 > 10 * 60_000) throw new Error(`drain qps ${qps} × ${workers}: not done in 10 minutes`);
    await sleep(250);
  }
  const wallMs = performance.now() - t0;
  draining = false;
  await shipper;
  await Promise.all(pending);
  const requests = s.cj.state.requests.slice(firstRequest).filter((r) => r.accountId);
  const perAccount = new Map<string, number>();
  for (const r of requests) perAccount.set(r.accountId as string, (perAccount.get(r.accountId as string) ?? 0) + 1);
  await Promise.all(started.map((w) => w.stop()));
  s.workers.splice(0, s.workers.length);
  return {
    qps,
    workers,
    orders: DRAIN_ORDERS,
    wallMs,
    calls: requests.length,
    busiestCalls: Math.max(0, ...perAccount.values()),
    refused: requests.filter((r) => r.code === 1600200 && r.fault === null).length,
    failed,
    pushSamples,
  };
}

async function drains(): Promise<DrainResult[]> {
  const results: DrainResult[] = [];
  for (const qps of QPS_VALUES) {
    const s = await startProductionStack({
      webs: 1,
      workers: 0,
      shops: DRAIN_ACCOUNTS,
      qps,
      cj: { ipQps: 100_000 },
      settings: { logisticsRule: "PREFERRED", preferredLogistics: JSON.stringify({ US: ["USPS+"] }) },
      env: { LOG_LEVEL: "warn", CJ_IP_REQUESTS_PER_SECOND: "100000", JOB_CONCURRENCY: String(DRAIN_CONCURRENCY) },
    });
    try {
      for (const url of [s.webs[0]?.url as string, s.cj.baseUrl, s.shopify.origin]) loopbackOnly(url);
      s.cj.setPushesEnabled(false);
      // Each account's token first (a merchant connecting it): one order per store, not measured.
      await drainWarmup(s);
      for (const workers of WORKER_COUNTS) {
        const r = await drain(s, qps, workers, qps === 6 && workers === 2);
        results.push(r);
        console.error(
          `  drained ${r.orders} orders at QPS ${qps} with ${workers} worker(s) in ${(r.wallMs / 1000).toFixed(1)} s`,
        );
      }
    } finally {
      await s.stop();
    }
  }
  return results;
}

async function drainWarmup(s: ProductionStack) {
  const worker = await s.addWorker();
  await worker.ready();
  const ids: string[] = [];
  for (const [shop] of s.shops.entries()) {
    const order = s.addOrder(shop, { financialStatus: "PAID", lines: [{ sku: "TSHIRT-WHITE-M", quantity: 1 }] });
    ids.push(order.id);
    await s.webhook(shop, "orders/paid", order);
  }
  const t0 = Date.now();
  for (;;) {
    const rows = await s.t.db.order.findMany({ where: { shopifyOrderGid: { in: ids } }, select: { state: true } });
    if (rows.length === ids.length && rows.every((row) => LEFT_FORWARDING.has(row.state))) break;
    if (Date.now() - t0 > 180_000) throw new Error("warm-up orders not forwarded in 180 s");
    await sleep(200);
  }
  await worker.stop();
  s.workers.splice(0, s.workers.length);
}

// --- run and print ----------------------------------------------------------------------------------------------
const a = PARTS.has("a") ? await intake() : null;
const b = PARTS.has("b") ? await drains() : [];

const settings = [
  `BENCH_WEBHOOKS=${WEBHOOKS}`,
  `BENCH_DRAIN_ORDERS=${DRAIN_ORDERS}`,
  `BENCH_DRAIN_ACCOUNTS=${DRAIN_ACCOUNTS}`,
  `BENCH_JOB_CONCURRENCY=${DRAIN_CONCURRENCY}`,
  `BENCH_PARTS=${[...PARTS].join(",")}`,
].join(" ");
console.log(`$ ${settings} ${COMMAND}`);
console.log(`Node ${process.version}; PostgreSQL scratch database; emulators in this process; 127.0.0.1 only\n`);
if (a) {
  console.log(
    `(a) Webhook intake, 2 web processes, ${WEBHOOKS} signed orders/paid per route and cell, sequential and ` +
      `${CONCURRENCY} in flight (after 200 warm-up deliveries per route), ABBA halves`,
  );
  const row = (inFlight: number, route: string, x: LatencySummary) => [
    inFlight === 1 ? "1 (seq)" : String(inFlight),
    route,
    String(x.count),
    x.callsPerSecond,
    x.p50,
    x.p95,
    x.p99,
  ];
  console.log(
    formatTable([
      ["in flight", "route", "requests", "req/s", "p50 ms", "p95 ms", "p99 ms"],
      ...a.cells.flatMap((c) => [
        row(c.inFlight, "hmac baseline", c.baseline),
        row(c.inFlight, "orders/paid intake", c.intake),
        [
          "",
          "intake / baseline",
          "",
          c.intake.callsPerSecond / c.baseline.callsPerSecond,
          c.intake.p50 / c.baseline.p50,
          c.intake.p95 / c.baseline.p95,
          c.intake.p99 / c.baseline.p99,
        ],
      ]),
    ]),
  );
  console.log(
    `answers: ${[...a.statuses].map(([k, n]) => `${k} ×${n}`).join(", ")}; no worker ran: ${a.recorded} deliveries ` +
      `recorded with their payload and queued for the worker, ${a.orders} order rows\n`,
  );
}

if (b.length > 0) {
  console.log(
    `(b) Draining N = ${DRAIN_ORDERS} paid orders per cell through the CJ emulator, spread over ${DRAIN_ACCOUNTS} ` +
      `stores with one CJ account each, every account at the QPS shown (shared limiter and emulator); IP limit raised; ` +
      `JOB_CONCURRENCY=${DRAIN_CONCURRENCY} per worker.`,
  );
  console.log(
    formatTable([
      [
        "QPS",
        "workers",
        "orders",
        "wall s",
        "CJ calls",
        "calls/order",
        "min s (busiest account's calls÷QPS)",
        "fraction",
        "orders/s",
        "1600200",
        "failed",
      ],
      ...b.map((r) => {
        const minS = r.busiestCalls / r.qps;
        return [
          String(r.qps),
          String(r.workers),
          String(r.orders),
          r.wallMs / 1000,
          String(r.calls),
          r.calls / r.orders,
          minS,
          minS / (r.wallMs / 1000),
          r.orders / (r.wallMs / 1000),
          String(r.refused),
          String(r.failed),
        ];
      }),
    ]),
  );
  console.log(`fraction = theoretical minimum ÷ wall (1.0 = every account at its QPS all the time).\n`);

  const pushes = b.flatMap((r) => r.pushSamples);
  const p = summarize(pushes, 0);
  console.log(`(c) CJ LOGISTIC push → Shopify fulfillmentCreate during the QPS 6 × 2 workers drain`);
  console.log(
    formatTable([
      ["pushes", "p50 ms", "p95 ms", "p99 ms", "mean ms"],
      [String(p.count), p.p50, p.p95, p.p99, p.mean],
    ]),
  );
}
clearTimeout(deadline);
const notOk = a ? [...a.statuses].filter(([k]) => !k.endsWith(" 200")) : [];
const refused = b.reduce((n, r) => n + r.refused + r.failed, 0);
if (notOk.length > 0) console.error(`production bench: answers other than 200: ${notOk.map(([k]) => k).join(", ")}`);
if (refused > 0) console.error(`production bench: ${refused} CJ refusals (1600200) or failed orders, see the table`);
process.exit(notOk.length > 0 || refused > 0 ? 1 : 0);

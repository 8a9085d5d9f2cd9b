/**
 * Orders page server time with 100,000 orders, in SQLite and in PostgreSQL: the built app (npm start's entry) on a
 * seeded scratch database, requested over loopback with a valid session token, like the browser does. Printed next
 * to baselines from the same run: the same page for a shop with 1,000 orders, and the page-1000 query written with
 * OFFSET instead of the keyset cursor. Prints tables; asserts nothing.
 *
 *   npx tsx test/bench/orders-page.bench.ts        (BENCH_REQUESTS=200 per scenario, BENCH_PROFILES=sqlite,postgresql)
 */
import { randomBytes } from "node:crypto";
import type { Db } from "../../app/db.server";
import { ORDER_STATES } from "../../app/fulfillment/state";
import { embeddedUrl } from "../../app/runtime/session-token";
import { connectShop } from "../../app/settings/connect.server";
import ensureBuild from "../../scripts/ensure-build";
import { startApp, testApiKey, testAppSecret } from "../support/app-process";
import { createTestDatabase, isPostgresReachable } from "../support/database";
import { formatTable, type LatencySummary, measure, summarize } from "./stats";

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 200);
const WARMUP = 20;
const BIG = 100_000;
const SMALL = 1_000;
const BIG_SHOP = "bench-big.myshopify.com";
const SMALL_SHOP = "bench-small.myshopify.com";
const browserHeaders = {
  "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/140.0 Safari/537.36",
};

// A benchmark must stop by itself, even if something hangs.
const deadline = setTimeout(() => {
  console.error("orders-page bench: gave up after 15 minutes");
  process.exit(1);
}, 15 * 60_000);
deadline.unref();

process.env.APP_ENCRYPTION_KEY ??= randomBytes(32).toString("base64");

async function seed(db: Db, shopId: string, count: number, prefix: string) {
  const start = Date.UTC(2026, 0, 1);
  const chunk = 5_000;
  for (let offset = 0; offset < count; offset += chunk) {
    const rows = Array.from({ length: Math.min(chunk, count - offset) }, (_, j) => {
      const i = offset + j;
      const state = ORDER_STATES[i % ORDER_STATES.length] as string;
      return {
        shopId,
        shopifyOrderGid: `gid://shopify/Order/${prefix}${i}`,
        shopifyOrderName: `#${100000 + i}`,
        state,
        customerName: `Customer ${i % 5000}`,
        customerEmail: `customer${i}@example.com`,
        countryCode: "US",
        currency: "USD",
        totalPrice: `${(i % 200) + 10}.00`,
        cjOrderId: i % 3 === 0 ? `CJ${prefix}${i}` : null,
        trackingNumber: i % 5 === 0 ? `TRK${prefix}${i}` : null,
        // ~8 minutes apart: the 100,000 orders span about 18 months.
        createdAt: new Date(start + i * 8 * 60_000),
      };
    });
    await db.order.createMany({ data: rows });
  }
}

type Row = (string | number)[];

async function runProfile(profile: "sqlite" | "postgresql"): Promise<Row[]> {
  const t = await createTestDatabase(profile);
  const seeded = performance.now();
  const big = await connectShop(t.db, { shop: BIG_SHOP, accessToken: "shpat_big", scopes: "read_orders" });
  const small = await connectShop(t.db, { shop: SMALL_SHOP, accessToken: "shpat_small", scopes: "read_orders" });
  await seed(t.db, big.id, BIG, "b");
  await seed(t.db, small.id, SMALL, "s");
  if (profile === "postgresql") await t.db.$executeRawUnsafe('ANALYZE "Order"');
  else await t.db.$executeRawUnsafe("ANALYZE");
  console.log(`${profile}: seeded ${BIG + SMALL} orders in ${((performance.now() - seeded) / 1000).toFixed(1)} s`);

  // The cursor of the 50,000th row (page 1000 at 50 a page) for the keyset request, found once.
  const deepRow = await t.db.order.findFirstOrThrow({
    where: { shopId: big.id },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    skip: 49_999,
    select: { createdAt: true, id: true },
  });
  const deepCursor = Buffer.from(`${deepRow.createdAt.toISOString()}|${deepRow.id}`).toString("base64url");

  const app = await startApp({ databaseUrl: t.url, env: { LOG_LEVEL: "error" } });
  const rows: Row[] = [];
  try {
    const page = async (shop: string, path: string) => {
      const url = await embeddedUrl(app.url, path, { shop, apiKey: testApiKey, apiSecret: testAppSecret });
      return async () => {
        const res = await fetch(url, { headers: browserHeaders });
        const body = await res.text();
        if (res.status !== 200) throw new Error(`${path}: HTTP ${res.status} ${body.slice(0, 200)}`);
      };
    };
    const scenarios: [string, () => Promise<void>][] = [
      [`${BIG} orders: /app/orders page 1 (HTML)`, await page(BIG_SHOP, "/app/orders")],
      [`${BIG} orders: /app/orders page 1 (loader data)`, await page(BIG_SHOP, "/app/orders.data")],
      [`${BIG} orders: page 1000 by keyset cursor (HTML)`, await page(BIG_SHOP, `/app/orders?after=${deepCursor}`)],
      [`${BIG} orders: "Needs attention" tab (HTML)`, await page(BIG_SHOP, "/app/orders?tab=attention")],
      [`${BIG} orders: search "#150000" (HTML)`, await page(BIG_SHOP, "/app/orders?q=%23150000")],
      [
        `${BIG} orders: date range, oldest first (HTML)`,
        await page(BIG_SHOP, "/app/orders?from=2026-06-01&to=2026-06-30&sort=oldest"),
      ],
      [`baseline ${SMALL} orders: /app/orders page 1 (HTML)`, await page(SMALL_SHOP, "/app/orders")],
    ];
    for (const [name, call] of scenarios) {
      await measure(WARMUP, 1, call);
      const { samplesMs, wallMs } = await measure(REQUESTS, 1, call);
      rows.push(row(profile, name, summarize(samplesMs, wallMs)));
    }
    // The query alone, in this process: page 1000 by keyset vs the same page by OFFSET (what the page avoids).
    const keyset = () =>
      t.db.order.findMany({
        where: {
          shopId: big.id,
          OR: [{ createdAt: { lt: deepRow.createdAt } }, { createdAt: deepRow.createdAt, id: { lt: deepRow.id } }],
        },
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
        take: 51,
      });
    const offset = () =>
      t.db.order.findMany({
        where: { shopId: big.id },
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
        skip: 50_000,
        take: 51,
      });
    for (const [name, call] of [
      [`${BIG} orders: page 1000 query, keyset`, keyset],
      [`baseline ${BIG} orders: page 1000 query, OFFSET 50000`, offset],
    ] as const) {
      await measure(5, 1, call);
      const { samplesMs, wallMs } = await measure(Math.min(REQUESTS, 50), 1, call);
      rows.push(row(profile, name, summarize(samplesMs, wallMs)));
    }
  } finally {
    await app.stop();
    await t.drop();
  }
  return rows;
}

function row(profile: string, name: string, s: LatencySummary): Row {
  return [profile, name, String(s.count), s.p50, s.p95, s.p99, s.mean];
}

ensureBuild();
const wanted = (process.env.BENCH_PROFILES ?? "sqlite,postgresql").split(",");
const all: Row[] = [];
for (const profile of ["sqlite", "postgresql"] as const) {
  if (!wanted.includes(profile)) continue;
  if (profile === "postgresql" && !(await isPostgresReachable())) {
    console.log("postgresql: not reachable on 127.0.0.1:5432, skipped");
    continue;
  }
  all.push(...(await runProfile(profile)));
}
console.log(
  `\nOrders page server time (ms; sequential requests over loopback, ${REQUESTS} per page after ${WARMUP} warm-up)\n`,
);
console.log(formatTable([["profile", "scenario", "n", "p50", "p95", "p99", "mean"], ...all]));
process.exit(0);

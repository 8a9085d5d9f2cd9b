/**
 * Tracking benchmark, everything on 127.0.0.1. Prints figures; asserts nothing.
 * 1. Latency from a CJ LOGISTIC push (signed POST to the app's /webhooks/cj) to the Shopify emulator holding the
 *    fulfillment its fulfillmentCreate made (p50/p95), through the real app process, job queue and both emulators.
 * 2. CJ calls one polling cycle makes for 1,000 in-flight orders (300 paid, 700 shipped), next to the naive
 *    one-call-per-order baseline (getOrderDetail per order + trackInfo per parcel).
 *
 *   npx tsx test/bench/tracking.bench.ts        (BENCH_PUSHES=20, BENCH_POLL_ORDERS=1000 by default)
 */
import pino from "pino";
import { closeCjDispatchers } from "../../app/cj";
import { pollCjOrders } from "../../app/fulfillment/tracking/poll.server";
import type { JobName, JobQueue } from "../../app/jobs/queue";
import { createShopPorts } from "../../app/runtime/deps.server";
import { encryptSecret } from "../../app/secrets/crypto.server";
import ensureBuild from "../../scripts/ensure-build";
import { startCjEmulator } from "../emulators/cj/index";
import { newOrderId } from "../emulators/cj/order-model";
import { paidOrder, postRaw, shopifyFulfillments } from "../integration/tracking/helpers";
import { createTestDatabase } from "../support/database";
import { STACK_SHOP, startStack } from "../support/stack";
import { formatTable, summarize } from "./stats";

const PUSHES = Number(process.env.BENCH_PUSHES ?? 20);
const POLL_ORDERS = Number(process.env.BENCH_POLL_ORDERS ?? 1000);
const SHIPPED_SHARE = 0.7;

const deadline = setTimeout(() => {
  console.error("tracking bench: gave up after 10 minutes");
  process.exit(1);
}, 10 * 60_000);
deadline.unref();

function loopbackOnly(url: string) {
  const host = new URL(url).hostname;
  if (host !== "127.0.0.1") throw new Error(`refusing to benchmark a non-loopback host: ${host}`);
}

// --- 1. push → fulfillmentCreate latency -------------------------------------------------------------------------
async function pushLatency(): Promise<number[]> {
  ensureBuild();
  const s = await startStack({
    settings: { paymentMode: "BALANCE", autoPayPerOrderCap: "500", sandbox: true },
    env: { CJ_POLL_EVERY_SECONDS: "3600", LOG_LEVEL: "warn" },
  });
  try {
    for (const url of [s.app.url, s.cj.url, s.shopify.origin]) loopbackOnly(url);
    const orders = [];
    for (let i = 0; i < PUSHES; i++)
      orders.push(await paidOrder(s, { lines: [{ sku: "TSHIRT-WHITE-M", quantity: 1, price: "19.90" }] }));
    // CJ ships with pushes off; the bench delivers each LOGISTIC message itself and starts the clock there.
    s.cj.setPushesEnabled(false);
    const samples: number[] = [];
    for (const order of orders) {
      s.cj.shipOrder(order.cjOrderId);
      const delivery = s.cj
        .pushes({ type: "LOGISTIC" })
        .find((p) => JSON.parse(p.body).params.orderId === order.cjOrderId);
      if (!delivery) throw new Error("no LOGISTIC message recorded");
      const start = performance.now();
      const answer = await postRaw(s, delivery.body, delivery.sign);
      if (answer.status !== 200) throw new Error(`push answered ${answer.status}`);
      while (shopifyFulfillments(s, order.shopify.id).length === 0) {
        if (performance.now() - start > 30_000) throw new Error("no fulfillment within 30 s");
        await new Promise((r) => setTimeout(r, 1));
      }
      samples.push(performance.now() - start);
    }
    return samples;
  } finally {
    await s.stop();
  }
}

// --- 2. CJ calls per polling cycle ------------------------------------------------------------------------------
async function pollCycle() {
  process.env.APP_ENCRYPTION_KEY ??= Buffer.alloc(32, 7).toString("base64");
  const cj = await startCjEmulator({
    host: "127.0.0.1",
    ipQps: 1_000_000,
    accounts: [
      { id: "acct-1", apiKey: "CJ-BENCH-KEY", qpsLimit: 1_000_000, balance: "0" },
      // The template order is made by another account, so acct-1's first token request is the poll's own.
      { id: "acct-template", apiKey: "CJ-TEMPLATE-KEY", qpsLimit: 1_000_000, balance: "0" },
    ],
  });
  loopbackOnly(cj.baseUrl);
  const t = await createTestDatabase("sqlite");
  try {
    // One real CJ order as the template, cloned into POLL_ORDERS orders (the emulator's own split does the same).
    const template = {
      orderId: "",
      orderNumber: "",
      ...(structuredClone((await createTemplateOrder(cj)) as unknown as Record<string, unknown>) as object),
    };
    const shop = await t.db.shop.create({ data: { domain: STACK_SHOP, settings: { create: {} } } });
    await t.db.cjAccount.create({
      data: { shops: { connect: { id: shop.id } }, apiKeyEnc: encryptSecret("CJ-BENCH-KEY"), qpsLimit: 1_000_000 },
    });
    const shippedCount = Math.round(POLL_ORDERS * SHIPPED_SHARE);
    for (let i = 0; i < POLL_ORDERS; i++) {
      const order = {
        ...structuredClone(template),
        accountId: "acct-1",
        orderId: newOrderId(cj.context),
        orderNumber: `BENCH-${i}`,
      };
      cj.state.orders.push(order as never);
      const shipped = i < shippedCount ? cj.shipOrder(order.orderId, { force: true }) : null;
      const row = await t.db.order.create({
        data: {
          shopId: shop.id,
          shopifyOrderGid: `gid://shopify/Order/${10_000 + i}`,
          shopifyOrderName: `#${10_000 + i}`,
          state: shipped ? "FULFILLED" : "PAID",
          cjOrderId: order.orderId,
          cjOrderNumber: order.orderNumber,
          shippedAt: shipped ? new Date() : null,
        },
      });
      if (shipped?.tracking) {
        await t.db.fulfillment.create({
          data: {
            orderId: row.id,
            trackingNumber: shipped.tracking.trackNumber,
            cjOrderId: order.orderId,
            status: "CREATED",
            trackingStatus: 1,
          },
        });
      }
    }
    const enqueued: JobName[] = [];
    const queue: JobQueue = {
      async enqueue(name) {
        enqueued.push(name);
      },
    };
    const ports = createShopPorts(t.db, { ...process.env, CJ_API_BASE_URL: cj.baseUrl });
    const before = cj.requests().filter((r) => !r.path.includes("authentication")).length;
    const started = performance.now();
    const stats = await pollCjOrders({ db: t.db, ports, queue });
    const ms = performance.now() - started;
    const calls = cj.requests().filter((r) => !r.path.includes("authentication")).length - before;
    return { stats, calls, ms, shippedCount, enqueued: enqueued.length };
  } finally {
    await t.drop();
    await cj.close();
  }
}

async function createTemplateOrder(cj: Awaited<ReturnType<typeof startCjEmulator>>) {
  const { createCjClient, createMemoryCredentialStore, createInProcessRateLimiter } = await import("../../app/cj");
  const client = createCjClient({
    accountId: "acct-template",
    store: createMemoryCredentialStore({ "acct-template": { apiKey: "CJ-TEMPLATE-KEY", qpsLimit: 1000 } }),
    baseUrl: cj.baseUrl,
    rateLimiter: createInProcessRateLimiter({ ipRequestsPerSecond: 1000 }),
    logger: pino({ level: "silent" }),
  });
  const created = await client.orders.createOrderV2({
    orderNumber: "BENCH-TEMPLATE",
    shippingCountryCode: "US",
    shippingCountry: "United States",
    shippingProvince: "NY",
    shippingCity: "New York",
    shippingCustomerName: "Jane Doe",
    shippingAddress: "1 Main St",
    shippingZip: "10001",
    shippingPhone: "+12125550100",
    logisticName: "CJPacket Ordinary",
    fromCountryCode: "CN",
    payType: 3,
    products: [{ vid: "92511400-C758-4474-93CA-66D442F5F787", quantity: 1, storeLineItemId: "1" }],
  });
  const order = cj.order(created.orderId ?? "BENCH-TEMPLATE");
  if (!order) throw new Error("template order not created");
  cj.state.orders.splice(cj.state.orders.indexOf(order), 1);
  return order;
}

const samples = await pushLatency();
const latency = summarize(samples, 1);
const poll = await pollCycle();
await closeCjDispatchers();

const naive = POLL_ORDERS + poll.shippedCount;
console.log(
  `\nCJ LOGISTIC push → Shopify fulfillmentCreate (${samples.length} pushes, app process + queue + emulators)`,
);
console.log(
  formatTable([
    ["metric", "value"],
    ["p50", `${latency.p50.toFixed(1)} ms`],
    ["p95", `${latency.p95.toFixed(1)} ms`],
    ["max", `${Math.max(...samples).toFixed(1)} ms`],
  ]),
);
console.log(`\nOne polling cycle, ${POLL_ORDERS} in-flight orders (${poll.shippedCount} shipped parcels)`);
console.log(
  formatTable([
    ["", "batched poll (this app)", "naive (one call per order + per parcel)"],
    ["CJ calls", String(poll.calls), String(naive)],
    [
      "breakdown",
      `order/list ${poll.stats.cjCalls.list}, trackInfo ${poll.stats.cjCalls.trackInfo}, detail ${poll.stats.cjCalls.detail}`,
      `getOrderDetail ${POLL_ORDERS}, trackInfo ${poll.shippedCount}`,
    ],
    ["cycle time", `${poll.ms.toFixed(0)} ms`, "—"],
  ]),
);
clearTimeout(deadline);
process.exit(0);

/**
 * CJ calls and points per order (issue 15), everything on 127.0.0.1, through the real app process (embedded
 * profile), its job queue and the CJ and Shopify emulators. Prints figures; asserts nothing.
 * 1. Calls and points per order on the happy path: balance and link, one and five lines, cold (the first order of
 *    its variants and destination) and warm (the same again), next to the create-only flow (CJ_PAY_IN_CREATE=0:
 *    createOrderV2 payType 3, then getOrderDetail, addCart, addCartConfirm, saveGenerateParentOrder, payBalanceV2)
 *    in the same run.
 * 2. Draining warm orders through one CJ account held to QPS 1, 2 and 6: orders/s, and orders/s ÷ QPS (1.0 = one
 *    call per order at CJ's full rate), next to the create-only flow at QPS 2.
 *
 *   npx tsx test/bench/cj-calls.bench.ts        (BENCH_WARM_ORDERS=10, BENCH_DRAIN_SECONDS=15 by default)
 */
import ensureBuild from "../../scripts/ensure-build";
import { usageOf } from "../emulators/cj/quotas";
import type { OrderLineInput } from "../emulators/shopify/build-order";
import { US_ADDRESS } from "../integration/tracking/helpers";
import { addConnectedVariants } from "../support/connected-variants";
import { eventually, STACK_SHOP, type Stack, startStack } from "../support/stack";
import { formatTable } from "./stats";

const WARM = Number(process.env.BENCH_WARM_ORDERS ?? 10);
const DRAIN_SECONDS = Number(process.env.BENCH_DRAIN_SECONDS ?? 15);

const deadline = setTimeout(() => {
  console.error("cj-calls bench: gave up after 15 minutes");
  process.exit(1);
}, 15 * 60_000);
deadline.unref();

type Flow = "one call" | "create only";

async function stackFor(flow: Flow, paymentMode: "BALANCE" | "LINK", qpsLimit = 6): Promise<Stack> {
  const s = await startStack({
    qpsLimit,
    balance: "100000.00",
    settings: {
      logisticsRule: "CHEAPEST",
      paymentMode,
      autoPayPerOrderCap: "500",
      autoPayPerDayCap: null,
      sandbox: false,
    },
    env: {
      LOG_LEVEL: "warn",
      CJ_POLL_EVERY_SECONDS: "3600",
      ...(flow === "create only" ? { CJ_PAY_IN_CREATE: "0" } : {}),
    },
  });
  for (const url of [s.app.url, s.cj.url, s.shopify.origin]) {
    if (new URL(url).hostname !== "127.0.0.1") throw new Error(`refusing a non-loopback host: ${url}`);
  }
  return s;
}

/** Three more store variants connected at CJ, for five-line orders (two T-shirts + these). */
function fiveLines(s: Stack): OrderLineInput[] {
  return [
    { sku: "TSHIRT-WHITE-M" },
    { sku: "TSHIRT-WHITE-L" },
    ...addConnectedVariants(s, "BENCH", ["MUG", "CAP", "BAG"]),
  ];
}

const settledStates = { BALANCE: ["PAID"], LINK: ["AWAITING_PAYMENT"] } as const;

/** Places orders one after another; returns CJ calls and points per order (token calls not counted: CJ's own). */
async function perOrder(s: Stack, lines: OrderLineInput[], count: number, states: readonly string[]) {
  const calls = () => s.cj.requests().filter((r) => !r.path.startsWith("/authentication/")).length;
  const points = () => usageOf(s.cj.state, "acct-1", Date.now()).pointsUsed;
  const [c0, p0] = [calls(), points()];
  for (let i = 0; i < count; i++) {
    const order = s.addOrder({ financialStatus: "PAID", shippingAddress: US_ADDRESS, lines });
    const status = await s.webhook("orders/paid", order);
    if (status !== 200) throw new Error(`orders/paid answered ${status}`);
    await eventually(async () => {
      const row = await s.t.db.order.findFirst({ where: { shopifyOrderGid: order.id }, select: { state: true } });
      return row && states.includes(row.state) ? true : undefined;
    }, 60_000).catch(async (e) => {
      throw new Error(`${(e as Error).message}\n${await s.describeOrder(order.id)}`);
    });
  }
  // A job following the state (there should be none) has a moment to call CJ.
  await new Promise((r) => setTimeout(r, 300));
  return { calls: (calls() - c0) / count, points: (points() - p0) / count };
}

async function callsAndPoints() {
  const rows: (string | number)[][] = [["flow", "payment", "lines", "cache", "CJ calls/order", "points/order"]];
  for (const flow of ["one call", "create only"] as const) {
    for (const mode of ["BALANCE", "LINK"] as const) {
      const s = await stackFor(flow, mode);
      try {
        const five = fiveLines(s);
        for (const [label, lines] of [
          ["1", [{ sku: "TSHIRT-WHITE-M" }]],
          ["5", five],
        ] as const) {
          const cold = await perOrder(s, [...lines], 1, settledStates[mode]);
          const warm = await perOrder(s, [...lines], WARM, settledStates[mode]);
          rows.push([flow, mode === "BALANCE" ? "balance" : "link", label, "cold", cold.calls, cold.points]);
          rows.push([flow, mode === "BALANCE" ? "balance" : "link", label, `warm (${WARM})`, warm.calls, warm.points]);
        }
      } finally {
        await s.stop();
      }
    }
  }
  console.log("1. CJ calls and points per order (token calls excluded)\n");
  console.log(formatTable(rows));
}

/** Warm orders sent as fast as the webhook takes them for DRAIN_SECONDS × QPS orders; orders/s until all settled. */
async function drain(flow: Flow, qps: number, store: "plus" | "standard" = "plus") {
  const s = await stackFor(flow, "BALANCE", qps);
  try {
    // A Plus store's Admin API bucket (1,000 points/s), so that CJ's QPS is what bounds the drain; a standard store
    // (100 points/s) bounds one store's drain by the order reads (the "standard" row).
    if (store === "plus") {
      s.shopify.state.configureBucket(STACK_SHOP, {
        maximumAvailable: 10_000,
        restoreRate: 1000,
        currentlyAvailable: 10_000,
      });
    }
    await perOrder(s, [{ sku: "TSHIRT-WHITE-M" }], 1, ["PAID"]);
    const count = Math.max(5, Math.round(DRAIN_SECONDS * qps));
    const c0 = s.cj.requests().length;
    const started = performance.now();
    const orders = [];
    for (let i = 0; i < count; i++) {
      const order = s.addOrder({
        financialStatus: "PAID",
        shippingAddress: US_ADDRESS,
        lines: [{ sku: "TSHIRT-WHITE-M" }],
      });
      orders.push(order);
      const status = await s.webhook("orders/paid", order);
      if (status !== 200) throw new Error(`orders/paid answered ${status}`);
    }
    await eventually(
      async () => (await s.t.db.order.count({ where: { state: "PAID" } })) >= count + 1 || undefined,
      count * 10_000,
      250,
    );
    const seconds = (performance.now() - started) / 1000;
    const calls = s.cj.requests().length - c0;
    return [
      `${flow}, ${store} store`,
      qps,
      count,
      seconds,
      calls / count,
      count / seconds,
      count / seconds / qps,
      s.cj.limitViolations().length,
    ];
  } finally {
    await s.stop();
  }
}

async function main() {
  ensureBuild();
  if (process.env.BENCH_PARTS !== "2") await callsAndPoints();
  const rows: (string | number)[][] = [
    ["flow", "QPS", "orders", "wall s", "CJ calls/order", "orders/s", "orders/s ÷ QPS", "1600200 from CJ"],
  ];
  for (const qps of (process.env.BENCH_QPS ?? "1,2,6").split(",").map(Number)) rows.push(await drain("one call", qps));
  if (process.env.BENCH_PARTS !== "2") {
    rows.push(await drain("one call", 6, "standard"));
    rows.push(await drain("create only", 2));
  }
  console.log("\n2. Draining warm orders through one CJ account (BALANCE, embedded profile)\n");
  console.log(formatTable(rows));
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);

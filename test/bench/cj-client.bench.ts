/**
 * Per-call overhead of the CJ client (`createCjClient`: request validation, rate limiter, token source, envelope and
 * data schemas, retry wrapper, logging) against a bare undici `request` with the same headers, both to the CJ
 * emulator on 127.0.0.1. The limiter is set high enough never to throttle, so the difference is the client's own
 * work. Prints a table; asserts nothing.
 *
 *   npx tsx test/bench/cj-client.bench.ts            (BENCH_CALLS=2000 by default)
 */
import pino from "pino";
import { Pool } from "undici";
import {
  closeCjDispatchers,
  createCjClient,
  createInProcessRateLimiter,
  createMemoryCredentialStore,
} from "../../app/cj";
import { startCjEmulator } from "../emulators/cj/index.js";
import { formatTable, type LatencySummary, measure, summarize } from "./stats.js";

const CALLS = Number(process.env.BENCH_CALLS ?? 2000);
const WARMUP = Math.min(300, CALLS);
const CONCURRENCY = [1, 16] as const;
const ACCOUNT = { id: "bench", apiKey: "CJUserNum@api@bench" };
const TEE_VID = "92511400-C758-4474-93CA-66D442F5F787";

// A benchmark must stop by itself, even if something hangs.
const deadline = setTimeout(() => {
  console.error("cj-client bench: gave up after 5 minutes");
  process.exit(1);
}, 5 * 60_000);
deadline.unref();

// Limits lifted on both sides: the emulator must not answer 1600200 (nor run out of daily points), the client's
// limiter must not wait.
const emulator = await startCjEmulator({
  host: "127.0.0.1",
  ipQps: 10_000_000,
  accounts: [{ ...ACCOUNT, qpsLimit: 10_000_000, balance: "100.00", dailyPoints: 1_000_000_000 }],
});
const base = new URL(emulator.baseUrl);
if (base.hostname !== "127.0.0.1") throw new Error(`refusing to benchmark a non-loopback host: ${base.hostname}`);

const client = createCjClient({
  accountId: ACCOUNT.id,
  store: createMemoryCredentialStore({ [ACCOUNT.id]: { apiKey: ACCOUNT.apiKey, qpsLimit: 100_000 } }),
  baseUrl: emulator.baseUrl,
  rateLimiter: createInProcessRateLimiter({ ipRequestsPerSecond: 1_000_000 }),
  logger: pino({ level: "silent" }),
});
// Same pool settings as the client's process-wide pool (16 keep-alive connections).
const bare = new Pool(base.origin, { connections: 16, keepAliveTimeout: 30_000 });

const token = await client.auth.accessToken();
const created = await client.orders.createOrderV2({
  orderNumber: "bench-1",
  shippingCountryCode: "US",
  shippingCountry: "United States",
  shippingProvince: "New York",
  shippingCity: "New York",
  shippingZip: "10001",
  shippingCustomerName: "Jane Doe",
  shippingAddress: "1 Main St",
  logisticName: "CJPacket Ordinary",
  fromCountryCode: "CN",
  payType: 3,
  products: [{ vid: TEE_VID, quantity: 1 }],
});
const orderId = created.orderId ?? "";
const freightBody = { startCountryCode: "CN", endCountryCode: "US", products: [{ vid: TEE_VID, quantity: 2 }] };

async function bareCall(method: "GET" | "POST", path: string, body?: unknown): Promise<unknown> {
  const headers: Record<string, string> = { "CJ-Access-Token": token };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await bare.request({
    path: `${base.pathname}${path}`,
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await response.body.json()) as { code: number; data: unknown };
  if (json.code !== 200) throw new Error(`bare ${path}: CJ code ${json.code}`);
  return json.data;
}

interface Endpoint {
  name: string;
  viaClient: () => Promise<unknown>;
  viaBare: () => Promise<unknown>;
}

const endpoints: Endpoint[] = [
  {
    name: "getOrderDetail",
    viaClient: () => client.orders.getOrderDetail({ orderId }),
    viaBare: () => bareCall("GET", `/shopping/order/getOrderDetail?orderId=${encodeURIComponent(orderId)}`),
  },
  {
    name: "freightCalculate",
    viaClient: () => client.logistics.freightCalculate(freightBody),
    viaBare: () => bareCall("POST", "/logistic/freightCalculate", freightBody),
  },
];

/** Client and bare in ABBA halves so that drift (JIT, GC, CPU clock) does not favour either side. */
async function compare(endpoint: Endpoint, concurrency: number) {
  const half = Math.ceil(CALLS / 2);
  const samples = { client: [] as number[], bare: [] as number[] };
  const wall = { client: 0, bare: 0 };
  for (const side of ["client", "bare", "bare", "client"] as const) {
    const call = side === "client" ? endpoint.viaClient : endpoint.viaBare;
    const run = await measure(half, concurrency, call);
    samples[side].push(...run.samplesMs);
    wall[side] += run.wallMs;
  }
  return { client: summarize(samples.client, wall.client), bare: summarize(samples.bare, wall.bare) };
}

for (const endpoint of endpoints) {
  await measure(WARMUP, 16, endpoint.viaClient);
  await measure(WARMUP, 16, endpoint.viaBare);
}
const requestsBefore = emulator.requests().length;

const rows: (string | number)[][] = [
  ["endpoint", "in flight", "impl", "calls", "p50 ms", "p95 ms", "p99 ms", "calls/s", "p50 +ms", "p50 ×", "calls/s ×"],
];
for (const endpoint of endpoints) {
  for (const concurrency of CONCURRENCY) {
    const { client: viaClient, bare: viaBare } = await compare(endpoint, concurrency);
    const row = (impl: string, s: LatencySummary) => [
      endpoint.name,
      concurrency === 1 ? "1 (seq)" : String(concurrency),
      impl,
      s.count,
      s.p50,
      s.p95,
      s.p99,
      s.callsPerSecond,
    ];
    rows.push(
      [...row("bare undici", viaBare), "", "", ""],
      [
        ...row("createCjClient", viaClient),
        viaClient.p50 - viaBare.p50,
        viaClient.p50 / viaBare.p50,
        viaClient.callsPerSecond / viaBare.callsPerSecond,
      ],
    );
  }
}

const refused = emulator.requests().filter((request) => request.code !== 200).length;
console.log(
  `CJ client overhead vs bare undici — emulator on ${base.origin}, Node ${process.version}, ${CALLS} calls per cell ` +
    `(after ${WARMUP} warm-up calls), same keep-alive pool size (16)\n`,
);
console.log(formatTable(rows));
console.log(
  `\n"p50 +ms" = client p50 − bare p50 (the client's own work per call); "×" = client / bare. ` +
    `${emulator.requests().length - requestsBefore} measured requests, ${refused} answered with a non-200 code.`,
);

await bare.close();
await closeCjDispatchers();
await emulator.close();
clearTimeout(deadline);

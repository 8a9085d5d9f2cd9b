/**
 * The app's CJ client (`createCjClient`) over loopback HTTP against the in-process CJ emulator. Nothing of our own
 * code is mocked: assertions read what the emulator recorded (`emulator.requests()`, its orders and balances) and
 * what the client returned.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import pino from "pino";
import { Agent, type Dispatcher } from "undici";
import { afterAll, beforeAll, beforeEach } from "vitest";
import {
  type CjClientOptions,
  type CjCreateOrderV2Request,
  type CjMemoryCredentialStore,
  type CjRateLimiter,
  closeCjDispatchers,
  createCjClient,
  createInProcessRateLimiter,
  createMemoryCredentialStore,
} from "../../../app/cj";
import { type CjEmulator, type RecordedRequest, type StartOptions, startCjEmulator } from "../../emulators/cj/index.js";

export const TEE_VID = "92511400-C758-4474-93CA-66D442F5F787";
export const CASE_VID = "1392053744945991681";
/** A Shopify store SKU connected to TEE_VID in CJ (orderFlow=2 lines carry it instead of a vid). */
export const STORE_SKU = "SHOP-TEE-WHITE-M";

export interface TestAccount {
  id: string;
  apiKey: string;
  openId: number;
  qpsLimit: number;
  balance: string;
}

export const ACCOUNT: TestAccount = {
  id: "acct-main",
  apiKey: "CJUserNum@api@client0000000000000000000000001",
  openId: 424242,
  qpsLimit: 50,
  balance: "100.00",
};

/** An emulator generous enough for functional tests (IP limit lifted, QPS 50); limit tests pass their own. */
export function startEmulator(options: StartOptions = {}): Promise<CjEmulator> {
  return startCjEmulator({
    ipQps: 1000,
    pushRetryDelayMs: 50,
    accounts: [ACCOUNT],
    connections: [{ accountId: ACCOUNT.id, sku: STORE_SKU, vid: TEE_VID }],
    ...options,
  });
}

/**
 * One emulator per test file, reset before each test (orders, tokens, requests, faults, clock) and closed with the
 * client's keep-alive pools at the end. `onStart` receives it (tests keep it in a file-level variable).
 */
export function emulatorPerFile(onStart: (emulator: CjEmulator) => void, options: StartOptions = {}): void {
  let started: CjEmulator | undefined;
  beforeAll(async () => {
    started = await startEmulator(options);
    onStart(started);
  });
  beforeEach(() => {
    started?.reset();
  });
  afterAll(async () => {
    await closeCjDispatchers();
    await started?.close();
  });
}

const silent = pino({ level: "silent" });

/** A limiter that never throttles functional tests (the limit tests use the real default one). */
export const unthrottled: CjRateLimiter = createInProcessRateLimiter({ ipRequestsPerSecond: 10_000 });

export interface TestClientOptions extends Partial<Omit<CjClientOptions, "store" | "accountId">> {
  account?: Pick<TestAccount, "id" | "apiKey"> & { qpsLimit?: number | undefined };
}

/** A client for `account` on the emulator, with a memory credential store holding its API key (and QPS if given). */
export function clientFor(emulator: CjEmulator, options: TestClientOptions = {}) {
  const { account = ACCOUNT, ...overrides } = options;
  const store: CjMemoryCredentialStore = createMemoryCredentialStore({
    [account.id]: {
      apiKey: account.apiKey,
      ...(account.qpsLimit === undefined ? {} : { qpsLimit: account.qpsLimit }),
    },
  });
  const client = createCjClient({
    accountId: account.id,
    store,
    baseUrl: emulator.baseUrl,
    rateLimiter: unthrottled,
    logger: silent,
    retry: { minTimeoutMs: 5, maxTimeoutMs: 20 },
    timeouts: { connectMs: 2_000, headersMs: 5_000, bodyMs: 5_000 },
    ...overrides,
  });
  return { client, store };
}

let orderSeq = 0;

/** A createOrderV2 body as the app's mapper would send it (seed 002 §1.1 sample, valid for the emulator). */
export function orderRequest(overrides: Partial<CjCreateOrderV2Request> = {}): CjCreateOrderV2Request {
  orderSeq += 1;
  return {
    orderNumber: `#${1000 + orderSeq}-${process.pid}-${Date.now().toString(36)}`,
    shippingZip: "10001",
    shippingCountry: "United States",
    shippingCountryCode: "US",
    shippingProvince: "New York",
    shippingCity: "New York",
    shippingPhone: "2125550100",
    shippingCustomerName: "Jane Doe",
    shippingAddress: "1 Main St",
    email: "jane@example.com",
    payType: 3,
    logisticName: "CJPacket Ordinary",
    fromCountryCode: "CN",
    platform: "shopify",
    orderFlow: 1,
    products: [{ vid: TEE_VID, quantity: 2, storeLineItemId: "line-1" }],
    ...overrides,
  };
}

/** Requests the emulator recorded for `path` (below /api2.0/v1). */
export function requestsTo(emulator: CjEmulator, path: string, accountId?: string): RecordedRequest[] {
  return emulator.requests({ path, ...(accountId ? { accountId } : {}) });
}

/** Orders the emulator holds for the account with this orderNumber (deleted ones included). */
export function ordersNumbered(emulator: CjEmulator, orderNumber: string, accountId = ACCOUNT.id) {
  return emulator.state.orders.filter((order) => order.accountId === accountId && order.orderNumber === orderNumber);
}

/** Calls the emulator's control API over HTTP (`/__emulator/...`), as an out-of-process test would. */
export async function control(emulator: CjEmulator, method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${emulator.url}/__emulator${path}`, {
    method,
    headers: { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await response.json()) as unknown;
  if (response.status !== 200) throw new Error(`control ${method} ${path}: ${JSON.stringify(json)}`);
  return json;
}

export interface ReceivedWebhook {
  headers: IncomingMessage["headers"];
  raw: Buffer;
}

/** A local webhook endpoint (plain node:http) that stores raw bodies and answers CJ's ACK. */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  private server: Server | undefined;
  private waiters: Array<() => void> = [];
  port = 0;

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        this.received.push({ headers: req.headers, raw: Buffer.concat(chunks) });
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ code: 200, result: "success", message: "success" }));
        for (const wake of this.waiters.splice(0)) wake();
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /**
   * The URL registered with CJ. CJ accepts only https callbacks (and the client refuses anything else), so the
   * registered URL is https; `loopbackTlsTerminator` plays the TLS-terminating proxy in front of this receiver.
   */
  get httpsUrl(): string {
    return `https://127.0.0.1:${this.port}/webhooks/cj`;
  }

  async waitFor(count: number, timeoutMs = 5_000): Promise<ReceivedWebhook[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length < count) {
      if (Date.now() > deadline) throw new Error(`expected ${count} webhooks, got ${this.received.length}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
    return this.received;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/**
 * A global fetch dispatcher that sends `https://127.0.0.1:*` requests as plain HTTP to the same port (what a
 * TLS-terminating proxy in front of the app does). Only the emulator's webhook pusher (global fetch) is affected;
 * the CJ client uses its own undici pool.
 */
export function loopbackTlsTerminator(): Dispatcher {
  return new Agent().compose(
    (dispatch) => (options, handler) =>
      dispatch(
        {
          ...options,
          origin: String(options.origin ?? "").startsWith("https://127.0.0.1:")
            ? String(options.origin).replace("https://", "http://")
            : options.origin,
        },
        handler,
      ),
  );
}

import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type CjEmulator, type StartOptions, startCjEmulator } from "../../emulators/cj/index.js";

export const API_KEY = "CJUserNum@api@test0000000000000000000000000001";
export const ACCOUNT = "acct";
export const OPEN_ID = 987654321;
export const TEE_VID = "92511400-C758-4474-93CA-66D442F5F787";
export const CASE_VID = "1392053744945991681";

export interface CjAnswer {
  status: number;
  json: {
    code: number;
    result: boolean;
    message: string;
    data: unknown;
    requestId: string;
    success?: boolean;
  };
}

/** An emulator with one account generous enough (QPS 50, balance 100) for functional tests. */
export function startTestEmulator(options: StartOptions = {}): Promise<CjEmulator> {
  return startCjEmulator({
    ipQps: 1000,
    pushRetryDelayMs: 50,
    accounts: [{ id: ACCOUNT, apiKey: API_KEY, openId: OPEN_ID, qpsLimit: 50, balance: "100.00" }],
    ...options,
  });
}

export interface CallOptions {
  method?: string;
  body?: unknown;
  token?: string | null;
  query?: Record<string, string | string[]>;
  signal?: AbortSignal;
}

/** A raw HTTP call to the emulator's CJ API (no app client involved). */
export async function cj(emulator: CjEmulator, path: string, options: CallOptions = {}): Promise<CjAnswer> {
  const url = new URL(`${emulator.baseUrl}${path}`);
  for (const [key, value] of Object.entries(options.query ?? {})) {
    for (const v of Array.isArray(value) ? value : [value]) url.searchParams.append(key, v);
  }
  const headers: Record<string, string> = {};
  if (options.body !== undefined) headers["content-type"] = "application/json";
  if (options.token) headers["CJ-Access-Token"] = options.token;
  const response = await fetch(url, {
    method: options.method ?? (options.body === undefined ? "GET" : "POST"),
    headers,
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return { status: response.status, json: (await response.json()) as CjAnswer["json"] };
}

export async function login(emulator: CjEmulator, apiKey = API_KEY): Promise<string> {
  const answer = await cj(emulator, "/authentication/getAccessToken", { body: { apiKey } });
  const data = answer.json.data as { accessToken: string };
  return data.accessToken;
}

/** The seed's createOrderV2 sample, made valid for the emulator's catalogue. */
export function orderBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    orderNumber: `order-${Math.random().toString(36).slice(2, 10)}`,
    shippingZip: "10001",
    shippingCountry: "United States",
    shippingCountryCode: "US",
    shippingProvince: "New York",
    shippingCity: "New York",
    shippingCounty: "",
    shippingPhone: "2125550100",
    shippingCustomerName: "Jane Doe",
    shippingAddress: "1 Main St",
    shippingAddress2: "",
    taxId: "",
    remark: "note",
    email: "",
    consigneeID: "",
    payType: 3,
    shopAmount: "",
    logisticName: "CJPacket Ordinary",
    fromCountryCode: "CN",
    houseNumber: "",
    platform: "shopify",
    iossType: "",
    iossNumber: "",
    orderFlow: 1,
    products: [{ vid: TEE_VID, quantity: 2, storeLineItemId: "line-1" }],
    ...overrides,
  };
}

export interface ReceivedPush {
  headers: IncomingMessage["headers"];
  raw: Buffer;
  json: { messageId: string; type: string; messageType: string; openId: number; params: Record<string, unknown> };
}

/**
 * A local webhook receiver: records raw bodies; `failNext` makes it answer 500 a number of times; `delayMs` makes it
 * wait that long before answering (and recording).
 */
export class PushReceiver {
  readonly received: ReceivedPush[] = [];
  failNext = 0;
  delayMs = 0;
  /** Every request that reached it, answered or not. */
  hits = 0;
  private server: Server | null = null;
  url = "";

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        this.hits++;
        const raw = Buffer.concat(chunks);
        if (this.failNext > 0) {
          this.failNext--;
          res.writeHead(500).end();
          return;
        }
        const answer = () => {
          if (req.socket.destroyed) return;
          this.received.push({ headers: req.headers, raw, json: JSON.parse(raw.toString("utf8")) });
          res.writeHead(200, { "content-type": "application/json" });
          res.end(JSON.stringify({ code: 200, result: "success", message: "ok" }));
        };
        if (this.delayMs > 0) setTimeout(answer, this.delayMs);
        else answer();
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", () => resolve()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/webhooks/cj`;
    return this;
  }

  of(type: string, messageType?: string): ReceivedPush[] {
    return this.received.filter((p) => p.json.type === type && (!messageType || p.json.messageType === messageType));
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

export async function registerWebhooks(emulator: CjEmulator, token: string, url: string): Promise<void> {
  const answer = await cj(emulator, "/webhook/set", {
    token,
    body: {
      order: { type: "ENABLE", callbackUrls: [url] },
      logistics: { type: "ENABLE", callbackUrls: [url] },
    },
  });
  if (answer.json.code !== 200) throw new Error(`webhook/set answered ${answer.json.code}`);
}

export interface ControlAnswer {
  status: number;
  json: unknown;
}

/** A call to the emulator's control API (`/__emulator/*`), JSON in and out. */
export async function control(
  emulator: CjEmulator,
  path: string,
  options: { method?: string; body?: unknown } = {},
): Promise<ControlAnswer> {
  const response = await fetch(`${emulator.url}/__emulator${path}`, {
    method: options.method ?? (options.body === undefined ? "GET" : "POST"),
    headers: { "content-type": "application/json" },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  return { status: response.status, json: await response.json() };
}

/** A tiny loopback HTTP server answering like CJ, recording what it received (not a test file). */
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import pino from "pino";
import { type CjClientOptions, createCjClient, createMemoryCredentialStore } from "../../../app/cj";

export interface ReceivedRequest {
  method: string;
  url: URL;
  headers: IncomingMessage["headers"];
  body: Buffer;
  at: number;
}

export type Reply = { status?: number; body: string | object; headers?: Record<string, string> } | "hang" | "reset";
export type Handler = (request: ReceivedRequest) => Reply | Promise<Reply>;

export interface CjTestServer {
  baseUrl: string;
  received: ReceivedRequest[];
  handle(handler: Handler): void;
  close(): Promise<void>;
}

export async function startCjServer(initial?: Handler): Promise<CjTestServer> {
  let handler: Handler = initial ?? (() => ({ body: { code: 200, result: true, message: "Success", data: null } }));
  const received: ReceivedRequest[] = [];
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const request: ReceivedRequest = {
      method: req.method ?? "",
      url: new URL(req.url ?? "/", "http://127.0.0.1"),
      headers: req.headers,
      body: Buffer.concat(chunks),
      at: Date.now(),
    };
    received.push(request);
    const reply = await handler(request);
    if (reply === "hang") return;
    if (reply === "reset") {
      req.socket.destroy();
      return;
    }
    const text = typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body);
    res.writeHead(reply.status ?? 200, { "content-type": "application/json", ...reply.headers });
    res.end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/api2.0/v1`,
    received,
    handle(next) {
      handler = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const FAR_FUTURE = new Date("2100-01-01T00:00:00+08:00");

export function testClient(baseUrl: string, overrides: Partial<CjClientOptions> = {}) {
  const store = createMemoryCredentialStore({
    acct: {
      apiKey: "CJ-API-KEY-SECRET",
      tokens: {
        accessToken: "access-1",
        accessTokenExpiresAt: FAR_FUTURE,
        refreshToken: "refresh-1",
        refreshTokenExpiresAt: FAR_FUTURE,
      },
      lastAuthAt: new Date("2020-01-01T00:00:00Z"),
    },
  });
  const client = createCjClient({
    accountId: "acct",
    store,
    baseUrl,
    rateLimiter: { acquire: async () => () => {} },
    logger: pino({ level: "silent" }),
    retry: { minTimeoutMs: 1, maxTimeoutMs: 5, rateLimitWaitMs: 1 },
    timeouts: { connectMs: 1_000, headersMs: 300, bodyMs: 300 },
    ...overrides,
  });
  return { client, store };
}

const FIXTURES = new URL("../../fixtures/cj/", import.meta.url);

export function fixture(name: string): string {
  return readFileSync(new URL(name, FIXTURES), "utf8");
}

export function answer(name: string): string {
  return fixture(`answers/${name}.txt`);
}

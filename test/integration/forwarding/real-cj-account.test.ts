/**
 * What a real CJ account accepts (issue 13), end to end over HTTP: Shopify webhooks in; what the CJ emulator received
 * (which enforces line identity, destination rules and intercepts as CJ documents them), the app's rows and the
 * order page out. One stack for the file; every test uses its own orders and destinations.
 */
import Decimal from "decimal.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cjOrderNumberFor } from "../../../app/fulfillment/mapping";
import { embeddedUrl } from "../../../app/runtime/session-token";
import { orderTotals, sampleAddresses, splitLines } from "../../emulators/shopify/build-order";
import type { Order as ShopifyOrder } from "../../emulators/shopify/model";
import { BROWSER_UA, testApiKey, testAppSecret } from "../../support/app-process";
import { CONNECTED, eventually, STACK_SHOP, type Stack, startStack } from "../../support/stack";

let s: Stack;
beforeAll(async () => {
  s = await startStack();
  // The app reads the exchange rates at start (refresh-currency-rates); orders below need them.
  await eventually(async () => (await s.t.db.currencyRate.count()) > 0);
});
afterAll(async () => {
  await s?.stop();
});

const numberOf = (order: ShopifyOrder) => cjOrderNumberFor(STACK_SHOP, order.id);
/** createOrderV2 requests for the order: its number, then its replacements' (-R1, -R2, …). */
const creates = (order: ShopifyOrder) =>
  s.cj.requests({ path: "/shopping/order/createOrderV2" }).filter((r) => {
    const sent = (r.body as { orderNumber?: string }).orderNumber ?? "";
    return sent === numberOf(order) || sent.startsWith(`${numberOf(order)}-R`);
  });
const body = (order: ShopifyOrder, i = 0) => creates(order)[i]?.body as Record<string, unknown> | undefined;
/** The lines of that request (empty when none was sent). */
const productsOf = (order: ShopifyOrder, i = 0) => (body(order, i)?.products ?? []) as Record<string, unknown>[];

async function settled(
  order: ShopifyOrder,
  states = ["AWAITING_PAYMENT", "PAID", "HELD", "NEEDS_ATTENTION", "FAILED"],
) {
  return eventually(async () => {
    const row = await s.t.db.order.findFirst({ where: { shopifyOrderGid: order.id } });
    return row && states.includes(row.state) ? row : undefined;
  }).catch(async (e) => {
    throw new Error(`${(e as Error).message}\n${await s.describeOrder(order.id)}`);
  });
}

/** A form post to the order page, as the merchant's browser sends it (session token in the URL). */
async function orderPage(orderId: string, form: Record<string, string>) {
  const url = await embeddedUrl(s.app.url, `/app/orders/${orderId}`, {
    shop: STACK_SHOP,
    apiKey: testApiKey,
    apiSecret: testAppSecret,
  });
  const res = await fetch(url, {
    method: "POST",
    body: new URLSearchParams(form),
    headers: { "User-Agent": BROWSER_UA },
  });
  await res.text();
  return res.status;
}

const brazil = {
  name: "João Silva",
  address1: "Rua Augusta, 1500 - apto 12",
  city: "São Paulo",
  province: "São Paulo",
  provinceCode: "SP",
  country: "Brazil",
  countryCodeV2: "BR",
  zip: "01304-001",
  phone: "+55 11 91234-5678",
};

describe("money is US dollars", () => {
  it("a JPY order declares its values in USD, converted at the stated rate, and the order page says so", async () => {
    const order = s.addOrder({
      financialStatus: "PAID",
      currencyCode: "JPY",
      shippingPrice: "800",
      lines: [{ sku: "TSHIRT-WHITE-M", quantity: 1, price: "4500" }],
    });
    await s.webhook("orders/paid", order);
    const row = await settled(order);
    // The rates source (ECB format): 1 EUR = 1.08 USD = 162.27 JPY, so 1 USD = 150.25 JPY.
    const perUsd = new Decimal("162.27").dividedBy("1.08");
    const sent = body(order);
    expect(sent).toBeDefined();
    expect(productsOf(order)[0]?.unitPrice).toBe(new Decimal(4500).dividedBy(perUsd).toFixed(2));
    expect(sent?.shopAmount).toBe(new Decimal(orderTotals(order).total).dividedBy(perUsd).toFixed(2));
    // 4,500 yen is about 30 dollars, never 4,500 dollars.
    expect(Number(sent?.shopAmount)).toBeLessThan(40);
    expect(row.amountsNote).toContain("converted from JPY at 1 USD = 150.25 JPY");
    const page = await (
      await fetch(
        await embeddedUrl(s.app.url, `/app/orders/${row.id}`, {
          shop: STACK_SHOP,
          apiKey: testApiKey,
          apiSecret: testAppSecret,
        }),
        { headers: { "User-Agent": BROWSER_UA } },
      )
    ).text();
    expect(page).toContain("converted from JPY at 1 USD = 150.25 JPY");
  });

  it("a JPY order the customer paid in USD sends what the customer paid", async () => {
    const order = s.addOrder({
      financialStatus: "PAID",
      currencyCode: "JPY",
      shippingPrice: "800",
      presentment: { currencyCode: "USD", rate: "0.0067" },
      lines: [{ sku: "TSHIRT-WHITE-M", quantity: 1, price: "4500" }],
    });
    await s.webhook("orders/paid", order);
    const row = await settled(order);
    expect(productsOf(order)[0]?.unitPrice).toBe("30.15");
    expect(row.amountsNote).toMatch(/as the customer paid them/);
  });

  it("an order in a currency with no known rate leaves the declared values out, and says so", async () => {
    const order = s.addOrder({
      financialStatus: "PAID",
      currencyCode: "THB",
      lines: [{ sku: "TSHIRT-WHITE-M", quantity: 1, price: "650.00" }],
    });
    await s.webhook("orders/paid", order);
    const row = await settled(order);
    const sent = body(order);
    expect(sent).toBeDefined();
    expect(sent).not.toHaveProperty("shopAmount");
    expect(productsOf(order)).toHaveLength(1);
    expect(productsOf(order)[0]).not.toHaveProperty("unitPrice");
    expect(row.amountsNote).toMatch(/No US dollar rate for THB/);
  });
});

describe("customs credentials and destination rules", () => {
  it("a Brazilian order sends the checkout's CPF as taxId and the house number, and CJ does not intercept it", async () => {
    const tipsBefore = s.cj.requests({ path: "/logistic/freightCalculateTip" }).length;
    const order = s.addOrder({
      financialStatus: "PAID",
      shippingAddress: brazil,
      localizedFields: [{ key: "SHIPPING_CREDENTIAL_BR", value: "123.456.789-09" }],
      lines: [{ sku: "TSHIRT-WHITE-L" }],
    });
    await s.webhook("orders/paid", order);
    const row = await settled(order);
    expect(row.state).toBe("AWAITING_PAYMENT");
    expect(body(order)).toMatchObject({ taxId: "12345678909", houseNumber: "1500", shippingCountryCode: "BR" });
    const atCj = s.cj.order(numberOf(order));
    expect(atCj?.interceptReasons).toEqual([]);
    expect(atCj?.status).toBe("UNPAID");
    // The rules of BR were looked up once (10 points) and cached: a second Brazilian order costs no lookup.
    expect(s.cj.requests({ path: "/logistic/freightCalculateTip" }).length).toBe(tipsBefore + 1);
    const again = s.addOrder({
      financialStatus: "PAID",
      shippingAddress: brazil,
      localizedFields: [{ key: "TAX_CREDENTIAL_BR", value: "11.222.333/0001-81" }],
      lines: [{ sku: "TSHIRT-WHITE-L" }],
    });
    await s.webhook("orders/paid", again);
    await settled(again);
    expect(body(again)).toMatchObject({ taxId: "11222333000181" });
    expect(s.cj.requests({ path: "/logistic/freightCalculateTip" }).length).toBe(tipsBefore + 1);
    // The timeline keeps the request without the whole ID.
    const event = await s.t.db.orderEvent.findFirstOrThrow({ where: { orderId: row.id, type: "cj_request" } });
    expect(event.data).not.toContain("12345678909");
  });

  it("a Brazilian order without a CPF is held before anything is sent, says which field for which country, and goes on once the merchant enters it", async () => {
    const order = s.addOrder({ financialStatus: "PAID", shippingAddress: brazil, lines: [{ sku: "TSHIRT-WHITE-L" }] });
    await s.webhook("orders/paid", order);
    const held = await settled(order);
    expect(held.state).toBe("NEEDS_ATTENTION");
    expect(held.errorReason).toMatch(/CPF\/CNPJ/);
    expect(held.errorReason).toMatch(/for BR with/);
    expect(creates(order)).toHaveLength(0);

    expect(await orderPage(held.id, { intent: "saveCustoms", taxId: "123.456.789-09", houseNumber: "" })).toBe(200);
    const forwarded = await settled(order, ["AWAITING_PAYMENT"]);
    expect(body(order)).toMatchObject({ taxId: "12345678909", houseNumber: "1500" });
    expect(s.cj.order(numberOf(order))?.interceptReasons).toEqual([]);
    // Stored encrypted: the row never holds the ID in clear.
    expect(forwarded.customsOverrideEnc).toBeTruthy();
    expect(forwarded.customsOverrideEnc).not.toContain("12345678909");
  });

  it("a Brazilian address without a house number is held with the reason, and the number entered on the page is sent", async () => {
    const order = s.addOrder({
      financialStatus: "PAID",
      shippingAddress: { ...brazil, address1: "Rua Augusta" },
      localizedFields: [{ key: "SHIPPING_CREDENTIAL_BR", value: "12345678909" }],
      lines: [{ sku: "TSHIRT-WHITE-L" }],
    });
    await s.webhook("orders/paid", order);
    const held = await settled(order);
    expect(held.state).toBe("NEEDS_ATTENTION");
    expect(held.errorReason).toMatch(/house number for BR/);
    expect(creates(order)).toHaveLength(0);
    expect(await orderPage(held.id, { intent: "saveCustoms", taxId: "", houseNumber: "s/n" })).toBe(200);
    await settled(order, ["AWAITING_PAYMENT"]);
    expect(body(order)).toMatchObject({ houseNumber: "s/n", taxId: "12345678909" });
  });

  it("a Korean order sends the PCCC; a malformed one is held with CJ's own rule message", async () => {
    const korea = sampleAddresses.korea;
    const order = s.addOrder({
      financialStatus: "PAID",
      shippingAddress: korea,
      localizedFields: [{ key: "SHIPPING_CREDENTIAL_KR", value: "P 1234-5678-9012" }],
      lines: [{ sku: "TSHIRT-WHITE-M" }],
    });
    await s.webhook("orders/paid", order);
    expect((await settled(order)).state).toBe("AWAITING_PAYMENT");
    expect(body(order)).toMatchObject({ taxId: "P123456789012" });
    expect(body(order)).not.toHaveProperty("houseNumber");
    expect(s.cj.order(numberOf(order))?.interceptReasons).toEqual([]);

    const bad = s.addOrder({
      financialStatus: "PAID",
      shippingAddress: korea,
      localizedFields: [{ key: "SHIPPING_CREDENTIAL_KR", value: "12345" }],
      lines: [{ sku: "TSHIRT-WHITE-M" }],
    });
    await s.webhook("orders/paid", bad);
    const held = await settled(bad);
    expect(held.state).toBe("NEEDS_ATTENTION");
    expect(held.errorReason).toMatch(/Personal Customs Clearance Code/);
    expect(held.errorReason).toMatch(/for KR/);
    // CJ's own words for its rule (freightCalculateTip allRuleTips msgEn), quoted to the merchant.
    expect(held.errorReason).toContain("P followed by 12 digits");
    expect(creates(bad)).toHaveLength(0);
  });

  it("a US order needs nothing: no customs fields, no house number, not intercepted", async () => {
    const order = s.addOrder({
      financialStatus: "PAID",
      shippingAddress: {
        name: "Ada Lovelace",
        address1: "12 Analytical Row",
        city: "Springfield",
        province: "Illinois",
        provinceCode: "IL",
        country: "United States",
        countryCodeV2: "US",
        zip: "62701",
        phone: "+1 217 555 0100",
      },
      lines: [{ sku: "TSHIRT-WHITE-M" }],
    });
    await s.webhook("orders/paid", order);
    expect((await settled(order)).state).toBe("AWAITING_PAYMENT");
    const sent = body(order);
    for (const field of ["taxId", "consigneeID", "houseNumber"]) expect(sent).not.toHaveProperty(field);
    expect(s.cj.order(numberOf(order))?.interceptReasons).toEqual([]);
  });
});

describe("orders CJ intercepts", () => {
  const canada = {
    name: "Jean Tremblay",
    address1: "Rue Sainte-Catherine",
    city: "Montréal",
    province: "Quebec",
    provinceCode: "QC",
    country: "Canada",
    countryCodeV2: "CA",
    zip: "H3B 1A7",
    phone: "+1 514 555 0100",
  };

  it("an intercept in the create answer needs the merchant with CJ's reason; the fix replaces the CJ order", async () => {
    // The app has CJ's rules for Canada cached (none) when CJ starts asking for a house number: CJ intercepts.
    const first = s.addOrder({ financialStatus: "PAID", shippingAddress: canada, lines: [{ sku: "TSHIRT-WHITE-M" }] });
    await s.webhook("orders/paid", first);
    expect((await settled(first)).state).toBe("AWAITING_PAYMENT");
    s.cj.setDestinationRules({ CA: [{ type: "houseNumber", interceptType: "0" }] });
    try {
      const order = s.addOrder({
        financialStatus: "PAID",
        shippingAddress: canada,
        lines: [{ sku: "TSHIRT-WHITE-M" }],
      });
      await s.webhook("orders/paid", order);
      const intercepted = await settled(order);
      expect(intercepted.state).toBe("NEEDS_ATTENTION");
      expect(intercepted.errorReason).toMatch(/CJ intercepted the order: .*house ?number/i);
      const oldCjOrderId = intercepted.cjOrderId as string;
      expect(s.cj.order(oldCjOrderId)?.interceptReasons.length).toBeGreaterThan(0);
      // No payment step was attempted for an order CJ holds back.
      const cartsOf = (id: string) =>
        s.cj.requests({ path: "/shopping/order/addCart" }).filter((r) => JSON.stringify(r.body).includes(id)).length;
      expect(cartsOf(oldCjOrderId)).toBe(0);
      // A Shopify update of the order (the merchant fixed the address) does not "recover" the held CJ order and pay
      // it: CJ has it, and it waits for the merchant's retry.
      const { toOrderWebhookPayload } = await import("../../emulators/shopify/index");
      await s.webhook("orders/updated", order, {
        payload: { ...toOrderWebhookPayload(order, STACK_SHOP), updated_at: new Date(Date.now() + 5000).toISOString() },
      });
      await new Promise((r) => setTimeout(r, 1500));
      const still = await s.t.db.order.findUniqueOrThrow({ where: { id: intercepted.id } });
      expect(still.state).toBe("NEEDS_ATTENTION");
      expect(still.cjOrderId).toBe(oldCjOrderId);
      expect(cartsOf(oldCjOrderId)).toBe(0);
      expect(await s.t.db.orderEvent.count({ where: { orderId: still.id, type: "submitted_recovered" } })).toBe(0);

      expect(await orderPage(intercepted.id, { intent: "saveCustoms", taxId: "", houseNumber: "1200" })).toBe(200);
      const fixed = await settled(order, ["AWAITING_PAYMENT"]);
      expect(
        s.cj.requests({ path: "/shopping/order/deleteOrder" }).some((r) => r.query.orderId?.[0] === oldCjOrderId),
      ).toBe(true);
      expect(creates(order)).toHaveLength(2);
      // The replacement has a number of its own: nothing depends on CJ freeing the deleted order's number.
      expect(body(order, 1)).toMatchObject({ houseNumber: "1200", orderNumber: `${numberOf(order)}-R1` });
      expect(fixed.cjOrderNumber).toBe(`${numberOf(order)}-R1`);
      expect(fixed.cjOrderId).not.toBe(oldCjOrderId);
      expect(s.cj.order(fixed.cjOrderId as string)?.interceptReasons).toEqual([]);
      const events = await s.t.db.orderEvent.findMany({ where: { orderId: fixed.id }, orderBy: { at: "asc" } });
      expect(events.map((e) => e.type)).toEqual(
        expect.arrayContaining(["intercepted", "customs_entered", "cj_order_replaced"]),
      );
    } finally {
      s.cj.setDestinationRules({ CA: [] });
    }
  });

  it("an intercept at the cart (CJ's own checks) needs the merchant instead of ending as 'no shipmentsId'", async () => {
    // The cart is the app's only where CJ is not paid in the create call: a balance shop whose cap the estimate passes.
    await s.t.db.shopSettings.update({
      where: { shopId: s.shopId },
      data: { paymentMode: "BALANCE", autoPayPerOrderCap: "1" },
    });
    try {
      await interceptAtTheCart(canada);
    } finally {
      await s.t.db.shopSettings.update({
        where: { shopId: s.shopId },
        data: { paymentMode: "LINK", autoPayPerOrderCap: null },
      });
    }
  });
});

async function interceptAtTheCart(canada: Record<string, string>) {
  const order = s.addOrder({
    financialStatus: "PAID",
    shippingAddress: { ...canada, address1: "1 Remote Road" },
    lines: [{ sku: "TSHIRT-WHITE-M" }],
  });
  // Hold CJ's create answer a moment, so CJ's risk check can flag the order before the app puts it in a cart.
  s.cj.addFault({ kind: "slow", path: "/shopping/order/createOrderV2", hangMs: 1500, times: 1 });
  await s.webhook("orders/paid", order);
  const atCj = await eventually(async () => s.cj.order(numberOf(order)));
  s.cj.interceptOrder(atCj.orderId, { message: "Address in a remote area", code: 1000 });
  const stopped = await settled(order);
  expect(stopped.state).toBe("NEEDS_ATTENTION");
  expect(stopped.errorReason).toMatch(/CJ intercepted order .* at the cart/);
  expect(stopped.errorReason).not.toMatch(/shipmentsId/);
  const event = await s.t.db.orderEvent.findFirstOrThrow({ where: { orderId: stopped.id, type: "intercepted" } });
  expect(event.fromState).toBe("SUBMITTED");

  // The merchant settles it in CJ; "Retry" replaces the held CJ order and the payment goes on.
  s.cj.releaseIntercept(atCj.orderId);
  expect(await orderPage(stopped.id, { intent: "retry" })).toBe(200);
  const resumed = await settled(order, ["AWAITING_PAYMENT"]);
  expect(resumed.errorReason).toBeNull();
  // The held CJ order was replaced: deleted at CJ, created again under the next number.
  expect(
    s.cj.requests({ path: "/shopping/order/deleteOrder" }).some((r) => r.query.orderId?.[0] === atCj.orderId),
  ).toBe(true);
  expect(creates(order).map((r) => (r.body as { orderNumber: string }).orderNumber)).toEqual([
    numberOf(order),
    `${numberOf(order)}-R1`,
  ]);
  expect(resumed.cjOrderId).not.toBe(atCj.orderId);
}

describe("answers CJ varies", () => {
  it("a create CJ did but whose answer cannot be read is found by its orderNumber, never called refused", async () => {
    s.cj.addFault({ kind: "dataAsString", path: "/shopping/order/createOrderV2", times: 1 });
    const order = s.addOrder({ financialStatus: "PAID", lines: [{ sku: "TSHIRT-WHITE-M" }] });
    await s.webhook("orders/paid", order);
    const row = await settled(order);
    expect(row.state).toBe("AWAITING_PAYMENT");
    expect(creates(order)).toHaveLength(1);
    const lookups = s.cj
      .requests({ path: "/shopping/order/getOrderDetail" })
      .filter((r) => r.query.orderId?.[0] === numberOf(order));
    expect(lookups.length).toBeGreaterThan(0);
    const events = await s.t.db.orderEvent.findMany({ where: { orderId: row.id } });
    expect(events.map((e) => e.type)).toContain("submitted_recovered");
    expect(events.some((e) => /refused/i.test(e.message))).toBe(false);
    expect(row.cjOrderId).toBe(s.cj.order(numberOf(order))?.orderId);
  });
});

describe("line identity and large orders", () => {
  it("a renamed store SKU next to a known CJ variant still goes through: the line is sent by vid alone", async () => {
    const order = s.addOrder({
      financialStatus: "PAID",
      // The store renamed the SKU after connecting the product: CJ refuses a vid and sku that disagree.
      lines: [
        { sku: "TEE-WHITE-M-2026", variantId: `gid://shopify/ProductVariant/${CONNECTED["TSHIRT-WHITE-M"].variantId}` },
      ],
    });
    await s.webhook("orders/paid", order);
    expect((await settled(order)).state).toBe("AWAITING_PAYMENT");
    const [line] = productsOf(order);
    expect(line).toMatchObject({ vid: CONNECTED["TSHIRT-WHITE-M"].vid });
    expect(line).not.toHaveProperty("sku");
    expect(s.cj.requests({ path: "/shopping/order/createOrderV2" }).filter((r) => r.code === 1600100)).toEqual([]);
  });

  it("an order of 60 lines is read whole (not the first 50) and refused with its real line count", async () => {
    const order = s.addOrder({
      financialStatus: "PAID",
      lines: Array.from({ length: 60 }, () => ({ sku: "TSHIRT-WHITE-M" })),
      fulfillmentOrders: splitLines(60, 7),
    });
    await s.webhook("orders/paid", order);
    const row = await settled(order);
    expect(row.state).toBe("NEEDS_ATTENTION");
    expect(row.errorReason).toMatch(/this order has 60/);
    expect(await s.t.db.orderLine.count({ where: { orderId: row.id } })).toBe(60);
    expect(s.shopify.requests({ operationName: "GetOrderLineItemsPage" }).length).toBeGreaterThan(0);
  });

  it("an order whose lines sit in 7 fulfillment orders sends every line (not only those of the first 5)", async () => {
    const order = s.addOrder({
      financialStatus: "PAID",
      lines: Array.from({ length: 14 }, (_, i) => ({ sku: i % 2 ? "TSHIRT-WHITE-M" : "TSHIRT-WHITE-L" })),
      fulfillmentOrders: splitLines(14, 7),
    });
    await s.webhook("orders/paid", order);
    const row = await settled(order);
    expect(row.state).toBe("AWAITING_PAYMENT");
    expect(productsOf(order)).toHaveLength(14);
    expect(await s.t.db.orderLine.count({ where: { orderId: row.id, skipReason: null } })).toBe(14);
  });
});

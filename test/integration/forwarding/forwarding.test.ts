import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cjOrderNumberFor } from "../../../app/fulfillment/mapping";
import { CONNECTED, eventually, STACK_SHOP, type Stack, startStack } from "../../support/stack";

describe("forwarding a paid Shopify order to CJ", () => {
  let s: Stack;
  beforeAll(async () => {
    s = await startStack({ settings: { paymentMode: "BALANCE", autoPayPerOrderCap: "500", sandbox: true } });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("creates one CJ order with orderFlow=2, the store SKUs and the mapped address, and pays it from the balance", async () => {
    const order = s.addOrder({
      financialStatus: "PAID",
      shippingAddress: {
        name: "Ada Lovelace",
        address1: "12 Analytical Row",
        address2: "Flat 3",
        city: "Springfield",
        province: "Illinois",
        provinceCode: "IL",
        country: "United States",
        countryCodeV2: "US",
        zip: "62701",
        phone: "+1 (217) 555-0100",
      },
      lines: [
        { sku: "TSHIRT-WHITE-M", quantity: 2, price: "19.90" },
        { sku: "TSHIRT-WHITE-L", quantity: 1, price: "21.00" },
      ],
    });
    expect(await s.webhook("orders/paid", order)).toBe(200);

    // Watch the emulator (in memory) first, then read the app's database once the work is done: polling the SQLite
    // file from a second process while the app writes makes both wait on the file lock.
    const orderNumber = cjOrderNumberFor(STACK_SHOP, order.id);
    await eventually(async () => s.cj.order(orderNumber)?.status === "UNSHIPPED");
    const row = await eventually(async () => {
      const o = await s.t.db.order.findFirst({ where: { shopifyOrderGid: order.id } });
      return o?.state === "PAID" ? o : undefined;
    }).catch(async (e) => {
      throw new Error(`${(e as Error).message}\n${await s.describeOrder(order.id)}`);
    });
    const creates = s.cj.requests({ path: "/shopping/order/createOrderV2" });
    expect(creates).toHaveLength(1);
    const body = creates[0]?.body as Record<string, unknown>;
    expect(body).toMatchObject({
      orderNumber: cjOrderNumberFor(STACK_SHOP, order.id),
      orderFlow: 2,
      platform: "shopify",
      // Paid from the balance in the create call: the amount is known up front and within the caps.
      payType: 2,
      isSandbox: 1,
      shippingCustomerName: "Ada Lovelace",
      shippingAddress: "12 Analytical Row",
      shippingAddress2: "Flat 3",
      shippingCity: "Springfield",
      shippingProvince: "Illinois",
      shippingCountry: "United States",
      shippingCountryCode: "US",
      shippingZip: "62701",
      shippingPhone: "+12175550100",
      fromCountryCode: "CN",
    });
    expect(body.products).toEqual([
      expect.objectContaining({
        vid: CONNECTED["TSHIRT-WHITE-M"].vid,
        quantity: 2,
        unitPrice: "19.90",
        storeLineItemId: order.lineItems[0]?.id.split("/").pop(),
      }),
      expect.objectContaining({
        quantity: 1,
        unitPrice: "21.00",
        vid: CONNECTED["TSHIRT-WHITE-L"].vid,
      }),
    ]);
    // A line with a known CJ variant goes by its vid alone (seed 002 §1.1: both must name the same variant).
    for (const line of body.products as Record<string, unknown>[]) expect(line).not.toHaveProperty("sku");
    expect(row.cjOrderId).toBeTruthy();
    expect(row.logisticName).toBe(body.logisticName);
    expect(row.paidAmount).toBe(row.orderAmount);
    const events = await s.t.db.orderEvent.findMany({ where: { orderId: row.id }, orderBy: { at: "asc" } });
    expect(events.map((e) => e.type)).toEqual(
      expect.arrayContaining(["received", "logistics_chosen", "cj_request", "submitted", "paid"]),
    );
    // No cart, confirmation, parent order or separate payment: CJ did them in the create call.
    for (const path of [
      "/shopping/order/addCart",
      "/shopping/order/saveGenerateParentOrder",
      "/shopping/pay/payBalanceV2",
    ])
      expect(s.cj.requests({ path }), path).toEqual([]);
    expect(s.cj.order(row.cjOrderId as string)?.status).toBe("UNSHIPPED");
  });
});

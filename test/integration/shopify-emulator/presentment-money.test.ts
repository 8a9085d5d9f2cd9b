import { describe, expect, it } from "vitest";
import { buildOrder } from "../../emulators/shopify";
import { control, emulatorForFile, graphqlData } from "./helpers";

const jpyShop = "yen.myshopify.com";
const jpyToken = "shpat_yen";
const usdShop = "dollar.myshopify.com";
const usdToken = "shpat_dollar";

const emulator = emulatorForFile({
  shops: [
    { domain: jpyShop, accessToken: jpyToken, currencyCode: "JPY" },
    { domain: usdShop, accessToken: usdToken },
  ],
});

const money = `shopMoney { amount currencyCode } presentmentMoney { amount currencyCode }`;
const orderMoneyQuery = `
  query OrderMoney($id: ID!) {
    shop { currencyCode }
    order(id: $id) {
      currencyCode
      presentmentCurrencyCode
      subtotalPriceSet { ${money} }
      currentSubtotalPriceSet { ${money} }
      totalPriceSet { ${money} }
      currentTotalPriceSet { ${money} }
      originalTotalPriceSet { ${money} }
      totalShippingPriceSet { ${money} }
      currentShippingPriceSet { ${money} }
      totalTaxSet { ${money} }
      currentTotalTaxSet { ${money} }
      totalDiscountsSet { ${money} }
      currentTotalDiscountsSet { ${money} }
      totalOutstandingSet { ${money} }
      totalReceivedSet { ${money} }
      totalRefundedSet { ${money} }
      lineItems(first: 10) {
        nodes {
          sku
          quantity
          originalUnitPriceSet { ${money} }
          discountedUnitPriceSet { ${money} }
          discountedUnitPriceAfterAllDiscountsSet { ${money} }
          originalTotalSet { ${money} }
          discountedTotalSet { ${money} }
          totalDiscountSet { ${money} }
        }
      }
      fulfillmentOrders(first: 5) {
        nodes { lineItems(first: 10) { nodes { lineItem { originalUnitPriceSet { ${money} } } } } }
      }
    }
  }`;

interface Money {
  amount: string;
  currencyCode: string;
}
interface MoneyBag {
  shopMoney: Money;
  presentmentMoney: Money;
}
type Answer = {
  shop: { currencyCode: string };
  order: Record<string, unknown> & {
    currencyCode: string;
    presentmentCurrencyCode: string;
    totalPriceSet: MoneyBag;
    subtotalPriceSet: MoneyBag;
    totalShippingPriceSet: MoneyBag;
    lineItems: { nodes: (Record<string, unknown> & { originalUnitPriceSet: MoneyBag; originalTotalSet: MoneyBag })[] };
  };
};

/** Every MoneyBag anywhere in a GraphQL answer. */
function moneyBags(value: unknown, path = "", out: [string, MoneyBag][] = []): [string, MoneyBag][] {
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) moneyBags(item, `${path}[${index}]`, out);
  } else if (value !== null && typeof value === "object") {
    if ("shopMoney" in value && "presentmentMoney" in value) out.push([path, value as MoneyBag]);
    else for (const [key, child] of Object.entries(value)) moneyBags(child, path ? `${path}.${key}` : key, out);
  }
  return out;
}

/** shop amount × rate rounded half up to `digits` decimals, computed here independently with integers. */
function expectedConversion(amount: string, rate: string, digits: number): string {
  const scaled = (text: string) => {
    const [whole, fraction = ""] = text.split(".");
    return { units: BigInt(`${whole}${fraction}`), scale: fraction.length };
  };
  const a = scaled(amount);
  const r = scaled(rate);
  const scale = a.scale + r.scale;
  const divisor = 10n ** BigInt(scale - digits);
  const rounded = (a.units * r.units * 2n + divisor) / (2n * divisor);
  const text = rounded.toString().padStart(digits + 1, "0");
  return digits === 0 ? text : `${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

const jpyOrderInput = {
  presentment: { currencyCode: "USD", rate: "0.0067" },
  shippingPrice: "800",
  lines: [
    { sku: "TEA-1", price: "4500", quantity: 2 },
    { sku: "CUP-1", price: "1200" },
  ],
};

describe("presentment currency", () => {
  it("a JPY shop with USD presentment: every MoneyBag has JPY shop money (whole yen) and USD presentment money", async () => {
    const order = emulator.current.addOrder(jpyShop, jpyOrderInput);
    expect(order.currencyCode).toBe("JPY");

    const data = await graphqlData<Answer>(emulator.current, jpyToken, orderMoneyQuery, { id: order.id });

    expect(data.shop.currencyCode).toBe("JPY");
    expect(data.order.currencyCode).toBe("JPY");
    expect(data.order.presentmentCurrencyCode).toBe("USD");
    expect(data.order.totalPriceSet).toEqual({
      shopMoney: { amount: "11000", currencyCode: "JPY" },
      presentmentMoney: { amount: "73.70", currencyCode: "USD" },
    });
    expect(data.order.subtotalPriceSet).toEqual({
      shopMoney: { amount: "10200", currencyCode: "JPY" },
      presentmentMoney: { amount: "68.34", currencyCode: "USD" },
    });
    expect(data.order.totalShippingPriceSet.presentmentMoney).toEqual({ amount: "5.36", currencyCode: "USD" });
    const [tea, cup] = data.order.lineItems.nodes;
    expect(tea?.originalUnitPriceSet).toEqual({
      shopMoney: { amount: "4500", currencyCode: "JPY" },
      presentmentMoney: { amount: "30.15", currencyCode: "USD" },
    });
    expect(tea?.originalTotalSet).toEqual({
      shopMoney: { amount: "9000", currencyCode: "JPY" },
      presentmentMoney: { amount: "60.30", currencyCode: "USD" },
    });
    expect(cup?.originalUnitPriceSet.presentmentMoney.amount).toBe("8.04");

    const bags = moneyBags(data.order);
    expect(bags.length).toBeGreaterThanOrEqual(28);
    for (const [path, bag] of bags) {
      expect(bag.shopMoney.currencyCode, path).toBe(data.order.currencyCode);
      expect(bag.presentmentMoney.currencyCode, path).toBe(data.order.presentmentCurrencyCode);
      expect(bag.shopMoney.amount, path).toMatch(/^-?\d+$/);
      expect(bag.presentmentMoney.amount, path).toMatch(/^-?\d+\.\d{2}$/);
      expect(bag.presentmentMoney.amount, path).toBe(expectedConversion(bag.shopMoney.amount, "0.0067", 2));
    }
  });

  it("the REST webhook payload carries presentment_currency and presentment_money in every *_set", async () => {
    const created = await control(emulator.current, "orders", { shop: jpyShop, build: jpyOrderInput });
    expect(created.status).toBe(200);
    const payload = created.body.webhookPayload as Record<string, unknown>;

    expect(payload).toMatchObject({
      currency: "JPY",
      presentment_currency: "USD",
      total_price: "11000",
      subtotal_price: "10200",
      total_line_items_price: "10200",
      total_discounts: "0",
      total_tax: "0",
      total_outstanding: "0",
      total_price_set: {
        shop_money: { amount: "11000", currency_code: "JPY" },
        presentment_money: { amount: "73.70", currency_code: "USD" },
      },
      line_items: [
        {
          price: "4500",
          price_set: {
            shop_money: { amount: "4500", currency_code: "JPY" },
            presentment_money: { amount: "30.15", currency_code: "USD" },
          },
        },
        { price: "1200" },
      ],
      shipping_lines: [{ price: "800", price_set: { presentment_money: { amount: "5.36", currency_code: "USD" } } }],
    });

    const sets: [string, { shop_money: { amount: string; currency_code: string }; presentment_money: Money }][] = [];
    const walk = (value: unknown, path: string) => {
      if (Array.isArray(value)) {
        for (const [index, item] of value.entries()) walk(item, `${path}[${index}]`);
      } else if (value !== null && typeof value === "object") {
        if ("shop_money" in value && "presentment_money" in value) sets.push([path, value as (typeof sets)[0][1]]);
        else for (const [key, child] of Object.entries(value)) walk(child, `${path}.${key}`);
      }
    };
    walk(payload, "");
    expect(sets.length).toBeGreaterThanOrEqual(19);
    for (const [path, set] of sets) {
      expect(set.shop_money.currency_code, path).toBe("JPY");
      expect(set.shop_money.amount, path).toMatch(/^\d+$/);
      expect(set.presentment_money, path).toEqual({
        amount: expectedConversion(set.shop_money.amount, "0.0067", 2),
        currency_code: "USD",
      });
    }

    const again = await fetch(
      `${emulator.current.origin}/__emulator/orders/${(created.body.order as { legacyId: number }).legacyId}/webhook-payload`,
    ).then((response) => response.json() as Promise<Record<string, unknown>>);
    expect(again).toMatchObject({ presentment_currency: "USD", currency: "JPY" });
  });

  it("converts into whole yen and won for a USD shop (rounded half away from zero)", async () => {
    const toYen = emulator.current.addOrder(usdShop, {
      presentment: { currencyCode: "JPY", rate: "151.37" },
      shippingPrice: "4.99",
      lines: [{ price: "19.90" }],
    });
    const toWon = emulator.current.addOrder(usdShop, {
      presentment: { currencyCode: "KRW", rate: "1380.5" },
      shippingPrice: "0",
      lines: [{ price: "19.90" }],
    });

    const half = emulator.current.addOrder(usdShop, {
      presentment: { currencyCode: "JPY", rate: "2" },
      shippingPrice: "0",
      lines: [{ price: "1.25" }],
    });
    const yen = await graphqlData<Answer>(emulator.current, usdToken, orderMoneyQuery, { id: toYen.id });
    const won = await graphqlData<Answer>(emulator.current, usdToken, orderMoneyQuery, { id: toWon.id });

    expect(yen.order.lineItems.nodes[0]?.originalUnitPriceSet).toEqual({
      shopMoney: { amount: "19.90", currencyCode: "USD" },
      presentmentMoney: { amount: "3012", currencyCode: "JPY" }, // 3012.263
    });
    expect(yen.order.totalShippingPriceSet.presentmentMoney.amount).toBe("755"); // 755.3363
    expect(yen.order.totalPriceSet).toEqual({
      shopMoney: { amount: "24.89", currencyCode: "USD" },
      presentmentMoney: { amount: "3768", currencyCode: "JPY" }, // 3767.5993
    });
    const halfYen = await graphqlData<Answer>(emulator.current, usdToken, orderMoneyQuery, { id: half.id });
    expect(halfYen.order.totalPriceSet.presentmentMoney.amount).toBe("3"); // 2.5
    expect(won.order.presentmentCurrencyCode).toBe("KRW");
    expect(won.order.totalPriceSet.presentmentMoney).toEqual({ amount: "27472", currencyCode: "KRW" }); // 27471.95
    for (const [path, bag] of moneyBags(yen.order)) {
      expect(bag.presentmentMoney.amount, path).toMatch(/^\d+$/);
      expect(bag.shopMoney.amount, path).toMatch(/^\d+\.\d{2}$/);
    }
  });

  it("without presentment both monies are the shop's, as before", async () => {
    const order = emulator.current.addOrder(usdShop, { lines: [{ price: "19.90" }] });
    const data = await graphqlData<Answer>(emulator.current, usdToken, orderMoneyQuery, { id: order.id });
    expect(data.order.presentmentCurrencyCode).toBe("USD");
    expect(data.order.totalPriceSet).toEqual({
      shopMoney: { amount: "24.90", currencyCode: "USD" },
      presentmentMoney: { amount: "24.90", currencyCode: "USD" },
    });
    for (const [, bag] of moneyBags(data.order)) expect(bag.presentmentMoney).toEqual(bag.shopMoney);
  });

  it("buildOrder accepts whole-yen amounts (also written with zero decimals) and refuses fractions of a yen", () => {
    const order = buildOrder({
      currencyCode: "JPY",
      shippingPrice: "800.00",
      taxPrice: "0.0",
      lines: [{ price: "4500" }, { price: "1200.00" }],
    });
    expect(order.lineItems.map((line) => line.unitPrice)).toEqual(["4500", "1200"]);
    expect([order.shippingPrice, order.taxPrice, order.discountPrice]).toEqual(["800", "0", "0"]);
    expect(buildOrder({ currencyCode: "JPY" }).lineItems[0]?.unitPrice).toBe("10");

    expect(() => buildOrder({ currencyCode: "JPY", lines: [{ price: "4500.5" }] })).toThrow(
      /lines\[0\]\.price "4500\.5" has more decimals than JPY allows \(0\)/,
    );
    expect(() => buildOrder({ currencyCode: "KRW", shippingPrice: "2500.50" })).toThrow(/KRW allows \(0\)/);
    expect(() => buildOrder({ lines: [{ price: "19.999" }] })).toThrow(/more decimals than USD allows \(2\)/);
    expect(() => buildOrder({ lines: [{ price: "19,90" }] })).toThrow(/must be a decimal string/);
    expect(buildOrder({ lines: [{ price: "19.9" }] }).lineItems[0]?.unitPrice).toBe("19.90");
  });

  it("buildOrder refuses a presentment it cannot convert", async () => {
    expect(() => buildOrder({ presentment: { currencyCode: "EUR", rate: "abc" } })).toThrow(/presentment\.rate/);
    expect(() => buildOrder({ presentment: { currencyCode: "EUR", rate: "0" } })).toThrow(/presentment\.rate/);
    expect(() => buildOrder({ presentment: { currencyCode: "eur", rate: "0.9" } })).toThrow(
      /presentment\.currencyCode/,
    );
    expect(() => buildOrder({ presentment: { currencyCode: "USD", rate: "1" } })).toThrow(/is the shop currency/);
    const refused = await control(emulator.current, "orders", {
      shop: jpyShop,
      build: { presentment: { currencyCode: "USD" } },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatch(/presentment\.rate must be a positive decimal string/);
  });

  it("a shop added over HTTP with a currency builds its orders in it", async () => {
    await control(emulator.current, "shops", {
      domain: "won.myshopify.com",
      accessToken: "shpat_won",
      currencyCode: "KRW",
    });
    const created = await control(emulator.current, "orders", {
      shop: "won.myshopify.com",
      build: {
        lines: [{ price: "15000" }],
        shippingPrice: "3000",
        presentment: { currencyCode: "EUR", rate: "0.00068" },
      },
    });
    const data = await graphqlData<Answer>(emulator.current, "shpat_won", orderMoneyQuery, {
      id: (created.body.order as { id: string }).id,
    });
    expect(data.shop.currencyCode).toBe("KRW");
    expect(data.order.totalPriceSet).toEqual({
      shopMoney: { amount: "18000", currencyCode: "KRW" },
      presentmentMoney: { amount: "12.24", currencyCode: "EUR" },
    });
  });
});

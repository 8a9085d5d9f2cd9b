/**
 * Shopify order → createOrderV2 (seed 002 §1.1). Every request the mapping produces is also run through the CJ
 * client's own validator (`createOrderV2Request`, built from the same table), so "the mapping accepted it" and "CJ's
 * table accepts it" are checked together.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CjRequestValidationError } from "../../../app/cj";
import { type CjCreateOrderV2Request, createOrderV2Request, validateCjRequest } from "../../../app/cj/requests";
import { decideLines } from "../../../app/fulfillment/lines";
import {
  CJ_LIMITS,
  cjOrderNumberFor,
  type MappingResult,
  type MappingSettings,
  mapShopifyOrderToCjOrder,
  normalisePhone,
} from "../../../app/fulfillment/mapping";
import type { ShopifyOrderForForwarding } from "../../../app/shopify/orders";
import { address, lineItem, mappingSettings, money, shopifyOrder } from "./order-factory";

const SHOP = "ada-store.myshopify.com";

function map(order: ShopifyOrderForForwarding, settings: Partial<MappingSettings> = {}): MappingResult {
  return mapShopifyOrderToCjOrder({
    shopDomain: SHOP,
    order,
    lines: decideLines(order),
    logisticName: "CJPacket Ordinary",
    settings: mappingSettings(settings),
  });
}

/** Maps, expects a request, and proves CJ's table (the client's validator) accepts it. */
function mapAccepted(order: ShopifyOrderForForwarding, settings: Partial<MappingSettings> = {}) {
  const result = map(order, settings);
  expect(result.problems).toEqual([]);
  expect(result.request).not.toBeNull();
  const request = result.request as CjCreateOrderV2Request;
  expect(() => validateCjRequest("createOrderV2", createOrderV2Request, request)).not.toThrow();
  return { request, warnings: result.warnings };
}

/** Maps and expects a hold: no request, one problem that names the field. */
function mapHeld(order: ShopifyOrderForForwarding, settings: Partial<MappingSettings> = {}) {
  const result = map(order, settings);
  expect(result.request).toBeNull();
  expect(result.problems.length).toBeGreaterThan(0);
  return result.problems.join(" ");
}

const repeat = (char: string, n: number) => char.repeat(n);

describe("CJ length limits: a value at the limit passes, one over holds the order naming the field", () => {
  const cases: {
    field: keyof CjCreateOrderV2Request;
    label: string;
    limit: number;
    build: (value: string) => ShopifyOrderForForwarding;
  }[] = [
    {
      field: "shippingCustomerName",
      label: "Recipient name",
      limit: CJ_LIMITS.shippingCustomerName,
      build: (v) => shopifyOrder({ shippingAddress: address({ name: v }) }),
    },
    {
      field: "shippingAddress",
      label: "Address line 1",
      limit: CJ_LIMITS.shippingAddress,
      build: (v) => shopifyOrder({ shippingAddress: address({ address1: v }) }),
    },
    {
      field: "shippingAddress2",
      label: "Address line 2",
      limit: CJ_LIMITS.shippingAddress2,
      build: (v) => shopifyOrder({ shippingAddress: address({ address2: v }) }),
    },
    {
      field: "shippingCity",
      label: "City",
      limit: CJ_LIMITS.shippingCity,
      build: (v) => shopifyOrder({ shippingAddress: address({ city: v }) }),
    },
    {
      field: "shippingProvince",
      label: "Province / state",
      limit: CJ_LIMITS.shippingProvince,
      build: (v) => shopifyOrder({ shippingAddress: address({ province: v }) }),
    },
    {
      field: "shippingCountry",
      label: "Country",
      limit: CJ_LIMITS.shippingCountry,
      build: (v) => shopifyOrder({ shippingAddress: address({ country: v }) }),
    },
    {
      field: "shippingZip",
      label: "Postal code",
      limit: CJ_LIMITS.shippingZip,
      build: (v) => shopifyOrder({ shippingAddress: address({ zip: v }) }),
    },
  ];

  for (const c of cases) {
    it(`${c.field}: ${c.limit} characters are sent unchanged`, () => {
      const value = repeat("A", c.limit);
      const { request } = mapAccepted(c.build(value));
      expect(request[c.field]).toBe(value);
    });

    it(`${c.field}: ${c.limit + 1} characters hold the order ("${c.label}"), nothing is cut`, () => {
      const problems = mapHeld(c.build(repeat("A", c.limit + 1)));
      expect(problems).toContain(`${c.label} is ${c.limit + 1} characters; CJ accepts at most ${c.limit}`);
      expect(problems).toContain("never cuts an address");
    });
  }

  it("shippingPhone: 20 characters after normalisation pass, even when Shopify's text is longer", () => {
    const raw = "+1 (212) 555-0100 / 12345678"; // 28 characters: "+" and 19 digits
    const { request } = mapAccepted(shopifyOrder({ shippingAddress: address({ phone: raw }) }));
    expect(request.shippingPhone).toBe("+1212555010012345678");
    expect(request.shippingPhone).toHaveLength(20);
  });

  it("shippingPhone: 21 characters after normalisation hold the order naming the phone", () => {
    const problems = mapHeld(shopifyOrder({ shippingAddress: address({ phone: "+1 212 555 0100 123456789" }) }));
    expect(problems).toContain("Phone number has 21 digits; CJ accepts at most 20");
  });

  it("sku: 50 characters are sent, 51 hold the order naming the line", () => {
    const ok = lineItem({ sku: repeat("S", 50), name: "Tee - M" });
    expect(mapAccepted(shopifyOrder({ lines: [ok] })).request.products[0]?.sku).toBe(repeat("S", 50));
    const long = lineItem({ sku: repeat("S", 51), name: "Tee - L" });
    expect(mapHeld(shopifyOrder({ lines: [long] }))).toContain(
      "Line 1 (Tee - L): SKU is longer than CJ's 50 characters",
    );
  });

  it("products: 20 lines are sent, 21 hold the order and ask to split it", () => {
    const twenty = Array.from({ length: 20 }, () => lineItem());
    expect(mapAccepted(shopifyOrder({ lines: twenty })).request.products).toHaveLength(20);
    const problems = mapHeld(shopifyOrder({ lines: [...twenty, lineItem()] }));
    expect(problems).toContain("CJ accepts at most 20 lines per order; this order has 21. Split it in Shopify.");
  });

  it("products: skipped lines do not count towards the 20", () => {
    const lines = [...Array.from({ length: 20 }, () => lineItem()), lineItem({ isGiftCard: true })];
    expect(mapAccepted(shopifyOrder({ lines })).request.products).toHaveLength(20);
  });

  it("iossNumber: 10 characters are sent, 11 hold the order pointing at Settings", () => {
    const de = shopifyOrder({ shippingAddress: address({ countryCodeV2: "DE", country: "Germany" }) });
    const { request } = mapAccepted(de, { iossType: 2, iossNumber: "IM12345678" });
    expect(request).toMatchObject({ iossType: 2, iossNumber: "IM12345678" });
    expect(mapHeld(de, { iossType: 2, iossNumber: "IM123456789" })).toContain(
      "The IOSS number is longer than CJ's documented 10 characters: check it in Settings.",
    );
  });

  it("a value that does not fit never yields a partial request: every other field is still reported", () => {
    const result = map(
      shopifyOrder({
        shippingAddress: address({ name: repeat("N", 51), city: repeat("C", 51), zip: repeat("9", 21) }),
      }),
    );
    expect(result.request).toBeNull();
    expect(result.problems).toHaveLength(3);
  });
});

describe("addresses", () => {
  it("a country without provinces uses the city as the province", () => {
    const sg = shopifyOrder({
      shippingAddress: address({
        country: "Singapore",
        countryCodeV2: "SG",
        city: "Singapore",
        province: null,
        provinceCode: null,
      }),
    });
    expect(mapAccepted(sg).request).toMatchObject({ shippingProvince: "Singapore", shippingCity: "Singapore" });
  });

  it("an empty province falls back to the province code, then the city", () => {
    const withCode = shopifyOrder({ shippingAddress: address({ province: "  ", provinceCode: "NY" }) });
    expect(mapAccepted(withCode).request.shippingProvince).toBe("NY");
    const neither = shopifyOrder({ shippingAddress: address({ province: "", provinceCode: "", city: "Valletta" }) });
    expect(mapAccepted(neither).request.shippingProvince).toBe("Valletta");
  });

  it("a missing city holds the order naming the city (and the province it would fall back to)", () => {
    const problems = mapHeld(
      shopifyOrder({ shippingAddress: address({ city: null, province: null, provinceCode: null }) }),
    );
    expect(problems).toContain("City is missing");
    expect(problems).toContain("Province / state is missing");
  });

  it("address2 is kept as its own field", () => {
    const { request } = mapAccepted(shopifyOrder({ shippingAddress: address({ address2: "Flat 3, 2nd floor" }) }));
    expect(request).toMatchObject({ shippingAddress: "12 Analytical Row", shippingAddress2: "Flat 3, 2nd floor" });
  });

  it("the recipient name falls back to first and last name", () => {
    const order = shopifyOrder({ shippingAddress: address({ name: null, firstName: "Grace", lastName: "Hopper" }) });
    expect(mapAccepted(order).request.shippingCustomerName).toBe("Grace Hopper");
    const problems = mapHeld(
      shopifyOrder({ shippingAddress: address({ name: " ", firstName: null, lastName: null }) }),
    );
    expect(problems).toContain("Recipient name is missing");
  });

  it("a lower-case country code is upper-cased; a missing one holds the order", () => {
    expect(
      mapAccepted(shopifyOrder({ shippingAddress: address({ countryCodeV2: "us" }) })).request.shippingCountryCode,
    ).toBe("US");
    expect(mapHeld(shopifyOrder({ shippingAddress: address({ countryCodeV2: null }) }))).toContain(
      "The shipping country is missing",
    );
  });

  it("an order without a shipping address is held with a reason", () => {
    expect(mapHeld(shopifyOrder({ shippingAddress: null }))).toBe(
      "The order has no shipping address: add one in Shopify.",
    );
  });

  it("Korean and Chinese addresses are sent unchanged", () => {
    const kr = shopifyOrder({
      shippingAddress: address({
        name: "김민준",
        address1: "서울특별시 강남구 테헤란로 152",
        address2: "강남파이낸스센터 20층",
        city: "강남구",
        province: "서울특별시",
        country: "대한민국",
        countryCodeV2: "KR",
        zip: "06236",
        phone: "010-1234-5678",
      }),
    });
    expect(mapAccepted(kr).request).toMatchObject({
      shippingCustomerName: "김민준",
      shippingAddress: "서울특별시 강남구 테헤란로 152",
      shippingAddress2: "강남파이낸스센터 20층",
      shippingCity: "강남구",
      shippingProvince: "서울특별시",
      shippingCountry: "대한민국",
      shippingPhone: "01012345678",
    });
    const cn = shopifyOrder({
      shippingAddress: address({
        name: "王小明",
        address1: "浙江省杭州市余杭区文一西路969号",
        city: "杭州市",
        province: "浙江省",
        country: "中国",
        countryCodeV2: "CN",
        zip: "311121",
      }),
    });
    expect(mapAccepted(cn).request).toMatchObject({
      shippingCustomerName: "王小明",
      shippingAddress: "浙江省杭州市余杭区文一西路969号",
      shippingProvince: "浙江省",
    });
  });

  it("limits count characters, not bytes: a 50-character Hangul name (150 UTF-8 bytes) passes, 51 hold", () => {
    const name = repeat("한", 50);
    expect(Buffer.byteLength(name)).toBe(150);
    expect(mapAccepted(shopifyOrder({ shippingAddress: address({ name }) })).request.shippingCustomerName).toBe(name);
    expect(mapHeld(shopifyOrder({ shippingAddress: address({ name: repeat("한", 51) }) }))).toContain(
      "Recipient name is 51 characters",
    );
  });

  it("a 200-character Chinese address line passes", () => {
    const line = repeat("路", 200);
    expect(mapAccepted(shopifyOrder({ shippingAddress: address({ address1: line }) })).request.shippingAddress).toBe(
      line,
    );
  });

  // CJ counts UTF-16 units (Java); the mapping counts the same way, so a name CJ would refuse is held with the
  // mapping's own reason instead of failing CJ's table.
  it("a 50-character name outside the BMP is either held by the mapping or accepted by CJ's table", () => {
    const name = repeat("𠮷", 50);
    const result = map(shopifyOrder({ shippingAddress: address({ name }) }));
    if (result.request) validateCjRequest("createOrderV2", createOrderV2Request, result.request);
  });
});

describe("phone numbers", () => {
  it.each([
    ["+1 (212) 555-0100", "+12125550100"],
    ["0049 30 1234567", "0049301234567"],
    ["  +44 20 7946 0958  ", "+442079460958"],
    ["010-1234-5678", "01012345678"],
    ["no digits", null],
    ["", null],
    [null, null],
  ])("normalisePhone(%j) = %j", (input, expected) => {
    expect(normalisePhone(input)).toBe(expected);
  });

  it("the address phone wins, then the order phone, then the customer's default phone", () => {
    const customer = {
      id: "gid://shopify/Customer/1",
      firstName: null,
      lastName: null,
      defaultEmailAddress: null,
      defaultPhoneNumber: { phoneNumber: "+33 1 23 45 67 89" },
    };
    const all = shopifyOrder({
      phone: "+49 30 1234567",
      customer,
      shippingAddress: address({ phone: "+1 212 555 0100" }),
    });
    expect(mapAccepted(all).request.shippingPhone).toBe("+12125550100");
    const orderPhone = shopifyOrder({ phone: "+49 30 1234567", customer, shippingAddress: address({ phone: null }) });
    expect(mapAccepted(orderPhone).request.shippingPhone).toBe("+49301234567");
    const customerPhone = shopifyOrder({ phone: null, customer, shippingAddress: address({ phone: null }) });
    expect(mapAccepted(customerPhone).request.shippingPhone).toBe("+33123456789");
    const none = shopifyOrder({ phone: null, shippingAddress: address({ phone: null }) });
    expect(mapAccepted(none).request).not.toHaveProperty("shippingPhone");
  });
});

describe("optional fields that are shortened or left out, with a warning", () => {
  it("an email of 50 characters is sent; one over 50 is left out with a warning, the order still goes", () => {
    const fifty = `${repeat("a", 38)}@example.com`;
    expect(fifty).toHaveLength(50);
    const ok = mapAccepted(shopifyOrder({ email: fifty }));
    expect(ok.request.email).toBe(fifty);
    expect(ok.warnings).toEqual([]);
    const long = mapAccepted(shopifyOrder({ email: `a${fifty}` }));
    expect(long.request).not.toHaveProperty("email");
    expect(long.warnings).toEqual(["Email is longer than CJ's 50 characters and was not sent."]);
  });

  it("the customer's default email is used when the order has none", () => {
    const customer = {
      id: "gid://shopify/Customer/1",
      firstName: null,
      lastName: null,
      defaultEmailAddress: { emailAddress: "grace@example.com" },
      defaultPhoneNumber: null,
    };
    expect(mapAccepted(shopifyOrder({ email: null, customer })).request.email).toBe("grace@example.com");
  });

  it("the order note is sent only when the merchant asks for it", () => {
    const order = shopifyOrder({ note: "Leave at the door" });
    expect(mapAccepted(order).request).not.toHaveProperty("remark");
    expect(mapAccepted(order, { sendOrderNote: true }).request.remark).toBe("Leave at the door");
  });

  it("a note of 500 characters is sent whole; a longer one (1 MB) is shortened to 500 with a warning", () => {
    const exact = repeat("n", 500);
    const whole = mapAccepted(shopifyOrder({ note: exact }), { sendOrderNote: true });
    expect(whole.request.remark).toBe(exact);
    expect(whole.warnings).toEqual([]);
    const huge = repeat("x", 1024 * 1024);
    const cut = mapAccepted(shopifyOrder({ note: huge }), { sendOrderNote: true });
    expect(cut.request.remark).toHaveLength(500);
    expect(cut.request.remark?.endsWith("…")).toBe(true);
    expect(cut.warnings).toEqual(["The order note is longer than CJ's 500 characters; only its beginning was sent."]);
  });

  it("an image URL over 500 characters is left out with a warning; the line still goes", () => {
    const line = lineItem({ name: "Poster", image: { url: `https://cdn.example.com/${repeat("i", 480)}` } });
    const { request, warnings } = mapAccepted(shopifyOrder({ lines: [line] }));
    expect(request.products[0]).not.toHaveProperty("storeProductImg");
    expect(warnings).toEqual(["Line 1 (Poster): image URL too long for CJ; not sent."]);
  });

  it("a store name over 50 characters is shortened to 50", () => {
    expect(mapAccepted(shopifyOrder(), { storeName: repeat("s", 60) }).request.storeName).toBe(repeat("s", 50));
  });
});

describe("IOSS (seed 002 §1.1 iossType: 1 = none, 2 = own number, 3 = CJ's)", () => {
  const toEu = () =>
    shopifyOrder({
      shippingAddress: address({ country: "France", countryCodeV2: "FR", province: null, city: "Paris" }),
    });
  const toUs = () => shopifyOrder();

  it("iossType 1 sends no number", () => {
    const { request } = mapAccepted(toEu(), { iossType: 1 });
    expect(request.iossType).toBe(1);
    expect(request).not.toHaveProperty("iossNumber");
  });

  it("iossType 2 sends the shop's own number; without one the order is held", () => {
    expect(mapAccepted(toEu(), { iossType: 2, iossNumber: " IM0123456 " }).request).toMatchObject({
      iossType: 2,
      iossNumber: "IM0123456",
    });
    expect(mapHeld(toEu(), { iossType: 2, iossNumber: null })).toContain("no IOSS number is saved");
  });

  it('iossType 3 sends the fixed number "CJ-IOSS", whatever number is saved', () => {
    expect(mapAccepted(toEu(), { iossType: 3, iossNumber: "IM0123456" }).request).toMatchObject({
      iossType: 3,
      iossNumber: "CJ-IOSS",
    });
  });

  it("outside the EU no IOSS field is sent, whatever the setting", () => {
    for (const iossType of [1, 2, 3]) {
      const { request } = mapAccepted(toUs(), { iossType, iossNumber: "IM0123456" });
      expect(request).not.toHaveProperty("iossType");
      expect(request).not.toHaveProperty("iossNumber");
    }
    const uk = shopifyOrder({ shippingAddress: address({ country: "United Kingdom", countryCodeV2: "GB" }) });
    expect(mapAccepted(uk, { iossType: 3 }).request).not.toHaveProperty("iossType");
  });

  it("without an IOSS setting an EU order carries no IOSS field", () => {
    expect(mapAccepted(toEu()).request).not.toHaveProperty("iossType");
  });
});

describe("order-level fields", () => {
  it("sends orderFlow 2, platform shopify, the logistic name, origin and payType", () => {
    const { request } = mapAccepted(shopifyOrder(), { fromCountryCode: "US", payType: 2 });
    expect(request).toMatchObject({
      orderFlow: 2,
      platform: "shopify",
      logisticName: "CJPacket Ordinary",
      fromCountryCode: "US",
      payType: 2,
    });
  });

  it("isSandbox is 1 in sandbox mode and absent otherwise", () => {
    expect(mapAccepted(shopifyOrder(), { sandbox: true }).request.isSandbox).toBe(1);
    expect(mapAccepted(shopifyOrder(), { sandbox: false }).request).not.toHaveProperty("isSandbox");
  });

  it("orderNumber is deterministic, at most 50 characters, and differs across shops and orders", () => {
    const order = shopifyOrder({ id: "gid://shopify/Order/9223372036854775807" });
    const a = mapAccepted(order).request.orderNumber;
    expect(mapAccepted(order).request.orderNumber).toBe(a);
    expect(a).toBe(cjOrderNumberFor(SHOP, order.id));
    expect(a.length).toBeLessThanOrEqual(50);
    const longShop = `${repeat("x", 60)}.myshopify.com`;
    expect(cjOrderNumberFor(longShop, order.id).length).toBeLessThanOrEqual(50);
    expect(cjOrderNumberFor("other-store.myshopify.com", order.id)).not.toBe(a);
    expect(cjOrderNumberFor(SHOP, "gid://shopify/Order/9223372036854775806")).not.toBe(a);
  });

  it("orderNumber stays unique over many orders and shops", () => {
    const shops = Array.from({ length: 50 }, (_, i) => `store-${i}.myshopify.com`);
    const numbers = new Set<string>();
    for (const shop of shops) {
      for (let id = 1; id <= 200; id++)
        numbers.add(cjOrderNumberFor(shop, `gid://shopify/Order/${5_000_000_000 + id}`));
    }
    expect(numbers.size).toBe(shops.length * 200);
  });

  it("storeOrderTime is the order's creation time in whole seconds", () => {
    const order = shopifyOrder({ createdAt: "2026-03-01T10:00:00.999Z" });
    expect(mapAccepted(order).request.storeOrderTime).toBe(Date.UTC(2026, 2, 1, 10, 0, 0) / 1000);
    const offset = shopifyOrder({ createdAt: "2026-03-01T12:00:00+02:00" });
    expect(mapAccepted(offset).request.storeOrderTime).toBe(Date.UTC(2026, 2, 1, 10, 0, 0) / 1000);
  });

  it("shopAmount and unitPrice are 2-decimal strings computed in decimal, not binary floating point", () => {
    const lines = [
      lineItem({
        originalUnitPriceSet: {
          shopMoney: money("0.30000000000000004"),
          presentmentMoney: money("0.30000000000000004"),
        },
      }),
      lineItem({ originalUnitPriceSet: { shopMoney: money("1.005"), presentmentMoney: money("1.005") } }),
      lineItem({ originalUnitPriceSet: { shopMoney: money("19.9"), presentmentMoney: money("19.9") } }),
      lineItem({ originalUnitPriceSet: { shopMoney: money("1234567.1"), presentmentMoney: money("1234567.1") } }),
    ];
    const { request } = mapAccepted(shopifyOrder({ lines, total: "1.005" }));
    // (1.005).toFixed(2) is "1.00" in binary floating point; half-up in decimal is "1.01".
    expect(request.shopAmount).toBe("1.01");
    expect(request.products.map((p) => p.unitPrice)).toEqual(["0.30", "1.01", "19.90", "1234567.10"]);
    expect(mapAccepted(shopifyOrder({ total: "0.3" })).request.shopAmount).toBe("0.30");
  });

  it("products carry the store SKU, line item, product id, image, quantity and unit price", () => {
    const line = lineItem({
      id: "gid://shopify/LineItem/777",
      sku: "TSHIRT-WHITE-M",
      quantity: 3,
      currentQuantity: 3,
      unfulfilledQuantity: 3,
      product: { id: "gid://shopify/Product/555" },
      image: { url: "https://cdn.shopify.com/tee.jpg" },
      originalUnitPriceSet: { shopMoney: money("19.9"), presentmentMoney: money("19.9") },
    });
    expect(mapAccepted(shopifyOrder({ lines: [line] })).request.products).toEqual([
      {
        sku: "TSHIRT-WHITE-M",
        quantity: 3,
        storeLineItemId: "777",
        storeProductId: "555",
        storeProductImg: "https://cdn.shopify.com/tee.jpg",
        unitPrice: "19.90",
      },
    ]);
  });

  it("a line without a SKU holds the order naming the line", () => {
    const line = lineItem({ sku: null, variant: null, name: "Mystery box" });
    expect(mapHeld(shopifyOrder({ lines: [line] }))).toContain(
      "Line 1 (Mystery box) has no SKU: add the SKU in Shopify and connect the product in CJ.",
    );
  });

  it("an order with nothing to ship is held", () => {
    expect(mapHeld(shopifyOrder({ lines: [lineItem({ isGiftCard: true })] }))).toContain(
      "No line of this order ships through CJ",
    );
  });
});

describe("every mapped request passes CJ's table", () => {
  // Any Basic Multilingual Plane text but surrogates (see the known bug above for the astral planes).
  const bmpChar = fc
    .integer({ min: 0x20, max: 0xfffd })
    .filter((c) => c < 0xd800 || c > 0xdfff)
    .map((c) => String.fromCharCode(c));
  const text = (max: number) => fc.string({ unit: bmpChar, maxLength: max });
  const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null });

  it("for arbitrary addresses, lines and settings: either a hold with reasons or a request CJ's validator accepts", () => {
    fc.assert(
      fc.property(
        fc.record({
          name: maybe(text(60)),
          address1: maybe(text(210)),
          address2: maybe(text(210)),
          city: maybe(text(60)),
          province: maybe(text(60)),
          country: maybe(text(60)),
          countryCodeV2: fc.constantFrom("US", "DE", "FR", "KR", "CN", "SG", "", "usa"),
          zip: maybe(text(25)),
          phone: maybe(text(30)),
        }),
        fc.record({
          email: maybe(text(60)),
          note: maybe(text(700)),
          total: fc.integer({ min: 0, max: 10_000_000 }).map((cents) => (cents / 1000).toString()),
          lines: fc.integer({ min: 0, max: 22 }),
          sku: maybe(text(55)),
        }),
        fc.record({
          sendOrderNote: fc.boolean(),
          sandbox: fc.boolean(),
          iossType: fc.constantFrom(null, 1, 2, 3),
          iossNumber: maybe(text(12)),
          storeName: maybe(text(60)),
        }),
        (addr, o, settings) => {
          const order = shopifyOrder({
            shippingAddress: address({ ...addr, firstName: null, lastName: null }),
            email: o.email,
            note: o.note,
            total: o.total,
            lines: Array.from({ length: o.lines }, () => lineItem({ sku: o.sku })),
          });
          const result = map(order, settings);
          if (result.request === null) {
            expect(result.problems.length).toBeGreaterThan(0);
            return;
          }
          expect(result.problems).toEqual([]);
          try {
            validateCjRequest("createOrderV2", createOrderV2Request, result.request);
          } catch (error) {
            if (error instanceof CjRequestValidationError) {
              throw new Error(`mapped request refused: ${JSON.stringify(error.issues)}`);
            }
            throw error;
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});

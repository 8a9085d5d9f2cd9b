import Decimal from "decimal.js";
import { describe, expect, it } from "vitest";
import type { CjCreateOrderV2Request } from "../../../app/cj/requests";
import { CurrencyRatesError, parseCurrencyRates } from "../../../app/fulfillment/currency.server";
import { customsValues, extractHouseNumber } from "../../../app/fulfillment/customs";
import { checkDestinationRules, type DestinationRules } from "../../../app/fulfillment/destination-rules";
import { statusesToAsk } from "../../../app/fulfillment/tracking/poll.server";
import { usdConversionFor } from "../../../app/fulfillment/usd";
import type { ShopifyLocalizedField } from "../../../app/shopify/orders";

const field = (key: string, value: string, countryCode = key.slice(-2)): ShopifyLocalizedField => ({
  key,
  value,
  countryCode,
  purpose: key.startsWith("TAX") ? "TAX" : "SHIPPING",
  title: key,
});

describe("customs values from Shopify's localized fields", () => {
  it("takes the destination's shipping credential first, then its tax credential, in CJ's canonical form", () => {
    expect(customsValues("BR", [field("SHIPPING_CREDENTIAL_BR", "123.456.789-09")], null)).toMatchObject({
      taxId: "12345678909",
      consigneeID: null,
    });
    expect(
      customsValues("BR", [field("TAX_CREDENTIAL_BR", "11.222.333/0001-81"), field("SHIPPING_CREDENTIAL_BR", "")], null)
        .taxId,
    ).toBe("11222333000181");
    // Brazil's alphanumeric CNPJ (from July 2026) keeps its letters.
    expect(customsValues("BR", [field("TAX_CREDENTIAL_BR", "12.ABC.345/01DE-35")], null).taxId).toBe("12ABC34501DE35");
    // A Chilean RUT keeps the hyphen before its check digit.
    expect(customsValues("CL", [field("SHIPPING_CREDENTIAL_CL", "12.345.678-k")], null).taxId).toBe("12345678-K");
    expect(customsValues("KR", [field("SHIPPING_CREDENTIAL_KR", "p 1234-5678-9012")], null).taxId).toBe(
      "P123456789012",
    );
    // China: the resident ID is also the consignee's identity.
    expect(customsValues("CN", [field("SHIPPING_CREDENTIAL_CN", "11010519491231002x")], null)).toMatchObject({
      taxId: "11010519491231002X",
      consigneeID: "11010519491231002X",
    });
  });

  it("never sends another country's credential", () => {
    expect(customsValues("US", [field("SHIPPING_CREDENTIAL_BR", "12345678909")], null)).toEqual({
      taxId: null,
      consigneeID: null,
      source: null,
    });
    // A field whose key says BR but whose country is not the destination is ignored too.
    expect(customsValues("MX", [field("SHIPPING_CREDENTIAL_MX", "RFC", "BR")], null).taxId).toBeNull();
  });

  it("the merchant's value wins over the checkout's", () => {
    const values = customsValues("BR", [field("SHIPPING_CREDENTIAL_BR", "111")], { taxId: "123.456.789-09" });
    expect(values).toMatchObject({ taxId: "12345678909", source: "entered on the order page" });
  });
});

describe("house numbers", () => {
  it.each([
    ["Rua Augusta, 1500 - apto 12", "1500"],
    ["Av. Paulista, nº 1000", "1000"],
    ["Hauptstraße 5a", "5a"],
    ["Calle Mayor 12-14", "12-14"],
    ["1500 Main St", "1500"],
    ["Rua das Flores, s/n", "S/N"],
    ["Av. Paulista 1000, apto 5", "1000"],
    ["Rua das Flores", null],
    ["", null],
  ])("%s → %s", (address, expected) => {
    expect(extractHouseNumber(address)).toBe(expected);
  });
});

describe("amounts in US dollars", () => {
  const money = (amount: string, currencyCode: string) => ({ amount, currencyCode });
  const rates = [{ currency: "JPY", perUsd: "150.25", rateDate: "2026-12-01", source: "ECB" }];

  it("USD shops send their amounts; others convert at the stated rate, or use what a USD customer paid", () => {
    expect(usdConversionFor({ shopMoney: money("19.9", "USD") }, []).convert({ shopMoney: money("19.9", "USD") })).toBe(
      "19.90",
    );
    const jpy = usdConversionFor({ shopMoney: money("4500", "JPY"), presentmentMoney: money("4500", "JPY") }, rates);
    expect(jpy.convert({ shopMoney: money("4500", "JPY") })).toBe(new Decimal(4500).div("150.25").toFixed(2));
    expect(jpy.note).toContain("1 USD = 150.25 JPY (ECB, 2026-12-01)");
    const paidInUsd = usdConversionFor(
      { shopMoney: money("4500", "JPY"), presentmentMoney: money("30.15", "USD") },
      [],
    );
    expect(paidInUsd.convert({ shopMoney: money("4500", "JPY"), presentmentMoney: money("30.15", "USD") })).toBe(
      "30.15",
    );
  });

  it("without a rate nothing is sent as USD, and the note says so", () => {
    const none = usdConversionFor({ shopMoney: money("650", "THB") }, rates);
    expect(none.available).toBe(false);
    expect(none.convert({ shopMoney: money("650", "THB") })).toBeNull();
    expect(none.note).toMatch(/No US dollar rate for THB/);
  });
});

describe("exchange rates", () => {
  it("re-bases the ECB's EUR rates on the US dollar", () => {
    const parsed = parseCurrencyRates(
      "<Cube><Cube time='2026-12-01'><Cube currency='USD' rate='1.0800'/><Cube currency='JPY' rate='162.27'/></Cube></Cube>",
    );
    expect(parsed.rateDate).toBe("2026-12-01");
    expect(parsed.perUsd.get("JPY")).toBe("150.25");
    expect(new Decimal(parsed.perUsd.get("EUR") ?? 0).toFixed(4)).toBe("0.9259");
  });

  it("reads a USD-based JSON source too, and refuses an answer without a dated USD rate", () => {
    expect(parseCurrencyRates('{"base":"USD","date":"2026-12-01","rates":{"KRW":1380}}').perUsd.get("KRW")).toBe(
      "1380",
    );
    expect(() => parseCurrencyRates("<html>maintenance</html>")).toThrow(CurrencyRatesError);
    expect(() => parseCurrencyRates("<Cube time='2026-12-01'><Cube currency='JPY' rate='162'/></Cube>")).toThrow(
      /no US dollar rate/,
    );
  });
});

describe("CJ's destination rules", () => {
  const request = (fields: Partial<CjCreateOrderV2Request>) =>
    ({ shippingPhone: "11912345678", ...fields }) as CjCreateOrderV2Request;
  const br: DestinationRules = {
    countryCode: "BR",
    logisticName: "CJPacket Ordinary",
    types: ["dutyNo", "houseNumber"],
    tips: [{ type: "dutyNo", expression: "^(\\d{11}|\\d{14})$", interceptType: "0", msgEn: "CPF/CNPJ digits" }],
  };

  it("names the missing field and the country", () => {
    const check = checkDestinationRules(request({}), br);
    expect(check.problems).toHaveLength(2);
    expect(check.problems[0]).toMatch(/CPF\/CNPJ.*for BR with CJPacket Ordinary/);
    expect(check.problems[1]).toMatch(/house number for BR/);
  });

  it("applies CJ's pattern to what is there; weak rules only warn", () => {
    const bad = checkDestinationRules(request({ taxId: "123", houseNumber: "5" }), br);
    expect(bad.problems).toEqual([expect.stringContaining('CJ: "CPF/CNPJ digits"')]);
    expect(checkDestinationRules(request({ taxId: "12345678909", houseNumber: "5" }), br).problems).toEqual([]);
    const weak = checkDestinationRules(request({}), {
      ...br,
      types: ["email"],
      tips: [{ type: "email", expression: null, interceptType: "1", msgEn: null }],
    });
    expect(weak).toEqual({ problems: [], warnings: [expect.stringMatching(/email/)] });
  });
});

describe("order/list statuses to ask", () => {
  it("asks each status an order can still reach, plus CANCELLED, most likely first", () => {
    expect(statusesToAsk(["UNSHIPPED"])).toEqual(["SHIPPED", "UNSHIPPED", "DELIVERED", "CANCELLED", "OTHER"]);
    expect(statusesToAsk(["SHIPPED", "DELIVERED"])).toEqual(["SHIPPED", "DELIVERED", "CANCELLED", "OTHER"]);
    expect(statusesToAsk([null])).toEqual(["SHIPPED", "UNSHIPPED", "DELIVERED", "UNPAID", "CANCELLED", "OTHER"]);
  });
});

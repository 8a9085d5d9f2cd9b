import { describe, expect, it } from "vitest";
import { createAdminGraphqlClient } from "~/shopify/admin-client.server";
import { getStoreVariant, getStoreVariants, listStoreVariants, variantSearchQuery } from "~/shopify/products";
import { catalogueLine } from "../../emulators/shopify";
import { control, emulatorForFile, graphql, graphqlData } from "./helpers";

const shop = "catalogue.myshopify.com";
const accessToken = "shpat_catalogue";
const seededShop = "seeded.myshopify.com";

const emulator = emulatorForFile({
  shops: [
    { domain: shop, accessToken },
    {
      domain: seededShop,
      accessToken: "shpat_seeded",
      currencyCode: "JPY",
      products: [{ id: 6001, title: "Seeded Mug", variants: [{ id: 7001, sku: "MUG-1", price: "1200" }] }],
    },
  ],
});

const admin = () =>
  createAdminGraphqlClient({ shop, accessToken, origin: emulator.current.origin, apiVersion: "2026-10" });

/** Three products, five variants: two shirts with options, a mug without, a poster without SKU. */
function addCatalogue() {
  const shirt = emulator.current.addProduct(shop, {
    title: "Cotton T-Shirt",
    variants: [
      { title: "White / M", sku: "TSHIRT-WHITE-M", price: "19.9" },
      { title: "White / L", sku: "TSHIRT-WHITE-L", price: "19.90" },
      { title: "Black / L", sku: "TSHIRT-BLACK-L" },
    ],
  });
  const mug = emulator.current.addProduct(shop, { title: "Enamel Mug", variants: [{ sku: "CJJT169305601AZ" }] });
  const poster = emulator.current.addProduct(shop, { title: "Poster", vendor: "Paper Co", variants: [{}] });
  return { shirt, mug, poster };
}

const variantsQuery = /* GraphQL */ `
  query Variants($first: Int, $last: Int, $after: String, $before: String, $query: String, $sortKey: ProductVariantSortKeys, $reverse: Boolean) {
    productVariants(first: $first, last: $last, after: $after, before: $before, query: $query, sortKey: $sortKey, reverse: $reverse) {
      nodes { id sku title displayName price product { id title } }
      edges { cursor }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }`;

interface VariantsAnswer {
  productVariants: {
    nodes: {
      id: string;
      sku: string | null;
      title: string;
      displayName: string;
      price: string;
      product: { id: string; title: string };
    }[];
    edges: { cursor: string }[];
    pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  };
}

const variants = (variables: Record<string, unknown>) =>
  graphqlData<VariantsAnswer>(emulator.current, accessToken, variantsQuery, variables).then((d) => d.productVariants);
const skusOf = (page: VariantsAnswer["productVariants"]) => page.nodes.map((n) => n.sku);

describe("the product catalogue", () => {
  it("addProduct answers the product with its GIDs; prices are in the shop currency's format", () => {
    const { shirt, mug } = addCatalogue();
    expect(shirt.id).toMatch(/^gid:\/\/shopify\/Product\/\d+$/);
    expect(shirt.variants.map((v) => v.id)).toEqual([
      expect.stringMatching(/^gid:\/\/shopify\/ProductVariant\/\d+$/),
      expect.stringMatching(/^gid:\/\/shopify\/ProductVariant\/\d+$/),
      expect.stringMatching(/^gid:\/\/shopify\/ProductVariant\/\d+$/),
    ]);
    expect(shirt.variants.map((v) => v.price)).toEqual(["19.90", "19.90", "10.00"]);
    expect(mug.variants[0]?.title).toBe("Default Title");
  });

  it("refuses ids in use, and prices the currency cannot hold", () => {
    emulator.current.addProduct(shop, { id: 6100, title: "A", variants: [{ id: 7100 }] });
    expect(() => emulator.current.addProduct(shop, { id: 6100, title: "B" })).toThrow(
      /product gid:\/\/shopify\/Product\/6100 already exists/,
    );
    expect(() => emulator.current.addProduct(shop, { title: "B", variants: [{ id: 7100 }] })).toThrow(
      /variant .*7100 already exists/,
    );
    expect(() => emulator.current.addProduct(seededShop, { title: "Yen", variants: [{ price: "4500.5" }] })).toThrow(
      /addProduct: variants\[0\]\.price "4500\.5" has more decimals than JPY allows/,
    );
    expect(() => emulator.current.addProduct(shop, { title: "" })).toThrow(/title is required/);
  });

  it("products given at start are there after every reset, with their ids", async () => {
    const answer = await graphqlData<{
      productVariant: { sku: string; price: string; product: { title: string } } | null;
    }>(
      emulator.current,
      "shpat_seeded",
      `query One($id: ID!) { productVariant(id: $id) { sku price product { title } } }`,
      { id: "gid://shopify/ProductVariant/7001" },
    );
    expect(answer.productVariant).toEqual({ sku: "MUG-1", price: "1200", product: { title: "Seeded Mug" } });
  });

  it("the control API adds and lists products; a refused product answers 400", async () => {
    const added = await control(emulator.current, "products", {
      shop,
      product: { title: "Control Hat", variants: [{ sku: "HAT-1", price: "5" }] },
    });
    expect(added.status).toBe(200);
    const product = added.body.product as { id: string; variants: { id: string; sku: string; price: string }[] };
    expect(product.variants[0]).toMatchObject({ sku: "HAT-1", price: "5.00" });
    const listed = await fetch(`${emulator.current.origin}/__emulator/products?shop=${shop}`).then((r) => r.json());
    expect(listed).toEqual([{ shop, product: expect.objectContaining({ id: product.id, title: "Control Hat" }) }]);
    const refused = await control(emulator.current, "products", {
      shop,
      product: { title: "Bad", variants: [{ price: "x" }] },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatch(/price must be a decimal string/);
    const removed = await fetch(`${emulator.current.origin}/__emulator/products/${encodeURIComponent(product.id)}`, {
      method: "DELETE",
    });
    expect(removed.status).toBe(200);
    expect(emulator.current.products(shop)).toEqual([]);
    const gone = await fetch(`${emulator.current.origin}/__emulator/products/${encodeURIComponent(product.id)}`, {
      method: "DELETE",
    });
    expect(gone.status).toBe(404);
  });
});

describe("productVariants", () => {
  it("pages forwards and backwards with cursors, visiting every variant once", async () => {
    addCatalogue();
    const first = await variants({ first: 2 });
    expect(skusOf(first)).toEqual(["TSHIRT-WHITE-M", "TSHIRT-WHITE-L"]);
    expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    expect(first.pageInfo.endCursor).toBe(first.edges[1]?.cursor);
    const second = await variants({ first: 2, after: first.pageInfo.endCursor });
    expect(skusOf(second)).toEqual(["TSHIRT-BLACK-L", "CJJT169305601AZ"]);
    const third = await variants({ first: 2, after: second.pageInfo.endCursor });
    expect(skusOf(third)).toEqual([null]);
    expect(third.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    const back = await variants({ last: 2, before: third.pageInfo.startCursor });
    expect(skusOf(back)).toEqual(["TSHIRT-BLACK-L", "CJJT169305601AZ"]);
    expect(back.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
  });

  it("answers displayName, price and product of each variant", async () => {
    const { shirt } = addCatalogue();
    const page = await variants({ first: 1 });
    expect(page.nodes[0]).toEqual({
      id: shirt.variants[0]?.id,
      sku: "TSHIRT-WHITE-M",
      title: "White / M",
      displayName: "Cotton T-Shirt - White / M",
      price: "19.90",
      product: { id: shirt.id, title: "Cotton T-Shirt" },
    });
  });

  it("refuses what Shopify refuses: no page size, more than 250, first and last together", async () => {
    const errors = async (variables: Record<string, unknown>) =>
      (await graphql<unknown>(emulator.current, accessToken, variantsQuery, variables)).errors?.map((e) => e.message);
    expect(await errors({})).toEqual(["you must provide one of first or last"]);
    expect(await errors({ first: 251 })).toEqual(["The first/last argument must be at most 250"]);
    expect(await errors({ first: 1, last: 1 })).toEqual([
      "Passing both `first` and `last` to paginate the `productVariants` connection is not supported.",
    ]);
  });

  it("query: sku:, title:, product_id:, free text over titles and SKUs, negation, OR; unknown terms are ignored", async () => {
    const { shirt, mug } = addCatalogue();
    const skus = async (query: string) => skusOf(await variants({ first: 50, query }));
    expect(await skus("sku:TSHIRT-WHITE-L")).toEqual(["TSHIRT-WHITE-L"]);
    expect(await skus("sku:tshirt-white-l")).toEqual(["TSHIRT-WHITE-L"]);
    expect(await skus("sku:TSHIRT-WHITE")).toEqual([]);
    expect(await skus("sku:TSHIRT-WHITE*")).toEqual(["TSHIRT-WHITE-M", "TSHIRT-WHITE-L"]);
    expect(await skus("title:black")).toEqual(["TSHIRT-BLACK-L"]);
    expect(await skus(`product_id:${mug.id.split("/").pop()}`)).toEqual(["CJJT169305601AZ"]);
    expect(await skus("cotton")).toEqual(["TSHIRT-WHITE-M", "TSHIRT-WHITE-L", "TSHIRT-BLACK-L"]);
    expect(await skus("cotton white")).toEqual(["TSHIRT-WHITE-M", "TSHIRT-WHITE-L"]);
    expect(await skus("169305601")).toEqual(["CJJT169305601AZ"]);
    expect(await skus("poster")).toEqual([null]);
    expect(await skus("cotton -sku:TSHIRT-BLACK-L")).toEqual(["TSHIRT-WHITE-M", "TSHIRT-WHITE-L"]);
    expect(await skus('sku:TSHIRT-BLACK-L OR title:"white / m"')).toEqual(["TSHIRT-WHITE-M", "TSHIRT-BLACK-L"]);
    expect(await skus("vendor:'Paper Co'")).toEqual([null]);
    expect(await skus("inventory_quantity:>5 sku:TSHIRT-WHITE-M")).toEqual(["TSHIRT-WHITE-M"]);
    expect(await skus(`id:>=${shirt.variants[2]?.id.split("/").pop()} -gift_card:true`)).toEqual([
      "TSHIRT-BLACK-L",
      "CJJT169305601AZ",
      null,
    ]);
  });

  it("sortKey and reverse order the list; an inventory sort is not emulated and says so", async () => {
    addCatalogue();
    expect(skusOf(await variants({ first: 10, sortKey: "SKU" }))).toEqual([
      null,
      "CJJT169305601AZ",
      "TSHIRT-BLACK-L",
      "TSHIRT-WHITE-L",
      "TSHIRT-WHITE-M",
    ]);
    expect(skusOf(await variants({ first: 2, reverse: true }))).toEqual([null, "CJJT169305601AZ"]);
    const answer = await graphql<unknown>(emulator.current, accessToken, variantsQuery, {
      first: 1,
      sortKey: "INVENTORY_QUANTITY",
    });
    expect(answer.errors?.[0]?.extensions?.code).toBe("NOT_EMULATED");
  });

  it("another shop's variants are never answered", async () => {
    const { shirt } = addCatalogue();
    const other = await graphqlData<{ productVariant: unknown; productVariants: { nodes: unknown[] } }>(
      emulator.current,
      "shpat_seeded",
      `query Other($id: ID!) { productVariant(id: $id) { id } productVariants(first: 10) { nodes { id } } }`,
      { id: shirt.variants[0]?.id },
    );
    expect(other.productVariant).toBeNull();
    expect(other.productVariants.nodes).toEqual([{ id: "gid://shopify/ProductVariant/7001" }]);
  });
});

describe("product, productVariant and nodes", () => {
  it("product(id) answers its variants; nodes(ids) answers null for ids the shop does not have", async () => {
    const { shirt, mug } = addCatalogue();
    const data = await graphqlData<{
      product: { title: string; variantsCount: { count: number }; variants: { nodes: { sku: string }[] } };
      nodes: ({ id: string; sku?: string } | null)[];
    }>(
      emulator.current,
      accessToken,
      `query P($id: ID!, $ids: [ID!]!) {
        product(id: $id) { title variantsCount { count } variants(first: 10) { nodes { sku } } }
        nodes(ids: $ids) { id ... on ProductVariant { sku } ... on Product { title } }
      }`,
      { id: shirt.id, ids: [mug.variants[0]?.id, "gid://shopify/ProductVariant/1", mug.id] },
    );
    expect(data.product).toEqual({
      title: "Cotton T-Shirt",
      variantsCount: { count: 3 },
      variants: { nodes: [{ sku: "TSHIRT-WHITE-M" }, { sku: "TSHIRT-WHITE-L" }, { sku: "TSHIRT-BLACK-L" }] },
    });
    expect(data.nodes).toEqual([
      { id: mug.variants[0]?.id, sku: "CJJT169305601AZ" },
      null,
      { id: mug.id, title: "Enamel Mug" },
    ]);
  });
});

describe("orders of catalogue variants", () => {
  it("a line naming a catalogue variant takes its SKU, titles, price and product; its variant is the live one", async () => {
    const { shirt } = addCatalogue();
    const variant = shirt.variants[1];
    if (!variant) throw new Error("no variant");
    const order = emulator.current.addOrder(shop, { lines: [{ variantId: variant.id, quantity: 2 }] });
    expect(order.lineItems[0]).toMatchObject({
      sku: "TSHIRT-WHITE-L",
      title: "Cotton T-Shirt",
      variantTitle: "White / L",
      name: "Cotton T-Shirt - White / L",
      unitPrice: "19.90",
      productId: shirt.id,
      quantity: 2,
    });
    // The merchant renames the SKU after the order: the line keeps what was bought, its variant says what it is now.
    variant.sku = "TSHIRT-WHITE-L2";
    const data = await graphqlData<{
      order: { lineItems: { nodes: { sku: string; variant: { id: string; sku: string; product: { id: string } } }[] } };
    }>(
      emulator.current,
      accessToken,
      `query O($id: ID!) { order(id: $id) { lineItems(first: 5) { nodes { sku variant { id sku product { id } } } } } }`,
      { id: order.id },
    );
    expect(data.order.lineItems.nodes).toEqual([
      { sku: "TSHIRT-WHITE-L", variant: { id: variant.id, sku: "TSHIRT-WHITE-L2", product: { id: shirt.id } } },
    ]);
  });

  it("catalogueLine builds the same line for buildOrder; what a test gives wins", () => {
    const { mug } = addCatalogue();
    const variant = mug.variants[0];
    if (!variant) throw new Error("no variant");
    expect(catalogueLine(mug, variant, { quantity: 3 })).toEqual({
      title: "Enamel Mug",
      variantTitle: null,
      sku: "CJJT169305601AZ",
      price: "10.00",
      vendor: "Demo vendor",
      variantId: variant.id,
      productId: mug.id,
      quantity: 3,
    });
    const order = emulator.current.addOrder(shop, { lines: [{ variantId: variant.id, sku: "OLD-SKU" }] });
    expect(order.lineItems[0]?.sku).toBe("OLD-SKU");
  });
});

describe("the app's readers (app/shopify/products.ts)", () => {
  it("listStoreVariants pages with each variant's cursor; getStoreVariant(s) read by id", async () => {
    const { shirt, poster } = addCatalogue();
    const page = await listStoreVariants(admin(), { first: 2 });
    expect(page.edges.map((e) => e.variant.sku)).toEqual(["TSHIRT-WHITE-M", "TSHIRT-WHITE-L"]);
    expect(page.edges[0]?.variant).toEqual({
      id: shirt.variants[0]?.id,
      legacyId: shirt.variants[0]?.id.split("/").pop(),
      title: "White / M",
      displayName: "Cotton T-Shirt - White / M",
      sku: "TSHIRT-WHITE-M",
      price: "19.90",
      product: { id: shirt.id, legacyId: shirt.id.split("/").pop(), title: "Cotton T-Shirt" },
    });
    const after = await listStoreVariants(admin(), { first: 2, after: page.edges[0]?.cursor });
    expect(after.edges.map((e) => e.variant.sku)).toEqual(["TSHIRT-WHITE-L", "TSHIRT-BLACK-L"]);
    const back = await listStoreVariants(admin(), { last: 1, before: page.edges[1]?.cursor });
    expect(back.edges.map((e) => e.variant.sku)).toEqual(["TSHIRT-WHITE-M"]);
    const searched = await listStoreVariants(admin(), { first: 10, query: variantSearchQuery("  'black' ") });
    expect(searched.edges.map((e) => e.variant.sku)).toEqual(["TSHIRT-BLACK-L"]);

    expect((await getStoreVariant(admin(), poster.variants[0]?.id ?? ""))?.sku).toBeNull();
    expect(await getStoreVariant(admin(), "gid://shopify/ProductVariant/1")).toBeNull();
    const some = await getStoreVariants(admin(), [shirt.variants[2]?.id ?? "", "gid://shopify/ProductVariant/1"]);
    expect(some.map((v) => v.sku)).toEqual(["TSHIRT-BLACK-L"]);
  });

  it("the merchant's search text is searched as text, never as syntax", () => {
    expect(variantSearchQuery("sku:ABC OR -shirt")).toBe("sku ABC shirt");
    expect(variantSearchQuery('  "  ')).toBeNull();
  });
});

import { GraphQLError } from "graphql";
import { gid, numericIdOf, type OrderLineInput } from "./build-order";
import type { CatalogueProduct, CatalogueVariant } from "./model";
import { normalizeAmount } from "./money";
import type { EmulatorState } from "./state";

// The shops' product catalogues: products with their variants, as the Admin API's `product`, `productVariant` and
// `productVariants` answer them. Orders may reference catalogue variants (`variantId`), as a real store's orders do.

export interface VariantInput {
  title?: string;
  /** `null` or absent = no SKU. */
  sku?: string | null;
  /** Shop currency, a decimal string (default "10.00"). */
  price?: string;
  /** Legacy number (`7001`) or GID (`gid://shopify/ProductVariant/7001`); default a fresh id. */
  id?: number | string;
}

export interface ProductInput {
  title: string;
  vendor?: string | null;
  /** Legacy number or GID; default a fresh id. */
  id?: number | string;
  /** At least one; a product with one untitled variant has Shopify's "Default Title" variant. */
  variants?: VariantInput[];
}

function idFrom(type: "Product" | "ProductVariant", value: number | string | undefined): string {
  if (value === undefined) return gid(type);
  if (typeof value === "number" && Number.isSafeInteger(value) && value > 0) return gid(type, value);
  if (typeof value === "string" && new RegExp(`^gid://shopify/${type}/[1-9][0-9]*$`).test(value)) return value;
  if (typeof value === "string" && /^[1-9][0-9]*$/.test(value)) return gid(type, Number(value));
  throw new Error(`addProduct: ${type} id must be a positive number or a ${type} GID, got ${JSON.stringify(value)}`);
}

/** Adds a product with its variants to the shop's catalogue; refuses ids already in use and bad prices. */
export function addProduct(state: EmulatorState, shop: string, input: ProductInput, currencyCode: string) {
  if (typeof input?.title !== "string" || !input.title.trim()) throw new Error("addProduct: title is required");
  const variantsInput = input.variants?.length ? input.variants : [{}];
  const id = idFrom("Product", input.id);
  if (state.products.has(id)) throw new Error(`addProduct: product ${id} already exists`);
  const at = new Date().toISOString();
  const taken = new Set([...state.products.values()].flatMap((entry) => entry.product.variants.map((v) => v.id)));
  const variants = variantsInput.map((variant, index): CatalogueVariant => {
    const variantId = idFrom("ProductVariant", variant.id);
    if (taken.has(variantId)) throw new Error(`addProduct: variant ${variantId} already exists`);
    taken.add(variantId);
    let price: string;
    try {
      price = normalizeAmount(variant.price ?? "10.00", currencyCode, `variants[${index}].price`);
    } catch (error) {
      throw new Error((error as Error).message.replace(/^buildOrder:/, "addProduct:"));
    }
    return {
      id: variantId,
      legacyId: numericIdOf(variantId),
      productId: id,
      title: variant.title ?? (variantsInput.length === 1 ? "Default Title" : `Variant ${index + 1}`),
      sku: variant.sku ?? null,
      price,
      position: index + 1,
      createdAt: at,
      updatedAt: at,
    };
  });
  const product: CatalogueProduct = {
    id,
    legacyId: numericIdOf(id),
    title: input.title,
    vendor: input.vendor === undefined ? "Demo vendor" : input.vendor,
    createdAt: at,
    updatedAt: at,
    variants,
  };
  state.products.set(id, { shop, product });
  return product;
}

export function productsOf(state: EmulatorState, shop: string): CatalogueProduct[] {
  return [...state.products.values()].filter((entry) => entry.shop === shop).map((entry) => entry.product);
}

export function findProduct(state: EmulatorState, shop: string, id: string): CatalogueProduct | undefined {
  const entry = state.products.get(id);
  return entry?.shop === shop ? entry.product : undefined;
}

export function findVariant(
  state: EmulatorState,
  shop: string,
  id: string,
): { product: CatalogueProduct; variant: CatalogueVariant } | undefined {
  for (const product of productsOf(state, shop)) {
    const variant = product.variants.find((candidate) => candidate.id === id);
    if (variant) return { product, variant };
  }
  return undefined;
}

/** Shopify's `ProductVariant.displayName`: the product's title and the variant's. */
export const displayNameOf = (product: CatalogueProduct, variant: CatalogueVariant) =>
  `${product.title} - ${variant.title}`;

/**
 * An order line for a catalogue variant (its SKU, titles, price and ids), for `buildOrder({ lines: [...] })`;
 * `extra` overrides any of them (a quantity, a SKU renamed since the order was placed).
 */
export function catalogueLine(
  product: CatalogueProduct,
  variant: CatalogueVariant,
  extra: OrderLineInput = {},
): OrderLineInput {
  return {
    title: product.title,
    variantTitle: variant.title === "Default Title" ? null : variant.title,
    sku: variant.sku,
    price: variant.price,
    vendor: product.vendor,
    variantId: variant.id,
    productId: product.id,
    ...extra,
  };
}

/** A line naming a catalogue variant (`variantId`) gets what it leaves out from the catalogue. */
export function withCatalogue(state: EmulatorState, shop: string, lines: OrderLineInput[] | undefined) {
  return lines?.map((line) => {
    const found = line.variantId ? findVariant(state, shop, line.variantId) : undefined;
    if (!found) return line;
    const defaults = catalogueLine(found.product, found.variant);
    const merged: OrderLineInput = { ...defaults };
    for (const [key, value] of Object.entries(line)) {
      if (value !== undefined) (merged as Record<string, unknown>)[key] = value;
    }
    return merged;
  });
}

// --- productVariants(query:, sortKey:) ----------------------------------------------------------------------------

interface Entry {
  product: CatalogueProduct;
  variant: CatalogueVariant;
}

// A subset of Shopify's search syntax (shopify.dev "Search syntax"): `field:value` terms and free text joined by AND
// (or by OR between groups), `-` negation, quotes, a trailing `*` for prefixes, comparators on `id`. Unknown fields
// are ignored, as Shopify does.
const termPattern = /(-)?(?:([a-z_]+):(>=|<=|>|<)?)?("[^"]*"|'[^']*'|\S+)/g;

interface Term {
  negate: boolean;
  field: string | null;
  comparator: string;
  value: string;
}

function parseTerms(text: string): Term[] {
  return [...text.matchAll(termPattern)]
    .map((match) => ({
      negate: match[1] === "-",
      field: match[2] ?? null,
      comparator: match[3] ?? "=",
      value: (match[4] ?? "").replace(/^["']|["']$/g, ""),
    }))
    .filter((term) => term.field !== null || (term.value !== "AND" && term.value !== ""));
}

function textMatches(actual: string | null, expected: string): boolean {
  if (actual === null) return false;
  const a = actual.toLowerCase();
  const e = expected.toLowerCase();
  return e.endsWith("*") ? a.startsWith(e.slice(0, -1)) : a === e;
}

function containsText(haystack: (string | null)[], needle: string): boolean {
  const n = needle.toLowerCase().replace(/\*$/, "");
  return haystack.some((value) => value?.toLowerCase().includes(n));
}

function compareNumbers(actual: number, comparator: string, expected: string): boolean {
  const e = Number(expected.slice(expected.lastIndexOf("/") + 1));
  if (!Number.isFinite(e)) return false;
  switch (comparator) {
    case ">":
      return actual > e;
    case ">=":
      return actual >= e;
    case "<":
      return actual < e;
    case "<=":
      return actual <= e;
    default:
      return actual === e;
  }
}

function termMatches({ product, variant }: Entry, term: Term): boolean {
  const value = term.value;
  switch (term.field) {
    case null:
      // The default field: a case-insensitive search of the titles and the SKU.
      return containsText([product.title, variant.title, displayNameOf(product, variant), variant.sku], value);
    case "sku":
      return textMatches(variant.sku, value);
    case "title":
      return containsText([variant.title], value);
    case "product_id":
      return compareNumbers(product.legacyId, "=", value);
    case "product_ids":
      return value.split(",").some((id) => compareNumbers(product.legacyId, "=", id.trim()));
    case "id":
      return compareNumbers(variant.legacyId, term.comparator, value);
    case "vendor":
      return value.split(",").some((vendor) => textMatches(product.vendor, vendor.trim()));
    case "barcode":
      return false;
    case "gift_card":
      return value.toLowerCase() === "false";
    default:
      return true;
  }
}

export function filterVariants(entries: Entry[], query: string | null): Entry[] {
  if (!query?.trim()) return entries;
  const groups = query.split(/\s+OR\s+/).map(parseTerms);
  return entries.filter((entry) =>
    groups.some((terms) => terms.every((term) => termMatches(entry, term) !== term.negate)),
  );
}

const sortValue: Record<string, (entry: Entry) => string | number> = {
  ID: ({ variant }) => variant.legacyId,
  // Shopify documents RELEVANCE for searches; by id here.
  RELEVANCE: ({ variant }) => variant.legacyId,
  SKU: ({ variant }) => variant.sku ?? "",
  TITLE: ({ variant }) => variant.title.toLowerCase(),
  FULL_TITLE: (entry) => displayNameOf(entry.product, entry.variant).toLowerCase(),
  NAME: (entry) => displayNameOf(entry.product, entry.variant).toLowerCase(),
  POSITION: ({ product, variant }) => product.legacyId * 1000 + variant.position,
};

export function sortVariants(entries: Entry[], sortKey: string): Entry[] {
  const keyOf = sortValue[sortKey];
  if (!keyOf) {
    throw new GraphQLError(`productVariants(sortKey: ${sortKey}) is not emulated by the Shopify emulator`, {
      extensions: { code: "NOT_EMULATED" },
    });
  }
  return [...entries].sort((a, b) => {
    const x = keyOf(a);
    const y = keyOf(b);
    if (x < y) return -1;
    if (x > y) return 1;
    return a.variant.legacyId - b.variant.legacyId;
  });
}

export function variantEntries(state: EmulatorState, shop: string): Entry[] {
  return productsOf(state, shop).flatMap((product) => product.variants.map((variant) => ({ product, variant })));
}

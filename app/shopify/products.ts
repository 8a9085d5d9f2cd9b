import { legacyId } from "../fulfillment/mapping";
import type { AdminGraphql } from "./graphql";

// The store's variants for the Products page and the connections to CJ. Pages stay under Shopify's single-query
// cost limit of 1000 points at 250 variants (checked in test/unit/shopify/documents.test.ts).

const variantFields = /* GraphQL */ `
  fragment StoreVariantFields on ProductVariant {
    id
    legacyResourceId
    title
    displayName
    sku
    price
    product {
      id
      legacyResourceId
      title
    }
  }
`;

export const ProductVariantsPage = /* GraphQL */ `
  query ProductVariantsPage($first: Int, $last: Int, $after: String, $before: String, $query: String) {
    productVariants(first: $first, last: $last, after: $after, before: $before, query: $query, sortKey: ID) {
      edges {
        cursor
        node {
          ...StoreVariantFields
        }
      }
      pageInfo {
        hasNextPage
        hasPreviousPage
        startCursor
        endCursor
      }
    }
  }
  ${variantFields}
`;

export const GetProductVariant = /* GraphQL */ `
  query GetProductVariant($id: ID!) {
    productVariant(id: $id) {
      ...StoreVariantFields
    }
  }
  ${variantFields}
`;

export const ProductVariantsByIds = /* GraphQL */ `
  query ProductVariantsByIds($ids: [ID!]!) {
    nodes(ids: $ids) {
      ... on ProductVariant {
        ...StoreVariantFields
      }
    }
  }
  ${variantFields}
`;

/** A variant of the store as the Products page and the CJ connection need it. */
export interface StoreVariant {
  id: string;
  /** The numeric id: CJ's `platformVariantId`. */
  legacyId: string;
  /** The variant's own title ("Default Title" for a product without options). */
  title: string;
  displayName: string;
  /** `null` when the variant has no SKU (Shopify may answer `""`). */
  sku: string | null;
  /** Shop currency, decimal string. */
  price: string;
  product: { id: string; legacyId: string; title: string };
}

interface VariantNode {
  id: string;
  legacyResourceId: string;
  title: string;
  displayName: string;
  sku: string | null;
  price: string;
  product: { id: string; legacyResourceId: string; title: string };
}

export interface VariantPageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

export interface StoreVariantPage {
  /** Each variant with its own cursor, so that a page can end or start at any variant. */
  edges: { cursor: string; variant: StoreVariant }[];
  pageInfo: VariantPageInfo;
}

function storeVariant(node: VariantNode): StoreVariant {
  return {
    id: node.id,
    legacyId: String(node.legacyResourceId),
    title: node.title,
    displayName: node.displayName,
    sku: node.sku?.trim() ? node.sku.trim() : null,
    price: node.price,
    product: { id: node.product.id, legacyId: String(node.product.legacyResourceId), title: node.product.title },
  };
}

export const MAX_VARIANT_PAGE = 250;

/**
 * One page of the store's variants, in id order: `first` (with `after`) or `last` (with `before`); `query` is
 * Shopify's search syntax (`sku:ABC-1`, `product_id:123`, or free text matching titles and SKUs).
 */
export async function listStoreVariants(
  admin: AdminGraphql,
  options: { first?: number; last?: number; after?: string | null; before?: string | null; query?: string | null },
): Promise<StoreVariantPage> {
  const backwards = options.last !== undefined;
  const size = Math.min(MAX_VARIANT_PAGE, Math.max(1, (backwards ? options.last : options.first) ?? 50));
  const { data } = await admin.request<{
    productVariants: { edges: { cursor: string; node: VariantNode }[]; pageInfo: VariantPageInfo };
  }>(ProductVariantsPage, {
    ...(backwards ? { last: size, before: options.before ?? null } : { first: size, after: options.after ?? null }),
    query: options.query?.trim() ? options.query.trim() : null,
  });
  return {
    edges: data.productVariants.edges.map((edge) => ({ cursor: edge.cursor, variant: storeVariant(edge.node) })),
    pageInfo: data.productVariants.pageInfo,
  };
}

/** `null` when the store has no such variant (deleted, or another store's). */
export async function getStoreVariant(admin: AdminGraphql, id: string): Promise<StoreVariant | null> {
  const { data } = await admin.request<{ productVariant: VariantNode | null }>(GetProductVariant, { id });
  return data.productVariant ? storeVariant(data.productVariant) : null;
}

/** The store's variants among `ids` (in pages of 250); ids the store does not have are left out. */
export async function getStoreVariants(admin: AdminGraphql, ids: readonly string[]): Promise<StoreVariant[]> {
  const found: StoreVariant[] = [];
  for (let start = 0; start < ids.length; start += MAX_VARIANT_PAGE) {
    const { data } = await admin.request<{ nodes: (Partial<VariantNode> | null)[] }>(ProductVariantsByIds, {
      ids: ids.slice(start, start + MAX_VARIANT_PAGE),
    });
    for (const node of data.nodes) if (node?.id && node.product) found.push(storeVariant(node as VariantNode));
  }
  return found;
}

/** Free text of the merchant's search box as a `productVariants(query:)` value: titles and SKUs, as typed. */
export function variantSearchQuery(text: string): string | null {
  // Quotes and search operators typed by the merchant are searched for as text, not read as syntax.
  const words = text
    .replace(/["'\\():]/g, " ")
    .split(/\s+/)
    .map((word) => word.replace(/^-+/, ""))
    .filter((word) => word && !["AND", "OR", "NOT"].includes(word));
  return words.length ? words.join(" ") : null;
}

/** How the app names a variant: the product's title alone for its only, untitled variant ("Default Title"). */
export const variantNameOf = (variant: StoreVariant) =>
  variant.title === "Default Title" ? variant.product.title : variant.displayName;

export const variantGid = (legacyId: string | number) => `gid://shopify/ProductVariant/${legacyId}`;
/** The number at the end of a GID (one definition: mapping.ts legacyId). */
export const legacyIdOf = legacyId;

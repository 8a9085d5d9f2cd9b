/**
 * The Products page: the store's variants (Shopify Admin GraphQL) with their CJ connection (VariantLink), the orders
 * each one blocked, and the merchant's actions — connect by CJ SKU or vid (looked up and shown before saving),
 * disconnect, "not fulfilled by CJ", suggestions (a store SKU that is a CJ SKU) and a refresh from CJ's connection
 * list. orderFlow=2 CJ orders need every store variant connected (`/product/conn/connection`, cj-api-facts).
 */

import { z } from "zod";
import { type CjConnection, readCjConnections } from "../cj/connections";
import type { Db } from "../db.server";
import { blockedOrderCounts, resumeOrdersBlockedBy } from "../fulfillment/blocked.server";
import { type CjVariantInfo, lookupCjVariant } from "../fulfillment/cj-variants.server";
import { linksForVariants, saveLink, type VariantLinkRow } from "../fulfillment/variant-links.server";
import { t } from "../i18n/strings";
import type { CjClient } from "../runtime/deps.server";
import type { AdminGraphql } from "../shopify/graphql";
import {
  getStoreVariant,
  getStoreVariants,
  legacyIdOf,
  listStoreVariants,
  type StoreVariant,
  type StoreVariantPage,
  variantGid,
  variantNameOf,
  variantSearchQuery,
} from "../shopify/products";
import { type BatchView, latestBatch } from "./batch.server";
import {
  connectToCjVariant,
  NO_CONNECTION,
  nowOf,
  type ProductsDeps,
  ProductsError,
  shopByDomain,
} from "./connections.server";
import type { ProductsQuery, ProductTab } from "./view";

// --- the page ----------------------------------------------------------------------------------------------------

/** Rows per page. */
export const PAGE_SIZE = 25;
/** A filtered tab reads the store's variants this many at a time, and at most SCAN_PAGES times per page shown. */
const SCAN_BATCH = 100;
const SCAN_PAGES = 5;
/** "Blocked orders" counts the orders of the last 30 days. */
const BLOCKED_DAYS = 30;

export interface CjConnectionView {
  cjVariantId: string;
  cjProductId: string | null;
  cjSku: string | null;
  cjName: string | null;
  /** USD. */
  cjPrice: string | null;
  /** CJ: read from CJ's connection list; APP: written to CJ from this page. */
  source: string | null;
  checkedAt: string | null;
}

export interface ProductRow {
  variantGid: string;
  productGid: string;
  productTitle: string;
  /** `null` for a product's only, untitled variant ("Default Title"). */
  variantTitle: string | null;
  displayName: string;
  sku: string | null;
  /** Shop currency. */
  price: string;
  connection: CjConnectionView | null;
  notFulfilledByCj: boolean;
  /** Distinct orders of the last 30 days with a line of this variant that was not connected. */
  blockedOrders: number;
}

export interface ProductsPage {
  query: ProductsQuery;
  rows: ProductRow[];
  /** Cursors for Next / Previous (null: no such page). */
  next: string | null;
  previous: string | null;
  /** A filtered tab found no match among this many variants, and there are more: Next looks further. */
  scannedWithoutMatch: number | null;
  /** `?variant=` names a variant this store does not have. */
  variantMissing: boolean;
  batch: BatchView | null;
}

type Link = VariantLinkRow;

function inTab(tab: ProductTab, link: Link | undefined): boolean {
  switch (tab) {
    case "connected":
      return Boolean(link?.cjVariantId);
    case "unconnected":
      // A variant the merchant ships themselves needs no CJ variant.
      return !link?.cjVariantId && !link?.notFulfilledByCj;
    case "notCj":
      return Boolean(link?.notFulfilledByCj);
    default:
      return true;
  }
}

function rowOf(variant: StoreVariant, link: Link | undefined, blocked: number): ProductRow {
  return {
    variantGid: variant.id,
    productGid: variant.product.id,
    productTitle: variant.product.title,
    variantTitle: variant.title === "Default Title" ? null : variant.title,
    displayName: variantNameOf(variant),
    sku: variant.sku,
    price: variant.price,
    connection: link?.cjVariantId
      ? {
          cjVariantId: link.cjVariantId,
          cjProductId: link.cjProductId,
          cjSku: link.cjSku,
          cjName: link.cjName,
          cjPrice: link.cjPrice,
          source: link.source,
          checkedAt: link.checkedAt?.toISOString() ?? null,
        }
      : null,
    notFulfilledByCj: link?.notFulfilledByCj ?? false,
    blockedOrders: blocked,
  };
}

interface Window {
  edges: StoreVariantPage["edges"];
  links: Map<string, Link>;
  next: string | null;
  previous: string | null;
  scanned: number;
}

/**
 * The variants of one page. "All" is one Shopify page. A filtered tab (the connection state lives in this app's
 * database, not in Shopify) reads the store's variants in batches and keeps the matching ones, ending the page at
 * the cursor of its last row (each edge has its own cursor), so that Next and Previous neither skip nor repeat one.
 */
async function variantWindow(db: Db, admin: AdminGraphql, shopId: string, query: ProductsQuery): Promise<Window> {
  const search = variantSearchQuery(query.q);
  const backwards = Boolean(query.before) && !query.after;
  if (query.tab === "all") {
    const page = await listStoreVariants(
      admin,
      backwards
        ? { last: PAGE_SIZE, before: query.before, query: search }
        : { first: PAGE_SIZE, after: query.after, query: search },
    );
    const links = await linksForVariants(
      db,
      shopId,
      page.edges.map((edge) => edge.variant.id),
    );
    const first = page.edges[0]?.cursor ?? null;
    const last = page.edges.at(-1)?.cursor ?? null;
    // The page one came from is there, whatever pageInfo says about that side.
    const next = backwards ? (last ?? query.before) : page.pageInfo.hasNextPage ? last : null;
    const previous = backwards
      ? page.pageInfo.hasPreviousPage
        ? first
        : null
      : query.after
        ? (first ?? query.after)
        : null;
    return { edges: page.edges, links, next, previous, scanned: page.edges.length };
  }

  const kept: StoreVariantPage["edges"] = [];
  const links = new Map<string, Link>();
  let cursor = backwards ? query.before : query.after;
  let more = false;
  let scanned = 0;
  for (let batch = 0; batch < SCAN_PAGES; batch++) {
    const page = await listStoreVariants(
      admin,
      backwards
        ? { last: SCAN_BATCH, before: cursor, query: search }
        : { first: SCAN_BATCH, after: cursor, query: search },
    );
    const batchLinks = await linksForVariants(
      db,
      shopId,
      page.edges.map((edge) => edge.variant.id),
    );
    // Backwards, the rows nearest the cursor come last in the page.
    const edges = backwards ? [...page.edges].reverse() : page.edges;
    for (const edge of edges) {
      scanned += 1;
      const link = batchLinks.get(edge.variant.id);
      if (!inTab(query.tab, link)) continue;
      if (kept.length === PAGE_SIZE) {
        more = true;
        break;
      }
      kept.push(edge);
      if (link) links.set(edge.variant.id, link);
    }
    const further = backwards ? page.pageInfo.hasPreviousPage : page.pageInfo.hasNextPage;
    if (more || !further) break;
    cursor = backwards ? page.pageInfo.startCursor : page.pageInfo.endCursor;
    if (batch === SCAN_PAGES - 1) more = true;
  }
  if (backwards) kept.reverse();
  // Looked as far as allowed without filling the page: the next page starts where this look stopped.
  const stoppedAt = kept.length === 0 ? cursor : null;
  const far = backwards ? kept[0]?.cursor : kept.at(-1)?.cursor;
  const near = backwards ? kept.at(-1)?.cursor : kept[0]?.cursor;
  const onward = more ? (far ?? stoppedAt ?? null) : null;
  const from = backwards ? query.before : query.after;
  const back = from ? (near ?? from) : null;
  return {
    edges: kept,
    links,
    next: backwards ? back : onward,
    previous: backwards ? onward : back,
    scanned,
  };
}

export async function loadProductsPage(
  deps: ProductsDeps,
  shopDomain: string,
  query: ProductsQuery,
): Promise<ProductsPage> {
  const shop = await shopByDomain(deps.db, shopDomain);
  const now = nowOf(deps);
  const admin = await deps.ports.admin(shopDomain);
  const batch = await latestBatch(deps, shop.id);
  const since = new Date(now.getTime() - BLOCKED_DAYS * 86_400_000);

  if (query.variant) {
    const variant = await getStoreVariant(admin, query.variant);
    const links = await linksForVariants(deps.db, shop.id, variant ? [variant.id] : []);
    return {
      query,
      rows: variant
        ? [
            rowOf(
              variant,
              links.get(variant.id),
              (await blockedOrderCounts(deps.db, shop.id, since, [variant.id])).get(variant.id) ?? 0,
            ),
          ]
        : [],
      next: null,
      previous: null,
      scannedWithoutMatch: null,
      variantMissing: !variant,
      batch,
    };
  }

  const window = await variantWindow(deps.db, admin, shop.id, query);
  // Counted for the rows shown only (a shop's whole order history is not read on every page load).
  const blocked = await blockedOrderCounts(
    deps.db,
    shop.id,
    since,
    window.edges.map((edge) => edge.variant.id),
  );
  const rows = window.edges.map((edge) =>
    rowOf(edge.variant, window.links.get(edge.variant.id), blocked.get(edge.variant.id) ?? 0),
  );
  return {
    query,
    rows,
    next: window.next,
    previous: window.previous,
    scannedWithoutMatch: rows.length === 0 && window.next ? window.scanned : null,
    variantMissing: false,
    batch,
  };
}

// --- CJ variants -------------------------------------------------------------------------------------------------

export const lookupInput = z.object({
  by: z.enum(["sku", "vid"]),
  value: z
    .string()
    .trim()
    .min(1, t("products.error.noSkuLookup"))
    .max(100, "A CJ SKU or vid has at most 100 characters."),
});
export type LookupInput = z.input<typeof lookupInput>;

export interface CjVariantView {
  vid: string;
  pid: string | null;
  sku: string | null;
  name: string | null;
  /** USD. */
  sellPrice: string | null;
  cached: boolean;
}

const viewOf = (info: CjVariantInfo): CjVariantView => ({
  vid: info.vid,
  pid: info.pid,
  sku: info.sku,
  name: info.name,
  sellPrice: info.sellPrice,
  cached: info.cached,
});

function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new ProductsError(parsed.error.issues.map((issue) => issue.message).join("; "));
}

const notFoundMessage = (input: z.output<typeof lookupInput>) =>
  input.by === "sku"
    ? `CJ has no variant with SKU ${input.value}: check the SKU on the CJ product page (variants have their own), or connect by vid.`
    : `CJ has no variant with vid ${input.value}: copy the vid from the CJ product page again, or connect by CJ SKU.`;

async function findCjVariant(
  deps: ProductsDeps,
  cj: CjClient,
  input: z.output<typeof lookupInput>,
): Promise<CjVariantInfo> {
  const ref = input.by === "sku" ? { sku: input.value } : { vid: input.value };
  const info = await lookupCjVariant(deps.db, cj, ref, nowOf(deps));
  if (!info) throw new ProductsError(notFoundMessage(input));
  return info;
}

/** The CJ variant a SKU or vid names, shown to the merchant before the connection is saved. */
export async function previewCjVariant(
  deps: ProductsDeps,
  shopDomain: string,
  raw: LookupInput,
): Promise<CjVariantView> {
  const input = parseOrThrow(lookupInput, raw);
  const shop = await shopByDomain(deps.db, shopDomain);
  return viewOf(await findCjVariant(deps, await deps.ports.cj(shop.id), input));
}

/** Suggestions: the CJ variant whose CJ SKU is the store SKU, for each SKU (null: CJ has none). Cached lookups. */
export async function suggestForSkus(
  deps: ProductsDeps,
  shopDomain: string,
  rawSkus: readonly string[],
): Promise<Record<string, CjVariantView | null>> {
  const skus = parseOrThrow(z.array(z.string().trim().min(1).max(100)).max(PAGE_SIZE), rawSkus);
  const shop = await shopByDomain(deps.db, shopDomain);
  const cj = await deps.ports.cj(shop.id);
  const found: Record<string, CjVariantView | null> = {};
  for (const sku of new Set(skus)) {
    const info = await lookupCjVariant(deps.db, cj, { sku }, nowOf(deps));
    found[sku] = info ? viewOf(info) : null;
  }
  return found;
}

// --- connecting ----------------------------------------------------------------------------------------------------

const gidInput = z.string().regex(/^gid:\/\/shopify\/ProductVariant\/\d+$/, "Unknown variant.");

async function storeVariantOrThrow(deps: ProductsDeps, shopDomain: string, gid: string): Promise<StoreVariant> {
  const id = parseOrThrow(gidInput, gid);
  const variant = await getStoreVariant(await deps.ports.admin(shopDomain), id);
  if (!variant) throw new ProductsError(t("products.error.unknownVariant", { gid: id }), 404);
  return variant;
}

export interface ProductActionResult {
  message: string;
  /** Blocked orders sent on by this change. */
  resumed?: number;
}

/** Connects a store variant to the CJ variant a CJ SKU or vid names; blocked orders of that variant go on. */
export async function connectStoreVariant(
  deps: ProductsDeps,
  shopDomain: string,
  raw: { variantGid: string } & LookupInput,
): Promise<ProductActionResult> {
  const input = parseOrThrow(lookupInput, raw);
  const shop = await shopByDomain(deps.db, shopDomain);
  const variant = await storeVariantOrThrow(deps, shopDomain, raw.variantGid);
  const cj = await deps.ports.cj(shop.id);
  const info = await findCjVariant(deps, cj, input);
  await connectToCjVariant(
    deps,
    shop.id,
    cj,
    { variantGid: variant.id, productGid: variant.product.id, sku: variant.sku },
    info,
  );
  const resumed = await resumeOrdersBlockedBy(deps, shop.id, [variant.id]);
  const values = { name: variantNameOf(variant), cjSku: info.sku ?? info.vid, count: resumed };
  return {
    message: resumed ? t("products.connected.resumed", values) : t("products.connected", values),
    resumed,
  };
}

/** Removes the connection at CJ; the row stays, without a CJ variant. */
export async function disconnectStoreVariant(
  deps: ProductsDeps,
  shopDomain: string,
  gid: string,
): Promise<ProductActionResult> {
  const id = parseOrThrow(gidInput, gid);
  const shop = await shopByDomain(deps.db, shopDomain);
  const link = await deps.db.variantLink.findUnique({
    where: { shopId_shopifyVariantGid: { shopId: shop.id, shopifyVariantGid: id } },
  });
  // The variant may be gone from the store by now: its connection at CJ can still be removed.
  const variant = await getStoreVariant(await deps.ports.admin(shopDomain), id);
  if (!link?.cjVariantId) {
    if (!variant) throw new ProductsError(t("products.error.unknownVariant", { gid: id }), 404);
    throw new ProductsError(
      `${variantNameOf(variant)} is not connected to CJ any more: reload the page to see it as it is.`,
      409,
    );
  }
  const productGid = variant?.product.id ?? link.shopifyProductGid;
  if (!productGid) throw new ProductsError(t("products.error.unknownVariant", { gid: id }), 404);
  const cj = await deps.ports.cj(shop.id);
  await cj.account.deleteConnection({ platformProductId: legacyIdOf(productGid), platformVariantId: legacyIdOf(id) });
  await deps.db.variantLink.update({
    where: { id: link.id },
    data: { ...NO_CONNECTION, checkedAt: nowOf(deps) },
  });
  return { message: t("products.disconnected", { name: variant ? variantNameOf(variant) : (link.sku ?? id) }) };
}

/** The merchant ships this variant from their own stock (or no longer does). */
export async function setNotFulfilledByCj(
  deps: ProductsDeps,
  shopDomain: string,
  gid: string,
  notFulfilledByCj: boolean,
): Promise<ProductActionResult> {
  const shop = await shopByDomain(deps.db, shopDomain);
  const variant = await storeVariantOrThrow(deps, shopDomain, gid);
  await saveLink(deps.db, shop.id, variant.id, {
    notFulfilledByCj,
    shopifyProductGid: variant.product.id,
    sku: variant.sku,
  });
  // Either way orders may go on: one blocked by this variant now leaves its line out; one left unsent because all
  // its lines were the merchant's own now has a line for CJ.
  const resumed = await resumeOrdersBlockedBy(deps, shop.id, [variant.id]);
  const name = variantNameOf(variant);
  const message = notFulfilledByCj ? t("products.notCj.on", { name }) : t("products.notCj.off", { name });
  return { message: resumed ? `${message} ${t("products.resumed", { count: resumed })}` : message, resumed };
}

// --- refresh from CJ -----------------------------------------------------------------------------------------------

const CONNECTION_PAGE_SIZE = 100;
const MAX_CONNECTION_PAGES = 100;
/** CJ variant lookups (10 points each when not cached) one refresh may spend on names, SKUs and prices. */
const REFRESH_LOOKUPS = 50;

export interface RefreshResult extends ProductActionResult {
  /** Connections CJ listed. */
  read: number;
  /** Of those, variants of this store (recorded). */
  matched: number;
  /** The app's connections CJ no longer has (recorded as not connected). */
  cleared: number;
}

/** Reads CJ's connections (paged) and records those of this store's variants (source CJ, checked now). */
export async function refreshConnections(deps: ProductsDeps, shopDomain: string): Promise<RefreshResult> {
  const shop = await shopByDomain(deps.db, shopDomain);
  const cj = await deps.ports.cj(shop.id);
  const now = nowOf(deps);
  const byVariant = new Map<string, CjConnection>();
  let complete = false;
  for (let pageNum = 1; pageNum <= MAX_CONNECTION_PAGES; pageNum++) {
    const page = readCjConnections(await cj.account.listConnections({ pageNum, pageSize: CONNECTION_PAGE_SIZE }));
    if (!page.recognized) break;
    let added = 0;
    for (const item of page.items) {
      if (byVariant.has(item.platformVariantId)) continue;
      byVariant.set(item.platformVariantId, item);
      added += 1;
    }
    // A short page is the last; a page with nothing new means CJ ignored the paging and answered everything.
    if (page.count < CONNECTION_PAGE_SIZE || added === 0) {
      complete = true;
      break;
    }
  }

  // The CJ account may serve several stores: only variants this store has are its connections.
  const admin = await deps.ports.admin(shopDomain);
  const mine = await getStoreVariants(
    admin,
    [...byVariant.keys()].map((id) => variantGid(id)),
  );
  const before = await linksForVariants(
    deps.db,
    shop.id,
    mine.map((v) => v.id),
  );
  let lookups = 0;
  const connected: string[] = [];
  for (const variant of mine) {
    const item = byVariant.get(variant.legacyId);
    if (!item) continue;
    const known = before.get(variant.id);
    const same = known?.cjVariantId === item.cjVariantId && known.cjSku;
    let info: CjVariantInfo | null = null;
    if (!same && lookups < REFRESH_LOOKUPS) {
      lookups += 1;
      info = await lookupCjVariant(deps.db, cj, { vid: item.cjVariantId }, now).catch(() => null);
    }
    const data = {
      shopifyProductGid: variant.product.id,
      sku: variant.sku,
      cjVariantId: item.cjVariantId,
      cjProductId: item.cjProductId ?? info?.pid ?? (same ? known.cjProductId : null),
      cjSku: info?.sku ?? (same ? known.cjSku : null),
      cjName: info?.name ?? (same ? known.cjName : null),
      cjPrice: info?.sellPrice ?? (same ? known.cjPrice : null),
      source: "CJ",
      checkedAt: now,
    };
    await saveLink(deps.db, shop.id, variant.id, data);
    if (!known?.cjVariantId) connected.push(variant.id);
  }

  // Only a complete, readable list proves a connection is gone.
  let cleared = 0;
  if (complete) {
    const gone = await deps.db.variantLink.updateMany({
      where: { shopId: shop.id, cjVariantId: { not: null }, shopifyVariantGid: { notIn: mine.map((v) => v.id) } },
      data: { ...NO_CONNECTION, checkedAt: now },
    });
    cleared = gone.count;
  }
  const resumed = await resumeOrdersBlockedBy(deps, shop.id, connected);
  return {
    message: t("products.refreshed", { count: byVariant.size, matched: mine.length }),
    read: byVariant.size,
    matched: mine.length,
    cleared,
    resumed,
  };
}

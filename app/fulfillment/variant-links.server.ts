/**
 * The forwarding side of product connections: which CJ variant a store variant is (VariantLink, written by the
 * Products page and by what forwarding learns from CJ), and which variants the merchant ships themselves.
 *
 * A line's CJ variant is, in order: the one already stored on the order line; the shop's VariantLink when the app
 * wrote it (Products page) or read it from CJ less than CONNECTION_LIFETIME_MS ago; CJ's connection list (free, one
 * call), remembered as a VariantLink; a CJ variant whose SKU is the store SKU (10 points, cached in CjVariant).
 */

import { readCjConnections } from "../cj/connections";
import type { Db } from "../db.server";
import type { CjClient } from "../runtime/deps.server";
import { lookupCjVariant } from "./cj-variants.server";
import { legacyId } from "./mapping";
import type { QuoteLine } from "./quotes.server";

/** How long a connection read from CJ is trusted before CJ is asked again (the merchant may change it in CJ). */
export const CONNECTION_LIFETIME_MS = 24 * 60 * 60 * 1000;

export type VariantLinkRow = Awaited<ReturnType<Db["variantLink"]["findMany"]>>[number];

/** The shop's links of these store variants, by variant GID (one query). */
export async function linksForVariants(
  db: Db,
  shopId: string,
  variantGids: readonly (string | null)[],
): Promise<Map<string, VariantLinkRow>> {
  const gids = [...new Set(variantGids.filter((g): g is string => !!g))];
  if (gids.length === 0) return new Map();
  const rows = await db.variantLink.findMany({ where: { shopId, shopifyVariantGid: { in: gids } } });
  return new Map(rows.map((r) => [r.shopifyVariantGid, r]));
}

type LinkData = Omit<Parameters<Db["variantLink"]["create"]>[0]["data"], "shopId" | "shopifyVariantGid" | "shop">;

/** Writes what is known of a store variant's link (one row per shop and variant). */
export function saveLink(db: Db, shopId: string, shopifyVariantGid: string, data: LinkData) {
  return db.variantLink.upsert({
    where: { shopId_shopifyVariantGid: { shopId, shopifyVariantGid } },
    create: { shopId, shopifyVariantGid, ...data },
    update: data,
  });
}

/** The variants among `links` the merchant ships from their own stock. */
export function variantsNotForCj(links: ReadonlyMap<string, VariantLinkRow>): Set<string> {
  return new Set([...links.values()].filter((l) => l.notFulfilledByCj).map((l) => l.shopifyVariantGid));
}

export type VidResolver = (line: QuoteLine) => Promise<string | null>;

/**
 * Resolves lines to CJ variants for one shop, reading and filling its VariantLinks (see the module comment).
 * `known`: the shop's links already read for these lines (forwarding reads them once for "not fulfilled by CJ").
 */
export function vidResolverFor(
  db: Db,
  cj: CjClient,
  shopId: string,
  now: Date = new Date(),
  known?: ReadonlyMap<string, VariantLinkRow>,
): VidResolver {
  const trusted = (link: VariantLinkRow | null | undefined) =>
    link?.cjVariantId &&
    (link.source === "APP" || (link.checkedAt && now.getTime() - link.checkedAt.getTime() < CONNECTION_LIFETIME_MS))
      ? link.cjVariantId
      : null;
  return async (line) => {
    if (line.vid) return line.vid;
    const gid = line.shopifyVariantId;
    if (gid) {
      const link =
        known?.get(gid) ??
        (await db.variantLink.findUnique({ where: { shopId_shopifyVariantGid: { shopId, shopifyVariantGid: gid } } }));
      const fresh = trusted(link);
      if (fresh) return fresh;
      const variantId = legacyId(gid);
      const answer = await cj.account.listConnections({ platformVariantId: variantId });
      const found = readCjConnections(answer).items.find((c) => c.platformVariantId === variantId);
      if (found) {
        await saveLink(db, shopId, gid, {
          cjVariantId: found.cjVariantId,
          cjProductId: found.cjProductId,
          source: "CJ",
          checkedAt: now,
          sku: line.sku,
        });
        return found.cjVariantId;
      }
    } else if (line.sku) {
      // Only a SKU (the freight quotes tool): a variant of the shop with that SKU that is connected.
      const bySku = await db.variantLink.findFirst({
        where: { shopId, sku: line.sku, cjVariantId: { not: null } },
        orderBy: { updatedAt: "desc" },
      });
      const fresh = trusted(bySku);
      if (fresh) return fresh;
    }
    if (line.sku) {
      const variant = await lookupCjVariant(db, cj, { sku: line.sku }, now);
      if (variant) return variant.vid;
    }
    return null;
  };
}

/** CJ refused a vid the shop's links gave (1602000/1602001): they are asked again next time. */
export async function forgetLinksForVids(db: Db, shopId: string, vids: readonly string[]) {
  if (vids.length === 0) return;
  await db.variantLink.updateMany({
    where: { shopId, cjVariantId: { in: [...vids] }, source: "CJ" },
    data: { cjVariantId: null, checkedAt: null },
  });
}

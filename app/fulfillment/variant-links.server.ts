/**
 * The forwarding side of product connections: which CJ variant a store variant is (VariantLink, written by the
 * Products page and by what forwarding learns from CJ), and which variants the merchant ships themselves.
 *
 * A line's CJ variant is, in order: the one already stored on the order line; the shop's VariantLink when the app
 * wrote it (Products page) or read it from CJ less than CONNECTION_LIFETIME_MS ago; CJ's connection list (free, one
 * call), remembered as a VariantLink; a CJ variant whose SKU is the store SKU (10 points, cached in CjVariant).
 */
import type { Db } from "../db.server";
import type { CjClient } from "../runtime/deps.server";
import { lookupCjVariant } from "./cj-variants.server";
import { legacyId } from "./mapping";
import type { QuoteLine } from "./quotes.server";

/** How long a connection read from CJ is trusted before CJ is asked again (the merchant may change it in CJ). */
export const CONNECTION_LIFETIME_MS = 24 * 60 * 60 * 1000;

export async function linksForVariants(db: Db, shopId: string, variantGids: readonly (string | null)[]) {
  const gids = [...new Set(variantGids.filter((g): g is string => !!g))];
  if (gids.length === 0) return new Map<string, Awaited<ReturnType<typeof db.variantLink.findMany>>[number]>();
  const rows = await db.variantLink.findMany({ where: { shopId, shopifyVariantGid: { in: gids } } });
  return new Map(rows.map((r) => [r.shopifyVariantGid, r]));
}

/** Variants of the shop the merchant ships from their own stock. */
export async function variantsNotForCj(db: Db, shopId: string, variantGids: readonly (string | null)[]) {
  const links = await linksForVariants(db, shopId, variantGids);
  return new Set([...links.values()].filter((l) => l.notFulfilledByCj).map((l) => l.shopifyVariantGid));
}

function connectionVid(answer: unknown, platformVariantId: string): string | null {
  const list = Array.isArray(answer)
    ? answer
    : answer && typeof answer === "object"
      ? ((answer as { list?: unknown[] }).list ?? (answer as { content?: unknown[] }).content ?? [])
      : [];
  for (const item of list as Array<Record<string, unknown>>) {
    if (String(item.platformVariantId ?? "") === platformVariantId && item.cjVariantId) return String(item.cjVariantId);
  }
  return null;
}

export type VidResolver = (line: QuoteLine) => Promise<string | null>;

/** Resolves lines to CJ variants for one shop, reading and filling its VariantLinks (see the module comment). */
export function vidResolverFor(db: Db, cj: CjClient, shopId: string, now: Date = new Date()): VidResolver {
  return async (line) => {
    if (line.vid) return line.vid;
    const gid = line.shopifyVariantId;
    if (gid) {
      const link = await db.variantLink.findUnique({
        where: { shopId_shopifyVariantGid: { shopId, shopifyVariantGid: gid } },
      });
      const fresh =
        link?.cjVariantId &&
        (link.source === "APP" ||
          (link.checkedAt && now.getTime() - link.checkedAt.getTime() < CONNECTION_LIFETIME_MS));
      if (fresh && link?.cjVariantId) return link.cjVariantId;
      const variantId = legacyId(gid);
      const vid = connectionVid(await cj.account.listConnections({ platformVariantId: variantId }), variantId);
      if (vid) {
        const data = { cjVariantId: vid, source: "CJ", checkedAt: now, sku: line.sku };
        await db.variantLink.upsert({
          where: { shopId_shopifyVariantGid: { shopId, shopifyVariantGid: gid } },
          create: { shopId, shopifyVariantGid: gid, ...data },
          update: data,
        });
        return vid;
      }
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

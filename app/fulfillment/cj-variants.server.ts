/**
 * CJ variant lookups by vid or SKU cost 10 points each (cj-api-facts "Points"), so every answer is kept in the
 * CjVariant table for VARIANT_LIFETIME_MS, shared by every shop (a CJ variant is the same for all of them): repeated
 * SKUs cost no second lookup. A SKU CJ does not know is kept too, for a shorter time, so a store full of its own SKUs
 * does not ask CJ again on every order. Lifetimes: docs/products.md.
 */
import type { CjVariant as CjVariantAnswer } from "../cj/responses";
import type { Db } from "../db.server";
import type { CjClient } from "../runtime/deps.server";

/** How long a known variant is trusted (name, SKU and price change rarely; connecting shows the price again). */
export const VARIANT_LIFETIME_MS = 24 * 60 * 60 * 1000;
/** How long "CJ has no variant with this SKU" is trusted. */
export const MISS_LIFETIME_MS = 6 * 60 * 60 * 1000;

export interface CjVariantInfo {
  vid: string;
  pid: string | null;
  sku: string | null;
  name: string | null;
  /** CJ's sell price in US dollars (decimal string). */
  sellPrice: string | null;
  weight: number | null;
  /** Answered from the cache (no points spent). */
  cached: boolean;
}

export type CjVariantRef = { vid: string } | { sku: string };

const keyOf = (ref: CjVariantRef) => ("vid" in ref ? `vid:${ref.vid.trim()}` : `sku:${ref.sku.trim()}`);

function info(row: {
  vid: string | null;
  pid: string | null;
  sku: string | null;
  name: string | null;
  sellPrice: string | null;
  weight: number | null;
}): CjVariantInfo | null {
  if (!row.vid) return null;
  return {
    vid: row.vid,
    pid: row.pid,
    sku: row.sku,
    name: row.name,
    sellPrice: row.sellPrice,
    weight: row.weight,
    cached: true,
  };
}

function fromAnswer(v: CjVariantAnswer) {
  return {
    vid: v.vid ?? null,
    pid: v.pid ?? null,
    sku: v.variantSku ?? null,
    name: v.variantNameEn ?? v.variantName ?? null,
    sellPrice: v.variantSellPrice ?? null,
    weight: typeof v.variantWeight === "number" ? Math.round(v.variantWeight) : null,
  };
}

async function remember(db: Db, lookupKey: string, row: ReturnType<typeof fromAnswer> | null, now: Date) {
  const data = {
    vid: row?.vid ?? null,
    pid: row?.pid ?? null,
    sku: row?.sku ?? null,
    name: row?.name ?? null,
    sellPrice: row?.sellPrice ?? null,
    weight: row?.weight ?? null,
    fetchedAt: now,
  };
  await db.cjVariant.upsert({ where: { lookupKey }, create: { lookupKey, ...data }, update: data });
}

/** The CJ variant for a vid or a CJ SKU, or null when CJ has none (answers from the cache while it is fresh). */
export async function lookupCjVariant(
  db: Db,
  cj: CjClient,
  ref: CjVariantRef,
  now: Date = new Date(),
): Promise<CjVariantInfo | null> {
  const lookupKey = keyOf(ref);
  if (lookupKey.endsWith(":")) return null;
  const hit = await db.cjVariant.findUnique({ where: { lookupKey } });
  if (hit) {
    const lifetime = hit.vid ? VARIANT_LIFETIME_MS : MISS_LIFETIME_MS;
    if (now.getTime() - hit.fetchedAt.getTime() < lifetime) return info(hit);
  }
  let found: ReturnType<typeof fromAnswer> | null = null;
  if ("vid" in ref) {
    const answer = await cj.account.queryVariantByVid(ref.vid.trim()).catch((error: unknown) => {
      // 1602000 "variant not found" is an answer, not a failure.
      if ((error as { code?: number }).code === 1602000) return null;
      throw error;
    });
    found = answer?.vid ? fromAnswer(answer) : null;
  } else {
    const sku = ref.sku.trim();
    const list = await cj.account.queryVariants({ variantSku: sku });
    const match = (list ?? []).find((v) => (v.variantSku ?? "").toLowerCase() === sku.toLowerCase());
    found = match?.vid ? fromAnswer(match) : null;
  }
  await remember(db, lookupKey, found, now);
  // The same variant is then known under its other key as well (a vid lookup teaches its SKU, and back).
  if (found?.vid) {
    const other = "vid" in ref ? (found.sku ? `sku:${found.sku}` : null) : `vid:${found.vid}`;
    if (other) await remember(db, other, found, now);
  }
  return found?.vid ? { ...found, vid: found.vid, cached: false } : null;
}

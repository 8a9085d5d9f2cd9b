/**
 * Freight quotes for an order's lines. orderFlow=2 sends store SKUs, but CJ's freight endpoints take CJ variant ids
 * (vid), so each line's vid is resolved first, by the caller's resolver (variant-links.server.ts: the shop's
 * connections, then CJ's, then a cached SKU lookup). Quotes cost 10 points each, so an answer is kept per CJ account
 * for QUOTE_TTL_MS (10 minutes) in the database (CjFreightQuote): every shop and every process of the account reuses it
 * for the same origin, destination (country and first three characters of the zip) and variants with quantities. A
 * miss costs one freightCalculate for the whole order.
 */
import { createHash } from "node:crypto";
import { isUniqueViolation } from "../db/errors";
import type { Db } from "../db.server";
import type { CjClient } from "../runtime/deps.server";
import type { FreightOption } from "./rules";
import { sortOptions } from "./rules";

export interface QuoteLine {
  sku: string | null;
  shopifyVariantId: string | null;
  quantity: number;
  /** A vid already known (stored on the order line). */
  vid?: string | null;
}

export interface QuoteRequest {
  /** How a line's CJ variant is found (vidResolverFor); without one, only the lines' known vids are used. */
  resolveVid?: (line: QuoteLine) => Promise<string | null>;
  fromCountryCode: string;
  countryCode: string;
  zip?: string | null;
  lines: QuoteLine[];
  /** Where answers are kept: the CJ account's quotes. Without it (the sandbox test order) nothing is kept. */
  cache?: { db: Db; accountId: string | null };
}

export interface QuoteResult {
  options: FreightOption[];
  /** vid per line, in order; null when the line is not connected to a CJ product. */
  vids: (string | null)[];
  unmapped: string[];
  cached: boolean;
}

/** How long a freight answer is reused (CJ's prices and methods change rarely within minutes). */
export const QUOTE_TTL_MS = 10 * 60 * 1000;

export async function quoteFreight(
  cj: CjClient,
  request: QuoteRequest,
  now: number = Date.now(),
): Promise<QuoteResult> {
  const vids: (string | null)[] = [];
  const resolve = request.resolveVid ?? (async (l: QuoteLine) => l.vid ?? null);
  for (const line of request.lines) vids.push(await resolve(line));
  const unmapped = request.lines.filter((_, i) => !vids[i]).map((l) => l.sku ?? "(no SKU)");
  if (unmapped.length > 0) return { options: [], vids, unmapped, cached: false };
  const products = request.lines.map((l, i) => ({ vid: vids[i] as string, quantity: l.quantity }));
  const quoteKey = createHash("sha256")
    .update(
      JSON.stringify([
        request.fromCountryCode,
        request.countryCode,
        (request.zip ?? "").slice(0, 3),
        [...products].sort((a, b) => a.vid.localeCompare(b.vid) || a.quantity - b.quantity),
      ]),
    )
    .digest("base64url");
  const accountId = request.cache?.accountId ?? null;
  const db = request.cache?.db;
  if (db && accountId) {
    const hit = await db.cjFreightQuote.findUnique({ where: { accountId_quoteKey: { accountId, quoteKey } } });
    if (hit && now - hit.fetchedAt.getTime() < QUOTE_TTL_MS) {
      return { options: JSON.parse(hit.options) as FreightOption[], vids, unmapped, cached: true };
    }
  }
  const quotes = await cj.logistics.freightCalculate({
    startCountryCode: request.fromCountryCode,
    endCountryCode: request.countryCode,
    ...(request.zip ? { zip: request.zip } : {}),
    products,
  });
  const options = sortOptions(
    (quotes ?? [])
      .filter((q) => q.logisticName && q.logisticPrice !== null)
      .map((q) => ({
        logisticName: q.logisticName as string,
        price: (q.totalPostageFee ?? q.logisticPrice) as string,
        aging: q.logisticAging ?? null,
        source: "freightCalculate",
      })),
  );
  if (db && accountId) {
    const fetchedAt = new Date(now);
    const stored = { options: JSON.stringify(options), fetchedAt };
    await db.cjFreightQuote
      .upsert({
        where: { accountId_quoteKey: { accountId, quoteKey } },
        create: { accountId, quoteKey, ...stored },
        update: stored,
      })
      .catch((error: unknown) => {
        // Another process stored the same answer at the same moment: theirs is as good.
        if (!isUniqueViolation(error)) throw error;
      });
    // Expired answers are not kept: one cheap delete per miss, on the fetchedAt index.
    await db.cjFreightQuote.deleteMany({ where: { fetchedAt: { lt: new Date(now - QUOTE_TTL_MS) } } });
  }
  return { options, vids, unmapped, cached: false };
}

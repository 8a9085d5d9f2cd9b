/**
 * Freight quotes for an order's lines. orderFlow=2 sends store SKUs, but CJ's freight endpoints take CJ variant ids
 * (vid), so each line's vid is resolved first, by the caller's resolver (variant-links.server.ts: the shop's
 * connections, then CJ's, then a cached SKU lookup). Quotes are cached briefly (they cost points).
 */
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
}

export interface QuoteResult {
  options: FreightOption[];
  /** vid per line, in order; null when the line is not connected to a CJ product. */
  vids: (string | null)[];
  unmapped: string[];
  cached: boolean;
}

const TTL_MS = 10 * 60 * 1000;
const cache = new Map<string, { at: number; options: FreightOption[] }>();

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
  const key = JSON.stringify([
    request.fromCountryCode,
    request.countryCode,
    (request.zip ?? "").slice(0, 3),
    [...products].sort((a, b) => a.vid.localeCompare(b.vid)),
  ]);
  const hit = cache.get(key);
  if (hit && now - hit.at < TTL_MS) return { options: hit.options, vids, unmapped, cached: true };
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
  // Keep the cache small: drop what has expired once it grows (one process serves many shops).
  if (cache.size >= 5000) {
    for (const [k, v] of cache) if (now - v.at >= TTL_MS) cache.delete(k);
  }
  cache.set(key, { at: now, options });
  return { options, vids, unmapped, cached: false };
}

export function clearQuoteCache() {
  cache.clear();
}

/** What the Products page and its server module share: the tabs, the URL's query and how old a connection is. */
import { z } from "zod";
import { t } from "../i18n/strings";

export const PRODUCT_TABS = ["all", "unconnected", "connected", "notCj"] as const;
export type ProductTab = (typeof PRODUCT_TABS)[number];

export interface ProductsQuery {
  tab: ProductTab;
  /** The merchant's search text (titles, SKUs). */
  q: string;
  after: string | null;
  before: string | null;
  /** `?variant=<gid>`: the one variant an order page links to. */
  variant: string | null;
}

const cursor = z
  .string()
  .max(500)
  .regex(/^[A-Za-z0-9_=+/-]+$/)
  .nullable()
  .catch(null);

const querySchema = z.object({
  tab: z.enum(PRODUCT_TABS).catch("all"),
  q: z
    .string()
    .transform((q) => q.trim().slice(0, 200))
    .catch(""),
  after: cursor,
  before: cursor,
  variant: z
    .string()
    .regex(/^gid:\/\/shopify\/ProductVariant\/\d+$/)
    .nullable()
    .catch(null),
});

/** Anything unreadable in the URL falls back to the default (all variants, first page) rather than failing. */
export function parseProductsQuery(url: URL): ProductsQuery {
  const p = url.searchParams;
  return querySchema.parse({
    tab: p.get("tab") ?? "all",
    q: p.get("q") ?? "",
    after: p.get("after"),
    before: p.get("before"),
    variant: p.get("variant"),
  });
}

/** "just now", "12 min ago", "3 h ago", "4 d ago". */
export function ageOf(iso: string, now: Date = new Date()): string {
  const minutes = Math.max(0, Math.floor((now.getTime() - Date.parse(iso)) / 60_000));
  if (minutes < 1) return t("products.age.now");
  if (minutes < 60) return t("products.age.minutes", { n: minutes });
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return t("products.age.hours", { n: hours });
  return t("products.age.days", { n: Math.floor(hours / 24) });
}

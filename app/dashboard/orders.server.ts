/**
 * The Orders page query: one shop's orders by tab, search and date, keyset-paginated on (createdAt, id) so page 500
 * costs what page 1 costs (the (shopId, state, createdAt) and (shopId, createdAt) indexes serve both orders).
 * Search is exact or prefix (no case-insensitive mode: SQLite's Prisma provider lacks it).
 */
import type { Db } from "../db.server";
import { ORDER_TABS, type OrderTab, SETUP_HOLD, statesOfTab, tabWhere } from "./tabs";

export interface OrdersQuery {
  tab: OrderTab;
  q: string;
  from: string | null;
  to: string | null;
  /** newest / oldest by creation; profit-asc / profit-desc by profit (only orders whose profit is known). */
  sort: OrdersSort;
  /** Opaque cursors: rows after the `after` row / before the `before` row, in display order. */
  after: string | null;
  before: string | null;
  limit: number;
}

export const ORDER_SORTS = ["newest", "oldest", "profit-asc", "profit-desc"] as const;
export type OrdersSort = (typeof ORDER_SORTS)[number];

export interface OrderRow {
  id: string;
  name: string;
  createdAt: string;
  customer: string | null;
  state: string;
  total: string | null;
  currency: string | null;
  cjOrderId: string | null;
  trackingNumber: string | null;
  /** USD, decimal string; null until CJ's costs (and a rate) are known. */
  profit: string | null;
}

export interface OrdersPage {
  rows: OrderRow[];
  next: string | null;
  previous: string | null;
  counts: Record<OrderTab, number>;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function parseOrdersQuery(url: URL): OrdersQuery {
  const p = url.searchParams;
  const tab = (ORDER_TABS as readonly string[]).includes(p.get("tab") ?? "") ? (p.get("tab") as OrderTab) : "all";
  const from = p.get("from");
  const to = p.get("to");
  const limit = Number(p.get("limit") ?? 50);
  return {
    tab,
    q: (p.get("q") ?? "").trim().slice(0, 100),
    from: from && DATE.test(from) ? from : null,
    to: to && DATE.test(to) ? to : null,
    sort: (ORDER_SORTS as readonly string[]).includes(p.get("sort") ?? "") ? (p.get("sort") as OrdersSort) : "newest",
    after: p.get("after"),
    before: p.get("before"),
    limit: Number.isInteger(limit) && limit > 0 && limit <= 250 ? limit : 50,
  };
}

/** The row's place in the order shown: its creation time, or (sorted by profit) its profit in cents, then its id. */
export function encodeCursor(
  row: { createdAt: Date; id: string; profitCents?: number | null },
  byProfit = false,
): string {
  const key = byProfit ? `p${row.profitCents ?? 0}` : row.createdAt.toISOString();
  return Buffer.from(`${key}|${row.id}`).toString("base64url");
}

export function decodeCursor(
  cursor: string | null,
  byProfit = false,
): { createdAt: Date; profitCents: number; id: string } | null {
  if (!cursor) return null;
  const [key = "", id] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  if (!id) return null;
  if (byProfit) {
    const cents = Number(key.slice(1));
    return key.startsWith("p") && Number.isInteger(cents) ? { createdAt: new Date(0), profitCents: cents, id } : null;
  }
  const createdAt = new Date(key);
  if (Number.isNaN(createdAt.getTime())) return null;
  return { createdAt, profitCents: 0, id };
}

/** Where-clause for the search box: order name (with or without #), tracking number, email, customer name prefix. */
function searchWhere(q: string) {
  if (!q) return {};
  const name = q.startsWith("#") ? q : `#${q}`;
  return {
    OR: [
      { shopifyOrderName: { startsWith: name } },
      { shopifyOrderName: q },
      { trackingNumber: q },
      { cjOrderId: q },
      { customerEmail: q.toLowerCase() },
      { customerEmail: q },
      { customerName: { startsWith: q } },
    ],
  };
}

export async function listOrders(db: Db, shopDomain: string, query: OrdersQuery): Promise<OrdersPage> {
  const shop = await db.shop.findUnique({ where: { domain: shopDomain }, select: { id: true } });
  const counts = Object.fromEntries(ORDER_TABS.map((t) => [t, 0])) as Record<OrderTab, number>;
  if (!shop) return { rows: [], next: null, previous: null, counts };

  const createdAt: { gte?: Date; lt?: Date } = {};
  if (query.from) createdAt.gte = new Date(`${query.from}T00:00:00.000Z`);
  if (query.to) createdAt.lt = new Date(new Date(`${query.to}T00:00:00.000Z`).getTime() + 86_400_000);

  // Display order: newest = (createdAt desc, id desc). Paging backwards reads the reverse order, then flips.
  const backwards = Boolean(query.before) && !query.after;
  const byProfit = query.sort === "profit-asc" || query.sort === "profit-desc";
  const cursor = decodeCursor(backwards ? query.before : query.after, byProfit);
  const descending = (query.sort === "newest" || query.sort === "profit-desc") !== backwards;
  const cmp = descending ? "lt" : "gt";
  const keyset = !cursor
    ? {}
    : byProfit
      ? {
          OR: [
            { profitCents: { [cmp]: cursor.profitCents } },
            { profitCents: cursor.profitCents, id: { [cmp]: cursor.id } },
          ],
        }
      : {
          OR: [{ createdAt: { [cmp]: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { [cmp]: cursor.id } }],
        };
  const dir = descending ? "desc" : "asc";

  const [found, grouped, waitingForSetup] = await Promise.all([
    db.order.findMany({
      where: {
        AND: [
          { shopId: shop.id },
          tabWhere(query.tab),
          Object.keys(createdAt).length ? { createdAt } : {},
          searchWhere(query.q),
          byProfit ? { profitCents: { not: null } } : {},
          keyset,
        ],
      },
      orderBy: byProfit ? [{ profitCents: dir }, { id: dir }] : [{ createdAt: dir }, { id: dir }],
      take: query.limit + 1,
      select: {
        id: true,
        shopifyOrderName: true,
        createdAt: true,
        customerName: true,
        customerEmail: true,
        state: true,
        totalPrice: true,
        currency: true,
        cjOrderId: true,
        trackingNumber: true,
        profitUsd: true,
        profitCents: true,
      },
    }),
    db.order.groupBy({ by: ["state"], where: { shopId: shop.id }, _count: { _all: true } }),
    db.order.count({ where: { shopId: shop.id, ...SETUP_HOLD } }),
  ]);

  const more = found.length > query.limit;
  const page = found.slice(0, query.limit);
  if (backwards) page.reverse();
  const first = page[0];
  const last = page[page.length - 1];
  // A further page exists in the direction we came from whenever we arrived through a cursor.
  const next = (backwards ? Boolean(cursor) : more) && last ? encodeCursor(last, byProfit) : null;
  const previous = (backwards ? more : Boolean(cursor)) && first ? encodeCursor(first, byProfit) : null;

  for (const g of grouped) {
    counts.all += g._count._all;
    for (const tab of ORDER_TABS) {
      if (tab !== "all" && tab !== "setup" && statesOfTab(tab)?.includes(g.state)) counts[tab] += g._count._all;
    }
  }
  counts.setup = waitingForSetup;
  counts.held -= waitingForSetup;
  return {
    rows: page.map((o) => ({
      id: o.id,
      name: o.shopifyOrderName,
      createdAt: o.createdAt.toISOString(),
      customer: o.customerName ?? o.customerEmail,
      state: o.state,
      total: o.totalPrice,
      currency: o.currency,
      cjOrderId: o.cjOrderId,
      trackingNumber: o.trackingNumber,
      profit: o.profitUsd,
    })),
    next,
    previous,
    counts,
  };
}

/**
 * The CJ points budget per account and UTC day (issue 15). Every successful call that costs points (cj/points.ts) is
 * counted in CjPointsDay; the home page shows the day's count. Orders are what the points are for: the merchant's
 * own quote lookups (the order page's options, the freight quotes tool) are deferred once the day's count reaches
 * QUOTE_SHARE of the budget, so the rest stays for the freight quotes and variant lookups new orders need. CJ's own
 * refusal (1600201) still stops everything until the reset (transport.server.ts).
 */

import { AsyncLocalStorage } from "node:async_hooks";
import { isUniqueViolation } from "../db/errors";
import type { Db } from "../db.server";
import { logger } from "../logger.server";

/** CJ's base daily points (cj-api-facts); CJ_DAILY_POINTS overrides it for an account level with more. */
export const DEFAULT_DAILY_POINTS = 50_000;
/** The share of the day's points the merchant's quote lookups may use before they are deferred. */
export const QUOTE_SHARE = 0.6;

export function dailyPointsBudget(env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env.CJ_DAILY_POINTS ?? DEFAULT_DAILY_POINTS);
  return Number.isFinite(value) && value > 0 ? Math.floor(value) : DEFAULT_DAILY_POINTS;
}

export const utcDay = (at: Date) => at.toISOString().slice(0, 10);
const nextReset = (at: Date) => new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate() + 1));

/** Adds a successful call's points to the account's day (one upsert; a create race is retried as an update). */
export async function recordPoints(
  db: Db,
  accountId: string,
  points: number,
  opts: { quote?: boolean; now?: Date } = {},
): Promise<void> {
  const day = utcDay(opts.now ?? new Date());
  const increment = { points: { increment: points }, calls: { increment: 1 } } as const;
  const quote = opts.quote ? { quotePoints: { increment: points } } : {};
  const where = { accountId_day: { accountId, day } };
  try {
    await db.cjPointsDay.upsert({
      where,
      create: { accountId, day, points, calls: 1, quotePoints: opts.quote ? points : 0 },
      update: { ...increment, ...quote },
    });
  } catch (error) {
    // Two first calls of the day created the row at once (a unique violation): the row exists now.
    if (!isUniqueViolation(error)) throw error;
    await db.cjPointsDay.update({ where, data: { ...increment, ...quote } });
  }
}

/** For the CJ client's `onPointsSpent`: counts without ever failing the call that spent them. */
export function pointsRecorder(db: Db, accountId: string) {
  return (path: string, points: number) => {
    recordPoints(db, accountId, points, { quote: quoteScope.active() }).catch((error: unknown) =>
      logger.warn({ accountId, endpoint: path, err: (error as Error).message }, "CJ points could not be counted"),
    );
  };
}

/**
 * Marks the CJ calls made inside `run` as the merchant's quote lookups (counted in quotePoints). Node's
 * AsyncLocalStorage carries the mark through the awaits of `run` only.
 */
const quoteStorage = new AsyncLocalStorage<true>();
export const quoteScope = {
  run: <T>(run: () => Promise<T>) => quoteStorage.run(true, run),
  active: () => quoteStorage.getStore() === true,
};

export interface PointsToday {
  day: string;
  used: number;
  quotePoints: number;
  budget: number;
  /** The count at which the merchant's quote lookups are deferred. */
  quoteLimit: number;
  resetsAt: Date;
}

export async function pointsToday(db: Db, accountId: string, now: Date = new Date()): Promise<PointsToday> {
  const day = utcDay(now);
  const row = await db.cjPointsDay.findUnique({ where: { accountId_day: { accountId, day } } });
  const budget = dailyPointsBudget();
  return {
    day,
    used: row?.points ?? 0,
    quotePoints: row?.quotePoints ?? 0,
    budget,
    quoteLimit: Math.floor(budget * QUOTE_SHARE),
    resetsAt: nextReset(now),
  };
}

/** The merchant's quote lookup would eat into the points kept for orders: it waits for the reset. */
export class QuotesDeferredError extends Error {
  override readonly name = "QuotesDeferredError";
}

/** Throws QuotesDeferredError when the account's day has reached the quote limit. */
export async function assertQuotesAllowed(db: Db, accountId: string | null, now: Date = new Date()) {
  if (!accountId) return;
  const today = await pointsToday(db, accountId, now);
  if (today.used < today.quoteLimit) return;
  const fmt = (n: number) => n.toLocaleString("en-US");
  throw new QuotesDeferredError(
    `Quotes are paused until ${today.resetsAt.toISOString().slice(11, 16)} UTC: your CJ account has used ${fmt(today.used)} of its ${fmt(today.budget)} daily points, and the rest is kept for your orders (each quote costs 10 points). Orders are still forwarded with their shipping method.`,
  );
}

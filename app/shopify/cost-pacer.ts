/**
 * Paces Admin GraphQL calls per shop from what Shopify reports about its bucket (shopify.dev "API rate limits":
 * the `extensions.cost.throttleStatus` of every answer). A query is admitted only when the bucket holds its requested
 * cost, so a shop's calls do not all run into THROTTLED together and then race for the refill.
 *
 * The view of each bucket is the last one Shopify reported, restored at `restoreRate` since then, minus what this
 * process admitted after it. Other processes' use of the same bucket shows up in the next answer this process gets;
 * THROTTLED stays the backstop (the client waits for the refill and tries again). Callers of one shop are admitted
 * in arrival order, so a large query is not starved by a stream of small ones.
 */

import type { QueryCost } from "./graphql";

interface BucketView {
  available: number;
  maximumAvailable: number;
  restoreRate: number;
  /** performance.now() of the report (or of the last local admission). */
  at: number;
}

export interface ShopifyCostPacer {
  /** Resolves when a query `operation` of `shop` may be sent (`sleep` waits; tests pass a fake one). */
  admit(shop: string, operation: string | null, sleep?: (ms: number) => Promise<void>): Promise<void>;
  /** Records what Shopify reported for a query of `shop` (successful or THROTTLED). */
  observe(shop: string, operation: string | null, cost: QueryCost | null): void;
}

export interface CostPacerOptions {
  now?: () => number;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createShopifyCostPacer(options: CostPacerOptions = {}): ShopifyCostPacer {
  const now = options.now ?? (() => performance.now());
  const buckets = new Map<string, BucketView>();
  /** Requested cost of each operation as Shopify last computed it (it depends on the document, not the data). */
  const requested = new Map<string, number>();
  /** The tail of each shop's admission line. */
  const lines = new Map<string, Promise<void>>();

  const estimate = (view: BucketView, t: number) =>
    Math.min(view.maximumAvailable, view.available + ((t - view.at) / 1000) * view.restoreRate);

  /** Resolvers of callers waiting for the next report about a shop's bucket. */
  const listeners = new Map<string, Array<() => void>>();
  const nextReport = (shop: string) =>
    new Promise<true>((resolve) => {
      const list = listeners.get(shop) ?? [];
      list.push(() => resolve(true));
      listeners.set(shop, list);
    });

  const waitForRoom = async (shop: string, operation: string | null, sleep: (ms: number) => Promise<void>) => {
    const need = operation ? (requested.get(operation) ?? 0) : 0;
    for (;;) {
      const view = buckets.get(shop);
      // Nothing known yet (first call, or a query never seen): send it and learn from the answer.
      if (!view || need === 0 || view.restoreRate <= 0) return;
      // A query that costs more than the bucket holds is answered MAX_COST_EXCEEDED by Shopify: do not wait for it.
      const target = Math.min(need, view.maximumAvailable);
      const available = estimate(view, now());
      if (available >= target) {
        view.available = available - target;
        view.at = now();
        return;
      }
      // Wait for the restore, or less when an answer (a refund of a query in flight) reports more room. The callers
      // behind this one wait in line, so the room restored meanwhile is this caller's.
      const reported = await Promise.race([
        sleep(Math.ceil(((target - available) / view.restoreRate) * 1000)).then(() => false),
        nextReport(shop),
      ]);
      if (reported) continue;
      const latest = buckets.get(shop) ?? view;
      const t = now();
      latest.available = Math.max(0, estimate(latest, t) - target);
      latest.at = t;
      return;
    }
  };

  return {
    admit(shop, operation, sleep = defaultSleep) {
      const previous = lines.get(shop) ?? Promise.resolve();
      const mine = previous.then(() => waitForRoom(shop, operation, sleep));
      const tail = mine.catch(() => {});
      lines.set(shop, tail);
      void tail.then(() => {
        if (lines.get(shop) === tail) lines.delete(shop);
      });
      return mine;
    },
    observe(shop, operation, cost) {
      if (!cost?.throttleStatus) return;
      if (operation && Number.isFinite(cost.requestedQueryCost)) requested.set(operation, cost.requestedQueryCost);
      const status = cost.throttleStatus;
      buckets.set(shop, {
        available: status.currentlyAvailable,
        maximumAvailable: status.maximumAvailable,
        restoreRate: status.restoreRate,
        at: now(),
      });
      const waiting = listeners.get(shop);
      listeners.delete(shop);
      for (const wake of waiting ?? []) wake();
    },
  };
}

/** One pacer per process: every Admin client of a shop in this process shares its view of the shop's bucket. */
export const processShopifyCostPacer: ShopifyCostPacer = createShopifyCostPacer();

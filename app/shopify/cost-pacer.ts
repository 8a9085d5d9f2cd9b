/**
 * Paces Admin GraphQL calls per shop from what Shopify reports about its bucket (shopify.dev "API rate limits":
 * the `extensions.cost.throttleStatus` of every answer). A query is admitted only when the bucket holds its requested
 * cost, so a shop's calls do not all run into THROTTLED together and then race for the refill.
 *
 * The view of each bucket is the last one Shopify reported, restored at `restoreRate` since then, less the requested
 * cost of every query this process admitted and has not had an answer for yet (Shopify may not have counted them
 * when it reported). Other processes' use of the same bucket shows up in the next answer this process gets;
 * THROTTLED stays the backstop (the client waits for the refill and tries again). Callers of one shop are admitted
 * in arrival order, so a large query is not starved by a stream of small ones.
 */

import type { QueryCost } from "./graphql";

interface BucketView {
  /** Points left after the queries admitted and not yet answered, at `at`. */
  available: number;
  maximumAvailable: number;
  restoreRate: number;
  /** now() of the report (or of the last local admission). */
  at: number;
}

/** One admitted query: `done` with the answer's cost extension (null when there was none) gives back its share. */
export interface PacerTicket {
  done(cost: QueryCost | null): void;
}

export interface ShopifyCostPacer {
  /** Resolves when a query `operation` of `shop` may be sent (`sleep` waits; tests pass a fake one). */
  admit(shop: string, operation: string | null, sleep?: (ms: number) => Promise<void>): Promise<PacerTicket>;
}

export interface CostPacerOptions {
  now?: () => number;
}

/** The pacer's own waits never keep a process alive that has nothing else to do. */
const defaultSleep = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms).unref();
  });

export function createShopifyCostPacer(options: CostPacerOptions = {}): ShopifyCostPacer {
  const now = options.now ?? (() => performance.now());
  const buckets = new Map<string, BucketView>();
  /** Requested cost of each operation as Shopify last computed it (it depends on the document, not the data). */
  const requested = new Map<string, number>();
  /** Requested cost of the queries admitted per shop and not answered yet. */
  const inFlight = new Map<string, number>();
  /** The tail of each shop's admission line. */
  const lines = new Map<string, Promise<unknown>>();
  /** Callers waiting for the next report about a shop's bucket. */
  const listeners = new Map<string, Set<() => void>>();

  const estimate = (view: BucketView, t: number) =>
    Math.min(view.maximumAvailable, view.available + ((t - view.at) / 1000) * view.restoreRate);

  const record = (shop: string, operation: string | null, cost: QueryCost | null) => {
    if (!cost?.throttleStatus) return;
    if (operation && Number.isFinite(cost.requestedQueryCost)) requested.set(operation, cost.requestedQueryCost);
    const status = cost.throttleStatus;
    buckets.set(shop, {
      available: status.currentlyAvailable - (inFlight.get(shop) ?? 0),
      maximumAvailable: status.maximumAvailable,
      restoreRate: status.restoreRate,
      at: now(),
    });
    const waiting = listeners.get(shop);
    listeners.delete(shop);
    for (const wake of waiting ?? []) wake();
  };

  /** Sleeps `ms`, or less when a report about the shop comes first (true then). */
  const sleepOrReport = (shop: string, ms: number, sleep: (ms: number) => Promise<void>) => {
    let wake: () => void = () => {};
    const reported = new Promise<true>((resolve) => {
      wake = () => resolve(true);
    });
    const set = listeners.get(shop) ?? new Set();
    set.add(wake);
    listeners.set(shop, set);
    return Promise.race([sleep(ms).then(() => false as const), reported]).finally(() => {
      listeners.get(shop)?.delete(wake);
    });
  };

  /** Waits for room for `operation` and reserves it; returns the reserved cost. */
  const waitForRoom = async (shop: string, operation: string | null, sleep: (ms: number) => Promise<void>) => {
    const need = operation ? (requested.get(operation) ?? 0) : 0;
    for (;;) {
      const view = buckets.get(shop);
      // Nothing known yet (first call, or a query never seen): send it and learn from the answer. A query that
      // costs more than the bucket can hold is refused by Shopify (MAX_COST_EXCEEDED) whatever the wait.
      if (!view || need === 0 || view.restoreRate <= 0 || need > view.maximumAvailable) return 0;
      const available = estimate(view, now());
      if (available < need) {
        // Wait for the restore, or less when an answer (a refund of a query in flight) reports more room. The
        // callers behind this one wait in line, so the room restored meanwhile is this caller's.
        const reported = await sleepOrReport(shop, Math.ceil(((need - available) / view.restoreRate) * 1000), sleep);
        if (reported) continue;
      }
      const latest = buckets.get(shop) ?? view;
      const t = now();
      latest.available = Math.max(0, estimate(latest, t)) - need;
      latest.at = t;
      return need;
    }
  };

  return {
    async admit(shop, operation, sleep = defaultSleep) {
      const previous = lines.get(shop) ?? Promise.resolve();
      const mine = previous.then(() => waitForRoom(shop, operation, sleep));
      const tail = mine.catch(() => {});
      lines.set(shop, tail);
      void tail.then(() => {
        if (lines.get(shop) === tail) lines.delete(shop);
      });
      const reserved = await mine;
      inFlight.set(shop, (inFlight.get(shop) ?? 0) + reserved);
      let settled = false;
      return {
        done(cost) {
          if (settled) return;
          settled = true;
          const left = (inFlight.get(shop) ?? 0) - reserved;
          if (left > 0) inFlight.set(shop, left);
          else inFlight.delete(shop);
          record(shop, operation, cost);
        },
      };
    },
  };
}

/** One pacer per process: every Admin client of a shop in this process shares its view of the shop's bucket. */
export const processShopifyCostPacer: ShopifyCostPacer = createShopifyCostPacer();

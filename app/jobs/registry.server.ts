/** Every job the app runs, with its tries and what happens when they are used up. Same table for both profiles. */

import { CjApiError, nextUtcMidnight } from "../cj/errors";
import { dbProfile } from "../db.server";
import { cancelCjOrder } from "../fulfillment/cancel.server";
import { refreshCurrencyRates } from "../fulfillment/currency.server";
import { type ForwardDeps, forwardOrderToCj } from "../fulfillment/forward.server";
import { payCjOrder } from "../fulfillment/payment.server";
import { reconcileOrders } from "../fulfillment/reconcile.server";
import { recordOrderEvent, transitionOrder } from "../fulfillment/state";
import { registerTrackingJobs } from "../fulfillment/tracking/jobs.server";
import { checkAccountWebhooks, checkCjWebhooks } from "../fulfillment/tracking/webhook-health.server";
import { logger } from "../logger.server";
import { refreshDueOrderCosts } from "../money/costs.server";
import { syncAllMakeupBills, syncMakeupBills } from "../money/makeup.server";
import { registerProductJobs } from "../products/batch.server";
import { runTestOrder } from "../settings/test-order.server";
import { ReconnectNeededError } from "../shopify/offline-tokens.server";
import { registerStockJobs } from "../stock/jobs.server";
import { giveWayToIntake } from "../webhooks/intake-pressure";
import { noteShopifyWebhookFailure, processShopifyWebhookReceipt } from "../webhooks/shopify-process.server";
import { type JobContext, type JobDefinition, type JobName, type JobRunner, orderJobKey } from "./queue";

const orderIdOf = (data: Record<string, unknown>) => String(data.orderId ?? "");
/** RECONCILE_FAILED_RETRY_SECONDS: how long after failing a FAILED order is forwarded again (default 600 s). */
const failedRetryAfterSeconds = Number(process.env.RECONCILE_FAILED_RETRY_SECONDS ?? 0);

/** RECONNECT_RECHECK_SECONDS: how often a job waiting for the merchant to reconnect Shopify looks again (60 s). */
const reconnectRecheckSeconds = Number(process.env.RECONNECT_RECHECK_SECONDS ?? 60);

/** What a wait wrapper does around every handler: after a run that got through, and with an error it takes in. */
interface Around {
  /** Returns true when it took the error in (the job then ends without using a try). */
  failed(name: JobName, data: Record<string, unknown>, error: unknown, ctx: JobContext): Promise<boolean>;
  succeeded?(name: JobName, data: Record<string, unknown>): Promise<void>;
}

function around(runner: JobRunner, wrap: Around): JobRunner {
  return {
    ...runner,
    register(name: JobName, definition: JobDefinition) {
      runner.register(name, {
        ...definition,
        handler: async (data, ctx) => {
          try {
            await definition.handler(data, ctx);
          } catch (error) {
            if (await wrap.failed(name, data, error, ctx)) return;
            throw error;
          }
          await wrap.succeeded?.(name, data);
        },
      });
    },
  };
}

/**
 * Jobs of a shop whose Shopify token was refused wait for the merchant instead of using up their tries and failing
 * the order: the job is sent again a little later under the same key, and goes on once the token exchange (the
 * merchant opening the app) has cleared "reconnect needed".
 */
function waitingForReconnect(runner: JobRunner): JobRunner {
  return around(runner, {
    async failed(name, data, error, ctx) {
      if (!(error instanceof ReconnectNeededError)) return false;
      logger.warn({ job: name, shop: error.shop, ...data }, "job waits for the merchant to reconnect Shopify");
      // Sent again under its own key, so the queue's one-queued-one-running rule still holds for it.
      const key = ctx.singletonKey ? { singletonKey: ctx.singletonKey } : {};
      await runner.enqueue(name, data, { ...key, startAfterSeconds: reconnectRecheckSeconds });
      return true;
    },
  });
}

const QUOTA_WAIT_PREFIX = "CJ daily quota reached";

/**
 * A job stopped by CJ's daily quota (1600201, or the unverified-account daily limit) waits for the reset instead of
 * spending its tries within minutes: the job is sent again for just after the reset, and an order's page says why
 * it waits ("CJ daily quota reached (…); the order goes on by itself at …"). Scheduled sweeps simply end; their next run tries again (the
 * transport refuses the exhausted endpoint locally until the reset, so they cost CJ nothing).
 */
function waitingForCjQuota(runner: JobRunner, deps: ForwardDeps): JobRunner {
  return around(runner, {
    async succeeded(_name, data) {
      // A job sent again after the reset got through: the wait shown on the order is over. (Every other path that
      // gets through writes the order's reason itself: submitted, held, needs attention, awaiting payment, paid.)
      if (data.quotaWait !== true || typeof data.orderId !== "string") return;
      await deps.db.order.updateMany({
        where: { id: data.orderId, errorReason: { startsWith: QUOTA_WAIT_PREFIX } },
        data: { errorReason: null },
      });
    },
    async failed(name, data, error) {
      if (!(error instanceof CjApiError) || error.kind !== "quota_exhausted") return false;
      const now = deps.now?.() ?? new Date();
      const resumeAt = error.retryAt ?? nextUtcMidnight(now);
      const waitSeconds = Math.max(1, Math.ceil((resumeAt.getTime() - now.getTime()) / 1000) + 30);
      logger.warn({ job: name, endpoint: error.endpoint, resumeAt, ...data }, "job waits for CJ's daily quota");
      if (typeof data.orderId !== "string") return true;
      const at = resumeAt.toISOString().slice(0, 16).replace("T", " ");
      // A freight or product lookup ran out of points; choosing the method by hand needs no quote at all.
      const sooner = /^\/(logistic|product)\//.test(error.endpoint)
        ? " To send it sooner, choose its shipping method on this page and forward it: that needs no freight quote."
        : "";
      const message = `${QUOTA_WAIT_PREFIX} (${error.endpoint}); the order goes on by itself at ${at} UTC.${sooner}`;
      const order = await deps.db.order.findUnique({
        where: { id: data.orderId },
        select: { errorReason: true, state: true },
      });
      // A reason the merchant must act on (Needs attention, Failed, Held) is not replaced by the wait.
      const ownReason = order && ["NEEDS_ATTENTION", "FAILED", "HELD"].includes(order.state) && order.errorReason;
      if (order && !ownReason && order.errorReason !== message) {
        await deps.db.order.update({ where: { id: data.orderId }, data: { errorReason: message } });
        await recordOrderEvent(deps.db, data.orderId, { actor: "cj", type: "cj_quota_wait", message });
      }
      // A key of its own: the order's key stays free, so a merchant's "Forward now" after changing the order
      // (a shipping method that needs no quote) runs at once instead of waiting behind this one.
      await runner.enqueue(
        name,
        { ...data, quotaWait: true },
        {
          singletonKey: `${orderJobKey(data.orderId)}:quota`,
          startAfterSeconds: waitSeconds,
        },
      );
      return true;
    },
  });
}

export function registerJobHandlers(target: JobRunner, deps: ForwardDeps) {
  const runner = waitingForCjQuota(waitingForReconnect(target), deps);
  const failVisibly = (what: string) => async (data: Record<string, unknown>, error: unknown) => {
    const message = `${what} failed after several tries: ${(error as Error).message}. Retry from the order page.`;
    await transitionOrder(deps.db, orderIdOf(data), {
      to: "FAILED",
      actor: "job",
      type: "failed",
      message,
      set: { errorReason: message, lockedUntil: null },
    });
  };
  runner.register("forward-order", {
    maxAttempts: 8,
    handler: async (data, ctx) => {
      await forwardOrderToCj(deps, orderIdOf(data), {
        trigger: data.trigger === "merchant" ? "merchant" : data.trigger === "resume" ? "resume" : "automatic",
        lastAttempt: ctx.lastAttempt,
      });
    },
    onExhausted: failVisibly("Forwarding to CJ"),
  });
  runner.register("pay-order", {
    maxAttempts: 5,
    handler: async (data) => {
      await payCjOrder(deps, orderIdOf(data), { trigger: data.trigger === "merchant" ? "merchant" : "automatic" });
    },
    onExhausted: async (data, error) => {
      const message = `Paying the CJ order failed after several tries: ${(error as Error).message}. Pay it on CJ or retry.`;
      await deps.db.order.update({ where: { id: orderIdOf(data) }, data: { errorReason: message } });
    },
  });
  runner.register("cancel-order", {
    maxAttempts: 5,
    handler: async (data) => {
      await cancelCjOrder(deps, orderIdOf(data));
    },
    onExhausted: async (data, error) => {
      const message = `Cancelling at CJ failed: ${(error as Error).message}. Cancel the order on CJ.`;
      await transitionOrder(deps.db, orderIdOf(data), {
        to: "NEEDS_ATTENTION",
        actor: "job",
        type: "cancel_failed",
        message,
        set: { errorReason: message },
      });
    },
  });
  runner.register("process-shopify-webhook", {
    maxAttempts: 5,
    // Small database work per delivery. On SQLite (one writer) one at a time: concurrent writers only wait for each
    // other's lock. On PostgreSQL a flash sale's deliveries are worked off by several at once.
    concurrency: dbProfile === "postgresql" ? 4 : 1,
    handler: async (data) => {
      // Sent by the intake of this process: let the deliveries still arriving be recorded first (embedded profile).
      const finished = typeof data.recordedAt === "number" ? await giveWayToIntake(data.recordedAt) : undefined;
      try {
        await processShopifyWebhookReceipt(deps.db, String(data.receiptId ?? ""));
      } finally {
        finished?.();
      }
    },
    onExhausted: async (data, error) => {
      await noteShopifyWebhookFailure(deps.db, String(data.receiptId ?? ""), error);
    },
  });
  runner.register("reconcile-orders", {
    maxAttempts: 1,
    everySeconds: Number(process.env.RECONCILE_EVERY_SECONDS ?? 300),
    handler: async (data) => {
      await reconcileOrders(deps, {
        ...(typeof data.staleAfterSeconds === "number" ? { staleAfterSeconds: data.staleAfterSeconds } : {}),
        // The start-up sweep: orders updated while the app was down (this process receives every later webhook).
        ...(data.afterRestart === true
          ? { discoverUpdatedBefore: new Date(Date.now() - process.uptime() * 1000) }
          : {}),
        ...(failedRetryAfterSeconds > 0 ? { failedRetryAfterSeconds } : {}),
      });
    },
  });
  runner.register("refresh-order-costs", {
    maxAttempts: 3,
    // CJ's costs of the orders due (paid, shipped, split since the last run), a shop's codes in one call per 100.
    everySeconds: Number(process.env.CJ_COSTS_EVERY_SECONDS ?? 300),
    handler: async () => {
      await refreshDueOrderCosts(deps);
    },
  });
  runner.register("sync-makeup-bills", {
    maxAttempts: 3,
    // Every CJ account's makeup bills; one shop's after a MAKEUP push or a payment (money/makeup.server.ts).
    everySeconds: Number(process.env.CJ_MAKEUP_EVERY_SECONDS ?? 1800),
    handler: async (data) => {
      if (typeof data.shopId === "string") await syncMakeupBills(deps, data.shopId);
      else await syncAllMakeupBills(deps);
    },
  });
  runner.register("migrate-shopify-tokens", {
    maxAttempts: 5,
    everySeconds: Number(process.env.SHOPIFY_TOKEN_MIGRATION_EVERY_SECONDS ?? 3600),
    handler: async () => {
      await migrateShopifyTokens(deps);
    },
  });
  const ratesEverySeconds = Number(process.env.CURRENCY_RATES_EVERY_SECONDS ?? 21_600);
  runner.register("refresh-currency-rates", {
    maxAttempts: 3,
    everySeconds: ratesEverySeconds,
    handler: async () => {
      // Rates fetched within half the interval (say, before a restart) are kept.
      await refreshCurrencyRates(deps.db, deps.now?.() ?? new Date(), { freshSeconds: ratesEverySeconds / 2 });
    },
    onExhausted: async (_data, error) => {
      // The stored rates stay in use until they age out (CURRENCY_RATES_MAX_AGE_DAYS); then amounts are left out.
      logger.warn({ err: (error as Error).message }, "currency rates could not be refreshed");
    },
  });
  runner.register("sandbox-test-order", {
    maxAttempts: 4,
    handler: async (data) => {
      await runTestOrder(deps, String(data.testOrderId ?? ""));
    },
    onExhausted: async (data, error) => {
      const message = `CJ could not be reached for the test order: ${(error as Error).message}. Send it again.`;
      await deps.db.cjTestOrder.updateMany({
        where: { id: String(data.testOrderId ?? ""), status: { notIn: ["SHIPPED", "FAILED"] } },
        data: { status: "FAILED", error: message },
      });
    },
  });
  runner.register("check-cj-webhooks", {
    maxAttempts: 1,
    everySeconds: Number(process.env.CJ_WEBHOOK_CHECK_EVERY_SECONDS ?? 1800),
    handler: async (data) => {
      const appUrl = process.env.SHOPIFY_APP_URL ?? "";
      if (typeof data.accountId === "string") await checkAccountWebhooks(deps, data.accountId, appUrl);
      else await checkCjWebhooks(deps, appUrl);
    },
  });
  registerTrackingJobs(runner, deps);
  // Products page: "Connect all suggestions" (app/products/batch.server.ts).
  registerProductJobs(runner, deps);
  // Merge candidates, outbound orders: CJ's asynchronous tasks (app/stock).
  registerStockJobs(runner, deps);
}

/**
 * Shops installed before expiring offline tokens still hold a non-expiring one, which Shopify refuses from
 * 1 January 2027: each is exchanged for an expiring pair (custom-app tokens are left as they are). Progress goes to
 * the operator's log; a shop Shopify refuses keeps its working token and its pages show the merchant a warning
 * (Shop.tokenMigrationProblem) until a later pass or a reinstall succeeds.
 */
export async function migrateShopifyTokens(deps: ForwardDeps) {
  const sessions = await deps.db.session.findMany({
    where: { isOnline: false, expires: null, refreshToken: null },
    select: { shop: true },
  });
  const shops = await deps.db.shop.findMany({
    where: { domain: { in: sessions.map((s) => s.shop) }, uninstalledAt: null },
    select: { domain: true },
  });
  const counts = { migrated: 0, skipped: 0, refused: 0, reconnect: 0, failed: 0 };
  let lastError: unknown = null;
  for (const { domain } of shops) {
    try {
      counts[await deps.ports.shopifyTokens.migrateToExpiringToken(domain)]++;
    } catch (error) {
      if (error instanceof ReconnectNeededError) counts.reconnect++;
      else {
        counts.failed++;
        lastError = error;
        logger.warn({ shop: domain, err: (error as Error).message }, "expiring-token migration failed; will retry");
      }
    }
  }
  if (counts.migrated || counts.refused || counts.reconnect || counts.failed) {
    logger.info({ ...counts, shops: shops.length }, "Shopify expiring-token migration");
  }
  // A failure that may pass (network, 5xx) is retried by the job with the same token (Shopify's 7-day window).
  if (lastError) throw lastError;
  return counts;
}

/** The tracking jobs (registered from app/jobs/registry.server.ts, same table for both profiles). */
import type { JobRunner } from "../../jobs/queue";
import { logger } from "../../logger.server";
import { pollCjOrders } from "./poll.server";
import { giveUpCjWebhookReceipt, processCjWebhookReceipt, redriveCjWebhookReceipts } from "./process.server";
import type { TrackingDeps } from "./shipments.server";
import { syncTrackingToShopify } from "./sync.server";

export function registerTrackingJobs(runner: JobRunner, deps: TrackingDeps, env: NodeJS.ProcessEnv = process.env) {
  const intervalScale = Number(env.CJ_POLL_INTERVAL_SCALE ?? 1) || 1;
  runner.register("process-cj-webhook", {
    maxAttempts: 4,
    handler: async (data) => {
      await processCjWebhookReceipt(deps, String(data.receiptId ?? ""));
    },
    onExhausted: async (data, error) => {
      await giveUpCjWebhookReceipt(deps, String(data.receiptId ?? ""), error);
    },
  });
  runner.register("sync-tracking", {
    maxAttempts: 5,
    handler: async (data) => {
      await syncTrackingToShopify(deps, String(data.orderId ?? ""));
    },
    onExhausted: async (data, error) => {
      // Rows stay PENDING/FAILED; the next poll of the order tries again.
      logger.error({ orderId: data.orderId, err: (error as Error).message }, "tracking sync failed after its tries");
    },
  });
  runner.register("poll-cj-orders", {
    maxAttempts: 1,
    everySeconds: Number(env.CJ_POLL_EVERY_SECONDS ?? 600),
    handler: async (data) => {
      await redriveCjWebhookReceipts(deps);
      // The start-up poll of the embedded profile: what CJ pushed while the app was down is looked at now.
      const restart =
        data.afterRestart === true ? { notPolledSince: new Date(Date.now() - process.uptime() * 1000) } : {};
      const stats = await pollCjOrders(deps, { intervalScale, ...restart });
      if (stats.orders > 0) logger.info(stats, "CJ poll cycle");
    },
  });
}

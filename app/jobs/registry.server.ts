/** Every job the app runs, with its tries and what happens when they are used up. Same table for both profiles. */
import { cancelCjOrder } from "../fulfillment/cancel.server";
import { type ForwardDeps, forwardOrderToCj } from "../fulfillment/forward.server";
import { payCjOrder } from "../fulfillment/payment.server";
import { reconcileOrders } from "../fulfillment/reconcile.server";
import { transitionOrder } from "../fulfillment/state";
import { registerTrackingJobs } from "../fulfillment/tracking/jobs.server";
import type { JobRunner } from "./queue";

const orderIdOf = (data: Record<string, unknown>) => String(data.orderId ?? "");
/** RECONCILE_FAILED_RETRY_SECONDS: how long after failing a FAILED order is forwarded again (default 600 s). */
const failedRetryAfterSeconds = Number(process.env.RECONCILE_FAILED_RETRY_SECONDS ?? 0);

export function registerJobHandlers(runner: JobRunner, deps: ForwardDeps) {
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
        trigger: data.trigger === "merchant" ? "merchant" : "automatic",
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
  runner.register("reconcile-orders", {
    maxAttempts: 1,
    everySeconds: Number(process.env.RECONCILE_EVERY_SECONDS ?? 300),
    handler: async (data) => {
      await reconcileOrders(deps, {
        ...(typeof data.staleAfterSeconds === "number" ? { staleAfterSeconds: data.staleAfterSeconds } : {}),
        ...(failedRetryAfterSeconds > 0 ? { failedRetryAfterSeconds } : {}),
      });
    },
  });
  registerTrackingJobs(runner, deps);
}

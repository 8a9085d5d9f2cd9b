/**
 * The process's job runtime. Routes enqueue through `jobQueue()`; which runner stands behind it depends on the
 * profile: the embedded profile runs every handler in this process, the production profile sends jobs to pg-boss
 * (web processes) or works them (`npm run worker`).
 *
 * Production profile only: CJ calls of every process share one PostgreSQL-backed rate limiter (per CJ account and
 * per egress IP), installed here as the process-wide limiter (docs/decisions/0007-production-profile.md).
 */

import { createPgRateLimiter, type PgRateLimiter } from "../cj/pg-rate-limiter.server";
import { setProcessCjRateLimiter } from "../cj/rate-limiter";
import { databaseProfile } from "../db/profile";
import db from "../db.server";
import { logger } from "../logger.server";
import { createShopPorts } from "../runtime/deps.server";
import { createEmbeddedQueue } from "./embedded-queue";
import { createPgBossQueue, type PgBossRunner, pgBossOptionsFromEnv } from "./pg-boss-queue";
import type { JobQueue, JobRunner } from "./queue";
import { registerJobHandlers } from "./registry.server";

declare global {
  var __appJobRunner: JobRunner | undefined;
  var __appJobRole: JobRole | undefined;
  var __appCjLimiter: PgRateLimiter | undefined;
}

export type JobRole = "web" | "worker";

function installSharedCjLimiter(env: NodeJS.ProcessEnv = process.env) {
  if (globalThis.__appCjLimiter) return;
  const limiter = createPgRateLimiter({
    connectionString: env.DATABASE_URL as string,
    egressId: env.CJ_EGRESS_ID || "default",
    ...(env.CJ_IP_REQUESTS_PER_SECOND ? { ipRequestsPerSecond: Number(env.CJ_IP_REQUESTS_PER_SECOND) } : {}),
    ...(env.CJ_ARRIVAL_MARGIN_MS ? { arrivalMarginMs: Number(env.CJ_ARRIVAL_MARGIN_MS) } : {}),
    ...(env.CJ_IN_FLIGHT_CAP_MS ? { inFlightCapMs: Number(env.CJ_IN_FLIGHT_CAP_MS) } : {}),
    logger,
  });
  globalThis.__appCjLimiter = limiter;
  setProcessCjRateLimiter(limiter);
}

function build(role: JobRole): JobRunner {
  const postgres = databaseProfile() === "postgresql";
  if (postgres) installSharedCjLimiter();
  const runner = postgres
    ? createPgBossQueue(process.env.DATABASE_URL as string, role, pgBossOptionsFromEnv())
    : createEmbeddedQueue();
  const claimSeconds = Number(process.env.ORDER_CLAIM_SECONDS ?? 0);
  registerJobHandlers(runner, {
    db,
    ports: createShopPorts(db),
    queue: runner,
    ...(claimSeconds > 0 ? { claimSeconds } : {}),
  });
  globalThis.__appJobRole = role;
  logger.info({ role, profile: postgres ? "production (pg-boss)" : "embedded" }, "job runtime ready");
  return runner;
}

export function jobQueue(): JobQueue {
  globalThis.__appJobRunner ??= build("web");
  return globalThis.__appJobRunner;
}

/**
 * Starts taking jobs (embedded: in this process; production web: the pg-boss sender only; worker: pg-boss workers).
 * Called by `npm start` and `npm run worker` at start-up.
 */
export async function startBackgroundJobs(role: JobRole = "web"): Promise<JobRunner> {
  if (globalThis.__appJobRunner && globalThis.__appJobRole !== role) {
    throw new Error(`the job runtime was already built for the ${globalThis.__appJobRole} role`);
  }
  globalThis.__appJobRunner ??= build(role);
  const runner = globalThis.__appJobRunner;
  await runner.start();
  if (databaseProfile() === "sqlite") await resumeEmbeddedWork(runner);
  else if (role === "worker") {
    startStaleSweep(runner);
    await runner.enqueue("migrate-shopify-tokens", {}, { singletonKey: "startup" });
    await runner.enqueue("refresh-currency-rates", {}, { singletonKey: "startup" });
    await runner.enqueue("cj-tasks", {}, { singletonKey: "startup" });
  }
  return runner;
}

/**
 * The embedded profile after a start (a crash or a stop before it): one process owns the database, so every claim,
 * lease and half-done delivery left in it belongs to the dead process and is void. Cleared here, then everything
 * unfinished is re-driven at once by the sweep (no staleness) and the tracking poll, instead of at their next
 * schedule: work resumes within seconds of the start (docs/decisions/0008-embedded-jobs.md).
 */
async function resumeEmbeddedWork(runner: JobRunner) {
  // Only what predates this process: the HTTP server already listens, and its requests are this process's own.
  const before = new Date(Date.now() - process.uptime() * 1000);
  const [claims, fulfillments, receipts] = await Promise.all([
    db.order.updateMany({
      where: { lockedUntil: { not: null }, updatedAt: { lt: before } },
      data: { lockedUntil: null },
    }),
    // A Shopify fulfillment being created when the process died: the sync re-reads Shopify and adopts it if it exists.
    db.fulfillment.updateMany({
      where: { status: "CREATING", updatedAt: { lt: before } },
      data: { status: "PENDING" },
    }),
    // A Shopify delivery recorded without its payload (by a version that handled it during the request) that the
    // dead process never finished got no 200: Shopify sends it again, and must not find it taken. Deliveries recorded
    // with their payload were answered 200: the start-up sweep below processes them.
    db.webhookReceipt.deleteMany({
      where: { source: "SHOPIFY", processedAt: null, payload: null, receivedAt: { lt: before } },
    }),
  ]);
  logger.info(
    { orderClaims: claims.count, fulfillmentClaims: fulfillments.count, shopifyDeliveries: receipts.count },
    "embedded start-up: cleared what the previous process left in flight; re-driving unfinished work",
  );
  await runner.enqueue("reconcile-orders", { staleAfterSeconds: 0, afterRestart: true }, { singletonKey: "startup" });
  await runner.enqueue("poll-cj-orders", { afterRestart: true }, { singletonKey: "startup" });
  await runner.enqueue("migrate-shopify-tokens", {}, { singletonKey: "startup" });
  await runner.enqueue("refresh-currency-rates", {}, { singletonKey: "startup" });
  // CJ tasks (merge runs, outbound orders) the dead process was following.
  await runner.enqueue("cj-tasks", {}, { singletonKey: "startup" });
}

/**
 * Workers only, when RECONCILE_STALE_EVERY_SECONDS is set: a frequent sweep that re-drives orders left behind by a
 * worker that died (its claim expired), with RECONCILE_STALE_SECONDS as the staleness (default: twice the claim).
 * The regular reconciliation schedule does the same less often.
 */
function startStaleSweep(runner: JobRunner, env: NodeJS.ProcessEnv = process.env) {
  const every = Number(env.RECONCILE_STALE_EVERY_SECONDS ?? 0);
  if (!(every > 0)) return;
  const staleAfterSeconds = Number(env.RECONCILE_STALE_SECONDS ?? 2 * Number(env.ORDER_CLAIM_SECONDS ?? 300));
  const timer = setInterval(() => {
    runner
      .enqueue("reconcile-orders", { staleAfterSeconds }, { singletonKey: "stale-sweep" })
      .catch((error) => logger.warn({ err: (error as Error).message }, "stale sweep not sent"));
  }, every * 1000);
  timer.unref();
}

/** Whether this process can do its work: the database answers and (production) pg-boss is running. */
export async function jobsReady(): Promise<boolean> {
  const runner = globalThis.__appJobRunner as (JobRunner & Partial<Pick<PgBossRunner, "ready">>) | undefined;
  if (runner?.ready && !runner.ready()) return false;
  await db.$queryRawUnsafe("SELECT 1");
  return true;
}

export async function stopBackgroundJobs(): Promise<void> {
  await globalThis.__appJobRunner?.stop();
  await globalThis.__appCjLimiter?.close().catch(() => {});
}

/** Resolves when no job is queued or running (demo and tests). */
export async function jobsIdle(): Promise<void> {
  await globalThis.__appJobRunner?.idle();
}

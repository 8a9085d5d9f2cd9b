/**
 * The process's job runtime. Routes enqueue through `jobQueue()`; which runner stands behind it depends on the
 * profile: the embedded profile runs every handler in this process, the production profile sends jobs to pg-boss
 * (web processes) or works them (`npm run worker`).
 */

import { databaseProfile } from "../db/profile";
import db from "../db.server";
import { logger } from "../logger.server";
import { createShopPorts } from "../runtime/deps.server";
import { createEmbeddedQueue } from "./embedded-queue";
import { createPgBossQueue } from "./pg-boss-queue";
import type { JobQueue, JobRunner } from "./queue";
import { registerJobHandlers } from "./registry.server";

declare global {
  var __appJobRunner: JobRunner | undefined;
}

export type JobRole = "web" | "worker";

function build(role: JobRole): JobRunner {
  const postgres = databaseProfile() === "postgresql";
  const runner = postgres ? createPgBossQueue(process.env.DATABASE_URL as string, role) : createEmbeddedQueue();
  registerJobHandlers(runner, { db, ports: createShopPorts(db), queue: runner });
  logger.info({ role, profile: postgres ? "production (pg-boss)" : "embedded" }, "job runtime ready");
  return runner;
}

export function jobQueue(): JobQueue {
  globalThis.__appJobRunner ??= build("web");
  return globalThis.__appJobRunner;
}

/** Starts taking jobs (embedded: in this process). Called by the web server at start-up. */
export async function startBackgroundJobs(role: JobRole = "web"): Promise<JobRunner> {
  globalThis.__appJobRunner ??= build(role);
  const runner = globalThis.__appJobRunner;
  await runner.start();
  if (databaseProfile() === "sqlite") {
    // One process owns the embedded database: claims left by a process that died are void, and whatever it was
    // doing is re-driven now rather than at the next scheduled sweep.
    await db.order.updateMany({ where: { lockedUntil: { not: null } }, data: { lockedUntil: null } });
    await runner.enqueue("reconcile-orders", { staleAfterSeconds: 0 }, { singletonKey: "startup" });
  }
  return runner;
}

export async function stopBackgroundJobs(): Promise<void> {
  await globalThis.__appJobRunner?.stop();
}

/** Resolves when no job is queued or running (demo and tests). */
export async function jobsIdle(): Promise<void> {
  await globalThis.__appJobRunner?.idle();
}

/**
 * `npm run worker`: a job process for the production profile (PostgreSQL + pg-boss). Any number can run at once.
 *
 * Health on WORKER_HEALTH_PORT when set: /healthz (the process is alive), /readyz (pg-boss is working and the
 * database answers; 503 while stopping).
 * SIGTERM/SIGINT: readiness turns 503, pg-boss stops fetching and waits for the jobs in flight (JOB_STOP_TIMEOUT_MS,
 * default 20 s); a job still running after that is released to another worker by its stopped heartbeat.
 */
import { createServer, type Server } from "node:http";
import { migrateDatabase } from "../app/db/migrate";
import { databaseProfile } from "../app/db/profile";

process.env.APP_ROLE ??= "worker";
if (databaseProfile() !== "postgresql") {
  console.error(
    "worker: the embedded profile runs jobs inside `npm start`; set DATABASE_URL=postgres://… to run workers",
  );
  process.exit(1);
}
await migrateDatabase();
const { jobsReady, startBackgroundJobs, stopBackgroundJobs } = await import("../app/jobs/runtime.server");
const { logger } = await import("../app/logger.server");
let stopping = false;
let health: Server | null = null;
if (process.env.WORKER_HEALTH_PORT) {
  health = createServer((req, res) => {
    const answer = (status: number, body: unknown) =>
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    if (req.url === "/healthz") return answer(200, { ok: true });
    if (req.url === "/readyz") {
      if (stopping) return answer(503, { ready: false });
      void jobsReady().then(
        (ready) => answer(ready ? 200 : 503, { ready }),
        () => answer(503, { ready: false }),
      );
      return;
    }
    answer(404, { error: "not found" });
  });
  health.listen(Number(process.env.WORKER_HEALTH_PORT), process.env.HOST ?? "127.0.0.1");
}
await startBackgroundJobs("worker");
logger.info({ pid: process.pid }, "worker: taking jobs");
console.log("worker: taking jobs");

const stop = async () => {
  if (stopping) return;
  stopping = true;
  logger.info({ pid: process.pid }, "worker: stopping (finishing jobs in flight)");
  const force = setTimeout(() => process.exit(1), Number(process.env.JOB_STOP_TIMEOUT_MS ?? 20_000) + 10_000);
  force.unref();
  try {
    await stopBackgroundJobs();
  } catch (error) {
    logger.error({ err: (error as Error).message }, "worker: error while stopping");
  }
  health?.close();
  logger.info({ pid: process.pid }, "worker: stopped");
  process.exit(0);
};
process.on("SIGTERM", () => void stop());
process.on("SIGINT", () => void stop());

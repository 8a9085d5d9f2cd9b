/**
 * `npm run worker`: a job process for the production profile (PostgreSQL + pg-boss). Any number can run at once.
 * SIGTERM stops taking jobs and lets the ones in flight finish (pg-boss graceful stop).
 */
import { createServer } from "node:http";
import { migrateDatabase } from "../app/db/migrate";
import { databaseProfile } from "../app/db/profile";

if (databaseProfile() !== "postgresql") {
  console.error(
    "worker: the embedded profile runs jobs inside `npm start`; set DATABASE_URL=postgres://… to run workers",
  );
  process.exit(1);
}
await migrateDatabase();
const { startBackgroundJobs, stopBackgroundJobs } = await import("../app/jobs/runtime.server");
await startBackgroundJobs("worker");
let stopping = false;
// Health (alive) and readiness (taking jobs) for orchestrators, on WORKER_HEALTH_PORT when set.
if (process.env.WORKER_HEALTH_PORT) {
  createServer((req, res) => {
    const ready = req.url === "/readyz" ? !stopping : true;
    res.writeHead(ready ? 200 : 503, { "content-type": "application/json" }).end(JSON.stringify({ ok: ready }));
  }).listen(Number(process.env.WORKER_HEALTH_PORT), "127.0.0.1");
}
console.log("worker: taking jobs");
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await stopBackgroundJobs();
  process.exit(0);
};
process.on("SIGTERM", () => void stop());
process.on("SIGINT", () => void stop());

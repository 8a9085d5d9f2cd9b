/**
 * `npm start`: the web process. Applies migrations, builds the app when there is no build or it is stale,
 * and serves it on PORT, with /healthz (alive) and /readyz (database reachable, jobs runtime up, not stopping).
 * With a `file:` DATABASE_URL (embedded profile) the job handlers run in this process too; with PostgreSQL this
 * process only sends jobs to pg-boss (`npm run worker` runs them), and any number of web processes may run.
 *
 * SIGTERM/SIGINT: /readyz turns 503, the listener stops taking connections, requests in flight finish, the job
 * runtime stops (embedded: in-flight jobs finish), then the process exits (forced after SHUTDOWN_TIMEOUT_MS).
 */

import { migrateDatabase } from "../app/db/migrate";
import { type BuildEntryJobs, buildJobs, startHttpServer } from "../app/runtime/http-server";
import ensureBuild from "./ensure-build";

process.env.APP_ROLE ??= "web";
await migrateDatabase();
ensureBuild();
let jobs: BuildEntryJobs = {};
let stopping = false;
const { server, url, build } = await startHttpServer({
  port: Number(process.env.PORT ?? 3000),
  host: process.env.HOST,
  ready: async () => !stopping && (jobs.jobsReady ? await jobs.jobsReady() : true),
});
jobs = buildJobs(build);
// Embedded: the job handlers run here. Production: starts the pg-boss sender and the shared CJ rate limiter.
await jobs.startBackgroundJobs?.("web");
console.log(`app: listening on ${url}`);

const shutdownMs = Number(process.env.SHUTDOWN_TIMEOUT_MS ?? 25_000);
const stop = () => {
  if (stopping) return;
  stopping = true;
  setTimeout(() => process.exit(0), shutdownMs).unref();
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // Keep-alive connections that sit idle would hold close() open until they time out.
  server.closeIdleConnections();
  void closed
    .then(() => jobs.stopBackgroundJobs?.())
    .catch((error) => console.error("app: error while stopping", error))
    .finally(() => process.exit(0));
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);

/**
 * `npm start`: the web process. Applies migrations, builds the app when there is no build or it is stale,
 * and serves it on PORT.
 * With a `file:` DATABASE_URL (embedded profile) the job handlers run in this process too.
 */

import { migrateDatabase } from "../app/db/migrate";
import { databaseProfile } from "../app/db/profile";
import { buildJobs, startHttpServer } from "../app/runtime/http-server";
import ensureBuild from "./ensure-build";

await migrateDatabase();
ensureBuild();
const { server, url, build } = await startHttpServer({
  port: Number(process.env.PORT ?? 3000),
  host: process.env.HOST,
});
const jobs = buildJobs(build);
// Embedded profile: the job handlers run in this process. Production: `npm run worker` runs them.
if (databaseProfile() === "sqlite") await jobs.startBackgroundJobs?.("web");
console.log(`app: listening on ${url}`);

const stop = () => {
  server.close();
  void (jobs.stopBackgroundJobs?.() ?? Promise.resolve()).finally(() => process.exit(0));
  setTimeout(() => process.exit(0), 10_000).unref();
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);

/**
 * `npm start`: the web process. Applies migrations, builds the app if no build exists, and serves it on PORT.
 * With a `file:` DATABASE_URL (embedded profile) the job handlers run in this process too.
 */

import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { migrateDatabase } from "../app/db/migrate";
import { databaseProfile } from "../app/db/profile";
import { buildJobs, startHttpServer } from "../app/runtime/http-server";

const root = path.resolve(import.meta.dirname, "..");
await migrateDatabase();
if (!existsSync(path.join(root, "build/server/index.js"))) {
  execFileSync(path.join(root, "node_modules/.bin/remix"), ["vite:build"], { cwd: root, stdio: "inherit" });
}
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

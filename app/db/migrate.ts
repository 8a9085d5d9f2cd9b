import { execFileSync } from "node:child_process";
import path from "node:path";
import { applyPostgresMigrations } from "./pg-migrate";
import { databaseProfile, defaultDatabaseUrl } from "./profile";

const root = path.resolve(import.meta.dirname, "../..");

/**
 * Applies the migrations of the database's profile. SQLite goes through `prisma migrate deploy` (JS engine +
 * libSQL adapter); PostgreSQL through pg-migrate.ts (see there for why).
 */
export async function migrateDatabase(url: string = process.env.DATABASE_URL ?? defaultDatabaseUrl) {
  const profile = databaseProfile(url);
  if (profile === "postgresql") {
    const results = await applyPostgresMigrations(url, path.join(root, "prisma/postgresql/migrations"));
    return { profile, applied: results.filter((r) => r.applied).length };
  }
  const out = execFileSync(path.join(root, "node_modules/.bin/prisma"), ["migrate", "deploy"], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: url },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  // WAL: a reader (a page, another process) never blocks the job runner's writes, and commits need no full fsync
  // of the main file. The mode is stored in the database file, so setting it once here is enough.
  const { createClient } = await import("@libsql/client");
  const client = createClient({ url });
  try {
    await client.execute("PRAGMA journal_mode=WAL");
  } finally {
    client.close();
  }
  return { profile, applied: (out.match(/Applying migration/g) ?? []).length };
}

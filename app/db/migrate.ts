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
  return { profile, applied: (out.match(/Applying migration/g) ?? []).length };
}

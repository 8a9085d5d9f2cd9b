import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
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
  // A restart of an up-to-date database needs no Prisma CLI process (seconds on a busy machine): compare first.
  if (await sqliteUpToDate(url)) return { profile, applied: 0 };
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

/** Every migration folder is recorded as finished in Prisma's `_prisma_migrations` table of this SQLite file. */
async function sqliteUpToDate(url: string): Promise<boolean> {
  const folders = readdirSync(path.join(root, "prisma/sqlite/migrations"), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name);
  const { createClient } = await import("@libsql/client");
  const client = createClient({ url });
  try {
    const result = await client.execute(
      "SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL",
    );
    const applied = new Set(result.rows.map((row) => String(row.migration_name)));
    return folders.every((name) => applied.has(name));
  } catch {
    return false; // a new file, or no migrations table yet
  } finally {
    client.close();
  }
}

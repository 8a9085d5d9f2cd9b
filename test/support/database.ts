/**
 * Scratch databases for tests: a temporary SQLite file, or a fresh PostgreSQL database on the local server, each
 * migrated the way `npm run setup` does it.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { migrateDatabase } from "../../app/db/migrate";
import type { DatabaseProfile } from "../../app/db/profile";
import { createDb, type Db } from "../../app/db.server";

export const postgresAdminUrl = process.env.POSTGRES_ADMIN_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

export interface TestDatabase {
  profile: DatabaseProfile;
  url: string;
  db: Db;
  drop(): Promise<void>;
}

let postgresReachable: boolean | undefined;
export async function isPostgresReachable(): Promise<boolean> {
  if (postgresReachable !== undefined) return postgresReachable;
  const client = new pg.Client({ connectionString: postgresAdminUrl, connectionTimeoutMillis: 2000 });
  postgresReachable = await client
    .connect()
    .then(() => client.end())
    .then(() => true)
    .catch(() => false);
  return postgresReachable;
}

/** Profiles the suite runs on: SQLite always, PostgreSQL when the local server answers (CI starts it). */
export async function testProfiles(): Promise<DatabaseProfile[]> {
  return (await isPostgresReachable()) ? ["sqlite", "postgresql"] : ["sqlite"];
}

export async function createTestDatabase(profile: DatabaseProfile): Promise<TestDatabase> {
  if (profile === "sqlite") {
    const dir = mkdtempSync(path.join(tmpdir(), "cjapp-test-"));
    const url = `file:${path.join(dir, "test.sqlite")}`;
    await migrateDatabase(url);
    const db = createDb(url);
    return {
      profile,
      url,
      db,
      async drop() {
        await db.$disconnect();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const empty = await createEmptyPostgresDatabase();
  await migrateDatabase(empty.url);
  const db = createDb(empty.url);
  return {
    profile,
    url: empty.url,
    db,
    async drop() {
      await db.$disconnect();
      await empty.drop();
    },
  };
}

/** An empty PostgreSQL database on the local server (not migrated), for code that keeps its own tables. */
export async function createEmptyPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: postgresAdminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(postgresAdminUrl);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: postgresAdminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/**
 * Applies prisma/postgresql/migrations to a PostgreSQL database.
 *
 * Why not `prisma migrate deploy`: with Prisma 6.19's JS schema engine and @prisma/adapter-pg every migrate
 * command fails with "Column type 'name' could not be deserialized from the database" (prisma/orm#27403), and the
 * native engine cannot be downloaded offline. This applies the same files in the same order and records them in
 * Prisma's own `_prisma_migrations` table (same columns, SHA-256 checksums), so `prisma migrate deploy` takes over
 * unchanged once that bug is fixed. See docs/decisions/0002-postgres-migrations.md.
 */
import { createHash, randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";

export interface AppliedMigration {
  name: string;
  applied: boolean;
}

export async function applyPostgresMigrations(
  connectionString: string,
  migrationsDir: string,
): Promise<AppliedMigration[]> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    // One migrator at a time across processes (several web/worker processes may start together).
    await client.query("SELECT pg_advisory_lock(727274)");
    await client.query(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id" VARCHAR(36) PRIMARY KEY NOT NULL,
      "checksum" VARCHAR(64) NOT NULL,
      "finished_at" TIMESTAMPTZ,
      "migration_name" VARCHAR(255) NOT NULL,
      "logs" TEXT,
      "rolled_back_at" TIMESTAMPTZ,
      "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
      "applied_steps_count" INTEGER NOT NULL DEFAULT 0
    )`);
    const done = await client.query<{ migration_name: string; checksum: string }>(
      `SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    );
    const applied = new Map(done.rows.map((r) => [r.migration_name, r.checksum]));
    const results: AppliedMigration[] = [];
    for (const name of listMigrations(migrationsDir)) {
      const sql = readFileSync(path.join(migrationsDir, name, "migration.sql"), "utf8");
      const checksum = createHash("sha256").update(sql).digest("hex");
      const previous = applied.get(name);
      if (previous !== undefined) {
        if (previous !== checksum) {
          throw new Error(
            `Migration ${name} was edited after it was applied (checksum differs); add a new migration instead.`,
          );
        }
        results.push({ name, applied: false });
        continue;
      }
      await client.query("BEGIN");
      try {
        await client.query(sql);
        await client.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, applied_steps_count) VALUES ($1, $2, now(), $3, 1)`,
          [randomUUID(), checksum, name],
        );
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        throw new Error(`Migration ${name} failed: ${(error as Error).message}`);
      }
      results.push({ name, applied: true });
    }
    return results;
  } finally {
    await client.query("SELECT pg_advisory_unlock(727274)").catch(() => {});
    await client.end();
  }
}

export function listMigrations(migrationsDir: string): string[] {
  if (!existsSync(migrationsDir)) return [];
  return readdirSync(migrationsDir)
    .filter((d) => existsSync(path.join(migrationsDir, d, "migration.sql")))
    .sort();
}

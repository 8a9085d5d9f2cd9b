/**
 * The one set of models (prisma/models.prisma) → prisma/sqlite/schema.prisma and prisma/postgresql/schema.prisma.
 *   (no flag)  write the two schemas
 *   --check    write nothing; exit 1 when a schema differs from the models (hand-edited, or models changed without
 *              regenerating) or when a provider's migrations do not produce its schema (a migration is missing).
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { applyPostgresMigrations, listMigrations } from "../app/db/pg-migrate";

export const repoRoot = path.resolve(import.meta.dirname, "..");
export const profiles = ["sqlite", "postgresql"] as const;
export type Profile = (typeof profiles)[number];

/** Admin connection used to make scratch PostgreSQL databases (the drift check and the tests). */
export const postgresAdminUrl = process.env.POSTGRES_ADMIN_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

export function schemaFor(profile: Profile, models: string): string {
  return `// GENERATED from prisma/models.prisma by scripts/prisma-schemas.ts. Do not edit: edit the models.
generator client {
  provider     = "prisma-client"
  output       = "../../app/generated/${profile}"
  engineType   = "client"
  runtime      = "nodejs"
  moduleFormat = "esm"
}

datasource db {
  provider = "${profile}"
  // Required by Prisma 6 even with driver adapters; the real URL comes from DATABASE_URL at run time.
  url      = "${profile === "sqlite" ? "file:./dev.sqlite" : "postgresql://localhost:5432/app"}"
}

${models.trim()}
`;
}

function prisma(root: string, args: string[], env: Record<string, string>): string {
  return execFileSync(path.join(repoRoot, "node_modules/.bin/prisma"), args, {
    cwd: root,
    env: { ...process.env, ...env },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** Schema files that do not match the models. */
export function schemaDrift(root: string): string[] {
  const models = readFileSync(path.join(root, "prisma/models.prisma"), "utf8");
  return profiles.flatMap((profile) => {
    const file = path.join(root, "prisma", profile, "schema.prisma");
    const current = existsSync(file) ? readFileSync(file, "utf8") : "";
    return current === schemaFor(profile, models)
      ? []
      : [`prisma/${profile}/schema.prisma differs from prisma/models.prisma (run npm run prisma:schemas)`];
  });
}

/** SQLite: apply the migrations to a scratch file, introspect it, and diff it with the schema. */
export function sqliteMigrationDrift(root: string): string | null {
  if (listMigrations(path.join(root, "prisma/sqlite/migrations")).length === 0)
    return "prisma/sqlite/migrations is empty";
  const dir = mkdtempSync(path.join(tmpdir(), "drift-"));
  const env = { DATABASE_URL: `file:${path.join(dir, "drift.sqlite")}` };
  try {
    prisma(root, ["migrate", "deploy"], env);
    const pulled = prisma(root, ["db", "pull", "--print"], env);
    const pulledFile = path.join(dir, "pulled.prisma");
    // The CLI prints a driver-adapter warning before the schema on stdout.
    writeFileSync(pulledFile, pulled.slice(pulled.indexOf("generator client")));
    try {
      prisma(
        root,
        [
          "migrate",
          "diff",
          "--from-schema-datamodel",
          pulledFile,
          "--to-schema-datamodel",
          "prisma/sqlite/schema.prisma",
          "--exit-code",
        ],
        env,
      );
      return null;
    } catch (error) {
      const out = String((error as { stdout?: string }).stdout ?? error);
      return `prisma/sqlite/migrations do not produce prisma/sqlite/schema.prisma (add a migration):\n${out.slice(out.indexOf("[")).trim()}`;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function withScratchDatabase<T>(use: (url: string) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: postgresAdminUrl });
  await admin.connect();
  const name = `scratch_${createHash("sha1").update(`${process.pid}-${Math.random()}`).digest("hex").slice(0, 12)}`;
  await admin.query(`CREATE DATABASE ${name}`);
  try {
    const url = new URL(postgresAdminUrl);
    url.pathname = `/${name}`;
    return await use(url.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

/** Columns, indexes and constraints of the public schema, one line each, sorted. */
async function describePostgres(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const columns = await client.query(
      `SELECT table_name, column_name, data_type, is_nullable, coalesce(column_default, '') AS d
         FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'`,
    );
    const indexes = await client.query(
      `SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'`,
    );
    const constraints = await client.query(
      `SELECT conrelid::regclass::text AS t, conname, pg_get_constraintdef(oid) AS def
         FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text NOT IN ('_prisma_migrations', '"_prisma_migrations"')`,
    );
    return [
      ...columns.rows.map(
        (r) => `column ${r.table_name}.${r.column_name} ${r.data_type} null=${r.is_nullable} default=${r.d}`,
      ),
      ...indexes.rows.map((r) => `index ${r.indexdef}`),
      ...constraints.rows.map((r) => `constraint ${r.t} ${r.conname} ${r.def}`),
    ].sort();
  } finally {
    await client.end();
  }
}

/**
 * PostgreSQL: the migrations applied to one scratch database must give the same catalog as Prisma's own SQL for
 * the schema applied to another. (Prisma's introspection cannot run offline on PostgreSQL: see pg-migrate.ts.)
 */
export async function postgresMigrationDrift(root: string): Promise<string | null> {
  const migrations = path.join(root, "prisma/postgresql/migrations");
  if (listMigrations(migrations).length === 0) return "prisma/postgresql/migrations is empty";
  const expectedSql = prisma(
    root,
    ["migrate", "diff", "--from-empty", "--to-schema-datamodel", "prisma/postgresql/schema.prisma", "--script"],
    { DATABASE_URL: postgresAdminUrl },
  );
  const fromMigrations = await withScratchDatabase(async (url) => {
    await applyPostgresMigrations(url, migrations);
    return describePostgres(url);
  });
  const fromSchema = await withScratchDatabase(async (url) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(expectedSql).finally(() => client.end());
    return describePostgres(url);
  });
  const have = new Set(fromMigrations);
  const want = new Set(fromSchema);
  const missing = fromSchema.filter((l) => !have.has(l)).map((l) => `  + ${l}`);
  const extra = fromMigrations.filter((l) => !want.has(l)).map((l) => `  - ${l}`);
  return missing.length + extra.length === 0
    ? null
    : `prisma/postgresql/migrations do not produce prisma/postgresql/schema.prisma (add a migration):\n${[...missing, ...extra].join("\n")}`;
}

export async function checkDrift(root: string = repoRoot): Promise<string[]> {
  const problems = schemaDrift(root);
  const sqlite = sqliteMigrationDrift(root);
  if (sqlite) problems.push(sqlite);
  const postgres = await postgresMigrationDrift(root);
  if (postgres) problems.push(postgres);
  return problems;
}

function writeSchemas(root: string) {
  const models = readFileSync(path.join(root, "prisma/models.prisma"), "utf8");
  for (const profile of profiles) {
    const file = path.join(root, "prisma", profile, "schema.prisma");
    const wanted = schemaFor(profile, models);
    if (!existsSync(file) || readFileSync(file, "utf8") !== wanted) {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, wanted);
      console.log(`wrote ${path.relative(root, file)}`);
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (process.argv.includes("--check")) {
    const problems = await checkDrift();
    for (const p of problems) console.error(`drift: ${p}`);
    if (problems.length > 0) process.exit(1);
    console.log("prisma: both schemas and both migration folders match prisma/models.prisma");
  } else {
    writeSchemas(repoRoot);
  }
}

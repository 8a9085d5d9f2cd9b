import { PrismaLibSQL } from "@prisma/adapter-libsql";
import { PrismaPg } from "@prisma/adapter-pg";
import { type DatabaseProfile, databaseProfile, defaultDatabaseUrl } from "./db/profile";
import { PrismaClient as PostgresClient } from "./generated/postgresql/client";
import { PrismaClient as SqliteClient } from "./generated/sqlite/client";

/**
 * The app's one Prisma client. Both generated clients come from the same models (prisma/models.prisma), so they
 * expose the same API; the SQLite client's type stands for both.
 */
export type Db = InstanceType<typeof SqliteClient>;

export function createDb(url: string = process.env.DATABASE_URL ?? defaultDatabaseUrl): Db {
  if (databaseProfile(url) === "postgresql") {
    // DATABASE_POOL_MAX: connections this process may open for its queries (pg's default is 10). Each web and worker
    // process also holds pg-boss's and the CJ limiter's own few; size it so that all processes fit max_connections.
    const max = Number(process.env.DATABASE_POOL_MAX ?? 10) || 10;
    return new PostgresClient({ adapter: new PrismaPg({ connectionString: url, max }) }) as unknown as Db;
  }
  // A busy timeout so another process (a script, the tests) holding the file briefly is waited for, not an error.
  // (@libsql/client ≥ 0.16 accepts `timeout`; the adapter's type predates it.) One connection: the adapter runs one
  // statement or transaction at a time anyway, and the connection's settings below then hold for every query.
  const config = { url, timeout: 10_000, concurrency: 1 } as ConstructorParameters<typeof PrismaLibSQL>[0];
  return new SqliteClient({ adapter: new SqliteAdapter(config) });
}

/**
 * `synchronous=NORMAL` (SQLITE_SYNCHRONOUS, default NORMAL; FULL is SQLite's default): in WAL mode a commit then
 * writes the WAL without an fsync, which libSQL would otherwise run on the event loop at every commit (about 0.3 ms
 * each here). A crash of the app loses nothing; a power loss or an OS crash can lose the last commits (SQLite
 * "WAL mode" docs). What such a loss could take, the reconciliation recovers from Shopify and CJ; an operator who
 * prefers the fsync sets FULL. A connection the client opens anew (after a broken one) has SQLite's default.
 */
export function sqliteSynchronous(env: NodeJS.ProcessEnv = process.env): "NORMAL" | "FULL" {
  const value = (env.SQLITE_SYNCHRONOUS ?? "NORMAL").toUpperCase();
  if (value !== "NORMAL" && value !== "FULL") {
    throw new Error(`SQLITE_SYNCHRONOUS must be NORMAL or FULL, got "${env.SQLITE_SYNCHRONOUS}"`);
  }
  return value;
}

class SqliteAdapter extends PrismaLibSQL {
  override createClient(config: Parameters<PrismaLibSQL["createClient"]>[0]) {
    const client = super.createClient(config);
    // Queued before any query of the client (its one connection serves them in order).
    void client.execute(`PRAGMA synchronous=${sqliteSynchronous()}`).catch(() => undefined);
    return client;
  }
}

export const dbProfile: DatabaseProfile = databaseProfile();

declare global {
  // Kept across Vite dev reloads so a reload does not open a new pool each time.
  var __appDb: Db | undefined;
}

const db: Db = globalThis.__appDb ?? createDb();
if (process.env.NODE_ENV !== "production") globalThis.__appDb = db;

export default db;

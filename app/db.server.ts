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
  // (@libsql/client ≥ 0.16 accepts `timeout`; the adapter's type predates it.)
  const config = { url, timeout: 10_000 } as ConstructorParameters<typeof PrismaLibSQL>[0];
  return new SqliteClient({ adapter: new PrismaLibSQL(config) });
}

export const dbProfile: DatabaseProfile = databaseProfile();

declare global {
  // Kept across Vite dev reloads so a reload does not open a new pool each time.
  var __appDb: Db | undefined;
}

const db: Db = globalThis.__appDb ?? createDb();
if (process.env.NODE_ENV !== "production") globalThis.__appDb = db;

export default db;

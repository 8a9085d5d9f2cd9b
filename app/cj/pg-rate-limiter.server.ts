/**
 * CJ rate limits shared by every process on one PostgreSQL database (production profile): a sliding log per key
 * (`account:<id>`, `ip:<egress id>`) in an unlogged table, read and written under transaction-scoped advisory locks,
 * timed by the database clock alone. See docs/decisions/0007-production-profile.md and 0003-cj-rate-limits.md.
 *
 * `acquire` takes the account's lock, then the IP's (always in that order, so two callers never wait on each other
 * in opposite orders), counts the starts of each key newer than `now - hold`, and when both are under their limits
 * records its own start for both keys and commits. Otherwise it commits without a row and sleeps until the oldest
 * start in the fuller window leaves it. One short transaction per CJ call: negligible at ≤ 10 calls/s.
 */
import pg from "pg";
import type { CjRateLimiter } from "./rate-limiter";

export interface PgRateLimiterOptions {
  connectionString: string;
  /** Who shares CJ's per-IP limit: every deployment behind the same NAT must use the same id. */
  egressId?: string;
  ipRequestsPerSecond?: number;
  intervalMs?: number;
  /** Held beyond `intervalMs`, for the varying delay from our start to CJ's arrival (decision 0003). */
  arrivalMarginMs?: number;
  /** PostgreSQL schema holding the log table (created on first use). */
  schema?: string;
  poolSize?: number;
}

export interface PgRateLimiter extends CjRateLimiter {
  close(): Promise<void>;
}

/** First key of the two-key advisory locks (the second is hashtext(key)); the migrator uses the one-key form. */
const LOCK_CLASS = 727_301;

export function createPgRateLimiter(options: PgRateLimiterOptions): PgRateLimiter {
  const schema = options.schema ?? "cj_limits";
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`bad schema name ${schema}`);
  const table = `"${schema}".request_log`;
  const holdMs = (options.intervalMs ?? 1000) + (options.arrivalMarginMs ?? 250);
  const ipLimit = options.ipRequestsPerSecond ?? 10;
  const ipKey = `ip:${options.egressId ?? "default"}`;
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.poolSize ?? 2,
    application_name: "cj-rate-limiter",
  });
  pool.on("error", () => {
    // An idle client lost its connection; the pool replaces it on the next query.
  });
  let ready: Promise<void> | null = null;
  const ensureTable = () => {
    ready ??= (async () => {
      const client = await pool.connect();
      try {
        // Two processes starting together: serialise the CREATEs (IF NOT EXISTS still races on the catalog).
        await client.query("BEGIN");
        await client.query("SELECT pg_advisory_xact_lock($1, 0)", [LOCK_CLASS]);
        await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
        await client.query(
          `CREATE UNLOGGED TABLE IF NOT EXISTS ${table} (key text NOT NULL, started_at timestamptz NOT NULL)`,
        );
        await client.query(`CREATE INDEX IF NOT EXISTS request_log_key_started ON ${table} (key, started_at)`);
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK").catch(() => {});
        ready = null;
        throw error;
      } finally {
        client.release();
      }
    })();
    return ready;
  };

  /** One try: admitted (0) or the milliseconds to wait before the next try. */
  const tryOnce = async (accountKey: string, qps: number): Promise<number> => {
    const accountLimit = Math.max(1, Math.floor(qps));
    const key = `account:${accountKey}`;
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      await client.query("SELECT pg_advisory_xact_lock($1, hashtext($2))", [LOCK_CLASS, key]);
      await client.query("SELECT pg_advisory_xact_lock($1, hashtext($2))", [LOCK_CLASS, ipKey]);
      // Counting happens after both locks are held: every start recorded before is visible (READ COMMITTED takes
      // a new snapshot per statement), and nobody else can record one until we commit.
      const { rows } = await client.query<{
        account_count: string;
        ip_count: string;
        account_wait: number | null;
        ip_wait: number | null;
      }>(
        `WITH now AS (SELECT clock_timestamp() AS t),
              recent AS (
                SELECT key, started_at, row_number() OVER (PARTITION BY key ORDER BY started_at DESC) AS n
                FROM ${table}, now WHERE key IN ($1, $2) AND started_at > now.t - make_interval(secs => $3 / 1000.0)
              )
         SELECT
           (SELECT count(*) FROM recent WHERE key = $1) AS account_count,
           (SELECT count(*) FROM recent WHERE key = $2) AS ip_count,
           (SELECT extract(epoch FROM started_at + make_interval(secs => $3 / 1000.0) - now.t) * 1000
              FROM recent, now WHERE key = $1 AND n = $4) AS account_wait,
           (SELECT extract(epoch FROM started_at + make_interval(secs => $3 / 1000.0) - now.t) * 1000
              FROM recent, now WHERE key = $2 AND n = $5) AS ip_wait`,
        [key, ipKey, holdMs, accountLimit, ipLimit],
      );
      const row = rows[0];
      const accountFull = Number(row?.account_count ?? 0) >= accountLimit;
      const ipFull = Number(row?.ip_count ?? 0) >= ipLimit;
      if (accountFull || ipFull) {
        await client.query("COMMIT");
        const wait = Math.max(accountFull ? Number(row?.account_wait ?? 1) : 0, ipFull ? Number(row?.ip_wait ?? 1) : 0);
        return Math.max(1, Math.ceil(wait));
      }
      await client.query(
        `INSERT INTO ${table} (key, started_at) SELECT k, clock_timestamp() FROM unnest($1::text[]) AS k`,
        [[key, ipKey]],
      );
      // Forget starts that no window can count any more (only our keys: we hold their locks).
      await client.query(
        `DELETE FROM ${table} WHERE key IN ($1, $2) AND started_at < clock_timestamp() - make_interval(secs => $3)`,
        [key, ipKey, (holdMs * 3) / 1000],
      );
      await client.query("COMMIT");
      return 0;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  };

  return {
    async acquire(accountKey, qps) {
      await ensureTable();
      for (;;) {
        const wait = await tryOnce(accountKey, qps);
        if (wait === 0) return;
        // A little jitter so waiters of several processes do not all come back in the same millisecond.
        await new Promise((resolve) => setTimeout(resolve, wait + Math.floor(Math.random() * 15)));
      }
    },
    async close() {
      await pool.end();
    },
  };
}

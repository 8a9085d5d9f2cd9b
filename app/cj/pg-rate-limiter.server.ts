/**
 * CJ rate limits shared by every process on one PostgreSQL database (production profile): a log per key
 * (`account:<id>`, `ip:<egress id>`) in an unlogged table, read and written under transaction-scoped advisory locks,
 * timed by the database clock alone. See docs/decisions/0007-production-profile.md and 0003-cj-rate-limits.md.
 *
 * A row stands for one permit: `started_at` when it was granted, `ended_at` when the caller released it (CJ's
 * response headers arrived, or the request failed), NULL while the request is in flight. CJ counts arrivals, and
 * arrival lies between the two, so a row keeps counting while in flight and for `hold` after `ended_at`; then two
 * requests sharing a "slot" of the limit arrive at least `hold` apart, however late either was sent after its
 * admission.
 *
 * `acquire` takes the account's lock, then the IP's (always in that order, so two callers never wait on each other
 * in opposite orders), counts each key's rows, and when both are under their limits inserts one row per key and
 * commits. Otherwise it commits without a row and sleeps until the earliest moment enough rows can have left.
 * Release is a plain UPDATE of its two rows, without the locks: a concurrent admission that still sees them in
 * flight only counts them longer than needed. One short transaction per CJ call: negligible at ≤ 10 calls/s.
 */
import pg from "pg";
import type { CjPermitRelease, CjRateLimiter } from "./rate-limiter";

export interface PgRateLimiterOptions {
  connectionString: string;
  /** Who shares CJ's per-IP limit: every deployment behind the same NAT must use the same id. */
  egressId?: string;
  ipRequestsPerSecond?: number;
  intervalMs?: number;
  /** Optional extra hold after the release, added to `intervalMs` (default 0; see `createInProcessRateLimiter`). */
  arrivalMarginMs?: number;
  /**
   * How long a row that was never released keeps counting (default 15 s), for a process that died with a request
   * in flight. undici gives up connecting after 10 s (DEFAULT_CJ_TIMEOUTS.connectMs), so a request in flight longer
   * than that has reached CJ or never will: the cap must exceed the connect timeout plus `intervalMs`.
   */
  inFlightCapMs?: number;
  /** PostgreSQL schema holding the log table (created on first use). */
  schema?: string;
  poolSize?: number;
  /** Receives failed releases (at debug: the row then counts until the cap, which is only slower). */
  logger?: { debug(fields: object, message: string): void };
}

export interface PgRateLimiter extends CjRateLimiter {
  close(): Promise<void>;
}

/** First key of the two-key advisory locks (the second is hashtext(key)); the migrator uses the one-key form. */
const LOCK_CLASS = 727_301;

export const DEFAULT_IN_FLIGHT_CAP_MS = 15_000;

export function createPgRateLimiter(options: PgRateLimiterOptions): PgRateLimiter {
  const schema = options.schema ?? "cj_limits";
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`bad schema name ${schema}`);
  // `request_log` (key, started_at) was the table of the start-counting limiter; a database may still hold it.
  const table = `"${schema}".request_log_v2`;
  const holdMs = (options.intervalMs ?? 1000) + (options.arrivalMarginMs ?? 0);
  const capMs = options.inFlightCapMs ?? DEFAULT_IN_FLIGHT_CAP_MS;
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
  let closing: Promise<void> | undefined;
  const ensureTable = () => {
    ready ??= (async () => {
      const client = await pool.connect();
      try {
        // Two processes starting together: serialise the CREATEs (IF NOT EXISTS still races on the catalog).
        await client.query("BEGIN");
        await client.query("SELECT pg_advisory_xact_lock($1, 0)", [LOCK_CLASS]);
        await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
        await client.query(
          `CREATE UNLOGGED TABLE IF NOT EXISTS ${table} (
             id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
             key text NOT NULL,
             started_at timestamptz NOT NULL,
             ended_at timestamptz
           )`,
        );
        await client.query(`CREATE INDEX IF NOT EXISTS request_log_v2_key_started ON ${table} (key, started_at)`);
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

  // A row counts while in flight (up to the cap) and for `hold` after its release. The same condition, negated,
  // says which rows can be deleted: once a row stops counting it never counts again (the release below leaves rows
  // past the cap alone). Written so that it is never NULL, since NOT NULL is NULL and would keep such rows.
  const counts = `((ended_at IS NULL AND started_at > now.t - make_interval(secs => $2 / 1000.0))
                   OR (ended_at IS NOT NULL AND ended_at > now.t - make_interval(secs => $3 / 1000.0)))`;

  /** One try: the ids of our rows when admitted, otherwise the milliseconds to wait before the next try. */
  const tryOnce = async (accountKey: string, qps: number): Promise<{ ids: string[] } | { waitMs: number }> => {
    const accountLimit = Math.max(1, Math.floor(qps));
    const key = `account:${accountKey}`;
    const limits = new Map([
      [key, accountLimit],
      [ipKey, ipLimit],
    ]);
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      await client.query("SELECT pg_advisory_xact_lock($1, hashtext($2))", [LOCK_CLASS, key]);
      await client.query("SELECT pg_advisory_xact_lock($1, hashtext($2))", [LOCK_CLASS, ipKey]);
      // Counting happens after both locks are held: every admission recorded before is visible (READ COMMITTED
      // takes a new snapshot per statement), and nobody else can record one until we commit.
      // `leaves_in_ms`: the earliest a row can stop counting. A released row leaves `hold` after its release; one
      // in flight cannot leave before `hold` from now (were it released at once), nor after the cap.
      const { rows } = await client.query<{ key: string; leaves_in_ms: number }>(
        `SELECT key, extract(epoch FROM
                  CASE WHEN ended_at IS NULL
                       THEN least(started_at + make_interval(secs => $2 / 1000.0),
                                  now.t + make_interval(secs => $3 / 1000.0))
                       ELSE ended_at + make_interval(secs => $3 / 1000.0) END - now.t) * 1000 AS leaves_in_ms
         FROM ${table}, (SELECT clock_timestamp() AS t) now
         WHERE key = ANY($1) AND ${counts}`,
        [[key, ipKey], capMs, holdMs],
      );
      // For each full key, as many rows must leave as bring it under its limit; both keys must be under theirs.
      let waitMs = 0;
      for (const [k, limit] of limits) {
        const leaving = rows
          .filter((row) => row.key === k)
          .map((row) => Number(row.leaves_in_ms))
          .sort((a, b) => a - b);
        if (leaving.length >= limit) waitMs = Math.max(waitMs, leaving[leaving.length - limit] ?? 0, 1);
      }
      if (waitMs > 0) {
        await client.query("COMMIT");
        return { waitMs: Math.ceil(waitMs) };
      }
      const inserted = await client.query<{ id: string }>(
        `INSERT INTO ${table} (key, started_at) SELECT k, clock_timestamp() FROM unnest($1::text[]) AS k RETURNING id`,
        [[key, ipKey]],
      );
      // Forget rows that stopped counting (only our keys: we hold their locks). SKIP LOCKED: a release updating
      // one of them at this moment never makes the two statements wait on each other.
      await client.query(
        `DELETE FROM ${table} WHERE id IN (
           SELECT id FROM ${table} AS r, (SELECT clock_timestamp() AS t) now
           WHERE key = ANY($1) AND NOT ${counts} FOR UPDATE OF r SKIP LOCKED)`,
        [[key, ipKey], capMs, holdMs],
      );
      await client.query("COMMIT");
      return { ids: inserted.rows.map((row) => row.id) };
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  };

  const release = async (ids: string[]) => {
    // `started_at` past the cap: the row stopped counting already; ending it now would make it count again.
    await pool.query(
      `UPDATE ${table} SET ended_at = clock_timestamp()
       WHERE id = ANY($1::bigint[]) AND ended_at IS NULL
         AND started_at > clock_timestamp() - make_interval(secs => $2 / 1000.0)`,
      [ids, capMs],
    );
  };

  return {
    async acquire(accountKey, qps): Promise<CjPermitRelease> {
      await ensureTable();
      for (;;) {
        const outcome = await tryOnce(accountKey, qps);
        if ("ids" in outcome) {
          let released = false;
          return () => {
            if (released) return;
            released = true;
            release(outcome.ids).catch((error: unknown) => {
              options.logger?.debug(
                { err: error, accountKey, capMs },
                "CJ rate limiter: release failed, the permit counts until the in-flight cap",
              );
            });
          };
        }
        // A little jitter so waiters of several processes do not all come back in the same millisecond.
        await new Promise((resolve) => setTimeout(resolve, outcome.waitMs + Math.floor(Math.random() * 15)));
      }
    },
    close() {
      closing ??= pool.end();
      return closing;
    },
  };
}

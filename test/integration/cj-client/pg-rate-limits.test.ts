/**
 * The PostgreSQL-backed limiter (production profile) as the CJ EMULATOR measures it: three limiter instances on one
 * scratch database stand for three processes, their callers share three CJ accounts and the egress IP, and every
 * request leaves a random time after its admission (event-loop lag of a busy process, up to 400 ms). CJ counts
 * arrivals in sliding 1-second windows; the limiter holds each permit until a second after the response headers,
 * so the emulator's log must never show an account above its QPS nor the IP above 10/s, whatever the lag.
 * Real time is needed (the emulator's windows use it); the assertions are on counts, not durations.
 */
import pg from "pg";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CjRateLimiter, closeCjDispatchers, createCjClient, createMemoryCredentialStore } from "../../../app/cj";
import { createPgRateLimiter, type PgRateLimiter } from "../../../app/cj/pg-rate-limiter.server";
import { type CjEmulator, startCjEmulator } from "../../emulators/cj/index.js";
import { maxInAnyWindow } from "../../emulators/cj/limits.js";
import { createEmptyPostgresDatabase, isPostgresReachable } from "../../support/database";
import { seededRandom } from "../../support/random";

const postgres = await isPostgresReachable();

const ACCOUNTS = [
  { id: "acct-pg-2", apiKey: "CJUserNum@api@pg2", qpsLimit: 2 },
  { id: "acct-pg-4", apiKey: "CJUserNum@api@pg4", qpsLimit: 4 },
  { id: "acct-pg-6", apiKey: "CJUserNum@api@pg6", qpsLimit: 6 },
];
const PROCESSES = 3;
const CALLERS = 45;
const CALLS_PER_CALLER = 2;
const MAX_LAG_MS = 400;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The real limiter, with the request sent a random time after admission (a process whose event loop lags). */
function lagging(limiter: CjRateLimiter, rand: () => number): CjRateLimiter {
  return {
    async acquire(accountKey, qps) {
      const release = await limiter.acquire(accountKey, qps);
      await sleep(rand() * MAX_LAG_MS);
      return release;
    },
  };
}

describe.skipIf(!postgres)("PostgreSQL rate limiter measured by the emulator", () => {
  let emulator: CjEmulator;
  let database: Awaited<ReturnType<typeof createEmptyPostgresDatabase>>;
  const limiters: PgRateLimiter[] = [];
  const newLimiter = (options: Partial<Parameters<typeof createPgRateLimiter>[0]> = {}) => {
    const limiter = createPgRateLimiter({ connectionString: database.url, egressId: "test", ...options });
    limiters.push(limiter);
    return limiter;
  };
  const rows = async (key: string) => {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const result = await client.query<{ started_at: Date; ended_at: Date | null; started_ms: number }>(
        `SELECT started_at, ended_at, extract(epoch FROM started_at) * 1000 AS started_ms
         FROM cj_limits.request_log_v2 WHERE key = $1 ORDER BY started_at`,
        [key],
      );
      return result.rows.map((row) => ({ ...row, started_ms: Number(row.started_ms) }));
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    emulator = await startCjEmulator({
      ipQps: 10,
      accounts: ACCOUNTS.map((account) => ({ ...account, balance: "10.00" })),
    });
    database = await createEmptyPostgresDatabase();
    // A database that still has the table of the start-counting limiter (before request_log_v2) keeps working.
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    await client.query("CREATE SCHEMA cj_limits");
    await client.query(
      "CREATE UNLOGGED TABLE cj_limits.request_log (key text NOT NULL, started_at timestamptz NOT NULL)",
    );
    await client.query("INSERT INTO cj_limits.request_log VALUES ('ip:test', clock_timestamp())");
    await client.end();
  });
  afterAll(async () => {
    await Promise.all(limiters.map((limiter) => limiter.close()));
    await closeCjDispatchers();
    await emulator?.close();
    await database?.drop();
  });

  it(`${CALLERS} callers in ${PROCESSES} processes, sends lagging up to ${MAX_LAG_MS} ms: no account above its QPS, the IP never above 10/s`, async () => {
    const rand = seededRandom(11);
    const processes = Array.from({ length: PROCESSES }, () => lagging(newLimiter(), rand));
    // One credential store per account, as the database is in production: the first process obtains the token,
    // the others load it.
    const stores = ACCOUNTS.map((account) =>
      createMemoryCredentialStore({ [account.id]: { apiKey: account.apiKey, qpsLimit: account.qpsLimit } }),
    );
    const clientsOf = (rateLimiter: CjRateLimiter) =>
      ACCOUNTS.map((account, index) =>
        createCjClient({
          accountId: account.id,
          store: stores[index] as (typeof stores)[number],
          baseUrl: emulator.baseUrl,
          rateLimiter,
          logger: pino({ level: "silent" }),
          retry: { minTimeoutMs: 5, maxTimeoutMs: 20 },
        }),
      );
    const first = clientsOf(processes[0] as CjRateLimiter);
    for (const client of first) await client.auth.accessToken();
    // A client loads the stored credentials when created: the other processes' clients come after the tokens.
    const clients = [first, ...processes.slice(1).map(clientsOf)];

    const results = await Promise.all(
      Array.from({ length: CALLERS }, async (_, caller) => {
        const client = clients[caller % PROCESSES]?.[Math.floor(caller / PROCESSES) % ACCOUNTS.length];
        if (!client) throw new Error("no client");
        const balances: string[] = [];
        for (let call = 0; call < CALLS_PER_CALLER; call++)
          balances.push((await client.payment.getBalance()).amount ?? "");
        return balances;
      }),
    );

    expect(results.flat()).toEqual(Array(CALLERS * CALLS_PER_CALLER).fill("10.00"));
    // Every request (token calls included) went through the limiter; every balance call was sent once: nothing
    // was refused and retried.
    const requests = emulator.requests();
    const balanceCalls = emulator.requests({ path: "/shopping/pay/getBalance" });
    expect(balanceCalls).toHaveLength(CALLERS * CALLS_PER_CALLER);
    expect(emulator.limitViolations()).toEqual([]);
    for (const account of ACCOUNTS) {
      expect(balanceCalls.filter((request) => request.accountId === account.id)).toHaveLength(
        (CALLERS / ACCOUNTS.length) * CALLS_PER_CALLER,
      );
      expect(emulator.maxRequestsInAnyWindow(account.id)).toBeLessThanOrEqual(account.qpsLimit);
    }
    const ip = maxInAnyWindow(
      requests.map((request) => request.t),
      1000,
    );
    expect(ip).toBeLessThanOrEqual(10);
    // Throughput: the IP's limit is reached, not held below it by a margin (10 start at once, arrive within 0.4 s).
    expect(ip).toBe(10);
    const span = (balanceCalls.at(-1)?.t ?? 0) - (balanceCalls[0]?.t ?? 0);
    console.info(`pg limiter: ${balanceCalls.length} balance calls in ${span} ms, IP max/1 s ${ip}`);
  }, 120_000);

  it("a second process waits until a second after the first one's release (database clock)", async () => {
    const [a, b] = [newLimiter(), newLimiter()];
    const release = await a.acquire("acct-release", 1);
    const waiting = b.acquire("acct-release", 1);
    await sleep(300);
    release();
    // The release is an UPDATE sent in the background: wait until it is in.
    let [first] = await rows("account:acct-release");
    for (let i = 0; i < 100 && !first?.ended_at; i++) {
      await sleep(20);
      [first] = await rows("account:acct-release");
    }
    expect(first?.ended_at).toBeInstanceOf(Date);
    (await waiting)();
    const after = await rows("account:acct-release");
    // The first row was forgotten when the second was admitted: it had stopped counting.
    expect(after).toHaveLength(1);
    expect((after[0]?.started_ms ?? 0) - (first?.ended_at?.getTime() ?? Infinity)).toBeGreaterThanOrEqual(1000);
  }, 30_000);

  it("a permit never released (its process was killed) counts until the in-flight cap, then no more", async () => {
    const capMs = 2000;
    const dead = newLimiter({ inFlightCapMs: capMs });
    await dead.acquire("acct-killed", 1); // never released
    await dead.close();
    const [orphan] = await rows("account:acct-killed");
    expect(orphan?.ended_at).toBeNull();

    const survivor = newLimiter({ inFlightCapMs: capMs });
    (await survivor.acquire("acct-killed", 1))();
    const after = await rows("account:acct-killed");
    // Admitted once the orphan stopped counting, and the orphan was forgotten in the same transaction.
    expect(after).toHaveLength(1);
    expect((after[0]?.started_ms ?? 0) - (orphan?.started_ms ?? Infinity)).toBeGreaterThanOrEqual(capMs);
  }, 30_000);
});

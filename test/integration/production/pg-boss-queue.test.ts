/**
 * The pg-boss runner against a real PostgreSQL server: dead letters reach `onExhausted` exactly when a job has used
 * up its tries, and not when pg-boss fails a job that still had tries left because a job of the same key was
 * already waiting for its retry (the stately queue keeps one job per state and key).
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPgBossQueue, type PgBossRunner } from "../../../app/jobs/pg-boss-queue";
import { orderJobKey } from "../../../app/jobs/queue";
import { createEmptyPostgresDatabase, isPostgresReachable } from "../../support/database";
import { eventually } from "../../support/stack";

const postgres = await isPostgresReachable();

describe.runIf(postgres)("pg-boss runner: dead letters", () => {
  let database: { url: string; drop(): Promise<void> };
  let runner: PgBossRunner;
  let sql: pg.Pool;
  const calls: string[] = [];
  const exhausted: { data: Record<string, unknown>; reason: string }[] = [];

  beforeAll(async () => {
    database = await createEmptyPostgresDatabase();
    sql = new pg.Pool({ connectionString: database.url, max: 1 });
    // Long retry delays keep a failed job waiting in the retry state for the whole test.
    runner = createPgBossQueue(database.url, "worker", {
      retryDelaySeconds: 120,
      retryDelayMaxSeconds: 300,
      pollingIntervalSeconds: 0.5,
      superviseIntervalSeconds: 2,
    });
    runner.register("forward-order", {
      maxAttempts: 3,
      handler: async (data) => {
        calls.push(String(data.n));
        throw new Error(`CJ said no to ${String(data.n)}`);
      },
      onExhausted: async (data, error) => void exhausted.push({ data, reason: (error as Error).message }),
    });
    runner.register("pay-order", {
      maxAttempts: 1,
      handler: async (data) => {
        calls.push(String(data.n));
        throw new Error("balance too low");
      },
      onExhausted: async (data, error) => void exhausted.push({ data, reason: (error as Error).message }),
    });
    await runner.start();
  }, 60_000);

  afterAll(async () => {
    await runner?.stop();
    await sql?.end();
    await database?.drop();
  });

  const jobs = async (name: string) =>
    (
      await sql.query<{ state: string; retry_count: number; data: { n?: string } }>(
        "SELECT state, retry_count, data FROM pgboss.job WHERE name = $1 ORDER BY created_on",
        [name],
      )
    ).rows;

  it("a job that used up its tries reaches onExhausted once, with the handler's reason", async () => {
    await runner.enqueue("pay-order", { orderId: "order-p", n: "p1" }, { singletonKey: orderJobKey("order-p") });
    await eventually(async () => exhausted.find((e) => e.data.orderId === "order-p"), 20_000, 200);
    expect(exhausted.filter((e) => e.data.orderId === "order-p")).toEqual([
      { data: { orderId: "order-p", n: "p1" }, reason: "balance too low" },
    ]);
  });

  it("a job failed with tries left (its retry collided with a waiting sibling) is not taken as exhausted", async () => {
    const key = orderJobKey("order-f");
    await runner.enqueue("forward-order", { orderId: "order-f", n: "f1" }, { singletonKey: key });
    // The first job fails once and waits for its retry (two minutes away).
    await eventually(async () => (await jobs("forward-order")).find((j) => j.state === "retry"), 20_000, 200);
    // A second producer (a sweep, the merchant's button) sends the same order's job: it runs, fails, and pg-boss
    // cannot put it back for retry beside the first one, so it fails outright and goes to the dead-letter queue.
    await runner.enqueue("forward-order", { orderId: "order-f", n: "f2" }, { singletonKey: key });
    await eventually(
      async () => (await jobs("forward-order.dead")).find((j) => j.state === "completed" && j.data.n === "f2"),
      30_000,
      250,
    );
    const rows = await jobs("forward-order");
    expect(rows.map((j) => [j.data.n, j.state, j.retry_count])).toEqual([
      ["f1", "retry", 0],
      ["f2", "failed", 0],
    ]);
    expect(calls.filter((c) => c.startsWith("f"))).toEqual(["f1", "f2"]);
    // The first job still carries the order: nothing was exhausted.
    expect(exhausted.filter((e) => e.data.orderId === "order-f")).toEqual([]);
  });
});

/**
 * transitionOrder against a real scratch database (SQLite always, PostgreSQL when the local server answers): a change
 * applies only from an allowed state, together with its OrderEvent, and of two racing changes exactly one wins.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "../../../app/db.server";
import { type OrderState, transitionOrder } from "../../../app/fulfillment/state";
import { createTestDatabase, type TestDatabase, testProfiles } from "../../support/database";

const profiles = await testProfiles();

describe.each(profiles)("transitionOrder on %s", (profile) => {
  let t: TestDatabase;
  let shopId: string;
  let orderCount = 0;

  beforeAll(async () => {
    t = await createTestDatabase(profile);
    shopId = (await t.db.shop.create({ data: { domain: "state-store.myshopify.com" } })).id;
  });
  afterAll(async () => {
    await t?.drop();
  });

  async function orderIn(state: OrderState) {
    orderCount += 1;
    const row = await t.db.order.create({
      data: { shopId, shopifyOrderGid: `gid://shopify/Order/${orderCount}`, shopifyOrderName: `#${orderCount}`, state },
    });
    return row.id;
  }
  const eventsOf = (orderId: string) => t.db.orderEvent.findMany({ where: { orderId }, orderBy: { at: "asc" } });
  const stateOf = async (orderId: string) => (await t.db.order.findUniqueOrThrow({ where: { id: orderId } })).state;

  it("an allowed transition sets the state and the columns and writes one event", async () => {
    const id = await orderIn("RECEIVED");
    const applied = await transitionOrder(t.db, id, {
      to: "HELD",
      actor: "job",
      type: "held",
      message: "Waiting for payment",
      data: { why: "unpaid" },
      set: { errorReason: "Waiting for payment" },
    });
    expect(applied).toBe(true);
    const row = await t.db.order.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ state: "HELD", errorReason: "Waiting for payment" });
    const events = await eventsOf(id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actor: "job",
      type: "held",
      fromState: "RECEIVED",
      toState: "HELD",
      message: "Waiting for payment",
      data: JSON.stringify({ why: "unpaid" }),
    });
  });

  it("a transition from a state the table does not allow is a no-op: no change, no event", async () => {
    const id = await orderIn("DELIVERED");
    const applied = await transitionOrder(t.db, id, {
      to: "SHIPPED",
      actor: "cj",
      type: "shipped",
      message: "late ORDER push",
      set: { errorReason: "should not be written" },
    });
    expect(applied).toBe(false);
    const row = await t.db.order.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ state: "DELIVERED", errorReason: null });
    expect(await eventsOf(id)).toEqual([]);
  });

  it("`from` narrows the allowed states further", async () => {
    const id = await orderIn("NEEDS_ATTENTION");
    const applied = await transitionOrder(t.db, id, {
      to: "HELD",
      actor: "job",
      type: "held",
      message: "x",
      from: ["RECEIVED"],
    });
    expect(applied).toBe(false);
    expect(await stateOf(id)).toBe("NEEDS_ATTENTION");
    expect(await eventsOf(id)).toEqual([]);
  });

  it("an unknown order is a no-op", async () => {
    expect(await transitionOrder(t.db, "no-such-order", { to: "HELD", actor: "job", type: "held", message: "x" })).toBe(
      false,
    );
  });

  it("inside a caller's transaction it commits or rolls back with it", async () => {
    const id = await orderIn("RECEIVED");
    await expect(
      t.db.$transaction(async (tx) => {
        await transitionOrder(tx as never, id, { to: "SUBMITTED", actor: "job", type: "submitted", message: "x" });
        throw new Error("crash before commit");
      }),
    ).rejects.toThrow("crash before commit");
    expect(await stateOf(id)).toBe("RECEIVED");
    expect(await eventsOf(id)).toEqual([]);
  });

  /**
   * Two workers decide differently about the same RECEIVED order at the same moment, each only from RECEIVED (as the
   * callers do). Without `from`, HELD then SUBMITTED in a row would both be legal moves, not a race.
   */
  async function race(db1: Db, db2: Db) {
    const id = await orderIn("RECEIVED");
    const settled = await Promise.allSettled([
      transitionOrder(db1, id, { to: "SUBMITTED", actor: "job", type: "submitted", message: "A", from: ["RECEIVED"] }),
      transitionOrder(db2, id, { to: "HELD", actor: "job", type: "held", message: "B", from: ["RECEIVED"] }),
    ]);
    return { id, settled, events: await eventsOf(id), state: await stateOf(id) };
  }

  it("two concurrent transitions from the same state through one client: exactly one applies, one event", async () => {
    for (let round = 0; round < 20; round++) {
      const { settled, events, state } = await race(t.db, t.db);
      const results = settled.map((r) => (r.status === "fulfilled" ? r.value : r.reason));
      expect(
        results.filter((r) => r === true),
        `round ${round}: ${results}`,
      ).toHaveLength(1);
      expect(
        results.filter((r) => r === false),
        `round ${round}: ${results}`,
      ).toHaveLength(1);
      expect(events, `round ${round}`).toHaveLength(1);
      const winner = results[0] === true ? "SUBMITTED" : "HELD";
      expect(events[0]).toMatchObject({ fromState: "RECEIVED", toState: winner });
      expect(state).toBe(winner);
    }
  });

  it("two concurrent transitions from two clients (two processes on one database): never both", async () => {
    const rounds = profile === "sqlite" ? 1 : 20;
    for (let round = 0; round < rounds; round++) {
      // Fresh clients each round: on SQLite a client that lost such a race can stay unusable (see below).
      const [a, b] = [createDb(t.url), createDb(t.url)];
      const id = await orderIn("RECEIVED");
      const settled = await Promise.allSettled([
        transitionOrder(a, id, { to: "SUBMITTED", actor: "job", type: "submitted", message: "A", from: ["RECEIVED"] }),
        transitionOrder(b, id, { to: "HELD", actor: "job", type: "held", message: "B", from: ["RECEIVED"] }),
      ]);
      await Promise.all([a.$disconnect(), b.$disconnect()]);
      const events = await eventsOf(id);
      const applied = settled.filter((r) => r.status === "fulfilled" && r.value === true);
      const failed = settled.filter((r) => r.status === "rejected").map((r) => String(r.reason));
      // Safety on both profiles: at most one change, and the timeline says exactly what happened.
      expect(applied.length, `round ${round}`).toBeLessThanOrEqual(1);
      expect(events, `round ${round}`).toHaveLength(applied.length);
      expect(await stateOf(id)).toBe(events[0]?.toState ?? "RECEIVED");
      if (profile === "postgresql") {
        expect(applied, `round ${round}: ${failed}`).toHaveLength(1);
      } else {
        // KNOWN ISSUE (reported): Prisma's libsql adapter opens DEFERRED transactions on a rollback-journal file, so
        // two connections that both read the row and then write it wait on each other until the busy timeout
        // (10 s) and typically BOTH fail (SQLITE_BUSY, or Prisma's "Operation has timed out"); the losing client's
        // later writes kept timing out in a probe. One client (the embedded app) serialises its transactions and is
        // not affected (previous test).
        for (const reason of failed) expect(reason).toMatch(/Operation has timed out|SQLITE_BUSY/);
      }
    }
  });
});

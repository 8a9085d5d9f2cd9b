/**
 * Production profile, graceful shutdown of a worker (`npm run worker` gets SIGTERM, as on a deploy or a scale-in):
 * its readiness turns 503 at once while it stays alive, the job it is running finishes (the order reaches CJ once),
 * it takes no new job, and it exits 0. Work sent meanwhile waits in pg-boss for the next worker, which does it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cjOrderNumberFor } from "../../../app/fulfillment/mapping";
import { isPostgresReachable } from "../../support/database";
import { createdOrderNumbers, type ProductionStack, startProductionStack } from "../../support/processes";
import { eventually } from "../../support/stack";

const postgres = await isPostgresReachable();
const CJ_ANSWER_MS = 3000;

describe.runIf(postgres)("production profile: a worker stopped with SIGTERM", () => {
  let s: ProductionStack;
  beforeAll(async () => {
    s = await startProductionStack({
      webs: 1,
      workers: 1,
      shops: 1,
      // The worker's own account of its stop is asserted below.
      env: { LOG_LEVEL: "info" },
      settings: { logisticsRule: "PREFERRED", preferredLogistics: JSON.stringify({ US: ["USPS+"] }) },
    });
  }, 180_000);
  afterAll(async () => {
    await s?.stop();
  });

  const stateOf = async (gid: string) =>
    (await s.t.db.order.findFirst({ where: { shopifyOrderGid: gid }, select: { state: true } }))?.state;
  const forwarded = (gid: string) =>
    eventually(
      async () => {
        const state = await stateOf(gid);
        return state && !["RECEIVED", "SUBMITTED"].includes(state) ? state : undefined;
      },
      60_000,
      200,
    );
  const status = (url: string) =>
    fetch(url).then(
      (r) => r.status,
      () => 0,
    );

  it("finishes the job in flight, takes no new one, exits 0; the next worker does the rest", async () => {
    const domain = s.shops[0]?.domain as string;
    // A first order gets the account's token (a merchant connecting CJ), so the second one's job is all business.
    const warm = s.addOrder(0, { financialStatus: "PAID", lines: [{ sku: "TSHIRT-WHITE-M", quantity: 1 }] });
    expect(await s.webhook(0, "orders/paid", warm)).toBe(200);
    await forwarded(warm.id);

    // CJ takes 3 s to answer the next createOrderV2: the worker is stopped while that job waits for it.
    s.cj.addFault({ kind: "slow", path: "/shopping/order/createOrderV2", times: 1, hangMs: CJ_ANSWER_MS });
    const busy = s.addOrder(0, { financialStatus: "PAID", lines: [{ sku: "TSHIRT-WHITE-M", quantity: 1 }] });
    expect(await s.webhook(0, "orders/paid", busy)).toBe(200);
    const busyNumber = cjOrderNumberFor(domain, busy.id);
    const creates = (orderNumber: string) =>
      s.cj
        .requests({ path: "/shopping/order/createOrderV2" })
        .filter((r) => (r.body as { orderNumber?: string }).orderNumber === orderNumber);
    await eventually(async () => creates(busyNumber).length === 1 || undefined, 30_000, 50);

    const worker = s.workers[0];
    if (!worker) throw new Error("no worker");
    expect(await status(`${worker.healthUrl}/readyz`)).toBe(200);
    const stopped = worker.stop("SIGTERM");
    // Not ready any more (a load balancer or orchestrator stops routing to it), but alive while it finishes.
    await eventually(async () => (await status(`${worker.healthUrl}/readyz`)) === 503 || undefined, 2000, 50);
    expect(await status(`${worker.healthUrl}/healthz`)).toBe(200);
    expect(worker.exited()).toBe(false);

    // Work sent while it stops is not taken by it.
    const later = s.addOrder(0, { financialStatus: "PAID", lines: [{ sku: "TSHIRT-WHITE-M", quantity: 1 }] });
    expect(await s.webhook(0, "orders/paid", later)).toBe(200);

    await stopped;
    expect(worker.exitCode()).toBe(0);
    expect(worker.output()).toContain('"msg":"worker: stopping (finishing jobs in flight)"');
    expect(worker.output()).toContain('"msg":"worker: stopped"');
    // The job in flight finished: CJ's answer was recorded, the order moved on, and its pg-boss job is complete.
    expect(await stateOf(busy.id)).not.toBe("RECEIVED");
    const busyRow = await s.t.db.order.findFirst({ where: { shopifyOrderGid: busy.id } });
    expect(busyRow?.cjOrderId).toBeTruthy();
    const jobs = await s.t.db.$queryRawUnsafe<{ state: string }[]>(
      "SELECT state FROM pgboss.job WHERE name = 'forward-order' AND data->>'orderId' = $1",
      busyRow?.id,
    );
    expect(jobs.map((j) => j.state)).toEqual(["completed"]);
    // The later order waited: no worker was taking jobs.
    expect(await stateOf(later.id)).toBe("RECEIVED");
    expect(creates(cjOrderNumberFor(domain, later.id))).toEqual([]);

    // The next worker picks up what was left.
    s.workers.splice(0, s.workers.length);
    await (await s.addWorker()).ready();
    await forwarded(later.id);
    await forwarded(busy.id);
    const counts = createdOrderNumbers(s.cj);
    expect([counts.get(busyNumber), counts.get(cjOrderNumberFor(domain, later.id))]).toEqual([1, 1]);
    expect(creates(busyNumber)).toHaveLength(1);
  }, 180_000);
});

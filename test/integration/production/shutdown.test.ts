/**
 * Production profile, graceful shutdown (SIGTERM, as on a deploy or a scale-in).
 * - A worker (`npm run worker`): its readiness turns 503 at once while it stays alive, the job it is running
 *   finishes (the order reaches CJ once), it takes no new job, and it exits 0. Work sent meanwhile waits in pg-boss
 *   for the next worker, which does it.
 * - A web process (`npm start`): a request in flight (the order-page extension asking CJ for quotes) is answered in
 *   full, new connections are no longer taken, and it exits 0.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cjOrderNumberFor } from "../../../app/fulfillment/mapping";
import { makeSessionToken } from "../../../app/runtime/session-token";
import { testApiKey, testAppSecret } from "../../support/app-process";
import { isPostgresReachable } from "../../support/database";
import { createdOrderNumbers, type ProductionStack, startProductionStack } from "../../support/processes";
import { eventually } from "../../support/stack";

const postgres = await isPostgresReachable();
const CJ_ANSWER_MS = 3000;

describe.runIf(postgres)("production profile: graceful shutdown (SIGTERM)", () => {
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
    // The later order waited: recorded with its payload, not processed, as no worker was taking jobs.
    expect(await stateOf(later.id)).toBeUndefined();
    const waiting = await s.t.db.webhookReceipt.findMany({ where: { source: "SHOPIFY", processedAt: null } });
    expect(waiting.filter((r) => r.payload?.includes(later.id))).toHaveLength(1);
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

  it("a web process answers the request in flight, then stops taking connections and exits 0", async () => {
    const web = s.webs[0];
    if (!web) throw new Error("no web process");
    const shop = s.shops[0] as (typeof s.shops)[number];
    // An order held for the merchant (over the shop's order cap): its lines are read, and the order page can ask CJ
    // for quotes before the merchant approves it.
    if (!s.workers.some((w) => !w.exited())) await (await s.addWorker()).ready();
    await s.t.db.shopSettings.update({ where: { shopId: shop.shopId }, data: { orderTotalCap: "1" } });
    const order = s.addOrder(0, { financialStatus: "PAID", lines: [{ sku: "TSHIRT-WHITE-M", quantity: 1 }] });
    expect(await s.webhook(0, "orders/paid", order)).toBe(200);
    const row = await eventually(
      async () => {
        const found = await s.t.db.order.findFirst({ where: { shopifyOrderGid: order.id } });
        return found?.state === "HELD" ? found : undefined;
      },
      30_000,
      100,
    );

    s.cj.addFault({ kind: "slow", path: "/logistic/*", hangMs: 1500 });
    const logisticCalls = () => s.cj.state.requests.filter((r) => r.path.startsWith("/logistic/")).length;
    const before = logisticCalls();
    const token = await makeSessionToken({ shop: shop.domain, apiKey: testApiKey, apiSecret: testAppSecret });
    const inFlight = fetch(`${web.url}/api/orders/${row.id}/quotes`, {
      headers: {
        "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/140.0 Safari/537.36",
        Origin: "https://extensions.shopifycdn.com",
        Authorization: `Bearer ${token}`,
      },
    });
    await eventually(async () => logisticCalls() > before || undefined, 20_000, 50);

    const stopped = web.stop("SIGTERM");
    const res = await inFlight;
    expect(res.status).toBe(200);
    const quotes = (await res.json()) as { options?: { logisticName: string }[] };
    expect(JSON.stringify(quotes)).toContain("USPS+");
    await stopped;
    expect(web.exitCode()).toBe(0);
    expect(await status(`${web.url}/healthz`)).toBe(0);
  }, 120_000);
});

/**
 * Production profile, crashes: three workers forward, pay and ship while the test SIGKILLs a random worker 100
 * times at random moments and starts a replacement each time. A third of createOrderV2 calls are held after CJ
 * created the order (the emulator's `holdAfter`), so many kills land between CJ's answer and the app's commit.
 * Every order must be created at CJ exactly once (the emulator's request log: one order per orderNumber and no
 * create refused as a repeat), and every shipped order fulfilled in Shopify exactly once.
 *
 * Claims of dead workers lapse after ORDER_CLAIM_SECONDS and a frequent stale sweep re-drives their orders; pg-boss
 * retries their jobs once the heartbeat stops (10 s). CJ's limits are raised here as in duplicates.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cjOrderNumberFor } from "../../../app/fulfillment/mapping";
import type { Order as ShopifyOrder } from "../../emulators/shopify/model";
import { type ProductionStack, startProductionStack, type WorkerProcess } from "../../support/processes";
import { eventually } from "../../support/stack";

const ORDERS = 150;
const KILLS = 100;
// Runs with `npm run test:stress`, outside `npm test`, until it passes; see docs/decisions/0007-production-profile.md. The web hang was
// the test's own kills hitting the tsx wrapper (workers survived as orphans and exhausted PostgreSQL connections);
// with `workerSpawn: "node"` all 100 kills are real and every webhook is answered, but in the first such run 64 of
// 150 orders were still RECEIVED 120 s after the last kill — not yet diagnosed.
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("production profile: 100 worker SIGKILLs while orders flow", () => {
  let s: ProductionStack;
  beforeAll(async () => {
    s = await startProductionStack({
      webs: 1,
      workers: 3,
      shops: 1,
      // One process per worker: a SIGKILL of the tsx CLI wrapper would leave the worker itself running.
      workerSpawn: "node",
      qps: 200,
      cj: { ipQps: 1000 },
      env: {
        CJ_IP_REQUESTS_PER_SECOND: "1000",
        CJ_ARRIVAL_MARGIN_MS: "0",
        ORDER_CLAIM_SECONDS: "4",
        RECONCILE_STALE_EVERY_SECONDS: "2",
        RECONCILE_STALE_SECONDS: "5",
        CJ_POLL_EVERY_SECONDS: "5",
        CJ_POLL_INTERVAL_SCALE: "0.001",
      },
      settings: {
        logisticsRule: "PREFERRED",
        preferredLogistics: JSON.stringify({ US: ["USPS+"] }),
        paymentMode: "BALANCE",
        autoPayPerOrderCap: "500",
        sandbox: true,
      },
    });
    s.pointCjPushesAtApp();
  }, 180_000);
  afterAll(async () => {
    await s?.stop();
  });

  it("forwards every order exactly once and fulfils every shipped order once", async () => {
    s.cj.addFault({ kind: "holdAfter", path: "/shopping/order/createOrderV2", probability: 0.33, hangMs: 700 });
    const orders: ShopifyOrder[] = [];
    const shipped = new Set<string>();
    let sent = 0;
    let kills = 0;
    const killedPids: number[] = [];
    const sendSome = async (n: number) => {
      for (let i = 0; i < n && sent < ORDERS; i++, sent++) {
        const order = s.addOrder(0, { financialStatus: "PAID", lines: [{ sku: "TSHIRT-WHITE-M", quantity: 1 }] });
        orders.push(order);
        // Like Shopify: a delivery that fails or takes over 5 s is sent again (same webhook id).
        const webhookId = `paid-${sent}`;
        let status = 0;
        for (let attempt = 0; attempt < 5 && status !== 200; attempt++) {
          status = await s.webhook(0, "orders/paid", order, { webhookId }).catch(() => 0);
        }
        expect(status).toBe(200);
      }
    };
    const shipPaid = () => {
      for (const o of s.cj.state.orders) {
        if (o.status === "UNSHIPPED" && !shipped.has(o.orderNumber)) {
          s.cj.shipOrder(o.orderId);
          shipped.add(o.orderNumber);
        }
      }
    };
    while (kills < KILLS) {
      await sendSome(2);
      shipPaid();
      await sleep(250 + Math.floor(Math.random() * 600));
      const alive = s.workers.filter((w) => !w.exited());
      if (alive.length === 0) throw new Error(`no worker alive:\n${s.workers.map((w) => w.output()).join("\n---\n")}`);
      const victim = alive[Math.floor(Math.random() * alive.length)] as WorkerProcess;
      await victim.stop("SIGKILL");
      killedPids.push(victim.pid);
      kills++;
      s.workers.splice(s.workers.indexOf(victim), 1);
      // The replacement starts at once; a worker that is still starting may be the next victim too.
      await s.addWorker();
    }
    await sendSome(ORDERS);
    expect(kills).toBe(KILLS);

    const numbers = new Set(orders.map((o) => cjOrderNumberFor(s.shops[0]?.domain as string, o.id)));
    // Every order reaches CJ and gets paid; ship the rest.
    await eventually(
      async () => {
        shipPaid();
        return shipped.size >= ORDERS || undefined;
      },
      120_000,
      1000,
    ).catch(async (e) => {
      const states = await s.t.db.order.groupBy({ by: ["state"], _count: true });
      throw new Error(`${(e as Error).message}: shipped ${shipped.size}; ${JSON.stringify(states)}`);
    });
    const fulfilled = () =>
      orders.filter((o) => (s.shopify.state.orders.get(o.id)?.order.fulfillments.length ?? 0) > 0).length;
    await eventually(async () => fulfilled() >= ORDERS || undefined, 150_000, 1000).catch(async (e) => {
      throw new Error(`${(e as Error).message}: ${fulfilled()} of ${ORDERS} fulfilled`);
    });

    // Exactly once at CJ: one order per number, and no create ever refused as a repeat (which a blind second
    // create after a lost answer would have been).
    const cjNumbers = s.cj.state.orders.map((o) => o.orderNumber);
    expect(cjNumbers).toHaveLength(ORDERS);
    expect(new Set(cjNumbers)).toEqual(numbers);
    expect(s.cj.requests({ path: "/shopping/order/createOrderV2" }).filter((r) => r.code === 1603000)).toEqual([]);
    // The held answers did happen, and some kills landed on them.
    expect(s.cj.requests({ path: "/shopping/order/createOrderV2" }).some((r) => r.fault !== null)).toBe(true);
    // Once in Shopify: one fulfillment per shipped order.
    for (const o of orders) expect(s.shopify.state.orders.get(o.id)?.order.fulfillments).toHaveLength(1);
    expect(new Set(killedPids).size).toBe(KILLS);
  }, 420_000);
});

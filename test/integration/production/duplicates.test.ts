/**
 * Production profile, duplicates and disorder: 1,000 signed Shopify webhooks for 700 distinct orders (30 % are
 * redeliveries or extra orders/updated, some orders/updated arriving before orders/paid, some older snapshots
 * arriving late), shuffled, into two web processes; two workers forward. Exactly 700 CJ orders, none lost, none
 * created twice.
 *
 * CJ's rate limits are raised for this test (emulator and app alike): what is under test is the intake and the
 * queue, and 700 orders × ~5 CJ calls at 10/s would take six minutes. fault-storm.test.ts holds the real limits.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cjOrderNumberFor } from "../../../app/fulfillment/mapping";
import type { Order as ShopifyOrder } from "../../emulators/shopify/model";
import { isPostgresReachable } from "../../support/database";
import { type ProductionStack, startProductionStack } from "../../support/processes";
import { seededRandom } from "../../support/random";
import { eventually } from "../../support/stack";

const ORDERS = 700;
const WEBHOOKS = 1000;
const postgres = await isPostgresReachable();

describe.skipIf(!postgres)("production profile: 1,000 webhooks for 700 orders into 2 web processes", () => {
  let s: ProductionStack;
  beforeAll(async () => {
    s = await startProductionStack({
      webs: 2,
      workers: 2,
      shops: 2,
      qps: 200,
      cj: { ipQps: 1000 },
      env: { CJ_IP_REQUESTS_PER_SECOND: "1000", JOB_CONCURRENCY: "4" },
      settings: { logisticsRule: "PREFERRED", preferredLogistics: JSON.stringify({ US: ["USPS+"] }) },
    });
  }, 180_000);
  afterAll(async () => {
    await s?.stop();
  });

  it("creates exactly one CJ order per distinct order", async () => {
    const rand = seededRandom(7);
    const orders: { shop: number; order: ShopifyOrder }[] = [];
    for (let i = 0; i < ORDERS; i++) {
      const shop = i % 2;
      orders.push({
        shop,
        order: s.addOrder(shop, { financialStatus: "PAID", lines: [{ sku: "TSHIRT-WHITE-M", quantity: 1 + (i % 3) }] }),
      });
    }
    type Delivery = { shop: number; topic: string; order: ShopifyOrder; webhookId: string; payload?: unknown };
    const deliveries: Delivery[] = orders.map(({ shop, order }, i) => ({
      shop,
      topic: "orders/paid",
      order,
      webhookId: `paid-${i}`,
    }));
    const extra = WEBHOOKS - ORDERS;
    for (let k = 0; k < extra; k++) {
      const i = Math.floor(rand() * ORDERS);
      const { shop, order } = orders[i] as (typeof orders)[number];
      const kind = k % 3;
      if (kind === 0) {
        // Shopify redelivers the same webhook (same X-Shopify-Webhook-Id).
        deliveries.push({ shop, topic: "orders/paid", order, webhookId: `paid-${i}` });
      } else if (kind === 1) {
        // An orders/updated for the paid order (may arrive before orders/paid once shuffled).
        deliveries.push({ shop, topic: "orders/updated", order, webhookId: `updated-${k}` });
      } else {
        // An older, unpaid snapshot arriving late: it must neither overwrite the newer one nor stop forwarding.
        const domain = s.shops[shop]?.domain as string;
        const { toOrderWebhookPayload } = await import("../../emulators/shopify/index");
        const payload = toOrderWebhookPayload(order, domain) as Record<string, unknown>;
        const older = new Date(Date.parse(String(payload.updated_at)) - 60_000).toISOString();
        deliveries.push({
          shop,
          topic: "orders/updated",
          order,
          webhookId: `stale-${k}`,
          payload: { ...payload, updated_at: older, financial_status: "pending" },
        });
      }
    }
    for (let i = deliveries.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [deliveries[i], deliveries[j]] = [deliveries[j] as Delivery, deliveries[i] as Delivery];
    }
    expect(deliveries).toHaveLength(WEBHOOKS);

    // Like Shopify: a delivery answered 5xx (or not within 5 s) is sent again with the same webhook id. A 4xx is
    // never retried by Shopify, so a valid delivery must never get one. Every non-200 is kept with its reason.
    const statuses = new Map<number, number>();
    const notOk: { webhookId: string; status: number; body: string }[] = [];
    let next = 0;
    const send = async () => {
      while (next < deliveries.length) {
        const index = next++;
        const d = deliveries[index] as Delivery;
        for (let attempt = 0; attempt < 6; attempt++) {
          const answer = await s.deliver(d.shop, d.topic, d.order, {
            webhookId: d.webhookId,
            web: (index + attempt) % 2,
            ...(d.payload ? { payload: d.payload } : {}),
          });
          statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
          if (answer.status === 200) break;
          notOk.push({ webhookId: d.webhookId, ...answer });
          if (answer.status >= 400 && answer.status < 500) break;
          await new Promise((r) => setTimeout(r, 500 * 2 ** attempt));
        }
      }
    };
    await Promise.all(Array.from({ length: 12 }, send));
    const webLog = s.webs.map((w) => w.output()).join("\n");
    for (const failure of notOk) {
      // Only our own trouble, said as such: 503 "please retry" (or Shopify's 5 s timeout), with the real error in
      // the web process's log under the delivery's id.
      expect(failure.status === 0 ? "timeout" : failure.status, JSON.stringify(failure)).toBeOneOf([503, "timeout"]);
      if (failure.status === 503) {
        expect(failure.body).toMatch(/please retry/);
        const logged = webLog
          .split("\n")
          .filter((line) => line.includes(`"webhookId":"${failure.webhookId}"`) && line.includes('"level":50'));
        expect(logged.length, `no error logged for ${failure.webhookId}`).toBeGreaterThan(0);
        expect(logged.join("\n")).toMatch(/"err":\{/);
      }
    }
    if (notOk.length > 0)
      console.log(`duplicates: ${notOk.length} deliveries retried`, JSON.stringify(notOk.slice(0, 5)));
    expect(statuses.get(200)).toBe(WEBHOOKS);
    expect([...statuses.keys()].filter((status) => status >= 400 && status < 500)).toEqual([]);

    const expected = new Set(
      orders.map(({ shop, order }) => cjOrderNumberFor(s.shops[shop]?.domain as string, order.id)),
    );
    await eventually(
      async () => {
        const created = s.cj.state.orders.filter((o) => expected.has(o.orderNumber)).length;
        return created >= ORDERS || undefined;
      },
      // Idle this takes about two minutes; CI's machine is busy, so the wait is generous (a time limit is no assertion).
      300_000,
      1000,
    ).catch(async (e) => {
      const states = await s.t.db.order.groupBy({ by: ["state"], _count: true });
      const stuck = await s.t.db.order.findMany({
        where: { state: { in: ["FAILED", "NEEDS_ATTENTION", "RECEIVED"] } },
        select: { shopifyOrderName: true, state: true, errorReason: true },
        take: 5,
      });
      throw new Error(
        `${(e as Error).message}: ${s.cj.state.orders.length} CJ orders; ${JSON.stringify(states)}; ${JSON.stringify(stuck)}`,
      );
    });

    // Exactly 700 CJ orders, one per distinct order, and none was ever attempted twice (CJ refuses a repeated
    // orderNumber with 1603000: no such answer in the log).
    const numbers = s.cj.state.orders.map((o) => o.orderNumber);
    expect(numbers).toHaveLength(ORDERS);
    expect(new Set(numbers)).toEqual(expected);
    const refusedAsDuplicate = s.cj
      .requests({ path: "/shopping/order/createOrderV2" })
      .filter((r) => r.code === 1603000);
    expect(refusedAsDuplicate).toEqual([]);
    // One row per order in the app, none left behind, and one receipt per distinct delivery id.
    expect(await s.t.db.order.count()).toBe(ORDERS);
    expect(await s.t.db.order.count({ where: { state: "RECEIVED" } })).toBe(0);
    const ids = new Set(deliveries.map((d) => d.webhookId));
    expect(await s.t.db.webhookReceipt.count({ where: { source: "SHOPIFY" } })).toBe(ids.size);
  }, 480_000);
});

/**
 * Production profile (PostgreSQL, pg-boss workers): CJ's asynchronous merge tasks are followed by the workers' cj-tasks
 * jobs, and a worker killed while CJ is still matching leaves nothing stuck: the next worker's start-up sweep carries
 * the run on (the matching task is asked for again only through its progress, never started twice).
 */
import { decode } from "turbo-stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cjOrderNumberFor } from "../../../app/fulfillment/mapping";
import { embeddedUrl } from "../../../app/runtime/session-token";
import { MERGE_TASK_MS } from "../../emulators/cj/merge";
import { BROWSER_UA, testApiKey, testAppSecret } from "../../support/app-process";
import { isPostgresReachable } from "../../support/database";
import { type ProductionStack, startProductionStack } from "../../support/processes";
import { eventually } from "../../support/stack";
import { US_ADDRESS } from "../tracking/helpers";

const MATCH = "/shopping/mergeOrder/autoMatchMergeOrderListV3";
const SUBMIT = "/shopping/mergeOrder/submitMergeOrderBatchV3";

describe.skipIf(!(await isPostgresReachable()))("production profile: merge runs on pg-boss workers", () => {
  let s: ProductionStack;
  beforeAll(async () => {
    s = await startProductionStack({
      webs: 1,
      workers: 1,
      workerSpawn: "node",
      env: { CJ_TASK_POLL_SECONDS: "0.3" },
      settings: {
        logisticsRule: "PREFERRED",
        preferredLogistics: JSON.stringify({ US: ["USPS+"] }),
        paymentMode: "BALANCE",
        autoPayPerOrderCap: "500",
        sandbox: true,
        mergeOrders: true,
        mergeWindowMinutes: 120,
      },
    });
    s.pointCjPushesAtApp();
  }, 180_000);
  afterAll(async () => {
    await s?.stop();
  });

  /** The merge page's action on web 0, as the merchant's browser posts it. */
  async function mergeAction(form: URLSearchParams) {
    const shop = s.shops[0]?.domain as string;
    const url = await embeddedUrl(s.webs[0]?.url as string, "/app/merge.data", {
      shop,
      apiKey: testApiKey,
      apiSecret: testAppSecret,
    });
    const res = await fetch(url, { method: "POST", body: form, headers: { "User-Agent": BROWSER_UA } });
    expect(res.status).toBe(200);
    const decoded = (await decode(res.body as ReadableStream<Uint8Array>)) as { value: unknown; done: Promise<void> };
    await decoded.done;
    return (decoded.value as { data?: unknown }).data as { ok: boolean; message: string };
  }

  it("a match followed by a worker, the worker killed mid-match, the next one finishes it; the merged order is paid once", async () => {
    const shop = s.shops[0]?.domain as string;
    const address = { ...US_ADDRESS, name: "Ada Lovelace", address1: "12 Engine Row" };
    const orders = ["TSHIRT-WHITE-M", "TSHIRT-WHITE-L"].map((sku) =>
      s.addOrder(0, {
        financialStatus: "PAID",
        shippingAddress: address,
        lines: [{ sku, quantity: 1, price: "19.90" }],
      }),
    );
    for (const order of orders) expect(await s.webhook(0, "orders/paid", order)).toBe(200);
    const rows = await eventually(async () => {
      const found = await s.t.db.order.findMany({ where: { shopifyOrderGid: { in: orders.map((o) => o.id) } } });
      return found.length === 2 && found.every((o) => o.state === "SUBMITTED" && o.cjOrderId) ? found : undefined;
    }, 60_000);
    for (const order of orders) expect(s.cj.order(cjOrderNumberFor(shop, order.id))?.status).toBe("CREATED");

    expect(await mergeAction(new URLSearchParams({ intent: "find" }))).toMatchObject({ ok: true });
    await eventually(async () => s.cj.requests({ path: MATCH }).length === 1 || undefined, 30_000);
    s.cj.clock.advance(-60_000);
    const matching = await eventually(async () => {
      const run = await s.t.db.mergeRun.findFirst({ where: { status: "MATCHING", matchStartedAt: { not: null } } });
      return run ?? undefined;
    }, 30_000);
    await s.workers[0]?.stop("SIGKILL");
    s.workers.splice(0, 1);
    await (await s.addWorker()).ready();
    s.cj.clock.advance(60_000 + MERGE_TASK_MS);
    const matched = await eventually(async () => {
      const run = await s.t.db.mergeRun.findUnique({ where: { id: matching.id }, include: { groups: true } });
      return run?.status === "MATCHED" ? run : undefined;
    }, 60_000);
    expect(s.cj.requests({ path: MATCH })).toHaveLength(1);
    expect(matched.groups).toHaveLength(1);
    const jobs = await s.t.db.$queryRawUnsafe<{ n: number }[]>(
      "SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'cj-tasks' AND state = 'completed'",
    );
    expect(jobs[0]?.n ?? 0).toBeGreaterThan(0);

    const group = matched.groups[0]?.id as string;
    const submitted = await mergeAction(
      new URLSearchParams([
        ["intent", "submit"],
        ["runId", matched.id],
        ["group", group],
      ]),
    );
    expect(submitted).toEqual({ ok: true, message: "1 group(s) sent to CJ." });
    s.cj.clock.advance(MERGE_TASK_MS);
    await eventually(async () => {
      const run = await s.t.db.mergeRun.findUnique({ where: { id: matched.id } });
      return run?.status === "DONE" || undefined;
    }, 60_000);
    expect(s.cj.requests({ path: SUBMIT })).toHaveLength(1);
    const paid = await eventually(async () => {
      const found = await s.t.db.order.findMany({ where: { id: { in: rows.map((r) => r.id) } } });
      return found.every((o) => o.state === "PAID") ? found : undefined;
    }, 60_000);
    expect(new Set(paid.map((o) => o.cjOrderId)).size).toBe(1);
    const leadId = JSON.parse(matched.groups[0]?.orderIds ?? "[]")[0];
    expect(paid.filter((o) => o.mergedIntoId !== null).map((o) => o.mergedIntoId)).toEqual([leadId]);
    expect(s.cj.requests({ path: "/shopping/pay/payBalanceV2" })).toHaveLength(1);
  }, 240_000);
});

import Decimal from "decimal.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cjOrderNumberFor } from "../../../app/fulfillment/mapping";
import type { JobQueue } from "../../../app/jobs/queue";
import { refreshDueOrderCosts } from "../../../app/money/costs.server";
import { toOrderWebhookPayload } from "../../emulators/shopify/index";
import type { Order as ShopifyOrder } from "../../emulators/shopify/model";
import { openAppPage } from "../../support/app-process";
import { eventually, inProcessDeps, STACK_SHOP, type Stack, startStack } from "../../support/stack";
import { pointCjPushesAtApp, postCjMessage } from "../tracking/helpers";

const COGS = "/shopping/order/queryCogsBasicDataOrderInfoList";
const settings = { paymentMode: "BALANCE", autoPayPerOrderCap: "500", sandbox: true };
const noQueue: JobQueue = { enqueue: async () => {} };

async function paidOrder(s: Stack, input: Parameters<Stack["addOrder"]>[0] = {}) {
  const order = s.addOrder({
    financialStatus: "PAID",
    lines: [{ sku: "TSHIRT-WHITE-M", quantity: 2, price: "19.90" }],
    ...input,
  });
  expect(await s.webhook("orders/paid", order)).toBe(200);
  const row = await eventually(async () => {
    const o = await s.t.db.order.findFirst({ where: { shopifyOrderGid: order.id } });
    return o?.state === "PAID" ? o : undefined;
  }, 30_000).catch(async (e) => {
    throw new Error(`${(e as Error).message}\n${await s.describeOrder(order.id)}`);
  });
  return { order, row };
}

const revenueOf = (order: ShopifyOrder) => String(toOrderWebhookPayload(order, STACK_SHOP).current_total_price);

describe("CJ's costs per order (COGS), fetched in batches", () => {
  let s: Stack;
  beforeAll(async () => {
    // The app's own sweep is far away: the test runs it when every order is paid, to see one call for all.
    s = await startStack({ settings, env: { CJ_COSTS_EVERY_SECONDS: "3600" } });
    pointCjPushesAtApp(s);
    await eventually(async () => (await s.t.db.currencyRate.count()) > 0);
  }, 120_000);
  afterAll(async () => {
    await s?.stop();
  });

  it("paid orders get their costs in one COGS call, stored as decimals, with the profit (USD and a EUR shop order)", async () => {
    const usd = await paidOrder(s);
    const eur = await paidOrder(s, { currencyCode: "EUR", shippingPrice: "4.50" });
    const third = await paidOrder(s, { lines: [{ sku: "TSHIRT-WHITE-L", quantity: 1, price: "21.00" }] });
    expect(s.cj.requests({ path: COGS })).toHaveLength(0);

    const deps = inProcessDeps(s, noQueue);
    expect(await refreshDueOrderCosts(deps)).toBe(3);
    const calls = s.cj.requests({ path: COGS });
    expect(calls).toHaveLength(1);
    expect(new Set((calls[0]?.body as { orderCodesList?: string[] } | undefined)?.orderCodesList)).toEqual(
      new Set([usd.row.cjOrderId, eur.row.cjOrderId, third.row.cjOrderId]),
    );

    for (const { order, row } of [usd, eur, third]) {
      const atCj = s.cj.order(cjOrderNumberFor(STACK_SHOP, order.id));
      const stored = await s.t.db.order.findUniqueOrThrow({ where: { id: row.id }, include: { costs: true } });
      expect(stored.costs).toHaveLength(1);
      expect(stored.costs[0]).toMatchObject({
        cjOrderCode: row.cjOrderId,
        paid: true,
        productAmount: new Decimal(atCj?.productAmount ?? "x").toFixed(2),
        postage: new Decimal(atCj?.postageAmount ?? "x").toFixed(2),
        totalAmount: new Decimal(atCj?.orderAmount ?? "x").toFixed(2),
      });
      expect(stored.cjCostUsd).toBe(new Decimal(atCj?.orderAmount ?? "x").toFixed(2));
      expect(stored.costsError).toBeNull();
      expect(stored.costsDueAt).toBeNull();
    }
    // USD: revenue as Shopify gave it, minus CJ's total.
    const usdRow = await s.t.db.order.findUniqueOrThrow({ where: { id: usd.row.id } });
    expect(usdRow.revenueUsd).toBe(new Decimal(revenueOf(usd.order)).toFixed(2));
    expect(usdRow.profitUsd).toBe(new Decimal(revenueOf(usd.order)).minus(usdRow.cjCostUsd ?? "x").toFixed(2));
    expect(usdRow.profitCents).toBe(new Decimal(usdRow.profitUsd ?? "x").times(100).toNumber());
    // EUR: converted at the stored rate, and the page says at which.
    const rate = await s.t.db.currencyRate.findUniqueOrThrow({ where: { currency: "EUR" } });
    const eurRow = await s.t.db.order.findUniqueOrThrow({ where: { id: eur.row.id } });
    const eurUsd = new Decimal(revenueOf(eur.order)).dividedBy(rate.perUsd).toFixed(2);
    expect(eurRow.revenueUsd).toBe(eurUsd);
    expect(eurRow.profitUsd).toBe(new Decimal(eurUsd).minus(eurRow.cjCostUsd ?? "x").toFixed(2));
    expect(eurRow.profitNote).toContain(`converted from EUR at 1 USD = ${new Decimal(rate.perUsd).toString()} EUR`);
    const page = await openAppPage(s.app.url, STACK_SHOP, `/app/orders/${eur.row.id}`);
    expect(page.status).toBe(200);
    expect(page.html).toContain("Profit");
    expect(page.html).toContain(`${eurRow.profitUsd} USD`);
    expect(page.html).toContain(`${eurUsd} USD`);
    // The timeline says what CJ charged.
    const events = await s.t.db.orderEvent.findMany({ where: { orderId: usd.row.id, type: "costs" } });
    expect(events.map((e) => e.message)).toEqual([`CJ's costs received: ${usdRow.cjCostUsd} USD for the CJ order`]);

    // Nothing due any more: a second run asks CJ nothing.
    expect(await refreshDueOrderCosts(deps)).toBe(0);
    expect(s.cj.requests({ path: COGS })).toHaveLength(1);
  }, 120_000);

  it("the Money page sums the range, and its CSV lists every order's profit (a wrong range is refused)", async () => {
    const today = new Date().toISOString().slice(0, 10);
    const rows = await s.t.db.order.findMany({ where: { profitUsd: { not: null } }, orderBy: { paidAt: "asc" } });
    expect(rows.length).toBeGreaterThanOrEqual(3);
    const profit = rows.reduce((sum, r) => sum.plus(r.profitUsd ?? 0), new Decimal(0)).toFixed(2);
    const page = await openAppPage(s.app.url, STACK_SHOP, "/app/money");
    expect(page.status).toBe(200);
    expect(page.html).toContain(`${profit} USD`);
    expect(page.html).toContain(`${rows.length} orders paid at CJ in this range have their profit`);

    const csv = await openAppPage(s.app.url, STACK_SHOP, `/app/money/export.csv?from=${today}&to=${today}`);
    expect(csv.status).toBe(200);
    const lines = csv.html.trimEnd().split("\r\n");
    expect(lines[0]).toBe(
      "Order,Paid at CJ (UTC),Country,Currency,Customer paid (after refunds),Customer paid (USD),CJ products (USD),CJ shipping (USD),Taxes and fees less refunds (USD),Makeup bills (USD),CJ costs (USD),Profit (USD),Note",
    );
    expect(lines).toHaveLength(rows.length + 1);
    for (const row of rows) {
      const line = lines.find((l) => l.startsWith(`${row.shopifyOrderName},`));
      expect(line?.split(",").slice(10, 12)).toEqual([row.cjCostUsd, row.profitUsd]);
    }
    const bad = await openAppPage(s.app.url, STACK_SHOP, "/app/money/export.csv?from=2026-13-01&to=2026-01-01");
    expect(bad.status).toBe(400);
    expect(bad.html).toBe("Dates must be written as YYYY-MM-DD.");
  }, 60_000);

  it("a MAKEUP push from CJ makes the app read the makeup bills at once (the schedule is half an hour away)", async () => {
    const { row } = await paidOrder(s);
    expect(s.cj.requests({ path: "/shopping/makeup/list" })).toHaveLength(0);
    const bill = s.cj.addMakeupBill({ accountId: "acct-1", cjOrderCode: row.cjOrderId as string, amount: "1.10" });
    const pushed = await postCjMessage(s, { type: "MAKEUP", params: { orderCode: bill.orderCode } });
    expect(pushed.status).toBe(200);
    const stored = await eventually(
      async () => (await s.t.db.cjMakeupBill.findFirst({ where: { orderCode: bill.orderCode } })) ?? undefined,
      30_000,
    );
    expect(stored).toMatchObject({ orderId: row.id, amount: "1.10", status: 0 });
    expect(s.cj.requests({ path: "/shopping/makeup/list" }).length).toBeGreaterThan(0);
  }, 60_000);

  it("costs are not asked for forever: CJ failing or having no data 14 days after payment ends the tries, with the reason", async () => {
    const failing = await paidOrder(s);
    const missing = await paidOrder(s);
    const deps = inProcessDeps(s, noQueue);
    await refreshDueOrderCosts(deps);
    const longAgo = new Date(Date.now() - 20 * 86_400_000);
    for (const { row } of [failing, missing]) {
      await s.t.db.order.update({ where: { id: row.id }, data: { paidAt: longAgo, costsDueAt: new Date() } });
    }
    // CJ has no data for the second one (its code unknown to CJ); the call fails for the first one.
    await s.t.db.order.update({ where: { id: missing.row.id }, data: { cjOrderId: "UNKNOWN-TO-CJ" } });
    const fault = s.cj.addFault({ kind: "cjError", path: COGS, code: 1600100, message: "System busy" });
    await refreshDueOrderCosts(deps).catch(() => 0);
    s.cj.removeFault(fault.id);
    const stuck = await s.t.db.order.findMany({ where: { id: { in: [failing.row.id, missing.row.id] } } });
    for (const o of stuck) {
      expect(o.costsDueAt).toBeNull();
      expect(o.costsError).toMatch(
        /^CJ's cost data could not be fetched: .*System busy\. Not tried again: the order was paid more than 14 days ago\. Its costs are in your CJ account \(Orders\)\.$/,
      );
    }
    // The fault answered the shop's one call for both; a run without it finds CJ has nothing for the unknown code.
    await s.t.db.order.update({ where: { id: missing.row.id }, data: { costsDueAt: new Date(), costsError: null } });
    await refreshDueOrderCosts(deps);
    expect((await s.t.db.order.findUniqueOrThrow({ where: { id: missing.row.id } })).costsError).toBe(
      "CJ has no cost data for this order 14 days after payment: check the order in your CJ account (Orders); its profit is not computed.",
    );
  }, 60_000);

  it("an order in a currency without a rate gets CJ's costs now and its profit once a rate is known", async () => {
    const { row } = await paidOrder(s, {
      currencyCode: "THB",
      lines: [{ sku: "TSHIRT-WHITE-M", quantity: 1, price: "700.00" }],
    });
    const deps = inProcessDeps(s, noQueue);
    await refreshDueOrderCosts(deps);
    const before = await s.t.db.order.findUniqueOrThrow({ where: { id: row.id } });
    expect(before.cjCostUsd).not.toBeNull();
    expect(before.profitUsd).toBeNull();
    expect(before.profitNote).toContain("No usable US dollar rate for THB");
    await s.t.db.currencyRate.create({
      data: {
        currency: "THB",
        perUsd: "35",
        rateDate: new Date().toISOString().slice(0, 10),
        source: "test",
        fetchedAt: new Date(),
      },
    });
    const calls = s.cj.requests({ path: COGS }).length;
    await refreshDueOrderCosts(deps);
    const after = await s.t.db.order.findUniqueOrThrow({ where: { id: row.id } });
    expect(after.revenueUsd).toBe(new Decimal(after.currentTotalPrice ?? "x").dividedBy(35).toFixed(2));
    expect(after.profitUsd).toBe(new Decimal(after.revenueUsd ?? "x").minus(after.cjCostUsd ?? "x").toFixed(2));
    // No CJ call for it: its costs were there already.
    expect(s.cj.requests({ path: COGS })).toHaveLength(calls);
  }, 60_000);

  it("taxes, fees and dispute refunds CJ reports later change the costs when CJ ships the order", async () => {
    const { order, row } = await paidOrder(s);
    const deps = inProcessDeps(s, noQueue);
    await refreshDueOrderCosts(deps);
    const number = cjOrderNumberFor(STACK_SHOP, order.id);
    s.cj.setOrderCosts(number, {
      taxes: { iossTaxes: 1.2, vatRate: 20 },
      outStockFee: 0.5,
      storageFee: 0.25,
      resendFees: { parcel1: 2 },
      disputes: { D1: { q: 3, p: 0.4 } },
    });
    s.cj.shipOrder(number);
    await eventually(async () => {
      const o = await s.t.db.order.findUniqueOrThrow({ where: { id: row.id } });
      return o.costsDueAt ? o : undefined;
    }, 30_000);
    await refreshDueOrderCosts(deps);
    const atCj = s.cj.order(number);
    const stored = await s.t.db.order.findUniqueOrThrow({ where: { id: row.id }, include: { costs: true } });
    expect(stored.costs[0]).toMatchObject({
      taxes: "1.20",
      outStockFee: "0.50",
      storageFee: "0.25",
      resendFee: "2.00",
      disputeRefund: "3.40",
    });
    // total + taxes + fees − refunds (the tax rate is not an amount)
    const expected = new Decimal(atCj?.orderAmount ?? "x").plus("1.20").plus("2.75").minus("3.40");
    expect(stored.cjCostUsd).toBe(expected.toFixed(2));
    const events = await s.t.db.orderEvent.findMany({ where: { orderId: row.id, type: "costs" } });
    expect(events.at(-1)?.message).toBe(`CJ's costs changed: ${expected.toFixed(2)} USD`);
  }, 120_000);
});

describe("CJ's costs in the running app", () => {
  let s: Stack;
  beforeAll(async () => {
    s = await startStack({ settings, env: { CJ_COSTS_EVERY_SECONDS: "1" } });
    pointCjPushesAtApp(s);
    await eventually(async () => (await s.t.db.currencyRate.count()) > 0);
  }, 120_000);
  afterAll(async () => {
    await s?.stop();
  });

  const costed = (id: string, check: (o: { cjCostUsd: string | null; profitUsd: string | null }) => boolean) =>
    eventually(async () => {
      const o = await s.t.db.order.findUniqueOrThrow({ where: { id }, include: { costs: true } });
      return check(o) ? o : undefined;
    }, 30_000);

  it("a split order's CJ orders are summed back to its Shopify order", async () => {
    const { order, row } = await paidOrder(s, {
      lines: [
        { sku: "TSHIRT-WHITE-M", quantity: 1, price: "19.90" },
        { sku: "TSHIRT-WHITE-L", quantity: 1, price: "21.00" },
      ],
    });
    await costed(row.id, (o) => o.cjCostUsd !== null);
    const parts = s.cj.splitOrder(cjOrderNumberFor(STACK_SHOP, order.id));
    const stored = await eventually(async () => {
      const o = await s.t.db.order.findUniqueOrThrow({ where: { id: row.id }, include: { costs: true } });
      return o.costs.filter((c) => c.originalOrderCode === row.cjOrderId).length === 2 ? o : undefined;
    }, 30_000);
    const partsTotal = parts.reduce((sum, p) => sum.plus(p.orderAmount), new Decimal(0));
    const partRows = stored.costs.filter((c) => c.originalOrderCode === row.cjOrderId);
    expect(new Set(partRows.map((c) => c.cjOrderCode))).toEqual(new Set(parts.map((p) => p.orderId)));
    // The parts replace the CJ order they came from: its row is gone, and nothing is counted twice.
    expect(stored.costs.map((c) => c.cjOrderCode)).not.toContain(row.cjOrderId);
    expect(stored.cjCostUsd).toBe(partsTotal.toFixed(2));
    const events = await s.t.db.orderEvent.findMany({ where: { orderId: row.id, type: "costs" } });
    expect(events.at(-1)?.message).toBe(`CJ's costs changed: ${partsTotal.toFixed(2)} USD`);
    const page = await openAppPage(s.app.url, STACK_SHOP, `/app/orders/${row.id}`);
    expect(page.html).toContain("CJ&#x27;s costs of the 2 CJ orders this order became");
  }, 120_000);

  it("a refund in Shopify lowers the revenue and the profit", async () => {
    const { order, row } = await paidOrder(s);
    const before = await costed(row.id, (o) => o.profitUsd !== null);
    order.refunds = [{ id: 9001, createdAt: new Date().toISOString(), amount: "10.00", note: "damaged" }];
    order.updatedAt = new Date(Date.now() + 1000).toISOString();
    expect(await s.webhook("orders/updated", order)).toBe(200);
    const after = await costed(row.id, (o) => o.profitUsd !== before.profitUsd);
    expect(after.profitUsd).toBe(new Decimal(before.profitUsd ?? "x").minus("10.00").toFixed(2));
    const page = await openAppPage(s.app.url, STACK_SHOP, `/app/orders/${row.id}`);
    expect(page.html).toContain("Customer paid (after refunds)");
  }, 120_000);

  it("a COGS call CJ refuses leaves the order working and its page says why; the next try gets the costs", async () => {
    const fault = s.cj.addFault({ kind: "cjError", path: COGS, code: 1600000, message: "System busy" });
    const { row } = await paidOrder(s);
    const failed = await eventually(async () => {
      const o = await s.t.db.order.findUniqueOrThrow({ where: { id: row.id } });
      return o.costsError ? o : undefined;
    }, 30_000);
    expect(failed.state).toBe("PAID");
    expect(failed.costsError).toMatch(/^CJ's cost data could not be fetched: .*System busy/);
    expect(failed.costsDueAt?.getTime()).toBeGreaterThan(Date.now() + 10 * 60_000);
    const page = await openAppPage(s.app.url, STACK_SHOP, `/app/orders/${row.id}`);
    expect(page.status).toBe(200);
    expect(page.html).toContain("CJ&#x27;s costs could not be fetched");
    expect(page.html).toContain("System busy");
    // CJ answers again; the order's next try (brought forward here) stores the costs and clears the reason.
    s.cj.removeFault(fault.id);
    await s.t.db.order.update({ where: { id: row.id }, data: { costsDueAt: new Date() } });
    const ok = await costed(row.id, (o) => o.cjCostUsd !== null);
    expect((await s.t.db.order.findUniqueOrThrow({ where: { id: ok.id } })).costsError).toBeNull();
  }, 120_000);
});

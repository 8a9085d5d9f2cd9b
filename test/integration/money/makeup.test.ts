import Decimal from "decimal.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cjOrderNumberFor } from "../../../app/fulfillment/mapping";
import { openAppPage } from "../../support/app-process";
import { routeData } from "../../support/route-data";
import { eventually, STACK_SHOP, type Stack, startStack } from "../../support/stack";
import { pointCjPushesAtApp } from "../tracking/helpers";

const ACCOUNT = "acct-1";
type ActionAnswer = {
  ok: boolean;
  message?: string;
  preview?: { total: string; balanceRefusal: string | null; bills: { orderCode: string }[] };
  result?: { payUrl: string; total: string; paidFromBalance: boolean };
};

function form(intent: string, codes: string[], extra: Record<string, string> = {}) {
  const body = new URLSearchParams({ intent, ...extra });
  for (const code of codes) body.append("orderCode", code);
  return body;
}

describe("CJ's makeup bills: listed, on the order, paid by link or from the balance", () => {
  let s: Stack;
  let orderId: string;
  let cjOrderId: string;
  beforeAll(async () => {
    s = await startStack({
      settings: { paymentMode: "BALANCE", autoPayPerOrderCap: "500", autoPayPerDayCap: "600", sandbox: true },
      env: { CJ_COSTS_EVERY_SECONDS: "1", CJ_MAKEUP_EVERY_SECONDS: "1" },
    });
    pointCjPushesAtApp(s);
    const order = s.addOrder({
      financialStatus: "PAID",
      lines: [{ sku: "TSHIRT-WHITE-M", quantity: 1, price: "19.90" }],
    });
    expect(await s.webhook("orders/paid", order)).toBe(200);
    const row = await eventually(async () => {
      const o = await s.t.db.order.findFirst({ where: { shopifyOrderGid: order.id } });
      return o?.cjCostUsd ? o : undefined;
    }, 30_000).catch(async (e) => {
      throw new Error(`${(e as Error).message}\n${await s.describeOrder(order.id)}`);
    });
    orderId = row.id;
    cjOrderId = row.cjOrderId as string;
    expect(s.cj.order(cjOrderNumberFor(STACK_SHOP, order.id))?.orderId).toBe(cjOrderId);
  }, 120_000);
  afterAll(async () => {
    await s?.stop();
  });

  it("lists both types page by page, links a bill to its order (timeline, profit) and keeps an account's own", async () => {
    const before = await s.t.db.order.findUniqueOrThrow({ where: { id: orderId } });
    const postage = s.cj.addMakeupBill({
      accountId: ACCOUNT,
      cjOrderCode: cjOrderId,
      amount: "2.40",
      reason: "Postage difference",
    });
    const repay = s.cj.addMakeupBill({
      accountId: ACCOUNT,
      cjOrderCode: "",
      amount: "5.00",
      reason: "Repayment",
      type: 1,
      diffUseType: 2,
    });
    // More than one page of 200 make-up orders of other (unknown) CJ orders.
    for (let i = 0; i < 205; i++)
      s.cj.addMakeupBill({ accountId: ACCOUNT, cjOrderCode: `OTHER-${i}`, amount: "0.10", status: 4 });
    // Every bill stored: 2 of interest and 205 over two pages of type 0.
    await eventually(async () => ((await s.t.db.cjMakeupBill.count()) === 207 ? true : undefined), 30_000);
    const lists = s.cj.requests({ path: "/shopping/makeup/list" });
    expect(lists.some((r) => (r.body as { pageNum?: number; type?: number }).pageNum === 2)).toBe(true);
    expect(lists.some((r) => (r.body as { type?: number }).type === 1)).toBe(true);
    const linked = await s.t.db.cjMakeupBill.findUniqueOrThrow({
      where: {
        accountId_orderCode: {
          accountId: (await s.t.db.cjAccount.findFirstOrThrow()).id,
          orderCode: postage.orderCode,
        },
      },
    });
    expect(linked).toMatchObject({ orderId, amount: "2.40", status: 0, type: 0, reason: "Postage difference" });
    const after = await eventually(async () => {
      const o = await s.t.db.order.findUniqueOrThrow({ where: { id: orderId } });
      return o.cjCostUsd !== before.cjCostUsd ? o : undefined;
    }, 30_000);
    expect(after.cjCostUsd).toBe(new Decimal(before.cjCostUsd ?? "x").plus("2.40").toFixed(2));
    expect(after.profitUsd).toBe(new Decimal(before.profitUsd ?? "x").minus("2.40").toFixed(2));
    const events = await s.t.db.orderEvent.findMany({ where: { orderId, type: "makeup" } });
    expect(events.map((e) => e.message)).toEqual([
      `CJ billed a makeup payment of 2.40 USD: Postage difference (bill ${postage.orderCode})`,
    ]);
    // The Money page shows the unpaid ones (this shop's order's and the account's own), with their total.
    const money = await openAppPage(s.app.url, STACK_SHOP, "/app/money");
    expect(money.status).toBe(200);
    expect(money.html).toContain(postage.orderCode);
    expect(money.html).toContain(repay.orderCode);
    expect(money.html).toContain("7.40 USD");
    expect(money.html).not.toContain("OTHER-0");
    const page = await openAppPage(s.app.url, STACK_SHOP, `/app/orders/${orderId}`);
    expect(page.html).toContain(`Makeup bill ${postage.orderCode}: 2.40 USD, To pay`);
  }, 120_000);

  it("bills of two kinds are not paid together; a total not confirmed is not paid", async () => {
    const codes = (await s.t.db.cjMakeupBill.findMany({ where: { status: 0 } })).map((b) => b.orderCode);
    const mixed = await routeData<ActionAnswer>(s, "/app/money.data", "", form("preview", codes));
    expect(mixed).toMatchObject({ ok: false, message: expect.stringContaining("one kind at a time") });
    const postage = await s.t.db.cjMakeupBill.findFirstOrThrow({ where: { orderId } });
    const stale = await routeData<ActionAnswer>(
      s,
      "/app/money.data",
      "",
      form("payBalance", [postage.orderCode], { confirmedTotal: "1.00" }),
    );
    expect(stale).toMatchObject({ ok: false, message: "The total is now 2.40 USD: confirm that amount to pay it." });
    expect(s.cj.requests({ path: "/shopping/makeup/createPayOrder" })).toHaveLength(0);
    expect(
      s.cj
        .requests({ path: "/shopping/pay/payBalanceV2" })
        .filter((r) => (r.body as { orderType?: number }).orderType === 24),
    ).toHaveLength(0);
  }, 60_000);

  it("pays a bill from the balance after the confirmation, with orderType 24 and the payId CJ gave", async () => {
    const postage = await s.t.db.cjMakeupBill.findFirstOrThrow({ where: { orderId } });
    const balanceBefore = s.cj.state.accounts.get(ACCOUNT)?.balance ?? "x";
    const preview = await routeData<ActionAnswer>(s, "/app/money.data", "", form("preview", [postage.orderCode]));
    expect(preview).toMatchObject({ ok: true, preview: { total: "2.40", balanceRefusal: null } });
    const paid = await routeData<ActionAnswer>(
      s,
      "/app/money.data",
      "",
      form("payBalance", [postage.orderCode], { confirmedTotal: "2.40" }),
    );
    expect(paid).toMatchObject({ ok: true, result: { total: "2.40", paidFromBalance: true } });
    const created = s.cj.requests({ path: "/shopping/makeup/createPayOrder" });
    expect(created.map((r) => r.body)).toEqual([{ orderCodes: [postage.orderCode], type: 0 }]);
    const payOrder = [...s.cj.state.makeupPayOrders.values()][0];
    const pays = s.cj
      .requests({ path: "/shopping/pay/payBalanceV2" })
      .filter((r) => (r.body as { orderType?: number }).orderType === 24);
    expect(pays.map((r) => r.body)).toEqual([
      { shipmentOrderId: payOrder?.payOrderCode, payId: payOrder?.payId, orderType: 24 },
    ]);
    expect(s.cj.state.accounts.get(ACCOUNT)?.balance).toBe(new Decimal(balanceBefore).minus("2.40").toFixed(2));
    expect(s.cj.state.makeupBills.get(postage.orderCode)?.status).toBe(4);
    const row = await s.t.db.cjMakeupBill.findUniqueOrThrow({ where: { id: postage.id } });
    expect(row).toMatchObject({ status: 4, paidFromBalance: true });
    const events = await s.t.db.orderEvent.findMany({ where: { orderId, type: "makeup" }, orderBy: { at: "asc" } });
    expect(events.at(-1)?.message).toBe(`Makeup bill ${postage.orderCode} paid from the CJ balance (2.40 USD)`);
  }, 60_000);

  it("over an auto-pay cap the balance may not pay (the link still can); paid on CJ's page, the sync says so", async () => {
    const big = s.cj.addMakeupBill({
      accountId: ACCOUNT,
      cjOrderCode: cjOrderId,
      amount: "650.00",
      reason: "Customs duty",
    });
    await eventually(
      async () => (await s.t.db.cjMakeupBill.findFirst({ where: { orderCode: big.orderCode } })) ?? undefined,
      30_000,
    );
    const preview = await routeData<ActionAnswer>(s, "/app/money.data", "", form("preview", [big.orderCode]));
    expect(preview.preview?.balanceRefusal).toBe(
      "The balance may not pay this: the CJ amount 650.00 is over the per-order auto-pay cap of 500.",
    );
    const refused = await routeData<ActionAnswer>(
      s,
      "/app/money.data",
      "",
      form("payBalance", [big.orderCode], { confirmedTotal: "650.00" }),
    );
    expect(refused.ok).toBe(false);
    expect(s.cj.state.makeupBills.get(big.orderCode)?.status).toBe(0);
    const link = await routeData<ActionAnswer>(s, "/app/money.data", "", form("payLink", [big.orderCode]));
    expect(link).toMatchObject({ ok: true, result: { paidFromBalance: false } });
    expect(link.result?.payUrl).toMatch(/^https:\/\/www\.cjdropshipping\.com\/mine\/payment\?pid=/);
    const pid = new URL(link.result?.payUrl ?? "").searchParams.get("pid") ?? "";
    // Paying: CJ says so from now on (a sync that read CJ just before may write the old status once more).
    await eventually(async () => {
      const b = await s.t.db.cjMakeupBill.findFirstOrThrow({ where: { orderCode: big.orderCode } });
      return b.status === 5 || undefined;
    }, 30_000);
    s.cj.payMakeupByLink(pid);
    const settled = await eventually(async () => {
      const b = await s.t.db.cjMakeupBill.findFirstOrThrow({ where: { orderCode: big.orderCode } });
      return b.status === 4 ? b : undefined;
    }, 30_000);
    expect(settled.paidFromBalance).toBe(false);
    const events = await s.t.db.orderEvent.findMany({ where: { orderId, type: "makeup" }, orderBy: { at: "asc" } });
    expect(events.at(-1)?.message).toBe(`Makeup bill ${big.orderCode} paid (650.00 USD)`);
  }, 60_000);
});

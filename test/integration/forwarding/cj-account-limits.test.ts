/**
 * A real CJ account's limits and moods (issue 13): daily quotas, odd-but-legal answer shapes, pushes of accounts
 * the app does not know, and the merchant-visible defects found next to them (bulk pay, a refused payment step,
 * "Refresh from CJ"). Over HTTP against the CJ and Shopify emulators; each describe has its own stack.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cjOrderNumberFor } from "../../../app/fulfillment/mapping";
import { embeddedUrl } from "../../../app/runtime/session-token";
import { signWebhookBody } from "../../emulators/cj/webhooks";
import type { Order as ShopifyOrder } from "../../emulators/shopify/model";
import { BROWSER_UA, testApiKey, testAppSecret } from "../../support/app-process";
import { eventually, STACK_SHOP, type Stack, startStack } from "../../support/stack";
import { AUTOMATIC_SETTINGS, fulfillmentCreates, paidOrder, pointCjPushesAtApp, postRaw } from "../tracking/helpers";

const CJ_ACCOUNT = "acct-1";

function helpers(get: () => Stack) {
  const rowOf = (order: ShopifyOrder) => get().t.db.order.findFirst({ where: { shopifyOrderGid: order.id } });
  const until = (order: ShopifyOrder, check: (row: NonNullable<Awaited<ReturnType<typeof rowOf>>>) => boolean) =>
    eventually(async () => {
      const row = await rowOf(order);
      return row && check(row) ? row : undefined;
    }).catch(async (e) => {
      throw new Error(`${(e as Error).message}\n${await get().describeOrder(order.id)}`);
    });
  const page = async (path: string, form?: Record<string, string | string[]>) => {
    const url = await embeddedUrl(get().app.url, path, {
      shop: STACK_SHOP,
      apiKey: testApiKey,
      apiSecret: testAppSecret,
    });
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(form ?? {})) for (const item of [v].flat()) body.append(k, item);
    const res = await fetch(url, {
      method: form ? "POST" : "GET",
      ...(form ? { body } : {}),
      headers: { "User-Agent": BROWSER_UA },
    });
    return { status: res.status, text: await res.text() };
  };
  return { rowOf, until, page };
}

describe("a CJ account out of its daily quota", () => {
  let s: Stack;
  const { until, page } = helpers(() => s);
  beforeAll(async () => {
    s = await startStack();
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("points used up: the order waits for the reset, visibly, without spending its tries or asking CJ again", async () => {
    s.cj.setQuota(CJ_ACCOUNT, { pointsUsed: 50_000 });
    const order = s.addOrder({ financialStatus: "PAID", lines: [{ sku: "TSHIRT-WHITE-M" }] });
    await s.webhook("orders/paid", order);
    const tomorrow = new Date(Date.now() + 24 * 3600_000).toISOString().slice(0, 10);
    const waiting = await until(order, (row) => Boolean(row.errorReason?.includes("CJ daily quota reached")));
    expect(waiting.errorReason).toBe(
      `CJ daily quota reached (/logistic/freightCalculate); the order goes on by itself at ${tomorrow} 00:00 UTC. To send it sooner, choose its shipping method on this page and forward it: that needs no freight quote.`,
    );
    expect(waiting.state).toBe("RECEIVED");
    expect(waiting.attempts).toBe(0);
    const refused = () =>
      s.cj.requests({ path: "/logistic/freightCalculate" }).filter((r) => r.code === 1600201).length;
    expect(refused()).toBe(1);

    // A second order meets the same quota: the app knows, and does not ask CJ until the reset.
    const second = s.addOrder({ financialStatus: "PAID", lines: [{ sku: "TSHIRT-WHITE-L" }] });
    await s.webhook("orders/paid", second);
    const also = await until(second, (row) => Boolean(row.errorReason?.includes("CJ daily quota reached")));
    expect(also.state).toBe("RECEIVED");
    expect(refused()).toBe(1);
    await new Promise((r) => setTimeout(r, 1500));
    expect((await s.t.db.order.findUniqueOrThrow({ where: { id: waiting.id } })).state).toBe("RECEIVED");
    expect(
      await s.t.db.orderEvent.count({ where: { orderId: waiting.id, type: { in: ["failed", "needs_attention"] } } }),
    ).toBe(0);
    expect(await s.t.db.orderEvent.count({ where: { orderId: waiting.id, type: "cj_quota_wait" } })).toBe(1);
  });

  it("an unverified account's daily call limit (HTTP 429) is a quota too, not a one-second limit", async () => {
    // The freight endpoints are out of points: the merchant picks the method on the order page.
    s.cj.setQuota(CJ_ACCOUNT, { unverified: true, calls: { "POST /shopping/order/createOrderV2": 1000 } });
    const order = s.addOrder({ financialStatus: "PAID", lines: [{ sku: "TSHIRT-WHITE-M" }] });
    await s.webhook("orders/paid", order);
    const row = await until(order, (r) => Boolean(r.errorReason?.includes("CJ daily quota reached")));
    expect((await page(`/app/orders/${row.id}`, { intent: "chooseShipping", logisticName: "USPS+" })).status).toBe(200);
    expect((await page(`/app/orders/${row.id}`, { intent: "forward" })).status).toBe(200);
    const waiting = await until(order, (r) => Boolean(r.errorReason?.includes("/shopping/order/createOrderV2")));
    expect(waiting.errorReason).toMatch(
      /^CJ daily quota reached \(\/shopping\/order\/createOrderV2\); the order goes on by itself at .* UTC\.$/,
    );
    expect(waiting.state).toBe("RECEIVED");
    const answered = s.cj.requests({ path: "/shopping/order/createOrderV2" }).filter((r) => r.httpStatus === 429);
    // Sent once: a 1-second limit would have been retried at once.
    expect(answered).toHaveLength(1);
    expect(s.cj.order(cjOrderNumberFor(STACK_SHOP, order.id))).toBeUndefined();
  });
});

describe("odd but legal CJ answers and pushes", () => {
  let s: Stack;
  beforeAll(async () => {
    s = await startStack({ settings: AUTOMATIC_SETTINGS, cj: { oddShapes: true } });
    pointCjPushesAtApp(s);
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("booleans for flags, JSON strings for objects, numeric message ids and null statuses: the order still ships and is fulfilled", async () => {
    const order = await paidOrder(s);
    s.cj.shipOrder(order.cjOrderId, { logisticName: "USPS+" });
    await eventually(async () => fulfillmentCreates(s).length > 0 || undefined);
    const row = await s.t.db.order.findUniqueOrThrow({ where: { id: order.orderId } });
    expect(["SHIPPED", "FULFILLED"]).toContain(row.state);
    const receipts = await eventually(async () => {
      const list = await s.t.db.webhookReceipt.findMany({ where: { source: "CJ", shopId: s.shopId } });
      return list.length > 0 && list.every((r) => r.processedAt) ? list : undefined;
    });
    expect(receipts.map((r) => [r.topic, r.error])).toEqual(receipts.map((r) => [r.topic, null]));
    // The emulator's pushes carried numeric message ids; the receipts keep them.
    expect(receipts.some((r) => /^\d+$/.test(r.deliveryId))).toBe(true);
    const logistic = s.cj.pushes({ type: "LOGISTIC" }).map((p) => JSON.parse(p.body) as Record<string, unknown>);
    expect(logistic.some((p) => (p.params as { trackingStatus?: unknown }).trackingStatus === null)).toBe(true);
    expect(logistic.every((p) => typeof p.messageId === "number")).toBe(true);
    // Every push was acknowledged at once (CJ counts anything else as a failed push).
    expect(s.cj.pushes({ type: "LOGISTIC" }).map((d) => d.state)).toEqual(logistic.map(() => "delivered"));
  });

  it("a push of a CJ account no shop has connected is acknowledged, not refused, and nothing is recorded", async () => {
    const openId = "777000111";
    const raw = JSON.stringify({
      messageId: "unknown-account-1",
      type: "ORDER",
      messageType: "UPDATE",
      openId,
      params: { cjOrderId: "CJ-NOT-OURS", orderStatus: "SHIPPED" },
    });
    const answer = await postRaw(s, raw, signWebhookBody(openId, raw));
    expect(answer.status).toBe(200);
    // Recorded without a shop and without its body, under a prefixed id (it can never shadow a real message).
    const receipts = await s.t.db.webhookReceipt.findMany({ where: { deliveryId: { contains: "unknown-account-1" } } });
    expect(receipts).toEqual([
      expect.objectContaining({
        deliveryId: "unknown-account:unknown-account-1",
        shopId: null,
        payload: null,
        processedAt: expect.any(Date),
      }),
    ]);
    // A body whose sign matches nobody is still refused.
    expect((await postRaw(s, raw, "bm90IGEgc2lnbmF0dXJl")).status).toBe(401);
  });
});

describe("merchant-visible defects", () => {
  let s: Stack;
  const { until, page } = helpers(() => s);
  beforeAll(async () => {
    // Create only, then the cart and parent order (their refusals are what these tests are about).
    s = await startStack({ settings: { paymentMode: "LINK", sandbox: true }, env: { CJ_PAY_IN_CREATE: "0" } });
  });
  afterAll(async () => {
    await s?.stop();
  });
  const awaiting = async () => {
    const order = s.addOrder({ financialStatus: "PAID", lines: [{ sku: "TSHIRT-WHITE-M" }] });
    await s.webhook("orders/paid", order);
    return until(order, (r) => r.state === "AWAITING_PAYMENT" && Boolean(r.orderAmount));
  };
  const balancePays = () => s.cj.requests({ path: "/shopping/pay/payBalanceV2" }).length;

  it("bulk 'Pay with balance' is confirmed with its total first and stays within the caps", async () => {
    const orders = [await awaiting(), await awaiting(), await awaiting()];
    const [a, b] = orders.map((o) => Number(o.orderAmount));
    await s.t.db.shopSettings.update({
      where: { shopId: s.shopId },
      data: { autoPayPerOrderCap: "500", autoPayPerDayCap: ((a ?? 0) + (b ?? 0)).toFixed(2) },
    });
    const ids = orders.map((o) => o.id);
    const before = balancePays();

    // Without the confirmation: refused, nothing spent.
    const unconfirmed = await page("/app/orders/bulk", { action: "pay", orderId: ids[0] as string });
    expect(unconfirmed.status).toBe(400);
    expect(balancePays()).toBe(before);

    const preview = JSON.parse((await page("/app/orders/bulk", { action: "pay-preview", orderId: ids })).text) as {
      preview: { payable: { id: string }[]; skipped: { id: string; reason: string }[]; total: string };
    };
    expect(preview.preview.payable.map((p) => p.id)).toEqual(ids.slice(0, 2));
    expect(preview.preview.total).toBe(((a ?? 0) + (b ?? 0)).toFixed(2));
    expect(preview.preview.skipped).toEqual([
      expect.objectContaining({ id: ids[2], reason: expect.stringMatching(/today's auto-pay cap/) }),
    ]);
    expect(balancePays()).toBe(before);

    const answers = [];
    for (const id of ids)
      answers.push((await page("/app/orders/bulk", { action: "pay", orderId: id, confirmed: "1" })).status);
    expect(answers).toEqual([200, 200, 409]);
    expect(balancePays()).toBe(before + 2);
    const rows = await s.t.db.order.findMany({ where: { id: { in: ids } } });
    const state = (id: string) => rows.find((r) => r.id === id)?.state;
    expect([state(ids[0] as string), state(ids[1] as string), state(ids[2] as string)]).toEqual([
      "PAID",
      "PAID",
      "AWAITING_PAYMENT",
    ]);
    await s.t.db.shopSettings.update({ where: { shopId: s.shopId }, data: { autoPayPerDayCap: null } });
  });

  it("a payment step CJ refuses needs the merchant, is not re-driven by the sweep, and Retry pays from where it stopped", async () => {
    s.cj.addFault({
      kind: "cjError",
      code: 1603001,
      message: "order confirm fail",
      path: "/shopping/order/saveGenerateParentOrder",
      times: 1,
    });
    const order = s.addOrder({ financialStatus: "PAID", lines: [{ sku: "TSHIRT-WHITE-M" }] });
    await s.webhook("orders/paid", order);
    const refused = await until(order, (r) => r.state === "NEEDS_ATTENTION");
    expect(refused.errorReason).toMatch(
      /CJ refused the payment step \(\/shopping\/order\/saveGenerateParentOrder: 1603001/,
    );
    const parents = () =>
      s.cj
        .requests({ path: "/shopping/order/saveGenerateParentOrder" })
        .filter((r) => JSON.stringify(r.body).includes(refused.cjShipmentOrderId ?? "?")).length;
    expect(parents()).toBe(1);
    // A restart runs the sweep at once (no staleness): an order in Needs attention is left for the merchant.
    await s.restartApp("SIGTERM");
    await new Promise((r) => setTimeout(r, 2000));
    expect(parents()).toBe(1);
    expect((await s.t.db.order.findUniqueOrThrow({ where: { id: refused.id } })).state).toBe("NEEDS_ATTENTION");

    expect((await page(`/app/orders/${refused.id}`, { intent: "retry" })).status).toBe(200);
    const resumed = await until(order, (r) => r.state === "AWAITING_PAYMENT");
    expect(parents()).toBe(2);
    // The cart and its confirmation were not asked for again.
    expect(
      s.cj
        .requests({ path: "/shopping/order/addCartConfirm" })
        .filter((r) => JSON.stringify(r.body).includes(resumed.cjOrderId ?? "?")),
    ).toHaveLength(1);
    expect(resumed.cjPayUrl).toMatch(/payment\?pid=/);
  });

  it("'Refresh from CJ' moves the order the way CJ's own push would", async () => {
    const row = await awaiting();
    // Paid and shipped at CJ while the app heard nothing (no pushes in this stack).
    s.cj.shipOrder(row.cjOrderId as string, { force: true });
    expect((await page(`/app/orders/${row.id}`, { intent: "refresh" })).status).toBe(200);
    const moved = await eventually(async () => {
      const r = await s.t.db.order.findUniqueOrThrow({ where: { id: row.id } });
      return ["SHIPPED", "FULFILLED"].includes(r.state) ? r : undefined;
    });
    expect(moved.trackingNumber).toBeTruthy();
    expect(await s.t.db.orderEvent.count({ where: { orderId: row.id, type: "shipped" } })).toBe(1);
  });
});

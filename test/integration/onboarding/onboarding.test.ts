/**
 * Issue 14, from install to the first live order: paid orders wait while the shop is not live ("Waiting for setup")
 * and are never sent as sandbox orders; the store name is chosen from CJ's stores; the sandbox test order goes
 * through CJ's sandbox to shipped; going live forwards the waiting orders; resuming a paused shop releases only the
 * orders the pause held; a manual shop's orders are in "To forward". Over HTTP against the app, the CJ and Shopify
 * emulators; assertions on what the emulators received and on the database.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cjOrderNumberFor } from "../../../app/fulfillment/mapping";
import { embeddedUrl } from "../../../app/runtime/session-token";
import type { Order as ShopifyOrder } from "../../emulators/shopify/model";
import { BROWSER_UA, testApiKey, testAppSecret } from "../../support/app-process";
import { routeData } from "../../support/route-data";
import { CONNECTED, eventually, STACK_SHOP, type Stack, startStack } from "../../support/stack";
import { AUTOMATIC_SETTINGS, sendPaidOrder, US_ADDRESS } from "../tracking/helpers";

function helpers(get: () => Stack) {
  const rowOf = (order: ShopifyOrder) => get().t.db.order.findFirst({ where: { shopifyOrderGid: order.id } });
  const until = (order: ShopifyOrder, check: (row: NonNullable<Awaited<ReturnType<typeof rowOf>>>) => boolean) =>
    eventually(async () => {
      const row = await rowOf(order);
      return row && check(row) ? row : undefined;
    }, 30_000).catch(async (e) => {
      throw new Error(`${(e as Error).message}\n${await get().describeOrder(order.id)}`);
    });
  /** A route's data (loader or action) as the browser receives it. */
  const data = <T>(path: string, route: string, form?: Record<string, string>) =>
    routeData<T>(get(), path, route, form);
  const home = (form: Record<string, string>) =>
    data<{ ok: boolean; message: string }>("/app.data?index", "routes/app._index", form);
  const creates = () => get().cj.requests({ path: "/shopping/order/createOrderV2" });
  return { rowOf, until, data, home, creates };
}

describe("a new shop: waiting for setup, the guided path, go live", () => {
  let s: Stack;
  const { until, data, home, creates } = helpers(() => s);
  beforeAll(async () => {
    // A fresh install: not live, sandbox off (the defaults), no store name checked yet.
    s = await startStack({ settings: { ...AUTOMATIC_SETTINGS, liveAt: null, sandbox: false } });
  }, 120_000);
  afterAll(async () => {
    await s?.stop();
  });

  it("a paid order waits in 'Waiting for setup' and nothing reaches CJ", async () => {
    const order = await sendPaidOrder(s, { lines: [{ sku: "TSHIRT-WHITE-M" }] });
    const held = await until(order, (row) => row.state === "HELD");
    expect(JSON.parse(held.holdCodes ?? "[]")).toEqual(["SETUP"]);
    expect(held.errorReason).toContain("Waiting for setup");
    expect(creates()).toEqual([]);
    const page = await data<{ rows: { name: string }[]; counts: Record<string, number>; shown: string[] }>(
      "/app/orders.data?tab=setup",
      "routes/app.orders._index",
    );
    expect(page.shown).toContain("setup");
    expect(page.counts.setup).toBe(1);
    expect(page.counts.held).toBe(0);
    expect(page.rows.map((r) => r.name)).toEqual([order.name]);
  });

  it("going live before the store is chosen is refused and sends nothing", async () => {
    const answer = await home({ intent: "goLive" });
    expect(answer.ok).toBe(false);
    expect(answer.message).toMatch(/Finish these steps first/);
    const settings = await s.t.db.shopSettings.findUniqueOrThrow({ where: { shopId: s.shopId } });
    expect(settings.liveAt).toBeNull();
    expect(creates()).toEqual([]);
  });

  it("the store name is chosen from CJ's stores: an unknown one is refused, a real one saved", async () => {
    const panel = await data<{ onboarding: { stores: string[] } }>("/app.data?index", "routes/app._index");
    expect(panel.onboarding.stores).toEqual(["acct-1-store"]);
    expect(s.cj.requests({ path: "/shop/getShops" }).length).toBeGreaterThan(0);
    const wrong = await home({ intent: "storeName", storeName: "Someone else's store" });
    expect(wrong).toMatchObject({ ok: false });
    expect(wrong.message).toContain("is not one of your CJ stores (acct-1-store)");
    expect(
      (await s.t.db.shopSettings.findUniqueOrThrow({ where: { shopId: s.shopId } })).storeNameCheckedAt,
    ).toBeNull();
    expect(await home({ intent: "storeName", storeName: "acct-1-store" })).toMatchObject({ ok: true });
    const settings = await s.t.db.shopSettings.findUniqueOrThrow({ where: { shopId: s.shopId } });
    expect(settings.storeName).toBe("acct-1-store");
    expect(settings.storeNameCheckedAt).not.toBeNull();
  });

  it("the sandbox test order is created, paid and shipped in CJ's sandbox, touching no customer order", async () => {
    const variantGid = `gid://shopify/ProductVariant/${CONNECTED["TSHIRT-WHITE-M"].variantId}`;
    await s.t.db.variantLink.create({
      data: {
        shopId: s.shopId,
        shopifyVariantGid: variantGid,
        sku: "TSHIRT-WHITE-M",
        cjVariantId: CONNECTED["TSHIRT-WHITE-M"].vid,
        source: "APP",
        checkedAt: new Date(),
      },
    });
    const ordersBefore = await s.t.db.order.count();
    expect(await home({ intent: "testOrder", variantGid })).toMatchObject({ ok: true });
    const test = await eventually(async () => {
      const row = await s.t.db.cjTestOrder.findFirst({ where: { shopId: s.shopId } });
      return row && ["SHIPPED", "FAILED"].includes(row.status) ? row : undefined;
    }, 30_000);
    expect(test.error).toBeNull();
    expect(test.status).toBe("SHIPPED");
    const sent = creates().filter((r) => (r.body as { orderNumber?: string }).orderNumber === test.cjOrderNumber);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.body).toMatchObject({ isSandbox: 1, payType: 3, storeName: "acct-1-store" });
    expect((sent[0]?.body as { products?: unknown[] } | undefined)?.products).toEqual([
      { vid: CONNECTED["TSHIRT-WHITE-M"].vid, quantity: 1 },
    ]);
    expect(s.cj.requests({ path: "/shopping/sandbox/simulatePay" })).toHaveLength(1);
    expect(s.cj.requests({ path: "/shopping/sandbox/updateStatus" }).map((r) => r.body)).toEqual([
      { orderId: test.cjOrderId, targetStatus: 500 },
    ]);
    expect(s.cj.order(test.cjOrderNumber)?.status).toBe("SHIPPED");
    expect(await s.t.db.order.count()).toBe(ordersBefore);
    const steps = JSON.parse(test.steps) as { step: string }[];
    expect(steps.map((st) => st.step)).toEqual(["start", "created", "paid", "shipped"]);
    const panel = await data<{ onboarding: { status: { steps: { key: string; done: boolean }[] } } }>(
      "/app.data?index",
      "routes/app._index",
    );
    expect(panel.onboarding.status.steps.find((st) => st.key === "testOrder")?.done).toBe(true);
  });

  it("going live forwards the waiting order as a real CJ order (not sandbox)", async () => {
    const waiting = await s.t.db.order.findFirstOrThrow({ where: { shopId: s.shopId, state: "HELD" } });
    const answer = await home({ intent: "goLive" });
    expect(answer).toMatchObject({ ok: true });
    expect(answer.message).toContain("1 waiting order");
    const number = cjOrderNumberFor(STACK_SHOP, waiting.shopifyOrderGid);
    await eventually(async () => creates().some((r) => (r.body as { orderNumber?: string }).orderNumber === number));
    const request = creates().find((r) => (r.body as { orderNumber?: string }).orderNumber === number);
    const body = request?.body as Record<string, unknown> | undefined;
    expect(body).toBeDefined();
    expect(body?.isSandbox).toBeUndefined();
    expect(body?.storeName).toBe("acct-1-store");
    // CJ has it; the row follows once the create answer is recorded.
    const row = await eventually(async () => {
      const r = await s.t.db.order.findUniqueOrThrow({ where: { id: waiting.id } });
      return r.state === "HELD" ? undefined : r;
    }, 30_000);
    expect(row.holdCodes).toBeNull();
    expect(["SUBMITTED", "AWAITING_PAYMENT", "PAID"]).toContain(row.state);
    const settings = await s.t.db.shopSettings.findUniqueOrThrow({ where: { shopId: s.shopId } });
    expect(settings.liveAt).not.toBeNull();
    expect(settings.sandbox).toBe(false);
  });
});

describe("pause and resume", () => {
  let s: Stack;
  const { until, data } = helpers(() => s);
  beforeAll(async () => {
    s = await startStack({ settings: { ...AUTOMATIC_SETTINGS, paused: true } });
  }, 120_000);
  afterAll(async () => {
    await s?.stop();
  });

  it("resuming releases the orders held only by the pause; an order held for fraud risk too stays held", async () => {
    const plain = s.addOrder({
      financialStatus: "PAID",
      shippingAddress: US_ADDRESS,
      lines: [{ sku: "TSHIRT-WHITE-M" }],
    });
    const risky = s.addOrder({
      financialStatus: "PAID",
      shippingAddress: US_ADDRESS,
      lines: [{ sku: "TSHIRT-WHITE-L" }],
      risk: { recommendation: "CANCEL", assessments: [{ riskLevel: "HIGH", facts: [] }] },
    });
    await s.webhook("orders/paid", plain);
    await s.webhook("orders/paid", risky);
    const heldPlain = await until(plain, (row) => row.state === "HELD");
    const heldRisky = await until(risky, (row) => row.state === "HELD");
    expect(JSON.parse(heldPlain.holdCodes ?? "[]")).toEqual(["PAUSED"]);
    expect(JSON.parse(heldRisky.holdCodes ?? "[]")).toEqual(["PAUSED", "RISK"]);

    // The Settings form, saved as the merchant would with "paused" unticked.
    const settings = await data<{ values: Record<string, string | boolean> }>(
      "/app/settings.data",
      "routes/app.settings",
    );
    const form: Record<string, string> = { intent: "save" };
    for (const [k, v] of Object.entries(settings.values)) {
      if (typeof v === "boolean") {
        if (v && k !== "paused") form[k] = "on";
      } else form[k] = v;
    }
    const saved = await data<{ ok: boolean }>("/app/settings.data", "routes/app.settings", form);
    expect(saved).toMatchObject({ ok: true });

    const forwarded = await until(plain, (row) => row.state !== "HELD");
    expect(forwarded.holdCodes).toBeNull();
    await eventually(async () =>
      s.cj
        .requests({ path: "/shopping/order/createOrderV2" })
        .some((r) => (r.body as { orderNumber?: string }).orderNumber === cjOrderNumberFor(STACK_SHOP, plain.id)),
    );
    const stillHeld = await until(risky, (row) => JSON.parse(row.holdCodes ?? "[]").join() === "RISK");
    expect(stillHeld.state).toBe("HELD");
    expect(stillHeld.errorReason).toContain("fraud risk");
    expect(stillHeld.errorReason).not.toContain("paused");
    const events = await s.t.db.orderEvent.findMany({ where: { orderId: stillHeld.id, type: "released_resume" } });
    expect(events).toHaveLength(1);
    expect(
      s.cj
        .requests({ path: "/shopping/order/createOrderV2" })
        .some((r) => (r.body as { orderNumber?: string }).orderNumber === cjOrderNumberFor(STACK_SHOP, risky.id)),
    ).toBe(false);
  });
});

describe("a shop that forwards by hand", () => {
  let s: Stack;
  const { until, data } = helpers(() => s);
  beforeAll(async () => {
    s = await startStack({ settings: { ...AUTOMATIC_SETTINGS, forwardingTrigger: "MANUAL" } });
  }, 120_000);
  afterAll(async () => {
    await s?.stop();
  });

  it("its paid orders are listed under 'To forward' until the merchant forwards them", async () => {
    const order = await sendPaidOrder(s, { lines: [{ sku: "TSHIRT-WHITE-M" }] });
    await until(order, (row) => row.state === "RECEIVED");
    const page = await data<{ rows: { id: string; name: string }[]; counts: Record<string, number>; shown: string[] }>(
      "/app/orders.data?tab=toforward",
      "routes/app.orders._index",
    );
    expect(page.shown).toContain("toforward");
    expect(page.shown).not.toContain("setup");
    expect(page.rows.map((r) => r.name)).toEqual([order.name]);
    expect(page.counts.toforward).toBe(1);
    expect(s.cj.requests({ path: "/shopping/order/createOrderV2" })).toEqual([]);

    const id = page.rows[0]?.id as string;
    const res = await fetch(
      await embeddedUrl(s.app.url, "/app/orders/bulk", {
        shop: STACK_SHOP,
        apiKey: testApiKey,
        apiSecret: testAppSecret,
      }),
      {
        method: "POST",
        body: new URLSearchParams({ action: "forward", orderId: id }),
        headers: { "User-Agent": BROWSER_UA },
      },
    );
    expect(res.status).toBe(200);
    await until(order, (row) => row.state !== "RECEIVED" && row.state !== "FAILED");
    expect(
      s.cj
        .requests({ path: "/shopping/order/createOrderV2" })
        .map((r) => (r.body as { orderNumber?: string }).orderNumber),
    ).toEqual([cjOrderNumberFor(STACK_SHOP, order.id)]);
    const after = await data<{ counts: Record<string, number> }>(
      "/app/orders.data?tab=toforward",
      "routes/app.orders._index",
    );
    expect(after.counts.toforward).toBe(0);
  });
});

describe("a shop that forwards by hand and is not live yet", () => {
  let s: Stack;
  const { until, home, creates } = helpers(() => s);
  beforeAll(async () => {
    s = await startStack({
      settings: { ...AUTOMATIC_SETTINGS, forwardingTrigger: "MANUAL", liveAt: null, sandbox: false },
    });
  }, 120_000);
  afterAll(async () => {
    await s?.stop();
  });

  it("an order the merchant forwards waits for setup, and goes to CJ when the shop goes live", async () => {
    const order = await sendPaidOrder(s, { lines: [{ sku: "TSHIRT-WHITE-M" }] });
    const received = await until(order, (row) => row.state === "RECEIVED");
    const res = await fetch(
      await embeddedUrl(s.app.url, "/app/orders/bulk", {
        shop: STACK_SHOP,
        apiKey: testApiKey,
        apiSecret: testAppSecret,
      }),
      {
        method: "POST",
        body: new URLSearchParams({ action: "forward", orderId: received.id }),
        headers: { "User-Agent": BROWSER_UA },
      },
    );
    expect(res.status).toBe(200);
    const held = await until(order, (row) => row.state === "HELD");
    expect(JSON.parse(held.holdCodes ?? "[]")).toEqual(["SETUP"]);
    expect(creates()).toEqual([]);

    expect(await home({ intent: "storeName", storeName: "acct-1-store" })).toMatchObject({ ok: true });
    expect(await home({ intent: "goLive" })).toMatchObject({ ok: true });
    await until(order, (row) => !["HELD", "RECEIVED", "FAILED"].includes(row.state));
    expect(creates().map((r) => (r.body as { orderNumber?: string }).orderNumber)).toEqual([
      cjOrderNumberFor(STACK_SHOP, order.id),
    ]);
  });
});

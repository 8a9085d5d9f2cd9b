import Decimal from "decimal.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MERGE_TASK_MS } from "../../emulators/cj/merge";
import type { Order as ShopifyOrder } from "../../emulators/shopify/model";
import { openAppPage } from "../../support/app-process";
import { routeData } from "../../support/route-data";
import { eventually, STACK_SHOP, type Stack, startStack } from "../../support/stack";
import {
  AUTOMATIC_SETTINGS,
  fulfillmentCreates,
  orderRowWhen,
  pointCjPushesAtApp,
  sendPaidOrder,
  shopifyFulfillments,
  US_ADDRESS,
} from "../tracking/helpers";

const MATCH = "/shopping/mergeOrder/autoMatchMergeOrderListV3";
const SUBMIT = "/shopping/mergeOrder/submitMergeOrderBatchV3";
const PAY = "/shopping/pay/payBalanceV2";
const ADA = { ...US_ADDRESS, name: "Ada Lovelace", address1: "12 Engine Row", phone: "+1 703 555 0111" };
const ALAN = { ...US_ADDRESS, name: "Alan Turing", address1: "7 Bletchley Ln", phone: "+1 703 555 0122" };

type Answer = { ok: boolean; message: string };
type MergeRow = NonNullable<Awaited<ReturnType<Stack["t"]["db"]["mergeRun"]["findFirst"]>>>;

describe("Merge candidates: one customer's CJ orders merged into one parcel (seed 002 §5)", () => {
  let s: Stack;
  beforeAll(async () => {
    s = await startStack({
      settings: { ...AUTOMATIC_SETTINGS, mergeOrders: true, mergeWindowMinutes: 120 },
      env: { CJ_TASK_POLL_SECONDS: "0.3" },
    });
    pointCjPushesAtApp(s);
  }, 120_000);
  afterAll(async () => {
    await s?.stop();
  });

  const act = (form: Record<string, string> | URLSearchParams) => routeData<Answer>(s, "/app/merge.data", "", form);

  /** A paid Shopify order the app created at CJ without payment (the merge window): CJ status CREATED. */
  async function waitingOrder(address: typeof US_ADDRESS, sku = "TSHIRT-WHITE-M") {
    const shopify = await sendPaidOrder(s, {
      shippingAddress: address,
      lines: [{ sku, quantity: 1, price: "19.90" }],
    });
    const row = await orderRowWhen(s, shopify, (r) => r.state === "SUBMITTED" && r.cjOrderId !== null);
    await eventually(async () => {
      const events = await s.t.db.orderEvent.findMany({ where: { orderId: row.id } });
      return events.some((e) => e.message.includes("createOrderV2")) || undefined;
    });
    return { shopify, row };
  }

  const lastRun = () => s.t.db.mergeRun.findFirst({ orderBy: { createdAt: "desc" }, include: { groups: true } });
  const runWhen = (check: (run: MergeRow) => boolean, timeoutMs = 30_000) =>
    eventually(async () => {
      const run = await lastRun();
      return run && check(run) ? run : undefined;
    }, timeoutMs);

  async function matchedRun() {
    const answer = await act({ intent: "find" });
    expect(answer).toMatchObject({ ok: true });
    return runWhen((r) => r.status === "MATCHED" || r.status === "DONE");
  }

  it("with merging on, orders wait unpaid; CJ's groups are listed with the saving; submitted, one CJ order pays once and ships into each Shopify order", async () => {
    const a = await waitingOrder(ADA);
    const b = await waitingOrder(ADA, "TSHIRT-WHITE-L");
    const other = await waitingOrder(ALAN);
    // Nothing paid: the orders wait for the merge window on CJ's complete-order page.
    expect(s.cj.requests({ path: PAY })).toHaveLength(0);
    for (const o of [a, b, other]) expect(s.cj.order(o.row.cjOrderId as string)?.status).toBe("CREATED");
    const createEvent = await s.t.db.orderEvent.findFirst({
      where: { orderId: a.row.id, message: { contains: "createOrderV2" } },
    });
    expect(createEvent?.message).toContain("payType 3");
    expect(createEvent?.message).toContain("merge window");

    const run = await matchedRun();
    expect(run.status).toBe("MATCHED");
    expect(s.cj.requests({ path: MATCH })).toHaveLength(1);
    expect(s.cj.requests({ path: MATCH })[0]?.body).toEqual({ filterOrder: true, orderStatus: 100 });
    expect(run.groups).toHaveLength(1);
    const group = run.groups[0] as (typeof run.groups)[number];
    expect(JSON.parse(group.orderIds)).toEqual([a.row.id, b.row.id]);
    expect(group.customerName).toBe("Ada Lovelace");
    const rows = await s.t.db.order.findMany({ where: { id: { in: [a.row.id, b.row.id] } } });
    const current = rows.reduce((sum, r) => sum.plus(r.postageAmount ?? "x"), new Decimal(0)).toFixed(2);
    expect(group.currentPostage).toBe(current);
    const options = JSON.parse(group.options) as { logisticsName: string; postage: string }[];
    const usps = options.find((o) => o.logisticsName === "USPS+");
    expect(usps).toBeDefined();
    expect(group.savingUsd).toBe(Decimal.max(0, new Decimal(current).minus(usps?.postage ?? "x")).toFixed(2));

    const page = await openAppPage(s.app.url, STACK_SHOP, "/app/merge");
    expect(page.status).toBe(200);
    expect(page.html).toContain("Ada Lovelace");
    expect(page.html).toContain(`${a.shopify.name}, ${b.shopify.name}`);
    expect(page.html).toContain(`${group.savingUsd} USD`);

    const submitted = await act(
      new URLSearchParams([
        ["intent", "submit"],
        ["runId", run.id],
        ["group", group.id],
        [`method:${group.id}`, "USPS+"],
      ]),
    );
    expect(submitted).toEqual({ ok: true, message: "1 group(s) sent to CJ." });
    const done = await runWhen((r) => r.status === "DONE");
    expect(done.error).toBeNull();
    const merged = done.groups[0];
    expect(merged?.status).toBe("MERGED");
    const sent = s.cj.requests({ path: SUBMIT });
    expect(sent).toHaveLength(1);
    expect(sent[0]?.body).toEqual([
      {
        logisticName: "USPS+",
        orderCodeList: [a.row.cjOrderId, b.row.cjOrderId],
        orderNumber: group.orderNumber,
        orderStatus: 100,
        packType: 0,
      },
    ]);
    const newId = merged?.newCjOrderId as string;
    expect(s.cj.order(newId)?.orderNumber).toBe(group.orderNumber);
    expect(s.cj.order(newId)?.mergedFrom).toEqual([a.row.cjOrderId, b.row.cjOrderId]);

    // The lead pays the merged order once (the shop pays from the balance); the follower follows it.
    const lead = await orderRowWhen(s, a.shopify, ["PAID"]);
    const follower = await orderRowWhen(s, b.shopify, ["PAID"]);
    expect(lead.cjOrderId).toBe(newId);
    expect(follower.cjOrderId).toBe(newId);
    expect(follower.mergedIntoId).toBe(lead.id);
    expect(lead.mergedIntoId).toBeNull();
    expect(s.cj.order(newId)?.status).toBe("UNSHIPPED");
    expect(s.cj.requests({ path: PAY })).toHaveLength(1);
    const followerEvents = await s.t.db.orderEvent.findMany({
      where: { orderId: follower.id },
      orderBy: { at: "asc" },
    });
    expect(followerEvents.map((e) => e.type)).toEqual(expect.arrayContaining(["merged", "paid"]));
    expect(followerEvents.find((e) => e.type === "paid")?.message).toContain(`with ${a.shopify.name}`);
    // The order CJ could not merge with anyone is still waiting, untouched.
    const alone = await s.t.db.order.findUniqueOrThrow({ where: { id: other.row.id } });
    expect(alone).toMatchObject({ state: "SUBMITTED", cjOrderId: other.row.cjOrderId, mergeGroupId: null });

    // Submitting the same groups again is refused: the batch went once.
    expect(
      await act(
        new URLSearchParams([
          ["intent", "submit"],
          ["runId", run.id],
          ["group", group.id],
        ]),
      ),
    ).toEqual({ ok: false, message: "These groups were submitted already: the app never submits a batch twice." });
    expect(s.cj.requests({ path: SUBMIT })).toHaveLength(1);

    // CJ ships the merged parcel: each Shopify order gets its own fulfillment with the one tracking number.
    const creates = fulfillmentCreates(s).length;
    const shipped = s.cj.shipOrder(newId);
    const number = shipped.tracking?.trackNumber as string;
    expect(number).toBeTruthy();
    for (const o of [a.shopify, b.shopify] as ShopifyOrder[]) {
      await eventually(async () => shopifyFulfillments(s, o.id).length === 1 || undefined, 30_000).catch(async (e) => {
        throw new Error(`${(e as Error).message}\n${await s.describeOrder(o.id)}`);
      });
      const [fulfillment] = shopifyFulfillments(s, o.id);
      expect(fulfillment?.trackingInfo.map((t) => t.number)).toEqual([number]);
    }
    expect(fulfillmentCreates(s).length - creates).toBe(2);
    await orderRowWhen(s, a.shopify, ["FULFILLED", "SHIPPED"]);
    await orderRowWhen(s, b.shopify, ["FULFILLED", "SHIPPED"]);
  }, 180_000);

  it("a partially failed batch: the group CJ refuses says why, the other is merged", async () => {
    const x1 = await waitingOrder({ ...ADA, name: "Mary Somerville", address1: "3 Comet St" });
    const x2 = await waitingOrder({ ...ADA, name: "Mary Somerville", address1: "3 Comet St" });
    const y1 = await waitingOrder({ ...ADA, name: "Emmy Noether", address1: "9 Ring Rd" });
    const y2 = await waitingOrder({ ...ADA, name: "Emmy Noether", address1: "9 Ring Rd" });
    s.cj.failMergeOf(y2.row.cjOrderId as string, 11007);
    const run = await matchedRun();
    // The first test's lone order is unpaid too, but alone: only these two groups.
    expect(run.groups.map((g) => g.customerName).sort()).toEqual(["Emmy Noether", "Mary Somerville"]);
    const form = new URLSearchParams([
      ["intent", "submit"],
      ["runId", run.id],
    ]);
    for (const g of run.groups) form.append("group", g.id);
    expect(await act(form)).toEqual({ ok: true, message: "2 group(s) sent to CJ." });
    const done = await runWhen((r) => r.status === "DONE");
    expect(done.error).toBe("1 of 2 group(s) were not merged: each says why.");
    const byName = (name: string) => done.groups.find((g) => g.customerName === name);
    expect(byName("Mary Somerville")).toMatchObject({ status: "MERGED" });
    expect(byName("Emmy Noether")).toMatchObject({
      status: "FAILED",
      errorCode: 11007,
      error:
        "an order's status changed meanwhile (CJ code 11007). These orders stay as they were and are paid after the merge window; correct them at CJ or in Shopify and find merge candidates again to retry.",
    });
    // The failed group's orders keep their own CJ orders and still wait; the merged group's lead is paid.
    for (const o of [y1, y2]) {
      const row = await s.t.db.order.findUniqueOrThrow({ where: { id: o.row.id } });
      expect(row).toMatchObject({ state: "SUBMITTED", cjOrderId: o.row.cjOrderId, mergedIntoId: null });
    }
    await orderRowWhen(s, x1.shopify, ["PAID"]);
    await orderRowWhen(s, x2.shopify, (r) => r.state === "PAID" && r.mergedIntoId === x1.row.id);
    const page = await openAppPage(s.app.url, STACK_SHOP, "/app/merge");
    expect(page.html).toContain("an order&#x27;s status changed meanwhile (CJ code 11007)");
    expect(page.html).toContain("Not merged");
  }, 180_000);

  it("a restart in the middle of CJ's match and of its submission: the run carries on, and the batch is sent once", async () => {
    const k1 = await waitingOrder({ ...ADA, name: "Sofia Kovalevskaya", address1: "5 Top St" });
    const k2 = await waitingOrder({ ...ADA, name: "Sofia Kovalevskaya", address1: "5 Top St" });
    const matches = s.cj.requests({ path: MATCH }).length;
    expect(await act({ intent: "find" })).toMatchObject({ ok: true });
    await eventually(async () => s.cj.requests({ path: MATCH }).length === matches + 1 || undefined);
    // CJ is slow today: its match task stays unfinished for a minute.
    s.cj.clock.advance(-60_000);
    const matching = await runWhen((r) => r.status === "MATCHING" && r.matchStartedAt !== null);
    expect(matching.progress).toBeLessThan(100);
    await s.restartApp();
    // The restarted app follows the same CJ task (no second match) and takes its result once CJ is done.
    s.cj.clock.advance(60_000 + MERGE_TASK_MS);
    const run = await runWhen((r) => r.status === "MATCHED" && r.id === matching.id, 60_000);
    expect(s.cj.requests({ path: MATCH })).toHaveLength(matches + 1);
    const group = run.groups.find((g) => g.customerName === "Sofia Kovalevskaya");
    expect(group).toBeDefined();

    const submits = s.cj.requests({ path: SUBMIT }).length;
    const form = new URLSearchParams([
      ["intent", "submit"],
      ["runId", run.id],
      ["group", group?.id as string],
    ]);
    expect(await act(form)).toMatchObject({ ok: true });
    await eventually(async () => s.cj.requests({ path: SUBMIT }).length === submits + 1 || undefined);
    s.cj.clock.advance(-60_000);
    await runWhen((r) => r.status === "SUBMITTING" && r.submitAnswered);
    await s.restartApp();
    s.cj.clock.advance(60_000 + MERGE_TASK_MS);
    const done = await runWhen((r) => r.status === "DONE" && r.id === run.id, 60_000);
    expect(s.cj.requests({ path: SUBMIT })).toHaveLength(submits + 1);
    expect(done.groups.find((g) => g.id === group?.id)?.status).toBe("MERGED");
    await orderRowWhen(s, k2.shopify, (r) => r.mergedIntoId === k1.row.id);
  }, 240_000);

  it("the lead's own Shopify fulfillment refused (on hold) is the lead's problem: the follower is fulfilled", async () => {
    const lead = await waitingOrder({ ...ADA, name: "Lise Meitner", address1: "8 Fission Ave" });
    const follower = await waitingOrder({ ...ADA, name: "Lise Meitner", address1: "8 Fission Ave" });
    const run = await matchedRun();
    const group = run.groups.find((g) => g.customerName === "Lise Meitner");
    expect(JSON.parse(group?.orderIds ?? "[]")).toEqual([lead.row.id, follower.row.id]);
    const form = new URLSearchParams([
      ["intent", "submit"],
      ["runId", run.id],
      ["group", group?.id as string],
    ]);
    expect(await act(form)).toMatchObject({ ok: true });
    const paid = await orderRowWhen(s, lead.shopify, (r) => r.state === "PAID" && r.mergeGroupId !== null);
    await orderRowWhen(s, follower.shopify, ["PAID"]);
    const fo = s.shopify.state.orders.get(lead.shopify.id)?.order.fulfillmentOrders[0];
    expect(s.shopify.state.holdFulfillmentOrder(STACK_SHOP, fo?.id as string, { reason: "OTHER" }).userErrors).toEqual(
      [],
    );
    s.cj.shipOrder(paid.cjOrderId as string);
    await orderRowWhen(s, lead.shopify, ["NEEDS_ATTENTION"]);
    const followed = await orderRowWhen(s, follower.shopify, ["FULFILLED"]);
    // The lead's refusal is written with its transition: had it been handed on, the follower would show it by now.
    const events = await s.t.db.orderEvent.findMany({ where: { orderId: follower.row.id } });
    expect(events.filter((e) => e.type === "fulfillment_refused")).toEqual([]);
    expect((await s.t.db.order.findUniqueOrThrow({ where: { id: follower.row.id } })).state).toBe("FULFILLED");
    expect(followed.errorReason).toBeNull();
    expect(shopifyFulfillments(s, follower.shopify.id)).toHaveLength(1);
    expect(shopifyFulfillments(s, lead.shopify.id)).toHaveLength(0);
  }, 180_000);

  it("merging off: nothing to find, and orders are paid as they come", async () => {
    await s.t.db.shopSettings.update({ where: { shopId: s.shopId }, data: { mergeOrders: false } });
    const answer = await act({ intent: "find" });
    expect(answer).toEqual({
      ok: false,
      message: 'Merging is off for this store: turn on "Merge one customer\'s orders" in Settings first.',
    });
    const shopify = await sendPaidOrder(s, { shippingAddress: ADA, lines: [{ sku: "TSHIRT-WHITE-M", quantity: 1 }] });
    await orderRowWhen(s, shopify, ["PAID"]);
  }, 120_000);
});

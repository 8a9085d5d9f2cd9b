import Decimal from "decimal.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PRIVATE_PAY_WINDOW_MS } from "../../emulators/cj/inventory";
import { OUTBOUND_TASK_MS } from "../../emulators/cj/outbound";
import { openAppPage } from "../../support/app-process";
import { routeData } from "../../support/route-data";
import { CONNECTED, eventually, STACK_SHOP, type Stack, startStack } from "../../support/stack";
import { addStoreCatalogue } from "../../support/store-catalogue";

const CONFIRM = "/shopping/privateInventory/getConfirmationWithCost";
const CREATE = "/shopping/privateInventory/createOrder";
const PAY = "/shopping/pay/payBalanceV2";
const OUT = "/shopping/privateInventory/outbound";
const WHITE_M = CONNECTED["TSHIRT-WHITE-M"].vid;
const WHITE_L = CONNECTED["TSHIRT-WHITE-L"].vid;

type Quote = {
  lines: { variantId: string; quantity: number; unitPrice: string | null; productAmount: string | null }[];
  warehouses: { storageId: string; name: string }[];
  storageId: string | null;
  methods: { logisticName: string; shippingCost: string | null }[];
  logisticName: string | null;
  productAmount: string | null;
  serviceFee: string | null;
  shippingCost: string | null;
  totalAmount: string | null;
  message: string | null;
};
type Answer = { ok: boolean; message?: string; quote?: Quote; payUrl?: string | null; intent?: string };

describe("Stock-up and outbound: private inventory at CJ (seed 002 §6–8)", () => {
  let s: Stack;
  beforeAll(async () => {
    s = await startStack({
      settings: { paymentMode: "BALANCE", autoPayPerOrderCap: "500", autoPayPerDayCap: "800" },
      env: { CJ_TASK_POLL_SECONDS: "0.3" },
    });
    addStoreCatalogue(s);
    s.cj.setBalance("acct-1", "1000.00");
    // The Products page reads the store's CJ connections (with CJ's product and SKU of each variant).
    const refreshed = await routeData<{ ok: boolean; message: string }>(s, "/app/products.data", "", {
      intent: "refresh",
    });
    expect(refreshed.ok).toBe(true);
  }, 120_000);
  afterAll(async () => {
    await s?.stop();
  });

  const stock = (form: Record<string, string>) => routeData<Answer>(s, "/app/stock.data", "", form);
  const outbound = (form: Record<string, string> | URLSearchParams) =>
    routeData<
      Answer & {
        products?: { sku: string; stanProductId: string; privateOrderId: string; availableQuantity: number }[];
      }
    >(s, "/app/outbound.data", "", form);
  const lines = { [`qty:${WHITE_M}`]: "20", [`qty:${WHITE_L}`]: "10" };
  /** Quotes the selection for a warehouse and method, then places it with the total CJ gave (or `total`). */
  async function place(
    selection: Record<string, string>,
    storageId: string,
    logisticName: string,
    payment: "LINK" | "BALANCE",
    total?: (quoted: string) => string,
  ) {
    const q = (await stock({ intent: "quote", ...selection, storageId, logisticName })).quote as Quote;
    const confirmedTotal = total ? total(q.totalAmount as string) : (q.totalAmount as string);
    const answer = await stock({ intent: "place", ...selection, storageId, logisticName, payment, confirmedTotal });
    return { q, answer };
  }

  it("walks CJ's three confirmation passes (warehouses, then methods and cost, then the total) and shows the cost", async () => {
    const first = await stock({ intent: "quote", ...lines });
    expect(first.ok).toBe(true);
    expect(first.quote?.warehouses.map((w) => w.storageId)).toEqual(["CJ-SZ-001", "CJ-US-001"]);
    expect(first.quote?.methods).toEqual([]);
    expect(first.quote?.totalAmount).toBeNull();
    const variant = s.cj.state.variants.get(WHITE_M);
    expect(s.cj.requests({ path: CONFIRM }).at(-1)?.body).toEqual({
      variants: [
        { variantId: WHITE_M, productId: variant?.pid, quantity: 20 },
        { variantId: WHITE_L, productId: s.cj.state.variants.get(WHITE_L)?.pid, quantity: 10 },
      ],
    });

    const second = await stock({ intent: "quote", ...lines, storageId: "CJ-US-001" });
    expect(second.quote?.storageId).toBe("CJ-US-001");
    expect(second.quote?.methods.map((m) => m.logisticName)).toEqual(["CJ Packet Ordinary", "CJ Express"]);
    expect(second.quote?.totalAmount).toBeNull();

    const third = await stock({ intent: "quote", ...lines, storageId: "CJ-US-001", logisticName: "CJ Express" });
    const q = third.quote as Quote;
    const products = new Decimal(variant?.sellPrice ?? "x")
      .times(20)
      .plus(new Decimal(s.cj.state.variants.get(WHITE_L)?.sellPrice ?? "x").times(10));
    expect(q.productAmount).toBe(products.toFixed(2));
    expect(q.totalAmount).toBe(
      new Decimal(q.productAmount ?? "x")
        .plus(q.serviceFee ?? "x")
        .plus(q.shippingCost ?? "x")
        .toFixed(2),
    );
    expect(q.lines[0]?.unitPrice).toBe(new Decimal(variant?.sellPrice ?? "x").toFixed(2));
    expect(s.cj.requests({ path: CREATE })).toHaveLength(0);

    const page = await openAppPage(s.app.url, STACK_SHOP, "/app/stock");
    expect(page.status).toBe(200);
    // The page offers the store's connected variants with CJ's price, and the warehouse search.
    expect(page.html).toContain("TSHIRT-WHITE-M");
    expect(page.html).toContain(`${s.cj.state.variants.get(WHITE_M)?.sellPrice} USD`);
    expect(page.html).toContain("Find warehouses");
  }, 60_000);

  it("bad input is refused with a clear message and nothing reaches CJ", async () => {
    const before = s.cj.requests({ path: CONFIRM }).length;
    expect(await stock({ intent: "quote" })).toEqual({
      ok: false,
      message: "Enter a quantity for at least one variant.",
    });
    expect(await stock({ intent: "quote", [`qty:${WHITE_M}`]: "2.5" })).toEqual({
      ok: false,
      message: "Quantities are whole numbers from 1 to 100000 (CJ's limit).",
    });
    expect(await stock({ intent: "quote", "qty:NOT-A-VARIANT": "3" })).toEqual({
      ok: false,
      message: "Variant NOT-A-VARIANT is not connected to CJ in this store.",
    });
    expect(s.cj.requests({ path: CONFIRM })).toHaveLength(before);
  });

  it("creates the order paid by link, and refuses a total the merchant did not confirm", async () => {
    const wrong = await place(lines, "CJ-SZ-001", "CJ Packet Ordinary", "LINK", (t) =>
      new Decimal(t).minus(1).toFixed(2),
    );
    expect(wrong.answer.ok).toBe(false);
    expect(wrong.answer.message).toContain(`CJ's amount is now ${wrong.q.totalAmount} USD`);
    expect(s.cj.requests({ path: CREATE })).toHaveLength(0);

    const { q, answer: placed } = await place(lines, "CJ-SZ-001", "CJ Packet Ordinary", "LINK");
    expect(placed.ok).toBe(true);
    const sent = s.cj.requests({ path: CREATE });
    expect(sent).toHaveLength(1);
    expect(sent[0]?.body).toMatchObject({ storageId: "CJ-SZ-001", logisticName: "CJ Packet Ordinary", payType: 1 });
    const row = await s.t.db.stockOrder.findFirstOrThrow({ orderBy: { createdAt: "desc" } });
    expect(row).toMatchObject({ status: "UNPAID", totalAmount: q.totalAmount, payment: "LINK" });
    expect(placed.payUrl).toBe(row.payUrl);
    expect(row.payUrl).toMatch(/^https:\/\/www\.cjdropshipping\.com\/mine\/payment\?pid=/);
    expect(s.cj.requests({ path: PAY })).toHaveLength(0);

    // Paid on CJ's page: the Stock at CJ list reads CJ's status.
    s.cj.payPrivateOrderByLink(row.cjOrderCode as string);
    const page = await openAppPage(s.app.url, STACK_SHOP, "/app/stock");
    expect(page.html).toContain(row.cjOrderCode as string);
    expect(page.html).toContain("Completed");
    expect((await s.t.db.stockOrder.findUniqueOrThrow({ where: { id: row.id } })).status).toBe("PAID");
  }, 60_000);

  it("an order left unpaid past CJ's payment window shows closed, without a payment link", async () => {
    const { answer } = await place({ [`qty:${WHITE_L}`]: "2" }, "CJ-SZ-001", "CJ Express", "LINK");
    expect(answer.ok).toBe(true);
    const row = await s.t.db.stockOrder.findFirstOrThrow({ orderBy: { createdAt: "desc" } });
    let page = await openAppPage(s.app.url, STACK_SHOP, "/app/stock");
    expect(page.html).toContain(row.payUrl as string);
    // A week passes at CJ for this order (its creation moved back, so no token of the account expires).
    const atCj = s.cj.state.privateOrders.get(row.cjOrderCode as string);
    if (!atCj) throw new Error("the emulator has no such order");
    atCj.createdAt -= PRIVATE_PAY_WINDOW_MS;
    page = await openAppPage(s.app.url, STACK_SHOP, "/app/stock");
    expect(page.html).toContain("Closed at CJ");
    expect(page.html).not.toContain(row.payUrl as string);
    expect((await s.t.db.stockOrder.findUniqueOrThrow({ where: { id: row.id } })).status).toBe("CLOSED");
  }, 60_000);

  it("pays from the balance with orderType 9 under the caps; over a cap it is refused before CJ is asked", async () => {
    const balance = new Decimal(s.cj.account("acct-1").balance);
    const { q, answer: placed } = await place({ [`qty:${WHITE_M}`]: "5" }, "CJ-US-001", "CJ Express", "BALANCE");
    expect(placed).toMatchObject({ ok: true });
    const row = await s.t.db.stockOrder.findFirstOrThrow({ orderBy: { createdAt: "desc" } });
    expect(row.status).toBe("PAID");
    expect(s.cj.requests({ path: PAY }).at(-1)?.body).toEqual({
      shipmentOrderId: row.cjOrderCode,
      orderType: 9,
      payId: row.payId,
    });
    expect(new Decimal(s.cj.account("acct-1").balance).toFixed(2)).toBe(balance.minus(q.totalAmount ?? "x").toFixed(2));

    const creates = s.cj.requests({ path: CREATE }).length;
    const { answer: refused } = await place({ [`qty:${WHITE_M}`]: "400" }, "CJ-SZ-001", "CJ Express", "BALANCE");
    expect(refused.ok).toBe(false);
    expect(refused.message).toContain("over the per-order auto-pay cap of 500");
    expect(s.cj.requests({ path: CREATE })).toHaveLength(creates);
  }, 60_000);

  it("a variant the warehouse refuses: CJ's reason is shown and the order is not created", async () => {
    s.cj.refuseStockOf("CJ-US-001", WHITE_L, "the supplier cannot ship this size to the US warehouse");
    const { answer } = await place({ [`qty:${WHITE_L}`]: "3" }, "CJ-US-001", "CJ Express", "LINK");
    expect(answer.ok).toBe(false);
    expect(answer.message).toContain("the supplier cannot ship this size to the US warehouse");
    const row = await s.t.db.stockOrder.findFirstOrThrow({ orderBy: { createdAt: "desc" } });
    expect(row).toMatchObject({ status: "FAILED", cjOrderCode: null });
  }, 60_000);

  it("ships stock out to an address-book address: CJ's progress is followed (across a restart), a short lock is adjusted, then submitted", async () => {
    const saved = await routeData<{ ok: boolean }>(s, "/app/addresses.data", "", {
      firstName: "Gilbert",
      lastName: "Soria",
      country: "United States",
      countryCode: "US",
      province: "OH",
      city: "HUBER HEIGHTS",
      address: "3419 BROADMOOR BLVD1",
      zip: "45424",
      phone: "9322331159",
    });
    expect(saved.ok).toBe(true);
    const stocked = await s.t.db.stockOrder.findFirstOrThrow({ where: { status: "PAID", storageId: "CJ-SZ-001" } });
    const found = await outbound({
      intent: "products",
      storageId: "CJ-SZ-001",
      privateOrderId: stocked.cjOrderCode as string,
    });
    expect(found.ok).toBe(true);
    expect(found.products?.map((p) => [p.stanProductId, p.availableQuantity])).toEqual([
      [WHITE_M, 20],
      [WHITE_L, 10],
    ]);
    const addressId = s.cj.state.addresses[0]?.id as string;
    const form = (quantities: Record<string, number>) => {
      const f = new URLSearchParams([
        ["intent", "create"],
        ["storageId", "CJ-SZ-001"],
        ["addressId", addressId],
      ]);
      for (const p of found.products ?? []) {
        const quantity = quantities[p.stanProductId];
        if (quantity) f.append(`line:${p.stanProductId}`, JSON.stringify({ ...p, quantity }));
      }
      return f;
    };
    // More than CJ holds: refused before anything is created.
    const tooMany = await outbound(form({ [WHITE_M]: 21 }));
    expect(tooMany).toEqual({ ok: false, message: expect.stringContaining("only 20 can be shipped out now") });
    expect(s.cj.requests({ path: `${OUT}/create` })).toHaveLength(0);

    // CJ will lock only 6 of the 8 white L.
    s.cj.limitOutboundLock(WHITE_L, 6);
    const created = await outbound(form({ [WHITE_M]: 12, [WHITE_L]: 8 }));
    expect(created.ok).toBe(true);
    expect(s.cj.requests({ path: `${OUT}/create` })).toHaveLength(1);
    expect(s.cj.requests({ path: `${OUT}/create` })[0]?.body).toMatchObject({
      storageId: "CJ-SZ-001",
      postagePayNode: 4,
      submit: false,
      address: { customerName: "Gilbert Soria", countryCode: "US", city: "HUBER HEIGHTS", zipCode: "45424" },
      productList: [
        { stanProductId: WHITE_M, privateOrderId: stocked.cjOrderCode, quantity: 12 },
        { stanProductId: WHITE_L, privateOrderId: stocked.cjOrderCode, quantity: 8 },
      ],
    });
    // CJ is slow: its task stays unfinished while the app restarts.
    s.cj.clock.advance(-60_000);
    const row = await eventually(async () => {
      const r = await s.t.db.outboundOrder.findFirst({ where: { status: "PROCESSING" } });
      return r && s.cj.requests({ path: `${OUT}/progress` }).length > 0 ? r : undefined;
    });
    await s.restartApp();
    const polls = s.cj.requests({ path: `${OUT}/progress` }).length;
    s.cj.clock.advance(60_000 + OUTBOUND_TASK_MS);
    const short = await eventually(async () => {
      const r = await s.t.db.outboundOrder.findUniqueOrThrow({ where: { id: row.id } });
      return r.status === "LOCK_FAIL" ? r : undefined;
    }, 30_000);
    expect(s.cj.requests({ path: `${OUT}/progress` }).length).toBeGreaterThan(polls);
    expect(JSON.parse(short.lockFails ?? "[]")).toEqual([
      { sku: expect.any(String), privateOrderId: stocked.cjOrderCode, quantity: 8, lockQuantity: 6 },
    ]);
    // Submitting now is refused by the app (not ready), nothing sent.
    expect(await outbound({ intent: "submit", id: row.id })).toEqual({
      ok: false,
      message: "CJ has not made this outbound order ready to submit yet.",
    });
    expect(s.cj.requests({ path: `${OUT}/submit` })).toHaveLength(0);
    const page = await openAppPage(s.app.url, STACK_SHOP, "/app/outbound");
    expect(page.html).toContain("CJ could lock 6 of 8");

    // Adjusted to what CJ locked: an update of the same CJ order, then ready, then submitted once.
    const adjust = new URLSearchParams([
      ["intent", "update"],
      ["id", row.id],
    ]);
    for (const line of JSON.parse(short.lines) as { stanProductId: string; quantity: number }[]) {
      adjust.append(
        `line:${line.stanProductId}`,
        JSON.stringify({ ...line, quantity: line.stanProductId === WHITE_L ? 6 : line.quantity }),
      );
    }
    expect(await outbound(adjust)).toMatchObject({ ok: true });
    expect(s.cj.requests({ path: `${OUT}/create` }).at(-1)?.body).toMatchObject({ orderId: short.cjOrderId });
    s.cj.clock.advance(OUTBOUND_TASK_MS);
    await eventually(
      async () =>
        (await s.t.db.outboundOrder.findUniqueOrThrow({ where: { id: row.id } })).status === "READY" || undefined,
      30_000,
    );
    expect(await outbound({ intent: "submit", id: row.id })).toMatchObject({ ok: true });
    expect(await outbound({ intent: "submit", id: row.id })).toEqual({
      ok: false,
      message: "This outbound order was submitted already.",
    });
    expect(s.cj.requests({ path: `${OUT}/submit` })).toHaveLength(1);
    const left = s.cj
      .privateStockOf("acct-1")
      .find((r) => r.privateOrderId === stocked.cjOrderCode && r.vid === WHITE_L);
    expect(left?.quantity).toBe(4);
    // Submitted: CJ no longer cancels it, and says so.
    const cancel = await outbound({ intent: "cancel", id: row.id });
    expect(cancel.ok).toBe(false);
    expect(cancel.message).toContain("1603002");
    const detail = await outbound({ intent: "detail", id: row.id });
    expect(detail).toMatchObject({ ok: true, orderStatus: "SUBMITTED", submitStatus: "SUBMITTED" });
  }, 120_000);

  it("stock gone between the lock and the submission: CJ's 1603001 puts the order back to adjusting; an unfinished one is cancelled", async () => {
    const stocked = await s.t.db.stockOrder.findFirstOrThrow({ where: { status: "PAID", storageId: "CJ-SZ-001" } });
    const found = await outbound({
      intent: "products",
      storageId: "CJ-SZ-001",
      privateOrderId: stocked.cjOrderCode as string,
    });
    const m = found.products?.find((p) => p.stanProductId === WHITE_M);
    expect(m?.availableQuantity).toBe(8);
    const f = new URLSearchParams([
      ["intent", "create"],
      ["storageId", "CJ-SZ-001"],
      ["addressId", s.cj.state.addresses[0]?.id as string],
      [`line:${WHITE_M}`, JSON.stringify({ ...m, quantity: 5 })],
    ]);
    expect(await outbound(f)).toMatchObject({ ok: true });
    s.cj.clock.advance(OUTBOUND_TASK_MS);
    const row = await eventually(async () => {
      const r = await s.t.db.outboundOrder.findFirst({ where: { status: "READY" } });
      return r ?? undefined;
    }, 30_000);
    s.cj.takePrivateStock(stocked.cjOrderCode as string, WHITE_M, 6);
    const refused = await outbound({ intent: "submit", id: row.id });
    expect(refused.ok).toBe(false);
    expect(refused.message).toContain("Private inventory is insufficient");
    const after = await s.t.db.outboundOrder.findUniqueOrThrow({ where: { id: row.id } });
    expect(after.status).toBe("LOCK_FAIL");
    expect(JSON.parse(after.lockFails ?? "[]")).toEqual([
      { sku: expect.any(String), privateOrderId: stocked.cjOrderCode, quantity: 5, lockQuantity: 2 },
    ]);
    expect(await outbound({ intent: "cancel", id: row.id })).toMatchObject({ ok: true });
    expect((await s.t.db.outboundOrder.findUniqueOrThrow({ where: { id: row.id } })).status).toBe("CANCELLED");
  }, 120_000);
});

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CjEmulator } from "../../emulators/cj/index.js";
import { OUTBOUND_TASK_MS } from "../../emulators/cj/outbound.js";
import { ACCOUNT, cj, login, startTestEmulator, TEE_VID } from "./harness.js";

type Data = Record<string, unknown>;
const P = "/shopping/privateInventory";

describe("CJ emulator: private inventory and outbound orders (seed 002 §7–8)", () => {
  let emulator: CjEmulator;
  let token: string;
  const call = async (path: string, body: unknown = {}) => (await cj(emulator, `${P}/${path}`, { token, body })).json;
  const tee = () =>
    emulator.state.variants.get(TEE_VID) as { vid: string; pid: string; sku: string; sellPrice: string };
  const variants = (quantity = 10) => [{ variantId: TEE_VID, productId: tee().pid, quantity }];

  beforeEach(async () => {
    emulator = await startTestEmulator();
    token = await login(emulator);
  });
  afterEach(() => emulator.close());

  it("confirmation with cost in three passes: warehouses, then freight rows, then the total", async () => {
    const first = (await call("getConfirmationWithCost", { variants: variants() })).data as Data;
    expect((first.availableStorehouseList as Data[]).map((w) => w.storageId)).toEqual(["CJ-SZ-001", "CJ-US-001"]);
    expect(first.costInfo).toBeNull();
    expect((first.amountDetail as Data).totalAmountCalculated).toBe(false);
    const second = (await call("getConfirmationWithCost", { variants: variants(), storageId: "CJ-US-001" }))
      .data as Data;
    expect(second.selectedStorageId).toBe("CJ-US-001");
    const rows = (second.costInfo as Data).freightTrialList as Data[];
    expect(rows.map((r) => r.logisticName)).toEqual(["CJ Packet Ordinary", "CJ Express"]);
    expect((second.amountDetail as Data).missingAmountItems).toEqual(["selectedFreight"]);
    const third = (
      await call("getConfirmationWithCost", {
        variants: variants(),
        storageId: "CJ-US-001",
        logisticName: "CJ Express",
      })
    ).data as Data;
    const amount = third.amountDetail as Data;
    expect(amount.totalAmountCalculated).toBe(true);
    expect(amount.totalAmount).toBeCloseTo(
      (amount.productAmount as number) + (amount.serviceFee as number) + (amount.shippingCost as number),
      2,
    );
    // An unknown method: no total, the freight row is empty.
    const unknown = (
      await call("getConfirmationWithCost", { variants: variants(), storageId: "CJ-US-001", logisticName: "Nope" })
    ).data as Data;
    expect((unknown.amountDetail as Data).totalAmountCalculated).toBe(false);
  });

  it("the seed's field rules: quantities 1–100000, lengths, required fields, sku of the variant", async () => {
    for (const body of [
      { variants: [{ variantId: TEE_VID, productId: tee().pid, quantity: 0 }] },
      { variants: [{ variantId: TEE_VID, productId: tee().pid, quantity: 100_001 }] },
      { variants: [{ variantId: TEE_VID, quantity: 1 }] },
      { variants: variants(), storageId: "x".repeat(201) },
    ]) {
      expect((await call("getConfirmationWithCost", body)).code).toBe(1600100);
    }
    const base = {
      productList: [{ variantId: TEE_VID, productId: tee().pid, sku: tee().sku, quantity: 2 }],
      logisticName: "CJ Express",
      storageId: "CJ-SZ-001",
    };
    expect((await call("createOrder", { ...base, payType: 3 })).code).toBe(1600100);
    expect((await call("createOrder", { ...base, storageId: undefined })).code).toBe(1600100);
    expect((await call("createOrder", { ...base, productList: [] })).code).toBe(1600100);
    expect(
      (await call("createOrder", { ...base, productList: [{ ...base.productList[0], sku: "ANOTHER-SKU" }] })).code,
    ).toBe(1600100);
    expect((await call("order/list", { pageSize: 201 })).code).toBe(1600100);
    expect(emulator.state.privateOrders.size).toBe(0);
  });

  it("created SY order paid with orderType 9 from the balance (refused when short); the stock is received", async () => {
    const base = {
      productList: [{ variantId: TEE_VID, productId: tee().pid, sku: tee().sku, quantity: 40 }],
      logisticName: "CJ Express",
      storageId: "CJ-SZ-001",
    };
    const linked = (await call("createOrder", { ...base, payType: 1 })).data as Data;
    expect(linked.cjPayUrl).toBe(`https://www.cjdropshipping.com/mine/payment?pid=${linked.payId}`);
    expect(String(linked.orderId)).toMatch(/^SY\d{12}$/);
    // 40 tees cost more than the account's 100.00.
    const pay = (body: Data) => cj(emulator, "/shopping/pay/payBalanceV2", { token, body });
    expect((await pay({ shipmentOrderId: linked.orderId, orderType: 9 })).json.code).toBe(1604000);
    emulator.setBalance(ACCOUNT, "5000");
    expect((await pay({ shipmentOrderId: linked.orderId, orderType: 9, payId: "WRONG" })).json.code).toBe(1600100);
    expect((await pay({ shipmentOrderId: linked.orderId, orderType: 9, payId: linked.payId })).json).toMatchObject({
      code: 200,
      data: linked.orderId,
    });
    expect((await pay({ shipmentOrderId: linked.orderId, orderType: 9 })).json.code).toBe(1603101);
    expect(emulator.privateStockOf(ACCOUNT)).toEqual([
      expect.objectContaining({ privateOrderId: linked.orderId, vid: TEE_VID, storageId: "CJ-SZ-001", quantity: 40 }),
    ]);
    const list = (await call("order/list", { orderContent: linked.orderId })).data as Data;
    expect(list.totalRecords).toBe(1);
    expect((list.content as Data[])[0]).toMatchObject({
      orderCode: linked.orderId,
      status: "7",
      statusDesc: "Completed",
    });
    // A warehouse refusing a variant: the orderability check, no order.
    emulator.refuseStockOf("CJ-SZ-001", TEE_VID, "discontinued");
    const refused = (await call("createOrder", base)).data as Data;
    expect(refused.orderId).toBeUndefined();
    expect(refused.checkPlaceOrderInfo).toEqual({
      confirmStatus: false,
      productInfoVOList: [{ variantId: TEE_VID, sku: tee().sku, reason: "discontinued" }],
    });
  });

  it("outbound: create starts a task that advances with time, locks what the stock allows, submits once, cancels before only", async () => {
    emulator.setBalance(ACCOUNT, "5000");
    const base = {
      productList: [{ variantId: TEE_VID, productId: tee().pid, sku: tee().sku, quantity: 10 }],
      logisticName: "CJ Express",
      storageId: "CJ-SZ-001",
      payType: 2,
    };
    const sy = String(((await call("createOrder", base)).data as Data).orderId);
    await cj(emulator, "/shopping/pay/payBalanceV2", { token, body: { shipmentOrderId: sy, orderType: 9 } });
    expect((await call("outbound/product/query", { storageId: "CJ-SZ-001" })).code).toBe(1600100);
    const products = (await call("outbound/product/query", { storageId: "CJ-SZ-001", privateOrderId: sy }))
      .data as Data[];
    expect(products.map((p) => [p.stanProductId, p.availableQuantity])).toEqual([[TEE_VID, 10]]);
    const address = {
      customerName: "Gilbert Soria",
      shippingAddress: "3419 BROADMOOR BLVD1",
      city: "HUBER HEIGHTS",
      countryCode: "US",
    };
    const order = {
      orderNumber: "OB-1",
      storageId: "CJ-SZ-001",
      postagePayNode: 4,
      address,
      productList: [{ sku: tee().sku, stanProductId: TEE_VID, privateOrderId: sy, quantity: 6 }],
    };
    expect((await call("outbound/create", { ...order, postagePayNode: 6 })).code).toBe(1600100); // reason required
    expect((await call("outbound/create", { ...order, address: { ...address, countryCode: "USA" } })).code).toBe(
      1600100,
    );
    const created = (await call("outbound/create", order)).data as Data;
    expect(created).toMatchObject({ createTaskStarted: true, nextAction: "POLL_CREATE_PROGRESS" });
    const id = created.orderId as string;
    expect((await call("outbound/create", order)).code).toBe(1603000); // the number exists
    const progress = async () => (await call("outbound/progress", { orderId: id })).data as Data;
    expect(await progress()).toMatchObject({
      createProgress: 0,
      createStatus: "PROCESSING",
      nextAction: "WAIT_CREATE",
    });
    emulator.clock.advance(OUTBOUND_TASK_MS / 2);
    expect(await progress()).toMatchObject({ createProgress: 60, createStatus: "CREATE_SUB_ORDER_SUCCESS" });
    expect((await call("outbound/submit", { orderId: id })).code).toBe(1603001);
    emulator.clock.advance(OUTBOUND_TASK_MS);
    expect(await progress()).toMatchObject({
      createProgress: 100,
      createStatus: "TASK_COMPLETE",
      nextAction: "SUBMIT_ORDER",
      lockFails: [],
    });
    // Locked: another order sees only what is left.
    const refreshed = (
      await call("outbound/product/batch-refresh", {
        storageId: "CJ-SZ-001",
        products: [{ privateOrderId: sy, stanProductId: TEE_VID }],
      })
    ).data as Data[];
    expect(refreshed[0]?.availableQuantity).toBe(4);
    // A second order asking 6 of the 4 left: LOCK_FAIL with what was locked.
    const second = String(((await call("outbound/create", { ...order, orderNumber: "OB-2" })).data as Data).orderId);
    emulator.clock.advance(OUTBOUND_TASK_MS);
    expect((await call("outbound/progress", { orderId: second })).data).toMatchObject({
      createStatus: "LOCK_FAIL",
      nextAction: "ADJUST_LOCK_FAIL_PRODUCTS",
      lockFails: [{ sku: tee().sku, privateOrderId: sy, quantity: 6, lockQuantity: 4 }],
    });
    expect((await call("outbound/cancel", { orderId: second, reason: "too few" })).data).toEqual({
      orderId: second,
      cancelled: true,
    });
    expect((await call("outbound/submit", { orderId: id })).data).toMatchObject({ submitAccepted: true });
    expect((await call("outbound/submit", { orderId: id })).code).toBe(1603000);
    expect((await call("outbound/cancel", { orderId: id })).code).toBe(1603002);
    expect(emulator.privateStockOf(ACCOUNT)[0]?.quantity).toBe(4);
    expect(((await call("outbound/detail", { orderId: id })).data as Data).orderStatus).toBe("SUBMITTED");
    // An outbound order CJ does not know (or another account's) is not found.
    expect((await call("outbound/detail", { orderId: "SD000000000000" })).code).toBe(1600300);
  });
});

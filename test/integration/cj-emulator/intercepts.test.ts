import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CjEmulator } from "../../emulators/cj/index.js";
import { ACCOUNT, cj, control, login, orderBody, startTestEmulator } from "./harness.js";

type Data = Record<string, unknown>;

/** A Brazilian order; without taxId/consigneeID and houseNumber it fails both BR rules. */
function brOrder(overrides: Data = {}): Data {
  return orderBody({
    shippingCountryCode: "BR",
    shippingCountry: "Brazil",
    shippingProvince: "SP",
    shippingCity: "São Paulo",
    shippingZip: "01310-100",
    shippingAddress: "Avenida Paulista",
    ...overrides,
  });
}

const BR_REASONS = [
  { code: 1002, message: "Tax ID (dutyNo) is required for BR" },
  { code: 1006, message: "House number (houseNumber) is required for BR" },
];

describe("CJ emulator: intercepted orders (seed 002 interceptOrderReasons / interceptOrders)", () => {
  let emulator: CjEmulator;
  let token: string;
  beforeEach(async () => {
    emulator = await startTestEmulator();
    token = await login(emulator);
  });
  afterEach(() => emulator.close());

  const create = (body: Data, path = "/shopping/order/createOrderV2") => cj(emulator, path, { token, body });
  const addCart = (ids: string[]) => cj(emulator, "/shopping/order/addCart", { token, body: { cjOrderIdList: ids } });
  const confirm = (ids: string[]) =>
    cj(emulator, "/shopping/order/addCartConfirm", { token, body: { cjOrderIdList: ids } });
  const balance = async () => ((await cj(emulator, "/shopping/pay/getBalance", { token })).json.data as Data).amount;

  it("a BR order missing its rules is created but intercepted: CREATED, no pay URL, one reason per rule", async () => {
    for (const [orderNumber, payType] of [
      ["br-page", 1],
      ["br-balance", 2],
      ["br-create", 3],
    ] as const) {
      const answer = await create(brOrder({ orderNumber, payType }));
      expect(answer.json.code).toBe(200);
      expect(answer.json.data).toMatchObject({
        orderNumber,
        orderId: expect.any(String),
        orderStatus: "CREATED",
        cjPayUrl: "",
        shipmentOrderId: "",
        interceptOrderReasons: BR_REASONS,
      });
      expect(emulator.order(orderNumber)).toMatchObject({ status: "CREATED", interceptReasons: BR_REASONS });
    }
    const v3 = await create(brOrder({ orderNumber: "br-v3" }), "/shopping/order/createOrderV3");
    expect(v3.json.data).toMatchObject({ orderStatus: "CREATED", interceptOrderReasons: BR_REASONS });
    // No cart, confirmation or payment happened.
    expect(await balance()).toBe(100);
    expect(emulator.state.shipments.size).toBe(0);
    expect(emulator.state.intercepts.map((i) => [i.orderNumber, i.action, i.source])).toEqual([
      ["br-page", "intercepted", "rules"],
      ["br-balance", "intercepted", "rules"],
      ["br-create", "intercepted", "rules"],
      ["br-v3", "intercepted", "rules"],
    ]);
  });

  it("meets dutyNo by taxId or consigneeID matching the expression; a bad value is named as invalid", async () => {
    const byConsignee = await create(
      brOrder({ orderNumber: "br-ok", payType: 1, consigneeID: "12345678901", houseNumber: "1578" }),
    );
    expect(byConsignee.json.data).toMatchObject({ orderStatus: "UNPAID", interceptOrderReasons: [] });
    expect((byConsignee.json.data as Data).cjPayUrl).toMatch(/^https:\/\//);
    const byTaxId = await create(brOrder({ orderNumber: "br-ok-2", taxId: "12345678000195", houseNumber: "1" }));
    expect(byTaxId.json.data).toMatchObject({ orderStatus: "CREATED", interceptOrderReasons: [] });

    const bad = await create(brOrder({ orderNumber: "br-bad", taxId: "123", houseNumber: "1578" }));
    const reasons = (bad.json.data as Data).interceptOrderReasons as Data[];
    expect(reasons).toHaveLength(1);
    expect(reasons[0]?.message).toMatch(/^Tax ID \(dutyNo\) is invalid for BR: .*CPF/);

    const kr = await create(
      orderBody({ orderNumber: "kr-1", payType: 2, shippingCountryCode: "KR", shippingCountry: "Korea" }),
    );
    expect(kr.json.data).toMatchObject({
      orderStatus: "CREATED",
      interceptOrderReasons: [{ code: 1002, message: "Tax ID (dutyNo) is required for KR" }],
    });
    const krOk = await create(
      orderBody({ orderNumber: "kr-2", payType: 2, shippingCountryCode: "KR", taxId: "P123456789012" }),
    );
    expect(krOk.json.data).toMatchObject({ orderStatus: "UNSHIPPED", interceptOrderReasons: [] });
    const us = await create(orderBody({ orderNumber: "us-1", payType: 1 }));
    expect(us.json.data).toMatchObject({ orderStatus: "UNPAID", interceptOrderReasons: [] });
  });

  it("addCart lists intercepted orders in interceptOrders and counts only the added ones", async () => {
    const held = String(((await create(brOrder({ orderNumber: "held" }))).json.data as Data).orderId);
    const fine = String(((await create(orderBody({ orderNumber: "fine" }))).json.data as Data).orderId);

    const mixed = await addCart([held, fine]);
    expect(mixed.json).toMatchObject({
      code: 200,
      data: { successCount: 1, addSuccessOrders: [fine], interceptOrders: [held] },
    });
    const onlyHeld = await addCart([held]);
    expect(onlyHeld.json).toMatchObject({
      code: 200,
      result: true,
      data: { successCount: 0, addSuccessOrders: [], interceptOrders: [held] },
    });
    expect(emulator.order(held)?.status).toBe("CREATED");
    expect(emulator.order(fine)?.status).toBe("IN_CART");
    // Unknown ids with nothing added: still 1603001, even next to an intercepted order.
    expect((await addCart(["no-such-order"])).json).toMatchObject({ code: 1603001, message: "order confirm fail" });
    expect((await addCart([held, "no-such-order"])).json.code).toBe(1603001);
  });

  it("addCartConfirm: intercepted orders in interceptOrders; none confirmed gives submitSuccess false", async () => {
    const a = String(((await create(orderBody({ orderNumber: "cart-a" }))).json.data as Data).orderId);
    const b = String(((await create(orderBody({ orderNumber: "cart-b" }))).json.data as Data).orderId);
    await addCart([a, b]);
    // CJ's own risk check holds b back after it reached the cart.
    const held = await control(emulator, "/orders/intercept", {
      body: { orderId: b, message: "Address in a remote area", code: 1101 },
    });
    expect(held.status).toBe(200);
    expect(held.json).toMatchObject({
      orderId: b,
      status: "IN_CART",
      interceptReasons: [{ code: 1101, message: "Address in a remote area" }],
    });

    const none = await confirm([b]);
    expect(none.json).toMatchObject({
      code: 200,
      data: { successCount: 0, submitSuccess: false, shipmentsId: "", interceptOrders: [b] },
    });
    const some = await confirm([a, b]);
    expect(some.json).toMatchObject({
      code: 200,
      data: { successCount: 1, submitSuccess: true, shipmentsId: expect.stringMatching(/^SD/), interceptOrders: [b] },
    });
    expect(emulator.order(a)?.status).toBe("UNPAID");
    expect(emulator.order(b)?.status).toBe("IN_CART");
    expect((await confirm(["no-such-order"])).json.code).toBe(1603001);
    const patch = await cj(emulator, "/shopping/order/confirmOrder", { method: "PATCH", token, body: { orderId: b } });
    expect(patch.json).toMatchObject({ code: 1603001, result: false });
    expect(emulator.order(b)?.status).toBe("IN_CART");
  });

  it("an on-demand intercept of an UNPAID order blocks payment; release lets it through and pushes an UPDATE", async () => {
    const created = (await create(orderBody({ orderNumber: "pay-held", payType: 1 }))).json.data as Data;
    const shipmentOrderId = String(created.shipmentOrderId);
    await control(emulator, "/orders/intercept", {
      body: { orderId: "pay-held", message: "Address in a remote area" },
    });
    expect(emulator.order("pay-held")?.interceptReasons).toEqual([{ code: 1000, message: "Address in a remote area" }]);

    const parent = await cj(emulator, "/shopping/order/saveGenerateParentOrder", { token, body: { shipmentOrderId } });
    expect(parent.json.data).toMatchObject({ interceptOrders: [created.orderId], successOrders: [] });
    const pay = await cj(emulator, "/shopping/pay/payBalanceV2", { token, body: { shipmentOrderId } });
    expect(pay.json).toMatchObject({ code: 1603101, result: false });
    expect(await balance()).toBe(100);

    const updates = () => emulator.pushes({ accountId: ACCOUNT, type: "ORDER", messageType: "UPDATE" }).length;
    const before = updates();
    const released = await control(emulator, "/orders/release", { body: { orderId: created.orderId } });
    expect(released.json).toMatchObject({ status: "UNPAID", interceptReasons: [] });
    expect(updates()).toBe(before + 1);
    expect((await cj(emulator, "/shopping/pay/payBalanceV2", { token, body: { shipmentOrderId } })).json.code).toBe(
      200,
    );
    expect(emulator.order("pay-held")?.status).toBe("UNSHIPPED");
    expect(emulator.state.intercepts.map((i) => [i.action, i.source])).toEqual([
      ["intercepted", "control"],
      ["released", "control"],
    ]);
  });

  it("release may carry the fields the merchant fixed; then the order goes through addCart as usual", async () => {
    const id = String(((await create(brOrder({ orderNumber: "br-fix" }))).json.data as Data).orderId);
    const released = await control(emulator, "/orders/release", {
      body: { orderId: "br-fix", fields: { taxId: "12345678901", houseNumber: "1578" } },
    });
    expect(released.json).toMatchObject({ taxId: "12345678901", houseNumber: "1578", interceptReasons: [] });
    expect((await addCart([id])).json.data).toMatchObject({ successCount: 1, interceptOrders: [] });
    const again = await control(emulator, "/orders/release", { body: { orderId: "br-fix" } });
    expect(again.status).toBe(400);
    const badField = await control(emulator, "/orders/release", {
      body: { orderId: "br-fix", fields: { remark: "x" } },
    });
    expect(badField.status).toBe(400);
  });

  it("only orders before payment can be intercepted on demand", async () => {
    await create(orderBody({ orderNumber: "paid", payType: 2 }));
    const refused = await control(emulator, "/orders/intercept", { body: { orderId: "paid", message: "Risk" } });
    expect(refused.status).toBe(400);
    expect((refused.json as Data).error).toMatch(/UNSHIPPED/);
    expect((await control(emulator, "/orders/intercept", { body: { orderId: "nope", message: "x" } })).status).toBe(
      400,
    );
    expect((await control(emulator, "/orders/intercept", { body: { orderId: "paid" } })).status).toBe(400);
  });

  it("detail and list show an intercepted order as a plain CREATED order (the seed has no intercept field)", async () => {
    await create(brOrder({ orderNumber: "br-detail" }));
    await create(orderBody({ orderNumber: "us-detail" }));
    const held = (await cj(emulator, "/shopping/order/getOrderDetail", { token, query: { orderId: "br-detail" } })).json
      .data as Data;
    const plain = (await cj(emulator, "/shopping/order/getOrderDetail", { token, query: { orderId: "us-detail" } }))
      .json.data as Data;
    expect(held.orderStatus).toBe("CREATED");
    expect(Object.keys(held).sort()).toEqual(Object.keys(plain).sort());
    const list = await cj(emulator, "/shopping/order/list", { token, query: { status: "CREATED" } });
    const items = (list.json.data as { list: Data[] }).list;
    expect(items.map((o) => o.orderNum).sort()).toEqual(["br-detail", "us-detail"]);
    expect(Object.keys(items[0] ?? {}).sort()).toEqual(Object.keys(items[1] ?? {}).sort());
  });

  it("an intercepted order can be deleted and its orderNumber used again", async () => {
    const id = String(((await create(brOrder({ orderNumber: "br-again" }))).json.data as Data).orderId);
    const deleted = await cj(emulator, "/shopping/order/deleteOrder", {
      method: "DELETE",
      token,
      query: { orderId: id },
    });
    expect(deleted.json).toMatchObject({ code: 200, data: id });
    const again = await create(
      brOrder({ orderNumber: "br-again", payType: 2, taxId: "12345678901", houseNumber: "10" }),
    );
    expect(again.json.data).toMatchObject({ orderStatus: "UNSHIPPED", interceptOrderReasons: [] });
    expect((again.json.data as Data).orderId).not.toBe(id);
  });

  it("a per-logistic rule intercepts only orders using that logistic", async () => {
    await control(emulator, "/destination-rules", {
      body: { rules: { US: [{ type: "email", logisticNames: ["DHL Official"] }] } },
    });
    const dhl = await create(orderBody({ orderNumber: "us-dhl", logisticName: "DHL Official" }));
    expect(dhl.json.data).toMatchObject({
      interceptOrderReasons: [{ code: 1003, message: "Email (email) is required for US" }],
    });
    const packet = await create(orderBody({ orderNumber: "us-packet" }));
    expect(packet.json.data).toMatchObject({ interceptOrderReasons: [] });
    // A not-strong rule never intercepts.
    await control(emulator, "/destination-rules", {
      body: { rules: { US: [{ type: "phone", expression: "^\\d{12}$", interceptType: "1" }] } },
    });
    expect((await create(orderBody({ orderNumber: "us-phone" }))).json.data).toMatchObject({
      interceptOrderReasons: [],
    });
  });
});

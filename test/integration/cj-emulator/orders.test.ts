import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CjEmulator } from "../../emulators/cj/index.js";
import { ACCOUNT, CASE_VID, cj, login, orderBody, startTestEmulator } from "./harness.js";

type Data = Record<string, unknown>;

describe("CJ emulator: orders and payment", () => {
  let emulator: CjEmulator;
  let token: string;
  beforeEach(async () => {
    emulator = await startTestEmulator();
    token = await login(emulator);
  });
  afterEach(() => emulator.close());

  const create = (body: Data, path = "/shopping/order/createOrderV2") => cj(emulator, path, { token, body });

  it("accepts the seed's sample shape (empty strings for optional ints) and answers the seed's fields", async () => {
    const answer = await create(orderBody({ orderNumber: "sample-1", payType: "", iossType: "" }));
    expect(answer.json.code).toBe(200);
    const data = answer.json.data as Data;
    expect(Object.keys(data).sort()).toEqual(
      [
        "actualPayment",
        "cjPayUrl",
        "interceptOrderReasons",
        "iossAmount",
        "iossTaxHandlingFee",
        "logisticsMiss",
        "orderAmount",
        "orderId",
        "orderNumber",
        "orderOriginalAmount",
        "orderStatus",
        "postageAmount",
        "postageDiscountAmount",
        "postageOriginalAmount",
        "productAmount",
        "productDiscountAmount",
        "productInfoList",
        "productOriginalAmount",
        "shipmentOrderId",
        "totalDiscountAmount",
      ].sort(),
    );
    // payType omitted/empty = page payment: confirmed, UNPAID, with CJ's pay page.
    expect(data.orderStatus).toBe("UNPAID");
    expect(data.cjPayUrl).toMatch(/^https:\/\/www\.cjdropshipping\.com\/mine\/payment\?pid=\d+$/);
    expect(data.productAmount).toBe("9.14");
    const line = (data.productInfoList as Data[])[0];
    expect(line).toMatchObject({ storeLineItemId: "line-1", quantity: 2, isGroup: false });
    expect(typeof line?.lineItemId).toBe("string");
  });

  it("answers 1600100 'Param error' for a missing required field or an over-long one, creating nothing", async () => {
    const missing = orderBody();
    delete missing.shippingCustomerName;
    const cases = [
      missing,
      orderBody({ orderNumber: "x".repeat(51) }),
      orderBody({ shippingAddress: "y".repeat(201) }),
      orderBody({ shippingPhone: "1".repeat(21) }),
      orderBody({ payType: "abc" }),
      orderBody({ products: [] }),
      orderBody({ products: [{ vid: CASE_VID }] }),
      orderBody({ products: [{ quantity: 1 }] }),
    ];
    for (const body of cases) {
      const answer = await create(body);
      expect(answer.json).toEqual({
        code: 1600100,
        result: false,
        message: "Param error",
        data: null,
        requestId: answer.json.requestId,
      });
    }
    expect(emulator.state.orders).toHaveLength(0);
    expect((await create(orderBody({ orderNumber: "x".repeat(50) }))).json.code).toBe(200);
  });

  it("rejects a duplicate orderNumber with 1603000 and keeps one order", async () => {
    expect((await create(orderBody({ orderNumber: "dup-1" }))).json.code).toBe(200);
    const again = await create(orderBody({ orderNumber: "dup-1" }));
    expect(again.json).toMatchObject({ code: 1603000, result: false });
    expect(emulator.state.orders.filter((o) => o.orderNumber === "dup-1")).toHaveLength(1);
  });

  it("can answer the existing order for a duplicate orderNumber when configured so", async () => {
    const other = await startTestEmulator({ duplicateOrderNumber: "returnExisting" });
    try {
      const otherToken = await login(other);
      const first = await cj(other, "/shopping/order/createOrderV2", {
        token: otherToken,
        body: orderBody({ orderNumber: "dup-2" }),
      });
      const again = await cj(other, "/shopping/order/createOrderV2", {
        token: otherToken,
        body: orderBody({ orderNumber: "dup-2" }),
      });
      expect(again.json.code).toBe(200);
      expect((again.json.data as Data).orderId).toBe((first.json.data as Data).orderId);
    } finally {
      await other.close();
    }
  });

  it("walks create-only → addCart → addCartConfirm → saveGenerateParentOrder → payBalanceV2", async () => {
    const created = (await create(orderBody({ orderNumber: "flow-1", payType: 3 }))).json.data as Data;
    expect(created.orderStatus).toBe("CREATED");
    const orderId = String(created.orderId);

    const cart = await cj(emulator, "/shopping/order/addCart", { token, body: { cjOrderIdList: [orderId] } });
    expect(cart.json).toMatchObject({ code: 200, data: { successCount: 1, addSuccessOrders: [orderId] } });
    expect(emulator.order(orderId)?.status).toBe("IN_CART");

    const confirm = await cj(emulator, "/shopping/order/addCartConfirm", { token, body: { cjOrderIdList: [orderId] } });
    const shipmentsId = String((confirm.json.data as Data).shipmentsId);
    expect(shipmentsId).toMatch(/^SD\d+/);
    expect(emulator.order(orderId)?.status).toBe("UNPAID");

    const parent = await cj(emulator, "/shopping/order/saveGenerateParentOrder", {
      token,
      body: { shipmentOrderId: shipmentsId },
    });
    const parentData = parent.json.data as Data;
    expect(parent.json.code).toBe(200);
    expect(parentData.payId).toMatch(/^\d+$/);
    const amount = Number((parentData.paymentInformation as Data).payableAmount);
    expect(amount).toBeGreaterThan(0);

    const paid = await cj(emulator, "/shopping/pay/payBalanceV2", {
      token,
      body: { shipmentOrderId: shipmentsId, payId: parentData.payId },
    });
    expect(paid.json.code).toBe(200);
    expect(emulator.order(orderId)?.status).toBe("UNSHIPPED");
    const balance = await cj(emulator, "/shopping/pay/getBalance", { token });
    expect((balance.json.data as Data).amount).toBeCloseTo(100 - amount, 2);
  });

  it("payType 2 pays from the balance; a short balance answers 1604000 and leaves the order UNPAID", async () => {
    const paid = await create(orderBody({ orderNumber: "bal-1", payType: 2 }));
    expect(paid.json.code).toBe(200);
    expect((paid.json.data as Data).orderStatus).toBe("UNSHIPPED");

    emulator.setBalance(ACCOUNT, "1.00");
    const short = await create(orderBody({ orderNumber: "bal-2", payType: 2 }));
    expect(short.json).toMatchObject({ code: 1604000, result: false });
    const detail = await cj(emulator, "/shopping/order/getOrderDetail", { token, query: { orderId: "bal-2" } });
    expect((detail.json.data as Data).orderStatus).toBe("UNPAID");
    expect((await cj(emulator, "/shopping/pay/getBalance", { token })).json.data).toMatchObject({ amount: 1 });

    const retry = await cj(emulator, "/shopping/pay/payBalance", {
      token,
      body: { orderId: (detail.json.data as Data).orderId },
    });
    expect(retry.json.code).toBe(1604000);
    emulator.setBalance(ACCOUNT, "50");
    const ok = await cj(emulator, "/shopping/pay/payBalance", {
      token,
      body: { orderId: (detail.json.data as Data).orderId },
    });
    expect(ok.json).toMatchObject({ code: 200, data: null });
    expect(emulator.order("bal-2")?.status).toBe("UNSHIPPED");
  });

  it("deletes only CREATED or IN_CART orders", async () => {
    const created = (await create(orderBody({ orderNumber: "del-1", payType: 3 }))).json.data as Data;
    const unpaid = (await create(orderBody({ orderNumber: "del-2", payType: 1 }))).json.data as Data;
    const refused = await cj(emulator, "/shopping/order/deleteOrder", {
      method: "DELETE",
      token,
      query: { orderId: String(unpaid.orderId) },
    });
    expect(refused.json).toMatchObject({ code: 1603002, result: false });
    const deleted = await cj(emulator, "/shopping/order/deleteOrder", {
      method: "DELETE",
      token,
      query: { orderId: String(created.orderId) },
    });
    expect(deleted.json).toMatchObject({ code: 200, data: created.orderId });
    const gone = await cj(emulator, "/shopping/order/getOrderDetail", { token, query: { orderId: "del-1" } });
    expect(gone.json).toMatchObject({ code: 1600300, message: "order not found" });
  });

  it("confirmOrder moves CREATED to UNPAID once; a second confirm fails with 1603001", async () => {
    const created = (await create(orderBody({ orderNumber: "conf-1", payType: 3 }))).json.data as Data;
    const first = await cj(emulator, "/shopping/order/confirmOrder", {
      method: "PATCH",
      token,
      body: { orderId: created.orderId },
    });
    expect(first.json).toMatchObject({ code: 200, data: created.orderId });
    const second = await cj(emulator, "/shopping/order/confirmOrder", {
      method: "PATCH",
      token,
      body: { orderId: created.orderId },
    });
    expect(second.json.code).toBe(1603001);
  });

  it("getOrderDetail finds an order by CJ id or orderNumber and shapes it like the seed", async () => {
    const created = (await create(orderBody({ orderNumber: "det-1", payType: 3 }))).json.data as Data;
    const byId = await cj(emulator, "/shopping/order/getOrderDetail", {
      token,
      query: { orderId: String(created.orderId) },
    });
    const byNumber = await cj(emulator, "/shopping/order/getOrderDetail", {
      token,
      query: { orderId: "det-1", features: ["LOGISTICS_TIMELINESS"] },
    });
    expect(byNumber.json.data).toMatchObject(byId.json.data as Data);
    const detail = byNumber.json.data as Data;
    expect(detail).toMatchObject({
      orderId: created.orderId,
      orderNum: "det-1",
      orderStatus: "CREATED",
      isComplete: 1,
      logisticName: "CJPacket Ordinary",
      trackNumber: null,
      fromCountryCode: "CN",
    });
    expect(typeof detail.orderAmount).toBe("number");
    expect(detail.createDate).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(detail.logisticsTimeliness).toBeDefined();
    expect((detail.productList as Data[])[0]).toMatchObject({
      vid: expect.any(String),
      quantity: 2,
      storeLineItemId: "line-1",
    });
    const missing = await cj(emulator, "/shopping/order/getOrderDetail", { token, query: { orderId: "nope" } });
    expect(missing.json).toMatchObject({ code: 1600300, message: "order not found", data: null });
    const tooMany = await cj(emulator, "/shopping/order/getOrderDetail", {
      token,
      query: { orderId: "det-1", features: Array.from({ length: 21 }, (_, i) => `F${i}`) },
    });
    expect(tooMany.json.code).toBe(1600300);
  });

  it("lists orders with paging, status filter and repeated orderIds", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(
        String(
          ((await create(orderBody({ orderNumber: `list-${i}`, payType: i < 2 ? 1 : 3 }))).json.data as Data).orderId,
        ),
      );
    }
    // Without `status` only CANCELLED orders are listed (seed 002 §1.6 "default: CANCELLED"): always pass it.
    const page = await cj(emulator, "/shopping/order/list", {
      token,
      query: { status: "CREATED", pageNum: "2", pageSize: "2" },
    });
    expect(page.json.data).toMatchObject({ pageNum: 2, pageSize: 2, total: 3 });
    expect((page.json.data as { list: unknown[] }).list).toHaveLength(1);
    const unpaid = await cj(emulator, "/shopping/order/list", { token, query: { status: "UNPAID" } });
    expect((unpaid.json.data as Data).total).toBe(2);
    const chosen = await cj(emulator, "/shopping/order/list", {
      token,
      query: { status: "CREATED", orderIds: [ids[2] ?? "", ids[4] ?? ""] },
    });
    const list = (chosen.json.data as { list: Data[] }).list;
    expect(list.map((o) => o.orderId).sort()).toEqual([ids[2], ids[4]].sort());
    expect(list[0]).toMatchObject({ orderNum: expect.stringMatching(/^list-/), productList: null });
  });

  it("createOrderV3 creates only, and requires storageId for shopLogisticsType 1", async () => {
    const bad = await create(orderBody({ orderNumber: "v3-1", shopLogisticsType: 1 }), "/shopping/order/createOrderV3");
    expect(bad.json.code).toBe(1600100);
    const ok = await create(orderBody({ orderNumber: "v3-2" }), "/shopping/order/createOrderV3");
    expect(ok.json.data).toMatchObject({ orderStatus: "CREATED", cjPayUrl: "" });
  });

  it("sandbox orders pay by simulation and follow 300→400→500→600→700 without skipping", async () => {
    const created = (await create(orderBody({ orderNumber: "sb-1", payType: 3, isSandbox: 1 }))).json.data as Data;
    const orderId = String(created.orderId);
    const skip = await cj(emulator, "/shopping/sandbox/updateStatus", { token, body: { orderId, targetStatus: 500 } });
    expect(skip.json.code).toBe(1600100);
    expect((await cj(emulator, "/shopping/sandbox/simulatePay", { token, body: { orderId } })).json.code).toBe(200);
    expect(emulator.order(orderId)?.status).toBe("UNSHIPPED");
    expect((await cj(emulator, "/shopping/pay/getBalance", { token })).json.data).toMatchObject({ amount: 100 });
    for (const [target, status] of [
      [500, "SHIPPED"],
      [600, "DELIVERED"],
      [700, "OTHER"],
    ] as const) {
      const answer = await cj(emulator, "/shopping/sandbox/updateStatus", {
        token,
        body: { orderId, targetStatus: target },
      });
      expect(answer.json).toMatchObject({ code: 200, data: true });
      expect(emulator.order(orderId)?.status).toBe(status);
    }
  });

  it("quotes freight from the rate table and answers trackInfo for shipped orders", async () => {
    const quote = await cj(emulator, "/logistic/freightCalculate", {
      token,
      body: { startCountryCode: "CN", endCountryCode: "US", products: [{ quantity: 2, vid: CASE_VID }] },
    });
    const options = quote.json.data as Data[];
    expect(options.map((o) => o.logisticName)).toContain("USPS+");
    expect(options[0]).toMatchObject({
      logisticAging: expect.stringMatching(/^\d+-\d+$/),
      logisticPrice: expect.any(Number),
    });
    const again = await cj(emulator, "/logistic/freightCalculate", {
      token,
      body: { startCountryCode: "CN", endCountryCode: "US", products: [{ quantity: 2, vid: CASE_VID }] },
    });
    expect(again.json.data).toEqual(quote.json.data);
    const de = await cj(emulator, "/logistic/freightCalculate", {
      token,
      body: { startCountryCode: "CN", endCountryCode: "DE", products: [{ quantity: 2, vid: CASE_VID }] },
    });
    expect((de.json.data as Data[]).map((o) => o.logisticName)).not.toContain("USPS+");

    const a = (await create(orderBody({ orderNumber: "trk-1", payType: 2 }))).json.data as Data;
    const b = (await create(orderBody({ orderNumber: "trk-2", payType: 2 }))).json.data as Data;
    const shippedA = emulator.shipOrder(String(a.orderId));
    const shippedB = emulator.shipOrder(String(b.orderId), {
      trackNumber: "CJPKL7160102171YQ",
      logisticName: "CJPacket Sensitive",
    });
    const track = await cj(emulator, "/logistic/trackInfo", {
      token,
      query: { trackNumber: [shippedA.tracking?.trackNumber ?? "", "CJPKL7160102171YQ", "UNKNOWN1"] },
    });
    const entries = track.json.data as Data[];
    expect(entries).toHaveLength(2);
    expect(entries[1]).toMatchObject({
      trackingNumber: "CJPKL7160102171YQ",
      logisticName: "CJPacket Sensitive",
      trackingFrom: "CN",
      trackingTo: "US",
      trackingStatus: "In transit",
      deliveryDay: expect.any(String),
    });
    expect(shippedB.status).toBe("SHIPPED");
  });

  it("uploadWaybillInfo takes multipart form data and only paid orders", async () => {
    const upload = (orderId: string) => {
      const form = new FormData();
      form.set("orderId", orderId);
      form.set("cjOrderId", "DP2511111145580643400");
      form.set("cjShippingCompanyName", "USPS");
      form.set("trackNumber", "9400100000000000000000");
      form.set("waybillFile", new Blob(["%PDF-1.4"], { type: "application/pdf" }), "label.pdf");
      return fetch(`${emulator.baseUrl}/shopping/order/uploadWaybillInfo`, {
        method: "POST",
        headers: { "CJ-Access-Token": token },
        body: form,
      }).then((r) => r.json() as Promise<Data>);
    };
    const unpaid = (await create(orderBody({ orderNumber: "wb-1", payType: 3 }))).json.data as Data;
    expect((await upload(String(unpaid.orderId))).code).toBe(1600100);
    const paid = (await create(orderBody({ orderNumber: "wb-2", payType: 2 }))).json.data as Data;
    expect(await upload(String(paid.orderId))).toMatchObject({ code: 200, data: true });
    expect(emulator.order("wb-2")?.waybill).toEqual({
      cjShippingCompanyName: "USPS",
      trackNumber: "9400100000000000000000",
      fileName: "label.pdf",
    });
  });
});

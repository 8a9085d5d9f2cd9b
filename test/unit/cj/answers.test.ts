/** Every sample answer of the seeds (test/fixtures/cj/answers), served over HTTP and parsed by the client. */
import { readdirSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CjApiError, closeCjDispatchers } from "../../../app/cj";
import { answer, type CjTestServer, startCjServer, testClient } from "./cj-server";

let server: CjTestServer;
let client: ReturnType<typeof testClient>["client"];
let serving = "";

beforeAll(async () => {
  server = await startCjServer(() => ({ body: serving }));
  client = testClient(server.baseUrl).client;
});
afterAll(async () => {
  await server.close();
  await closeCjDispatchers();
});

function serve(text: string) {
  serving = text;
}

async function rejection(promise: Promise<unknown>): Promise<CjApiError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(CjApiError);
  return error as CjApiError;
}

const order = {
  orderNumber: "1234",
  shippingCountryCode: "US",
  shippingCountry: "United States",
  shippingProvince: "NY",
  shippingCity: "New York",
  shippingCustomerName: "Jane",
  shippingAddress: "1 Main St",
  logisticName: "PostNL",
  fromCountryCode: "CN",
  products: [{ vid: "92511400-C758-4474-93CA-66D442F5F787", quantity: 1 }],
};

describe("CJ sample answers (seed 001 logistics)", () => {
  it("freightCalculate: numbers become canonical decimal strings", async () => {
    serve(answer("logistics.freightCalculate.success"));
    const quotes = await client.logistics.freightCalculate({
      startCountryCode: "CN",
      endCountryCode: "US",
      products: [{ quantity: 2, vid: "439FC05B-1311-4349-87FA-1E1EF942C418" }],
    });
    expect(quotes).toEqual([
      expect.objectContaining({
        logisticAging: "2-5",
        logisticPrice: "4.71",
        logisticPriceCn: "30.54",
        logisticName: "USPS+",
        taxesFee: null,
      }),
    ]);
  });

  it("freightCalculateTip: string money in cjRespDTO, nulls, nested objects", async () => {
    serve(answer("logistics.freightCalculateTip.success"));
    const [tip] = await client.logistics.freightCalculateTip({
      reqDTOS: [
        {
          srcAreaCode: "CN",
          destAreaCode: "US",
          volume: 0.06,
          productProp: ["COMMON"],
          skuList: ["CJCF104237201AZ"],
          freightTrialSkuList: [{ skuQuantity: 1, sku: "CJCF104237201AZ" }],
        },
      ],
    });
    expect(tip?.discountFeeCNY).toBe("25.30");
    expect(tip?.postage).toBe("3.55");
    expect(tip?.cjRespDTO).toMatchObject({
      postage: "3.55",
      postageCNY: "22.00",
      remoteFee: "0.00",
      remoteFeeCNY: "0.00",
    });
    expect(tip?.volumeWeight).toBeNull();
    expect(tip?.option?.enName).toBe("CJPacket Postal");
    expect(tip?.destArea?.shortCode).toBe("US");
    expect(tip?.allRuleTips[0]?.msgCode).toBe("1001");
    expect(tip?.stopWords).toEqual([]);
  });

  it("partnerFreightCalculate: empty strings in iossList read as null", async () => {
    serve(answer("logistics.partnerFreightCalculate.success"));
    const [quote] = await client.logistics.partnerFreightCalculate({
      orderNumber: "1234",
      shippingZip: "10001",
      shippingCountryCode: "US",
      shippingCountry: "United States",
      shippingProvince: "New York",
      shippingCity: "New York",
      fromCountryCode: "CN",
      products: [{ vid: "92511400-C758-4474-93CA-66D442F5F787", quantity: 1 }],
    });
    expect(quote).toMatchObject({ postageAmount: "1.69", logisticsName: "YTO China Domestic", isSupportIoss: false });
    expect(quote?.iossList[0]).toMatchObject({ iossNumber: "", serviceAmount: null, taxAmount: null });
  });

  it('getSupplierLogisticsTemplate: postage "" is null', async () => {
    serve(answer("logistics.getSupplierLogisticsTemplate.success"));
    const [template] = await client.logistics.getSupplierLogisticsTemplate({ skuList: ["CJ1"] });
    expect(template?.logisticsInfoList[0]).toMatchObject({ id: "123", logisticsName: "fdd", postage: null });
  });

  it("trackInfo", async () => {
    serve(answer("logistics.trackInfo.success"));
    const [track] = await client.logistics.trackInfo(["CJPKL7160102171YQ"]);
    expect(track).toMatchObject({ trackingNumber: "CJPKL7160102171YQ", lastTrackNumber: "926112903032124" });
  });

  it("the Param error answer becomes a permanent CjApiError with CJ's code and requestId", async () => {
    serve(answer("logistics.freightCalculate.error-param"));
    const error = await rejection(
      client.logistics.freightCalculate({
        startCountryCode: "CN",
        endCountryCode: "US",
        products: [{ quantity: 1, vid: "v" }],
      }),
    );
    expect(error).toMatchObject({
      code: 1600100,
      message: "Param error",
      requestId: "323fda9d-3c94-41dc-a944-5cc1b8baf5b1",
      httpStatus: 200,
      endpoint: "/logistic/freightCalculate",
      kind: "permanent",
    });
  });
});

describe("CJ sample answers (seed 002 shopping)", () => {
  it("createOrderV2: empty strings for money read as null", async () => {
    serve(answer("orders.createOrderV2.success"));
    const outcome = await client.orders.createOrderV2(order);
    expect(outcome.recovered).toBe(false);
    expect(outcome.orderId).toBe("123434");
    if (outcome.recovered) throw new Error("unreachable");
    expect(outcome.created.postageAmount).toBeNull();
    expect(outcome.created.logisticsMiss).toBeNull();
    expect(outcome.created.productInfoList[0]).toMatchObject({
      storeLineItemId: "test-lineItemId-1111",
      isGroup: true,
      quantity: 10,
    });
    expect(outcome.created.interceptOrderReasons).toEqual([{ code: 1001, message: "" }]);
  });

  it("createOrderV3: the verbatim sample is not JSON and surfaces as a CjApiError, not a crash", async () => {
    serve(answer("orders.createOrderV3.success"));
    const error = await rejection(client.orders.createOrderV3(order));
    expect(error).toMatchObject({ endpoint: "/shopping/order/createOrderV3", kind: "permanent", code: 0 });
    expect(server.received.at(-1)?.url.pathname).toBe("/api2.0/v1/shopping/order/createOrderV3");
  });

  it('createOrderV3: once its two typos are mended, the sample\'s quirks parse (duplicate key, quantity "")', async () => {
    const mended = answer("orders.createOrderV3.success")
      .replace(`"123434',`, `"123434",`)
      .replace(/": ,\n/g, '": "",\n');
    serve(mended);
    const created = await client.orders.createOrderV3(order);
    expect(created).toMatchObject({ orderId: "123434", iossAmount: null, postageAmount: null });
    expect(created.productInfoList[0]?.subOrderProducts[0]?.quantity).toBeNull();
  });

  it("addCart and its error", async () => {
    serve(answer("orders.addCart.success"));
    expect(await client.orders.addCart({ cjOrderIdList: ["SD25080109282603297001"] })).toMatchObject({
      successCount: 1,
      addSuccessOrders: ["SD25080109282603297001"],
    });
    serve(answer("orders.addCart.error-confirm-fail"));
    const error = await rejection(client.orders.addCart({ cjOrderIdList: ["x"] }));
    expect(error).toMatchObject({
      code: 1603001,
      kind: "permanent",
      requestId: "7dc61955-c0e8-4731-bb9b-393b4fffeaaf",
    });
  });

  it("addCartConfirm", async () => {
    serve(answer("orders.addCartConfirm.success"));
    expect(await client.orders.addCartConfirm({ cjOrderIdList: ["x"] })).toMatchObject({
      submitSuccess: true,
      shipmentsId: "",
    });
  });

  it("saveGenerateParentOrder: no code, only success:true", async () => {
    serve(answer("orders.saveGenerateParentOrder.success"));
    const parent = await client.orders.saveGenerateParentOrder({ shipmentOrderId: "SD1" });
    expect(parent).toMatchObject({
      payId: "PAY123456789",
      orderMoney: "99.99",
      unMatchOrderCodes: ["ORDER001", "ORDER002"],
    });
    expect(parent.paymentInformation).toMatchObject({
      balanceDeduction: "10.00",
      postageDiscount: "0.00",
      iossType: 3,
    });
  });

  it("order list: the sample's `}...` elision is mended, then nulls parse", async () => {
    serve(answer("orders.list.success").replace("}...", "}"));
    const page = await client.orders.list({ pageNum: 1, pageSize: 10 });
    expect(page).toMatchObject({ pageNum: 1, total: 6859 });
    expect(page.list[0]).toMatchObject({
      orderId: "1377085655003308032",
      orderAmount: null,
      productAmount: "0.00",
      productList: [],
    });
  });

  it("getOrderDetail and the POD variant (missing comma mended)", async () => {
    serve(answer("orders.getOrderDetail.success"));
    const detail = await client.orders.getOrderDetail({ orderId: "210823100016290555" });
    expect(detail).toMatchObject({ orderAmount: "4.25", isComplete: 1, storageName: "Cranbury Warehouse" });
    expect(detail?.productList[0]).toMatchObject({ sellPrice: "0.57", abnormalType: [6, 9], podPropertiesInfo: null });
    serve(answer("orders.getOrderDetail.pod").replace(']\n"podPropertiesInfo"', '],\n"podPropertiesInfo"'));
    const pod = await client.orders.getOrderDetail({ orderId: "210823100016290555" });
    expect(pod?.productList[0]?.podPropertiesInfo).toMatchObject({ podVersion: 3 });
  });

  it("deleteOrder, confirmOrder, changeWarehouse, sandbox calls", async () => {
    serve(answer("orders.deleteOrder.success"));
    expect(await client.orders.deleteOrder("210711100018655344")).toBe("210711100018655344");
    serve(answer("orders.confirmOrder.success"));
    expect(await client.orders.confirmOrder({ orderId: "210711100018655344" })).toBe("210711100018655344");
    serve(answer("orders.confirmOrder.error-confirm-fail"));
    expect((await rejection(client.orders.confirmOrder({ orderId: "1" }))).code).toBe(1603001);
    serve(answer("orders.changeWarehouse.success"));
    expect(await client.orders.changeWarehouse({ orderCode: "1", storageId: "2" })).toBe(true);
    serve(answer("orders.changeWarehouse.error-query-fail"));
    expect((await rejection(client.orders.changeWarehouse({ orderCode: "1", storageId: "2" }))).message).toBe(
      "order query fail",
    );
    serve(answer("orders.simulatePay.success"));
    expect(await client.orders.simulatePay({ orderId: "1" })).toBe(true);
    serve(answer("orders.updateStatus.success"));
    expect(await client.orders.updateSandboxStatus({ orderId: "1", targetStatus: 400 })).toBe(true);
  });

  it("payment: balance with null amounts, pay answers with null data", async () => {
    serve(answer("payment.getBalance.success"));
    expect(await client.payment.getBalance()).toEqual({
      amount: "87247.32",
      noWithdrawalAmount: null,
      freezeAmount: null,
    });
    serve(answer("payment.payBalance.success"));
    expect(await client.payment.payBalance({ orderId: "12" })).toBeNull();
    serve(answer("payment.payBalanceV2.success"));
    expect(await client.payment.payBalanceV2({ shipmentOrderId: "12", payId: "12" })).toBeNull();
  });

  it("waybill upload/update: success without code; CJ's 804/806 errors", async () => {
    const waybill = {
      orderId: "2511111146000642900",
      cjOrderId: "DP2511111145580643400",
      cjShippingCompanyName: "USPS",
      trackNumber: "123123",
      waybillFile: { content: new Uint8Array([37, 80, 68, 70]), fileName: "abcd.pdf" },
    };
    serve(answer("shipping-info.uploadWaybillInfo.success"));
    expect(await client.shippingInfo.uploadWaybillInfo(waybill)).toBe(true);
    serve(answer("shipping-info.uploadWaybillInfo.error-806"));
    expect(await rejection(client.shippingInfo.uploadWaybillInfo(waybill))).toMatchObject({
      code: 806,
      kind: "permanent",
    });
    serve(answer("shipping-info.updateWaybillInfo.success"));
    expect(await client.shippingInfo.updateWaybillInfo(waybill)).toBe(true);
    serve(answer("shipping-info.updateWaybillInfo.error-804"));
    expect((await rejection(client.shippingInfo.updateWaybillInfo(waybill))).code).toBe(804);
  });

  it("podProductCustomPicturesEdit and its error", async () => {
    const input = {
      podPicturesEditParams: [
        {
          orderCode: "123",
          lineItemId: "111",
          effectImgList: ["https://x/a.jpg"],
          productionImgList: ["https://x/b.jpg"],
        },
      ],
    };
    serve(answer("shipping-info.podProductCustomPicturesEdit.success"));
    const result = await client.shippingInfo.podProductCustomPicturesEdit(input);
    expect(result.list).toEqual([
      { orderCode: "123", lineItemId: "111", result: 2, failedMessage: null },
      { orderCode: "456", lineItemId: "666", result: 0, failedMessage: "No matching order number found" },
    ]);
    serve(answer("shipping-info.podProductCustomPicturesEdit.error-804"));
    expect((await rejection(client.shippingInfo.podProductCustomPicturesEdit(input))).message).toBe("Param error");
  });

  it('COGS: one-letter keys, "38" kept as a string, money normalised', async () => {
    serve(answer("cogs.queryCogsBasicDataOrderInfoList.success"));
    const [row] = await client.cogs.queryCogsBasicDataOrderInfoList({ orderCodesList: ["DP2506140734320969300"] });
    expect(row).toMatchObject({ orderCode: "DP2506140734320969300", originalOrderCode: "" });
    expect(row?.cogsBasicDataOrderInfoJson).toMatchObject({
      a: "CJ2506144290356158893",
      f: "0.74",
      g: "6.58",
      h: "5.84",
      ii: "38",
      d: 1,
    });
  });

  it("merge orders: all six answers", async () => {
    serve(answer("merge.autoMatchMergeOrderListV3.success"));
    const [group] = await client.merge.autoMatchMergeOrderList({ filterOrder: true, orderStatus: 100 });
    expect(group?.mergeShopOrderVOList[0]?.logisticsInfoList[0]).toMatchObject({ postage: "18.00", isChecked: true });
    serve(answer("merge.autoMergeQueryProgress.success"));
    expect(await client.merge.autoMergeQueryProgress()).toMatchObject({
      step: 2,
      stepCount: [10, 20, 30, 10, 30],
      stepPercent: 5000,
    });
    serve(answer("merge.autoMergeQueryResult.success"));
    const [result] = await client.merge.autoMergeQueryResult();
    expect(result?.mergeShopOrderVOList[0]?.mergeOrderInfoList[0]).toMatchObject({
      orderCode: "CJ123456789",
      shopName: "My Store",
    });
    serve(answer("merge.submitMergeOrderBatchV3.success"));
    const submitted = await client.merge.submitMergeOrderBatch([
      { logisticName: "PostNL", orderCodeList: ["CJ1", "CJ2"], orderNumber: "ORD1", orderStatus: 100, packType: 0 },
    ]);
    expect(submitted).toMatchObject({ newOrderCodeList: ["CJ999888777"], successOrderCount: 2 });
    serve(answer("merge.submitProgress.success"));
    expect((await client.merge.submitProgress()).stepPercent).toBe(8000);
    serve(answer("merge.submitResult.success"));
    expect((await client.merge.submitResult()).successGroupCount).toBe(1);
  });

  it("private inventory order list: the common answers", async () => {
    serve(answer("inventory.order-list.common-success"));
    expect(await client.inventory.listOrders({ pageNum: 1, pageSize: 10 })).toMatchObject({
      content: [],
      totalRecords: null,
    });
    serve(answer("inventory.order-list.common-error"));
    expect((await rejection(client.inventory.listOrders({}))).code).toBe(1600100);
  });

  it("outbound: address list, batch refresh, progress, and the lock-failure answer", async () => {
    serve(answer("outbound.address-list.success"));
    expect((await client.outbound.listAddresses())[0]).toMatchObject({
      id: "ADDR001",
      name: "Gilbert Soria",
      zip: "222260",
    });
    serve(answer("outbound.batch-refresh.success"));
    const refreshed = await client.outbound.batchRefresh({
      storageId: "s",
      products: [{ privateOrderId: "PO26050001", stanProductId: "CJVAR001" }],
    });
    expect(refreshed).toEqual([
      { privateOrderId: "PO26050001", stanProductId: "CJVAR001", uid: "PO26050001-CJVAR001", availableQuantity: 118 },
    ]);
    serve(answer("outbound.progress.success"));
    expect(await client.outbound.progress({ orderId: "SD260526000001" })).toMatchObject({
      createProgress: 60,
      lockFails: [],
    });
    serve(answer("outbound.submit.error-lock-fail"));
    const error = await rejection(client.outbound.submit({ orderId: "SD260526000001" }));
    expect(error).toMatchObject({ code: 1603001, kind: "permanent" });
    expect(error.message).toMatch(/Private inventory is insufficient/);
  });

  it("makeup list and pay order", async () => {
    serve(answer("makeup.list.success"));
    const list = await client.makeup.list({ pageNum: 1, pageSize: 20, type: 0 });
    expect(list).toMatchObject({
      totalAmount: "12.35",
      unPaymentCountList: [
        { type: 0, count: 2 },
        { type: 1, count: 0 },
      ],
    });
    expect(list.pageData?.content[0]).toMatchObject({
      orderCode: "BK260526000001",
      amount: "12.35",
      createAt: 1779763200000,
    });
    serve(answer("makeup.createPayOrder.success"));
    expect(await client.makeup.createPayOrder({ orderCodes: ["BK260526000001"], type: 0 })).toMatchObject({
      payOrderCode: "2605260000000001",
      payId: "PAY260526000001",
      amount: "12.35",
    });
  });

  it("every fixture file is exercised by a test above", () => {
    const files = readdirSync(new URL("../../fixtures/cj/answers/", import.meta.url)).map((name) =>
      name.replace(/\.txt$/, ""),
    );
    const source = readdirSync(new URL(".", import.meta.url))
      .filter((name) => name.endsWith(".test.ts"))
      .map((name) => readFileSync(new URL(name, import.meta.url), "utf8"))
      .join("\n");
    expect(files.filter((name) => !source.includes(`"${name}"`))).toEqual([]);
  });
});

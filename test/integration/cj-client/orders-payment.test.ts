/** Order and payment flows through createCjClient against the CJ emulator (seed 002 §1, §2). */
import Decimal from "decimal.js";
import { describe, expect, it } from "vitest";
import { CJ_CODE, CjApiError, toCanonicalDecimal } from "../../../app/cj";
import type { CjEmulator } from "../../emulators/cj/index.js";
import {
  ACCOUNT,
  CASE_VID,
  clientFor,
  emulatorPerFile,
  orderRequest,
  ordersNumbered,
  requestsTo,
  STORE_SKU,
} from "./harness.js";

let emulator: CjEmulator;

emulatorPerFile((started) => {
  emulator = started;
});

describe("order and payment flow", () => {
  it("create-only (orderFlow=2, store SKU) → addCart → addCartConfirm → saveGenerateParentOrder → payBalanceV2", async () => {
    const { client, store } = clientFor(emulator);

    const token = await client.auth.accessToken();
    expect(store.records.get(ACCOUNT.id)?.tokens?.accessToken).toBe(token);
    expect(requestsTo(emulator, "/authentication/getAccessToken")).toHaveLength(1);

    const request = orderRequest({
      orderFlow: 2,
      payType: 3,
      products: [{ sku: STORE_SKU, quantity: 2, storeLineItemId: "gid://shopify/LineItem/1" }],
    });
    const created = await client.orders.createOrderV2(request);
    expect(created.recovered).toBe(false);
    const orderId = created.orderId ?? "";
    expect(orderId).not.toBe("");
    // The store SKU went to CJ as sent; CJ resolved it through the connection.
    const createCall = requestsTo(emulator, "/shopping/order/createOrderV2")[0];
    expect(createCall?.body).toMatchObject({ orderFlow: 2, payType: 3, products: [{ sku: STORE_SKU, quantity: 2 }] });
    expect(emulator.order(orderId)?.status).toBe("CREATED");

    const cart = await client.orders.addCart({ cjOrderIdList: [orderId] });
    expect(cart.addSuccessOrders).toEqual([orderId]);
    expect(emulator.order(orderId)?.status).toBe("IN_CART");

    const confirmed = await client.orders.addCartConfirm({ cjOrderIdList: [orderId] });
    const shipmentOrderId = confirmed.shipmentsId ?? "";
    expect(shipmentOrderId).not.toBe("");
    expect(emulator.order(orderId)?.status).toBe("UNPAID");

    const parent = await client.orders.saveGenerateParentOrder({ shipmentOrderId });
    const payId = parent.payId ?? "";
    expect(payId).not.toBe("");
    const amount = emulator.order(orderId)?.orderAmount ?? "";
    expect(parent.paymentInformation?.payableAmount).toBe(toCanonicalDecimal(amount));

    const before = await client.payment.getBalance();
    expect(before.amount).toBe("100.00");
    await client.payment.payBalanceV2({ shipmentOrderId, payId });
    expect(requestsTo(emulator, "/shopping/pay/payBalanceV2")[0]?.body).toEqual({ shipmentOrderId, payId });
    expect(emulator.order(orderId)?.status).toBe("UNSHIPPED");

    const after = await client.payment.getBalance();
    expect(after.amount).toBe(toCanonicalDecimal(new Decimal("100.00").minus(amount).toFixed(2)));
    expect(after.amount).toBe(toCanonicalDecimal(emulator.account(ACCOUNT.id).balance));
  });

  it("payType 2 pays from the balance in one call; a short balance surfaces 1604000 and the order stays UNPAID", async () => {
    const { client } = clientFor(emulator);

    const paid = await client.orders.createOrderV2(orderRequest({ payType: 2 }));
    const paidOrder = emulator.order(paid.orderId ?? "");
    expect(paidOrder?.status).toBe("UNSHIPPED");
    const afterFirst = await client.payment.getBalance();
    expect(afterFirst.amount).toBe(toCanonicalDecimal(emulator.account(ACCOUNT.id).balance));
    expect(afterFirst.amount).toBe(new Decimal("100.00").minus(paidOrder?.orderAmount ?? "0").toFixed(2));

    emulator.setBalance(ACCOUNT.id, "1.00");
    const short = orderRequest({ payType: 2, products: [{ vid: CASE_VID, quantity: 3 }] });
    const error = await client.orders.createOrderV2(short).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CjApiError);
    expect(error).toMatchObject({ code: CJ_CODE.balanceInsufficient, kind: "permanent", httpStatus: 200 });
    // Not retried: one create, no lookup (1604000 is an answer, not a lost one).
    expect(requestsTo(emulator, "/shopping/order/createOrderV2")).toHaveLength(2);
    expect(requestsTo(emulator, "/shopping/order/getOrderDetail")).toHaveLength(0);
    expect((await client.payment.getBalance()).amount).toBe("1.00");
    // CJ keeps the order, unpaid: the app finds it by its orderNumber.
    const kept = await client.orders.findOrder(short.orderNumber);
    expect(kept?.orderStatus).toBe("UNPAID");
    expect(ordersNumbered(emulator, short.orderNumber)).toHaveLength(1);
  });

  it("getOrderDetail by CJ id and by our orderNumber; list with repeated orderIds; unknown id is null", async () => {
    const { client } = clientFor(emulator);
    const first = orderRequest();
    const second = orderRequest({ products: [{ vid: CASE_VID, quantity: 1 }] });
    const a = await client.orders.createOrderV2(first);
    const b = await client.orders.createOrderV2(second);
    await client.orders.createOrderV2(orderRequest());

    const byId = await client.orders.getOrderDetail({ orderId: a.orderId ?? "" });
    const byNumber = await client.orders.getOrderDetail({ orderId: first.orderNumber });
    expect(byId?.orderId).toBe(a.orderId);
    expect(byNumber?.orderId).toBe(a.orderId);
    expect(byNumber?.orderNum).toBe(first.orderNumber);
    expect(byId?.productList?.[0]).toMatchObject({ vid: expect.any(String), quantity: 2 });
    expect(await client.orders.findOrder("no-such-order")).toBeNull();

    // order/list filters by one status (seed 002: the default is CANCELLED), so the status is always named.
    const status = byId?.orderStatus as "CREATED";
    const listed = await client.orders.list({ orderIds: [a.orderId ?? "", b.orderId ?? ""], status, pageSize: 50 });
    expect(listed.total).toBe(2);
    expect(listed.list.map((order) => order.orderId).sort()).toEqual([a.orderId, b.orderId].sort());
    const listCall = requestsTo(emulator, "/shopping/order/list")[0];
    expect(listCall?.query.orderIds).toEqual([a.orderId, b.orderId]);
    expect(listCall?.query.status).toEqual([status]);
    expect(listCall?.query.pageSize).toEqual(["50"]);
    const withoutStatus = await client.orders.list({ orderIds: [a.orderId ?? ""], pageSize: 50 });
    expect(withoutStatus.total).toBe(0);
  });

  it("deleteOrder succeeds for CREATED and IN_CART orders and is refused (1603002) once confirmed", async () => {
    const { client } = clientFor(emulator);
    const created = await client.orders.createOrderV2(orderRequest());
    const inCart = await client.orders.createOrderV2(orderRequest());
    const unpaid = await client.orders.createOrderV2(orderRequest());
    await client.orders.addCart({ cjOrderIdList: [inCart.orderId ?? "", unpaid.orderId ?? ""] });
    await client.orders.addCartConfirm({ cjOrderIdList: [unpaid.orderId ?? ""] });

    expect(await client.orders.deleteOrder(created.orderId ?? "")).toBe(created.orderId);
    expect(await client.orders.deleteOrder(inCart.orderId ?? "")).toBe(inCart.orderId);
    expect(emulator.state.orders.filter((order) => order.deleted).map((order) => order.orderId)).toEqual([
      created.orderId,
      inCart.orderId,
    ]);

    const refused = await client.orders.deleteOrder(unpaid.orderId ?? "").catch((caught: unknown) => caught);
    expect(refused).toBeInstanceOf(CjApiError);
    expect(refused).toMatchObject({ code: 1603002, kind: "permanent" });
    expect(emulator.order(unpaid.orderId ?? "")?.status).toBe("UNPAID");
    expect(requestsTo(emulator, "/shopping/order/deleteOrder").map((request) => request.method)).toEqual([
      "DELETE",
      "DELETE",
      "DELETE",
    ]);
  });
});

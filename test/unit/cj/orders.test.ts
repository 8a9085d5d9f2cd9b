/** createOrderV2 never retried blindly; query strings with repeated keys; multipart waybill; retries. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CjApiError, CjRequestValidationError, closeCjDispatchers } from "../../../app/cj";
import { answer, type CjTestServer, startCjServer, testClient } from "./cj-server";

let server: CjTestServer;
beforeAll(async () => {
  server = await startCjServer();
});
afterEach(() => {
  server.received.length = 0;
});
afterAll(async () => {
  await server.close();
  await closeCjDispatchers();
});

const order = {
  orderNumber: "shop-1001",
  shippingCountryCode: "US",
  shippingCountry: "United States",
  shippingProvince: "NY",
  shippingCity: "New York",
  shippingCustomerName: "Jane Doe",
  shippingAddress: "1 Main St",
  logisticName: "CJPacket Ordinary",
  fromCountryCode: "CN",
  products: [{ vid: "V1", quantity: 2, storeLineItemId: "li-1" }],
};
const detail = answer("orders.getOrderDetail.success");
const notFound = { code: 1600300, result: false, message: "order not found", data: null, requestId: "nf" };
const paths = () =>
  server.received.map((request) => `${request.method} ${request.url.pathname.replace("/api2.0/v1", "")}`);

describe("orders.createOrderV2", () => {
  it("sends the validated body with the account's token and returns the created order", async () => {
    server.handle(() => ({ body: answer("orders.createOrderV2.success") }));
    const { client } = testClient(server.baseUrl);
    const outcome = await client.orders.createOrderV2(order);
    expect(outcome).toMatchObject({ recovered: false, orderId: "123434" });
    expect(server.received).toHaveLength(1);
    expect(server.received[0]?.headers["cj-access-token"]).toBe("access-1");
    expect(server.received[0]?.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(server.received[0]?.body.toString() ?? "")).toEqual(order);
  });

  it("after a lost answer, finds the order by orderNumber instead of creating it twice", async () => {
    server.handle((request) => (request.url.pathname.endsWith("/createOrderV2") ? "hang" : { body: detail }));
    const { client } = testClient(server.baseUrl);
    const outcome = await client.orders.createOrderV2(order, { minTimeoutMs: 1 });
    expect(outcome).toMatchObject({ recovered: true, orderId: "210823100016290555" });
    expect(paths()).toEqual(["POST /shopping/order/createOrderV2", "GET /shopping/order/getOrderDetail"]);
    expect(server.received[1]?.url.searchParams.get("orderId")).toBe("shop-1001");
  });

  it("creates again only when CJ says the order does not exist", async () => {
    let creates = 0;
    server.handle((request) => {
      if (request.url.pathname.endsWith("/getOrderDetail")) return { body: notFound };
      creates += 1;
      return creates === 1 ? "reset" : { body: answer("orders.createOrderV2.success") };
    });
    const { client } = testClient(server.baseUrl);
    const outcome = await client.orders.createOrderV2(order, { minTimeoutMs: 1 });
    expect(outcome).toMatchObject({ recovered: false, orderId: "123434" });
    expect(paths()).toEqual([
      "POST /shopping/order/createOrderV2",
      "GET /shopping/order/getOrderDetail",
      "POST /shopping/order/createOrderV2",
    ]);
  });

  it("does not retry a Param error", async () => {
    server.handle(() => ({ body: answer("orders.createOrderV2.error-param") }));
    const { client } = testClient(server.baseUrl);
    const error = await client.orders.createOrderV2(order).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CjApiError);
    expect(error).toMatchObject({ code: 1600100, kind: "permanent", endpoint: "/shopping/order/createOrderV2" });
    expect(server.received).toHaveLength(1);
  });

  it("refuses an invalid order locally: nothing is sent", async () => {
    const { client } = testClient(server.baseUrl);
    const error = await client.orders
      .createOrderV2({ ...order, shippingCustomerName: "x".repeat(51) })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CjRequestValidationError);
    expect((error as Error).message).toContain("shippingCustomerName: at most 50 characters");
    expect(server.received).toHaveLength(0);
  });
});

describe("query strings and bodies", () => {
  it("getOrderDetail repeats `features`; a not-found answer reads as null through findOrder", async () => {
    server.handle(() => ({ body: detail }));
    const { client } = testClient(server.baseUrl);
    await client.orders.getOrderDetail({ orderId: "210823100016290555", features: ["LOGISTICS_TIMELINESS", "F2"] });
    expect(server.received[0]?.url.searchParams.getAll("features")).toEqual(["LOGISTICS_TIMELINESS", "F2"]);
    server.handle(() => ({ body: notFound }));
    expect(await client.orders.findOrder("nope")).toBeNull();
    server.handle(() => ({ body: answer("orders.getOrderDetail.error-param") }));
    expect(await client.orders.findOrder("x").catch((caught: unknown) => caught)).toMatchObject({ code: 1600100 });
  });

  it("trackInfo sends one trackNumber key per number; order list repeats orderIds", async () => {
    server.handle(() => ({ body: answer("logistics.trackInfo.success") }));
    const { client } = testClient(server.baseUrl);
    await client.logistics.trackInfo(["A1", "B2", "C3"]);
    expect(server.received[0]?.url.searchParams.getAll("trackNumber")).toEqual(["A1", "B2", "C3"]);
    server.handle(() => ({ body: { code: 200, data: { list: null } } }));
    await client.orders.list({ orderIds: ["1", "2"], status: "SHIPPED", pageSize: 50 });
    const params = server.received[1]?.url.searchParams;
    expect(params?.getAll("orderIds")).toEqual(["1", "2"]);
    expect([params?.get("status"), params?.get("pageSize")]).toEqual(["SHIPPED", "50"]);
  });

  it("deleteOrder uses DELETE with the id in the query; confirmOrder uses PATCH", async () => {
    server.handle(() => ({ body: answer("orders.deleteOrder.success") }));
    const { client } = testClient(server.baseUrl);
    await client.orders.deleteOrder("210711100018655344");
    await client.orders.confirmOrder({ orderId: "210711100018655344" });
    expect(paths()).toEqual(["DELETE /shopping/order/deleteOrder", "PATCH /shopping/order/confirmOrder"]);
    expect(server.received[0]?.url.search).toBe("?orderId=210711100018655344");
  });

  it("uploadWaybillInfo sends multipart with the file and the four fields", async () => {
    server.handle(() => ({ body: answer("shipping-info.uploadWaybillInfo.success") }));
    const { client } = testClient(server.baseUrl);
    await client.shippingInfo.uploadWaybillInfo({
      orderId: "2511111146000642900",
      cjOrderId: "DP2511111145580643400",
      cjShippingCompanyName: "USPS",
      trackNumber: "123123",
      waybillFile: { content: new TextEncoder().encode("%PDF-1.4 label"), fileName: "label.pdf" },
    });
    const request = server.received[0];
    expect(request?.headers["content-type"]).toMatch(/^multipart\/form-data; boundary=/);
    const form = await new Response(new Uint8Array(request?.body ?? []), {
      headers: { "content-type": String(request?.headers["content-type"]) },
    }).formData();
    expect(form.get("cjOrderId")).toBe("DP2511111145580643400");
    expect(form.get("trackNumber")).toBe("123123");
    const file = form.get("waybillFile") as File;
    expect(file.name).toBe("label.pdf");
    expect(await file.text()).toBe("%PDF-1.4 label");
  });
});

describe("retries (p-retry) by classification", () => {
  it("retries 1600000 at most 3 tries in all, then surfaces the error", async () => {
    server.handle(() => ({
      body: { code: 1600000, result: false, message: "system busy", data: null, requestId: "r" },
    }));
    const { client } = testClient(server.baseUrl);
    const error = await client.payment.getBalance().catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 1600000, kind: "retryable", requestId: "r" });
    expect(server.received).toHaveLength(3);
  });

  it("retries HTTP 5xx and a timeout, and succeeds when CJ recovers", async () => {
    let calls = 0;
    server.handle(() => {
      calls += 1;
      if (calls === 1) return { status: 502, body: "<html>bad gateway</html>" };
      if (calls === 2) return "hang";
      return { body: answer("payment.getBalance.success") };
    });
    const { client } = testClient(server.baseUrl);
    expect((await client.payment.getBalance()).amount).toBe("87247.32");
    expect(server.received).toHaveLength(3);
  });

  it("waits and retries after 1600200 / HTTP 429", async () => {
    let calls = 0;
    server.handle(() => {
      calls += 1;
      if (calls === 1) return { status: 429, body: "Too Many Requests", headers: { "retry-after": "0" } };
      if (calls === 2) return { body: { code: 1600200, result: false, message: "call exceeded limit", data: null } };
      return { body: answer("payment.getBalance.success") };
    });
    const { client } = testClient(server.baseUrl);
    await client.payment.getBalance();
    expect(server.received).toHaveLength(3);
  });

  it("does not retry 1600201 and tells when the quota resets (next 00:00 UTC)", async () => {
    server.handle(() => ({ body: { code: 1600201, result: false, message: "quota used up", data: null } }));
    const { client } = testClient(server.baseUrl, { clock: () => new Date("2026-03-14T22:10:00Z") });
    const error = (await client.payment.getBalance().catch((caught: unknown) => caught)) as CjApiError;
    expect(error.kind).toBe("quota_exhausted");
    expect(error.retryAt?.toISOString()).toBe("2026-03-15T00:00:00.000Z");
    expect(server.received).toHaveLength(1);
  });

  it("does not retry a payment whose answer was lost", async () => {
    server.handle(() => "reset");
    const { client } = testClient(server.baseUrl);
    const error = await client.payment.payBalance({ orderId: "1" }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 0, httpStatus: 0, kind: "retryable" });
    expect(server.received).toHaveLength(1);
  });
});

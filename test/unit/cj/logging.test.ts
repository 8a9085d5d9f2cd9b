import pino from "pino";
import { afterAll, beforeAll, expect, it } from "vitest";
import { closeCjDispatchers } from "../../../app/cj";
import { answer, type CjTestServer, startCjServer, testClient } from "./cj-server";

let server: CjTestServer;
beforeAll(async () => {
  server = await startCjServer(() => ({ body: answer("orders.createOrderV2.success") }));
});
afterAll(async () => {
  await server.close();
  await closeCjDispatchers();
});

it("logs endpoint, CJ code, requestId and duration, never tokens, the API key or the order's personal data", async () => {
  const lines: string[] = [];
  const logger = pino({ level: "debug" }, { write: (line: string) => lines.push(line) });
  const { client } = testClient(server.baseUrl, { logger });
  await client.orders.createOrderV2({
    orderNumber: "shop-1",
    shippingCountryCode: "US",
    shippingCountry: "United States",
    shippingProvince: "NY",
    shippingCity: "New York",
    shippingCustomerName: "Private Person",
    shippingAddress: "42 Secret Street",
    shippingPhone: "5550100",
    logisticName: "PostNL",
    fromCountryCode: "CN",
    products: [{ vid: "V1", quantity: 1 }],
  });
  const entry = lines
    .map((line) => JSON.parse(line))
    .find((record) => record.endpoint === "/shopping/order/createOrderV2");
  expect(entry).toMatchObject({ code: 200, requestId: "9eddf3f5-bd3d-4fae-a4f2-028cbb90db97", accountId: "acct" });
  expect(typeof entry.durationMs).toBe("number");
  const all = lines.join("\n");
  for (const secret of ["access-1", "refresh-1", "CJ-API-KEY-SECRET", "Private Person", "Secret Street", "5550100"]) {
    expect(all).not.toContain(secret);
  }
});

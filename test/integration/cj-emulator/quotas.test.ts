import { afterEach, describe, expect, it } from "vitest";
import type { CjEmulator } from "../../emulators/cj/index.js";
import { ACCOUNT, API_KEY, CASE_VID, cj, control, login, OPEN_ID, orderBody, startTestEmulator } from "./harness.js";

type Data = Record<string, unknown>;

const FREIGHT = { startCountryCode: "CN", endCountryCode: "US", products: [{ quantity: 1, vid: CASE_VID }] };

/** Every priced endpoint once (10 points each). */
const PRICED: { path: string; method?: string; body?: unknown; query?: Record<string, string> }[] = [
  { path: "/logistic/freightCalculate", body: FREIGHT },
  {
    path: "/logistic/freightCalculateTip",
    body: {
      reqDTOS: [
        {
          srcAreaCode: "CN",
          destAreaCode: "US",
          skuList: ["CJJT169305601AZ"],
          freightTrialSkuList: [{ skuQuantity: 1, vid: CASE_VID }],
        },
      ],
    },
  },
  {
    path: "/logistic/partnerFreightCalculate",
    body: {
      orderNumber: "q-1",
      shippingCountryCode: "US",
      shippingCountry: "United States",
      shippingProvince: "New York",
      shippingCity: "New York",
      shippingZip: "10001",
      fromCountryCode: "CN",
      products: [{ vid: CASE_VID, quantity: 1 }],
    },
  },
  { path: "/logistic/getSupplierLogisticsTemplate", body: { skuList: ["CJJT169305601AZ"] } },
  { path: "/product/variant/query", query: { variantSku: "CJJT169305601AZ" } },
  { path: "/product/variant/queryByVid", query: { vid: CASE_VID } },
];

function usage(emulator: CjEmulator, accountId = ACCOUNT) {
  return control(emulator, `/quotas?accountId=${accountId}`).then((a) => a.json as Data);
}

/** Put the emulator clock just before the next 00:00 UTC, so a test can cross it. */
function nearMidnight(emulator: CjEmulator, msBefore = 60_000): number {
  const now = new Date(emulator.clock.now());
  const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
  emulator.clock.set(midnight - msBefore);
  return midnight;
}

describe("CJ emulator: daily points per account", () => {
  let emulator: CjEmulator;
  afterEach(() => emulator.close());

  it("charges 10 points for freight quotes and product queries, 0 for everything else", async () => {
    emulator = await startTestEmulator();
    const token = await login(emulator);
    for (const call of PRICED) {
      const answer = await cj(emulator, call.path, { token, ...call });
      expect(answer.json.code, call.path).toBe(200);
    }
    await cj(emulator, "/shopping/order/createOrderV2", { token, body: orderBody({ orderNumber: "free-1" }) });
    await cj(emulator, "/shopping/order/getOrderDetail", { token, query: { orderId: "free-1" } });
    await cj(emulator, "/shopping/order/list", { token, query: { status: "CREATED" } });
    await cj(emulator, "/shopping/pay/getBalance", { token });
    const view = await usage(emulator);
    expect(view).toMatchObject({
      accountId: ACCOUNT,
      pointsUsed: 60,
      dailyPoints: 50_000,
      pointsLeft: 49_940,
      unverified: false,
      unverifiedDailyCallsPerEndpoint: 1000,
      resetsAt: expect.stringMatching(/T00:00:00\.000Z$/),
    });
    expect(view.calls).toMatchObject({
      "POST /logistic/freightCalculate": 1,
      "GET /product/variant/queryByVid": 1,
      "POST /shopping/order/createOrderV2": 1,
      "GET /shopping/pay/getBalance": 1,
    });
    // Token endpoints are not counted.
    expect(Object.keys(view.calls as Data).some((k) => k.includes("/authentication/"))).toBe(false);
  });

  it("answers 1600201 (HTTP 200) for a call that would exceed the budget, without running it; resets at 00:00 UTC", async () => {
    emulator = await startTestEmulator({
      accounts: [{ id: ACCOUNT, apiKey: API_KEY, openId: OPEN_ID, qpsLimit: 50, balance: "100.00", dailyPoints: 25 }],
    });
    const midnight = nearMidnight(emulator);
    const token = await login(emulator);
    const quote = () => cj(emulator, "/logistic/freightCalculate", { token, body: FREIGHT });
    expect((await quote()).json.code).toBe(200);
    expect((await quote()).json.code).toBe(200);
    const over = await quote();
    expect(over.status).toBe(200);
    expect(over.json).toEqual({
      code: 1600201,
      result: false,
      message: "Your quota has been used up (25 points/day), please try again after 00:00 UTC",
      data: null,
      requestId: expect.any(String),
    });
    expect(await usage(emulator)).toMatchObject({ pointsUsed: 20, pointsLeft: 5 });
    // Free endpoints still answer.
    expect((await cj(emulator, "/shopping/pay/getBalance", { token })).json.code).toBe(200);
    expect(emulator.requests({ path: "/logistic/freightCalculate" }).map((r) => r.code)).toEqual([200, 200, 1600201]);

    await control(emulator, "/clock", { body: { advanceMs: 61_000 } });
    expect(emulator.clock.now()).toBeGreaterThanOrEqual(midnight);
    expect((await quote()).json.code).toBe(200);
    expect(await usage(emulator)).toMatchObject({ pointsUsed: 10, day: new Date(midnight).toISOString().slice(0, 10) });
  });

  it("a control route sets the points used, exhausting the account in one call; the snapshot shows usage", async () => {
    emulator = await startTestEmulator();
    const token = await login(emulator);
    const set = await control(emulator, "/quotas", { body: { accountId: ACCOUNT, pointsUsed: 50_000 } });
    expect(set.json).toMatchObject({ pointsUsed: 50_000, pointsLeft: 0 });
    for (const call of PRICED) {
      expect((await cj(emulator, call.path, { token, ...call })).json.code, call.path).toBe(1600201);
    }
    const state = (await control(emulator, "/state")).json as { quotas: Data[] };
    expect(state.quotas).toEqual([
      expect.objectContaining({ accountId: ACCOUNT, pointsUsed: 50_000, calls: expect.any(Object) }),
    ]);
    await control(emulator, "/quotas", { body: { accountId: ACCOUNT, pointsUsed: 49_990 } });
    expect((await cj(emulator, "/logistic/freightCalculate", { token, body: FREIGHT })).json.code).toBe(200);
    expect((await cj(emulator, "/logistic/freightCalculate", { token, body: FREIGHT })).json.code).toBe(1600201);
    const all = (await control(emulator, "/quotas")).json as Data[];
    expect(all).toHaveLength(1);
    expect((await control(emulator, "/quotas", { body: { accountId: ACCOUNT, pointsUsed: -1 } })).status).toBe(400);
    expect((await control(emulator, "/quotas", { body: { accountId: "nobody", pointsUsed: 1 } })).status).toBe(400);
  });
});

describe("CJ emulator: unverified accounts (calls per endpoint per day)", () => {
  let emulator: CjEmulator;
  afterEach(() => emulator.close());

  it("answers HTTP 429 with code 1600200 past N calls of one endpoint; other endpoints go on; resets at 00:00 UTC", async () => {
    emulator = await startTestEmulator({
      accounts: [
        {
          id: ACCOUNT,
          apiKey: API_KEY,
          openId: OPEN_ID,
          qpsLimit: 50,
          balance: "100.00",
          unverified: true,
          unverifiedDailyCallsPerEndpoint: 3,
        },
      ],
    });
    nearMidnight(emulator);
    const token = await login(emulator);
    const balance = () => cj(emulator, "/shopping/pay/getBalance", { token });
    for (let i = 0; i < 3; i++) expect((await balance()).json.code).toBe(200);
    const over = await balance();
    expect(over.status).toBe(429);
    expect(over.json).toEqual({
      code: 1600200,
      result: false,
      message:
        "Too Many Requests, Sorry, you have reached the daily request limit (3 times/day), please try again tomorrow",
      data: null,
      requestId: expect.any(String),
    });
    expect(emulator.requests({ path: "/shopping/pay/getBalance" }).at(-1)).toMatchObject({
      code: 1600200,
      httpStatus: 429,
    });
    expect((await cj(emulator, "/shopping/order/list", { token, query: { status: "CREATED" } })).json.code).toBe(200);
    expect((await usage(emulator)).calls).toMatchObject({ "GET /shopping/pay/getBalance": 3 });

    emulator.clock.advance(61_000);
    expect((await balance()).status).toBe(200);
    expect((await usage(emulator)).calls).toEqual({ "GET /shopping/pay/getBalance": 1 });
  });

  it("defaults to 1000 calls per endpoint; the control route sets usage and marks an account unverified", async () => {
    emulator = await startTestEmulator();
    const token = await login(emulator);
    // Verified: no per-endpoint limit.
    await control(emulator, "/quotas", {
      body: { accountId: ACCOUNT, calls: { "GET /shopping/pay/getBalance": 5000 } },
    });
    expect((await cj(emulator, "/shopping/pay/getBalance", { token })).status).toBe(200);

    const set = await control(emulator, "/quotas", {
      body: { accountId: ACCOUNT, unverified: true, calls: { "GET /shopping/pay/getBalance": 1000 } },
    });
    expect(set.json).toMatchObject({ unverified: true, unverifiedDailyCallsPerEndpoint: 1000 });
    const over = await cj(emulator, "/shopping/pay/getBalance", { token });
    expect(over.status).toBe(429);
    expect(over.json.message).toBe(
      "Too Many Requests, Sorry, you have reached the daily request limit (1000 times/day), please try again tomorrow",
    );
    // Token endpoints are never limited by it.
    emulator.clock.advance(6 * 60_000);
    const again = await cj(emulator, "/authentication/getAccessToken", { body: { apiKey: API_KEY } });
    expect(again.status).toBe(200);
    expect(again.json.code).toBe(200);
  });

  it("accounts added over the control API take the quota options", async () => {
    emulator = await startTestEmulator({ dailyPoints: 100, unverifiedDailyCallsPerEndpoint: 7 });
    const added = await control(emulator, "/accounts", { body: { id: "second", apiKey: "key-2", unverified: true } });
    expect(added.json).toMatchObject({ dailyPoints: 100, unverified: true, unverifiedDailyCallsPerEndpoint: 7 });
    expect(await usage(emulator, "second")).toMatchObject({ dailyPoints: 100, pointsUsed: 0, calls: {} });
  });
});

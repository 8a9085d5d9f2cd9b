import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CjEmulator } from "../../emulators/cj/index.js";
import { ACCOUNT, cj, login, orderBody, startTestEmulator } from "./harness.js";

type Data = Record<string, unknown>;

describe("CJ emulator: rate limits", () => {
  let emulator: CjEmulator;
  afterEach(() => emulator.close());

  it("answers 1600200 beyond the account's QPS in a sliding second and records every request", async () => {
    emulator = await startTestEmulator();
    const token = await login(emulator);
    emulator.setQps(ACCOUNT, 1);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const answers = await Promise.all([1, 2, 3].map(() => cj(emulator, "/shopping/pay/getBalance", { token })));
    expect(answers.map((a) => a.json.code).sort()).toEqual([1600200, 1600200, 200]);
    expect(emulator.limitViolations(ACCOUNT)).toHaveLength(2);
    expect(emulator.maxRequestsInAnyWindow(ACCOUNT, 1000)).toBe(3);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await cj(emulator, "/shopping/pay/getBalance", { token })).json.code).toBe(200);
    const recorded = emulator.requests({ accountId: ACCOUNT, path: "/shopping/pay/getBalance" });
    expect(recorded).toHaveLength(4);
    expect(recorded[0]).toMatchObject({ method: "GET", outcome: "answered", ip: expect.any(String) });
  });

  it("a client spacing its calls 1 per second never crosses the limit", async () => {
    emulator = await startTestEmulator();
    const token = await login(emulator);
    emulator.setQps(ACCOUNT, 2);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    for (let i = 0; i < 4; i++) {
      expect((await cj(emulator, "/shopping/pay/getBalance", { token })).json.code).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 510));
    }
    expect(emulator.limitViolations(ACCOUNT)).toHaveLength(0);
    expect(emulator.maxRequestsInAnyWindow(ACCOUNT, 1000)).toBeLessThanOrEqual(2);
  });

  it("limits per IP across accounts (10 req/s by default)", async () => {
    emulator = await startTestEmulator({ ipQps: 10 });
    const answers = await Promise.all(
      Array.from({ length: 12 }, () => cj(emulator, "/authentication/getAccessToken", { body: { apiKey: "x" } })),
    );
    expect(answers.filter((a) => a.json.code === 1600200)).toHaveLength(2);
  });
});

describe("CJ emulator: fault injection", () => {
  let emulator: CjEmulator;
  let token: string;
  beforeEach(async () => {
    emulator = await startTestEmulator();
    token = await login(emulator);
  });
  afterEach(() => emulator.close());

  it("answers HTTP 5xx for the next N matching requests, without touching state", async () => {
    emulator.addFault({ kind: "http5xx", path: "/shopping/order/createOrderV2", times: 2, status: 502 });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const response = await fetch(`${emulator.baseUrl}/shopping/order/createOrderV2`, {
        method: "POST",
        headers: { "content-type": "application/json", "CJ-Access-Token": token },
        body: JSON.stringify(orderBody({ orderNumber: `5xx-${i}` })),
      });
      statuses.push(response.status);
      await response.arrayBuffer();
    }
    expect(statuses).toEqual([502, 502, 200]);
    expect(emulator.state.orders.map((o) => o.orderNumber)).toEqual(["5xx-2"]);
    expect(emulator.requests({ path: "/shopping/order/createOrderV2" }).map((r) => r.httpStatus)).toEqual([
      502, 502, 200,
    ]);
  });

  it("applies a fractional fault deterministically for a given seed", async () => {
    const run = async (target: CjEmulator) => {
      const t = target === emulator ? token : await login(target);
      target.addFault({ kind: "busy", path: "/shopping/pay/*", probability: 0.5 });
      const codes: number[] = [];
      for (let i = 0; i < 12; i++) codes.push((await cj(target, "/shopping/pay/getBalance", { token: t })).json.code);
      return codes;
    };
    const first = await run(emulator);
    const twin = await startTestEmulator();
    try {
      expect(await run(twin)).toEqual(first);
    } finally {
      await twin.close();
    }
    expect(first).toContain(1600000);
    expect(first).toContain(200);
  });

  it("hangs past the client's timeout", async () => {
    emulator.addFault({ kind: "hang", path: "/shopping/order/list", times: 1, hangMs: 5_000 });
    await expect(cj(emulator, "/shopping/order/list", { token, signal: AbortSignal.timeout(300) })).rejects.toThrow();
    expect(emulator.requests({ path: "/shopping/order/list" })[0]?.outcome).toBe("hung");
    expect((await cj(emulator, "/shopping/order/list", { token })).json.code).toBe(200);
  });

  it("drops the answer after the order was created; the order is then found by orderNumber", async () => {
    emulator.addFault({ kind: "drop", path: "/shopping/order/createOrderV2", times: 1 });
    await expect(
      cj(emulator, "/shopping/order/createOrderV2", { token, body: orderBody({ orderNumber: "lost-1" }) }),
    ).rejects.toThrow();
    expect(emulator.requests({ path: "/shopping/order/createOrderV2" })[0]).toMatchObject({
      outcome: "dropped",
      code: 200,
    });
    const detail = await cj(emulator, "/shopping/order/getOrderDetail", { token, query: { orderId: "lost-1" } });
    expect(detail.json).toMatchObject({ code: 200, data: { orderNum: "lost-1" } });
    const again = await cj(emulator, "/shopping/order/createOrderV2", {
      token,
      body: orderBody({ orderNumber: "lost-1" }),
    });
    expect(again.json.code).toBe(1603000);
  });

  it("answers 1600000 bursts, 1600200 storms and forced 1604000 in CJ's envelope", async () => {
    emulator.addFault({ kind: "busy", path: "/shopping/order/getOrderDetail", times: 3 });
    emulator.addFault({ kind: "rateLimit", path: "/shopping/order/list", times: 2 });
    emulator.addFault({ kind: "balanceInsufficient", path: "/shopping/pay/payBalanceV2", times: 1 });
    const codes = async (path: string, n: number, body?: Data) => {
      const out: number[] = [];
      for (let i = 0; i < n; i++) {
        out.push((await cj(emulator, path, { token, ...(body ? { body } : { query: { orderId: "x" } }) })).json.code);
      }
      return out;
    };
    expect(await codes("/shopping/order/getOrderDetail", 4)).toEqual([1600000, 1600000, 1600000, 1600300]);
    expect(await codes("/shopping/order/list", 3)).toEqual([1600200, 1600200, 200]);
    const paid = await cj(emulator, "/shopping/pay/payBalanceV2", { token, body: { shipmentOrderId: "SD1" } });
    expect(paid.json).toMatchObject({ code: 1604000, result: false, data: null });
    expect(emulator.limitViolations()).toHaveLength(0);
  });

  it("is driven over HTTP through the /__emulator control API", async () => {
    const control = (path: string, init: RequestInit = {}) =>
      fetch(`${emulator.url}/__emulator${path}`, { headers: { "content-type": "application/json" }, ...init }).then(
        async (r) => ({ status: r.status, json: (await r.json()) as Data }),
      );
    const fault = await control("/faults", {
      method: "POST",
      body: JSON.stringify({ kind: "busy", path: "/shopping/pay/getBalance", times: 1 }),
    });
    expect(fault.json).toMatchObject({ kind: "busy", remaining: 1 });
    expect((await cj(emulator, "/shopping/pay/getBalance", { token })).json.code).toBe(1600000);
    await control("/balance", { method: "POST", body: JSON.stringify({ accountId: ACCOUNT, amount: "7.50" }) });
    expect((await cj(emulator, "/shopping/pay/getBalance", { token })).json.data).toMatchObject({ amount: 7.5 });

    await control("/balance", { method: "POST", body: JSON.stringify({ accountId: ACCOUNT, amount: "100" }) });
    await cj(emulator, "/shopping/order/createOrderV2", {
      token,
      body: orderBody({ orderNumber: "ctl-1", payType: 2 }),
    });
    const shipped = await control("/orders/ship", { method: "POST", body: JSON.stringify({ orderId: "ctl-1" }) });
    expect(shipped.json).toMatchObject({ status: "SHIPPED" });
    const tracked = await control("/orders/track", {
      method: "POST",
      body: JSON.stringify({ orderId: "ctl-1", trackingStatus: 12 }),
    });
    expect(tracked.json).toMatchObject({ status: "DELIVERED" });
    const requests = await fetch(`${emulator.url}/__emulator/requests?accountId=${ACCOUNT}`).then((r) => r.json());
    expect((requests as unknown[]).length).toBeGreaterThanOrEqual(4);
    const window = await control(`/requests/max-window?accountId=${ACCOUNT}&windowMs=1000`);
    expect(window.json.max).toBeGreaterThanOrEqual(1);
    const bad = await control("/orders/ship", { method: "POST", body: JSON.stringify({ orderId: "nope" }) });
    expect(bad.status).toBe(400);
    expect((await control("/reset", { method: "POST" })).status).toBe(200);
    const state = await control("/state");
    expect(state.json.orders).toEqual([]);
    expect((state.json.accounts as unknown[]).length).toBe(1);
  });
});

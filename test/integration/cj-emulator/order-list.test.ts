import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CjEmulator } from "../../emulators/cj/index.js";
import { CASE_VID, cj, login, orderBody, startTestEmulator, TEE_VID } from "./harness.js";

type Data = Record<string, unknown>;

describe("CJ emulator: order/list status default (seed 002 §1.6 'default: CANCELLED')", () => {
  let emulator: CjEmulator;
  let token: string;
  beforeEach(async () => {
    emulator = await startTestEmulator();
    token = await login(emulator);
  });
  afterEach(() => emulator.close());

  const list = async (query: Record<string, string | string[]> = {}) => {
    const answer = await cj(emulator, "/shopping/order/list", { token, query });
    expect(answer.json.code).toBe(200);
    return answer.json.data as { total: number; list: Data[] };
  };

  it("without status only CANCELLED orders are listed", async () => {
    await cj(emulator, "/shopping/order/createOrderV2", { token, body: orderBody({ orderNumber: "l-created" }) });
    await cj(emulator, "/shopping/order/createOrderV2", {
      token,
      body: orderBody({ orderNumber: "l-paid", payType: 2 }),
    });
    const multi = await cj(emulator, "/shopping/order/createOrderV2", {
      token,
      body: orderBody({
        orderNumber: "l-split",
        payType: 2,
        products: [
          { vid: TEE_VID, quantity: 1 },
          { vid: CASE_VID, quantity: 1 },
        ],
      }),
    });
    expect(await list()).toMatchObject({ total: 0, list: [] });
    expect(await list({ status: "" })).toMatchObject({ total: 0 });

    // A split closes the original (CANCELLED); that one is what the default lists.
    emulator.splitOrder(String((multi.json.data as Data).orderId));
    const cancelled = await list();
    expect(cancelled.total).toBe(1);
    expect(cancelled.list[0]).toMatchObject({ orderId: (multi.json.data as Data).orderId, orderStatus: "CANCELLED" });
    expect(await list({ status: "CANCELLED" })).toEqual(cancelled);
    expect((await list({ status: "UNSHIPPED" })).total).toBe(3);
    expect((await list({ status: "CREATED" })).list.map((o) => o.orderNum)).toEqual(["l-created"]);
    // orderIds do not lift the default either.
    const ids = emulator.state.orders.map((o) => o.orderId);
    expect((await list({ orderIds: ids })).total).toBe(1);
    const bad = await cj(emulator, "/shopping/order/list", { token, query: { status: "SOMETHING" } });
    expect(bad.json.code).toBe(1600100);
  });
});

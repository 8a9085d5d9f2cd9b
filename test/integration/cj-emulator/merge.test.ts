import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CjEmulator } from "../../emulators/cj/index.js";
import { MERGE_TASK_MS } from "../../emulators/cj/merge.js";
import { cj, login, orderBody, startTestEmulator } from "./harness.js";

type Data = Record<string, unknown>;
type Group = { mergeShopOrderVOList: { logisticsInfoList: Data[]; mergeOrderInfoList?: { orderCode: string }[] }[] };

describe("CJ emulator: merge orders (seed 002 §5)", () => {
  let emulator: CjEmulator;
  let token: string;
  const call = (path: string, body?: unknown) =>
    cj(emulator, `/shopping/mergeOrder/${path}`, { token, body: body ?? {} });
  const create = async (overrides: Data = {}) => {
    const answer = await cj(emulator, "/shopping/order/createOrderV2", { token, body: orderBody(overrides) });
    expect(answer.json.code).toBe(200);
    return (answer.json.data as { orderId: string }).orderId;
  };

  beforeEach(async () => {
    emulator = await startTestEmulator();
    token = await login(emulator);
  });
  afterEach(() => emulator.close());

  it("matches one customer's unpaid orders at one address, reports progress as time passes, then the groups", async () => {
    const a = await create();
    const b = await create();
    const c = await create();
    await create({ shippingAddress: "99 Other Rd" }); // another address: alone, no group
    const match = await call("autoMatchMergeOrderListV3", { filterOrder: true, orderStatus: 100 });
    expect(match.json.code).toBe(200);
    const groups = match.json.data as Group[];
    expect(groups).toHaveLength(1);
    expect(groups[0]?.mergeShopOrderVOList[0]?.logisticsInfoList.some((l) => l.isChecked === true)).toBe(true);

    const early = await call("autoMergeQueryProgress");
    expect(early.json.data).toMatchObject({ noTask: false, step: 1, stepCount: [10, 20, 30, 10, 30] });
    expect((await call("autoMergeQueryResult")).json.code).toBe(1600100);
    emulator.clock.advance(MERGE_TASK_MS / 2);
    const half = (await call("autoMergeQueryProgress")).json.data as { step: number; stepPercent: number };
    expect(half.step).toBe(3);
    emulator.clock.advance(MERGE_TASK_MS);
    expect((await call("autoMergeQueryProgress")).json.data).toMatchObject({ step: 5, stepPercent: 10000 });
    const result = (await call("autoMergeQueryResult")).json.data as Group[];
    expect(result[0]?.mergeShopOrderVOList[0]?.mergeOrderInfoList?.map((o) => o.orderCode).sort()).toEqual(
      [a, b, c].sort(),
    );
  });

  it("submits groups: merged into one repriced order, or failed with CJ's code per group; bad items change nothing", async () => {
    const a = await create();
    const b = await create();
    const lone = await create({ shippingCustomerName: "Someone Else" });
    const c = await create({ shippingCustomerName: "Third Person" });
    const d = await create({ shippingCustomerName: "Third Person" });
    emulator.failMergeOf(d, 11006);
    const item = (orderCodeList: string[], orderNumber: string) => ({
      logisticName: "CJPacket Ordinary",
      orderCodeList,
      orderNumber,
      orderStatus: 100,
      packType: 0,
    });
    const malformed = await call("submitMergeOrderBatchV3", [{ ...item([a, b], "M-0"), packType: 7 }]);
    expect(malformed.json.code).toBe(1600100);
    expect(emulator.order(a)?.mergedInto).toBeUndefined();

    const before = [emulator.order(a), emulator.order(b)].map((o) => Number(o?.postageAmount));
    const submitted = await call("submitMergeOrderBatchV3", [
      item([a, b], "M-1"),
      item([lone], "M-2"),
      item([a, lone], "M-3"),
      item([c, d], "M-4"),
      { ...item([c, lone], "M-5"), logisticName: "No Such Line" },
    ]);
    expect(submitted.json.code).toBe(200);
    const result = submitted.json.data as {
      newOrderCodeList: string[];
      mergeFailOrderGroupList: { errorCode: number; orderCodes: string[] }[];
      successGroupCount: number;
      failGroupCount: number;
    };
    expect(result.successGroupCount).toBe(1);
    expect(result.mergeFailOrderGroupList.map((f) => f.errorCode)).toEqual([11001, 11002, 11006, 11004]);
    const merged = emulator.order(result.newOrderCodeList[0] as string);
    expect(merged?.orderNumber).toBe("M-1");
    expect(merged?.mergedFrom).toEqual([a, b]);
    expect(merged?.lines).toHaveLength(2);
    // One parcel costs less postage than two.
    expect(Number(merged?.postageAmount)).toBeLessThan((before[0] ?? 0) + (before[1] ?? 0));
    // The merged orders are gone for the API.
    const detail = await cj(emulator, "/shopping/order/getOrderDetail", { token, query: { orderId: a } });
    expect(detail.json.code).toBe(1600300);

    expect((await call("submitResult")).json.code).toBe(1600100);
    emulator.clock.advance(MERGE_TASK_MS);
    expect((await call("submitProgress")).json.data).toMatchObject({ noTask: false, stepPercent: 10000 });
    expect((await call("submitResult")).json.data).toEqual(result);
  });

  it("no task yet: progress says so", async () => {
    expect((await call("autoMergeQueryProgress")).json.data).toMatchObject({ noTask: true });
    expect((await call("submitProgress")).json.data).toMatchObject({ noTask: true });
    expect((await call("autoMatchMergeOrderListV3", { orderStatus: 100 })).json.code).toBe(1600100);
  });
});

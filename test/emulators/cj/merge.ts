/**
 * Merge orders (seed 002 §5): CJ puts orders of one customer and address into one parcel.
 * - `autoMatchMergeOrderListV3 {filterOrder, orderStatus}` matches the account's unpaid orders on the complete-order
 *   page (100: CREATED) or in the cart (101: IN_CART), answers the groups with their logistics options (postage of
 *   the merged parcel, by method) and starts the matching task; `autoMergeQueryProgress` reports it (`step`,
 *   `stepCount` weights, `stepPercent` of 10000) as the emulator clock advances (MERGE_TASK_MS); `autoMergeQueryResult`
 *   answers the groups with their orders (`mergeOrderInfoList`) once it is done, and 1600100 before.
 * - `submitMergeOrderBatchV3 [{logisticName, orderCodeList, orderNumber, orderStatus, packType}]` merges each group
 *   into a new order (its lines, repriced as one parcel; the orders merged are gone for the API, `mergedInto` names
 *   the new one) or fails the group with CJ's code: 11001 only one order, 11002 an order not mergeable (unknown,
 *   paid, intercepted, already merged), 11003 no order, 11004 addresses differ, 11005 no such method for the
 *   destination, or one a test injected (`failMergeOf`). It answers the counts; `submitProgress` / `submitResult`
 *   report the same task as it advances. A malformed item is 1600100 and nothing is merged.
 */
import { accountOf, type EmulatorContext, type Handler } from "./context.js";
import { CjFailure, paramError } from "./envelope.js";
import { postage, rateByName, ratesFor } from "./logistics.js";
import { newOrderId, priceOrder } from "./order-model.js";
import type { Order } from "./state.js";

export const MERGE_TASK_MS = 3000;
const STEP_COUNT = [10, 20, 30, 10, 30];

export interface MergeTask {
  startedAt: number;
  kind: "match" | "submit";
  /** Match: the groups found (order ids); submit: the result answered. */
  groups?: string[][];
  result?: Record<string, unknown>;
}

const STATUS_OF: Record<number, Order["status"]> = { 100: "CREATED", 101: "IN_CART" };

const addressKey = (o: Order) =>
  [
    o.shippingCustomerName,
    o.shippingCountryCode,
    o.shippingProvince,
    o.shippingCity,
    o.shippingAddress,
    o.shippingAddress2 ?? "",
    o.shippingZip ?? "",
  ]
    .map((part) => part.trim().toLowerCase())
    .join("|");

function mergeable(order: Order, status: Order["status"]): boolean {
  return (
    !order.deleted &&
    order.isComplete &&
    order.status === status &&
    order.interceptReasons.length === 0 &&
    order.mergedInto === undefined
  );
}

function weightOf(ctx: EmulatorContext, orders: Order[]): number {
  return orders
    .flatMap((o) => o.lines)
    .reduce((sum, line) => sum + (ctx.state.variants.get(line.vid ?? "")?.weight ?? 0) * line.quantity, 0);
}

function logisticsOptions(ctx: EmulatorContext, orders: Order[]) {
  const first = orders[0] as Order;
  const grams = weightOf(ctx, orders);
  return ratesFor(first.shippingCountryCode).map((rate) => {
    const amount = postage(rate, first.shippingCountryCode, grams);
    return {
      logisticsName: rate.name,
      postage: amount.toNumber(),
      arrivalTime: rate.aging,
      isChecked: rate.name === first.logisticName,
      basePostage: amount.toNumber(),
      packPrice: 0,
      remoteAmount: 0,
    };
  });
}

function groupView(ctx: EmulatorContext, orders: Order[], withOrders: boolean) {
  const first = orders[0] as Order;
  return {
    haveMoreShopOrder: orders.length > 1,
    mergeShopOrderVOList: [
      {
        city: first.shippingCity,
        country: first.shippingCountry,
        countryCode: first.shippingCountryCode,
        customerName: first.shippingCustomerName,
        logisticsInfoList: logisticsOptions(ctx, orders),
        ...(withOrders
          ? {
              mergeOrderInfoList: orders.map((o) => ({
                orderCode: o.orderId,
                orderNumber: o.orderNumber,
                platform: o.platform,
                shopName: o.storeName,
              })),
              phone: first.shippingPhone,
              shippingAddress: first.shippingAddress,
            }
          : {}),
      },
    ],
  };
}

function progressOf(ctx: EmulatorContext, task: MergeTask | undefined) {
  if (!task) return { noTask: true, step: 0, stepCount: [], stepPercent: 0 };
  const done = Math.min(1, (ctx.clock.now() - task.startedAt) / MERGE_TASK_MS) * 100;
  let before = 0;
  for (const [index, weight] of STEP_COUNT.entries()) {
    if (done < before + weight || index === STEP_COUNT.length - 1) {
      const within = Math.min(1, Math.max(0, (done - before) / weight));
      return { noTask: false, step: index + 1, stepCount: STEP_COUNT, stepPercent: Math.round(within * 10000) };
    }
    before += weight;
  }
  return { noTask: false, step: STEP_COUNT.length, stepCount: STEP_COUNT, stepPercent: 10000 };
}

const finished = (ctx: EmulatorContext, task: MergeTask) => ctx.clock.now() - task.startedAt >= MERGE_TASK_MS;

export const autoMatchMergeOrderList: Handler = (ctx, req) => {
  const account = accountOf(req);
  const body = (req.body ?? {}) as Record<string, unknown>;
  if (typeof body.filterOrder !== "boolean") throw paramError();
  const status = STATUS_OF[body.orderStatus as number];
  if (!status) throw paramError();
  const groups = new Map<string, Order[]>();
  for (const order of ctx.state.ordersOf(account.id)) {
    if (!mergeable(order, status)) continue;
    const key = addressKey(order);
    groups.set(key, [...(groups.get(key) ?? []), order]);
  }
  const found = [...groups.values()].filter((orders) => orders.length > 1);
  ctx.state.mergeTasks.set(`${account.id}:match`, {
    kind: "match",
    startedAt: ctx.clock.now(),
    groups: found.map((orders) => orders.map((o) => o.orderId)),
  });
  return { data: found.map((orders) => groupView(ctx, orders, false)) };
};

export const autoMergeQueryProgress: Handler = (ctx, req) => {
  const account = accountOf(req);
  return { data: progressOf(ctx, ctx.state.mergeTasks.get(`${account.id}:match`)) };
};

export const autoMergeQueryResult: Handler = (ctx, req) => {
  const account = accountOf(req);
  const task = ctx.state.mergeTasks.get(`${account.id}:match`);
  if (!task) throw new CjFailure(1600100, "no merge match task");
  if (!finished(ctx, task)) throw new CjFailure(1600100, "the merge match is still in progress");
  const live = (ids: string[]) =>
    ids.map((id) => ctx.state.ordersOf(account.id).find((o) => o.orderId === id)).filter((o): o is Order => !!o);
  return {
    data: (task.groups ?? [])
      .map(live)
      .filter((orders) => orders.length > 1 && orders.every((o) => o.mergedInto === undefined))
      .map((orders) => groupView(ctx, orders, true)),
  };
};

interface SubmitItem {
  logisticName: string;
  orderCodeList: string[];
  orderNumber: string;
  orderStatus: number;
  packType: number;
}

function checkedItems(body: unknown): SubmitItem[] {
  if (!Array.isArray(body) || body.length === 0) throw paramError();
  return body.map((raw) => {
    const item = (raw ?? {}) as Record<string, unknown>;
    const text = (value: unknown, max: number) =>
      typeof value === "string" && value.trim() !== "" && value.length <= max;
    if (!text(item.logisticName, 50) || !text(item.orderNumber, 50)) throw paramError();
    if (!Array.isArray(item.orderCodeList) || item.orderCodeList.some((c) => typeof c !== "string")) throw paramError();
    if (!STATUS_OF[item.orderStatus as number] || (item.packType !== 0 && item.packType !== 1)) throw paramError();
    return item as unknown as SubmitItem;
  });
}

export const submitMergeOrderBatch: Handler = (ctx, req) => {
  const account = accountOf(req);
  const items = checkedItems(req.body);
  const failures: { errorCode: number; orderCodes: string[] }[] = [];
  const created: string[] = [];
  let merged = 0;
  for (const item of items) {
    const fail = (errorCode: number) => failures.push({ errorCode, orderCodes: item.orderCodeList });
    const codes = [...new Set(item.orderCodeList)];
    if (codes.length === 0) {
      fail(11003);
      continue;
    }
    if (codes.length === 1) {
      fail(11001);
      continue;
    }
    const status = STATUS_OF[item.orderStatus] as Order["status"];
    const orders = codes.map((code) => ctx.state.ordersOf(account.id).find((o) => o.orderId === code));
    if (orders.some((o) => !o || !mergeable(o, status))) {
      fail(11002);
      continue;
    }
    const group = orders as Order[];
    if (new Set(group.map(addressKey)).size > 1) {
      fail(11004);
      continue;
    }
    const rate = rateByName(item.logisticName);
    const first = group[0] as Order;
    if (!rate || !ratesFor(first.shippingCountryCode).includes(rate)) {
      fail(11005);
      continue;
    }
    const injected = codes.map((code) => ctx.state.mergeFailures.get(code)).find((code) => code !== undefined);
    if (injected !== undefined) {
      fail(injected);
      continue;
    }
    const now = ctx.clock.now();
    const order: Order = {
      ...structuredClone(first),
      orderId: newOrderId(ctx),
      orderNumber: item.orderNumber,
      logisticName: rate.name,
      lines: group.flatMap((o) => structuredClone(o.lines)),
      createdAt: now,
      updatedAt: now,
      previousOrderIds: [],
      splitInto: [],
      splitFrom: null,
      mergedFrom: codes,
    };
    priceOrder(ctx, order);
    ctx.state.orders.push(order);
    for (const o of group) {
      o.mergedInto = order.orderId;
      o.deleted = true;
      o.updatedAt = now;
    }
    created.push(order.orderId);
    merged += group.length;
  }
  const result = {
    failGroupCount: failures.length,
    failOrderCount: failures.reduce((sum, f) => sum + f.orderCodes.length, 0),
    mergeFailOrderGroupList: failures,
    newOrderCodeList: created,
    successGroupCount: created.length,
    successOrderCount: merged,
  };
  ctx.state.mergeTasks.set(`${account.id}:submit`, { kind: "submit", startedAt: ctx.clock.now(), result });
  return { data: result };
};

export const submitProgress: Handler = (ctx, req) => {
  const account = accountOf(req);
  return { data: progressOf(ctx, ctx.state.mergeTasks.get(`${account.id}:submit`)) };
};

export const submitResult: Handler = (ctx, req) => {
  const account = accountOf(req);
  const task = ctx.state.mergeTasks.get(`${account.id}:submit`);
  if (!task) throw new CjFailure(1600100, "no merge submission task");
  if (!finished(ctx, task)) throw new CjFailure(1600100, "the merge submission is still in progress");
  return { data: task.result };
};

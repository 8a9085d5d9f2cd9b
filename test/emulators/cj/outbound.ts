/**
 * Private inventory outbound orders, seed 002 §8: private stock (inventory.ts) shipped out of its warehouse.
 * - `address/list` (§8.2) answers the address book (addresses.ts) in the §8.2 shape (`name`, `mail`, …).
 * - `product/query` (§8.3; `storageId` and one of `skuOrSpu` / `privateOrderId`) and `product/batch-refresh` (§8.4)
 *   answer what can be shipped: the stock row's quantity less what other unfinished outbound orders locked (an
 *   `orderId` leaves that order's own locks out).
 * - `create` (§8.5) starts an asynchronous task (also for an update: `orderId` and the same number); `progress`
 *   (§8.6) follows the emulator clock over OUTBOUND_TASK_MS: 0 (PROCESSING, WAIT_CREATE) → 60 (CREATE_SUB_ORDER_SUCCESS,
 *   WAIT_LOCK_ARRIVE) → 100, when the stock is locked line by line: every line whole → TASK_COMPLETE, SUBMIT_ORDER;
 *   otherwise LOCK_FAIL, ADJUST_LOCK_FAIL_PRODUCTS with `lockFails` (what was asked, what was locked). A test can
 *   cap what a variant locks (`limitOutboundLock`).
 * - `submit` (§8.7) only when submit-ready; stock taken meanwhile (`takePrivateStock`) answers 1603001 with the §8.7
 *   data (lockFails, nextAction ADJUST_LOCK_FAIL_PRODUCTS) and changes nothing. Submitted, the stock leaves the
 *   warehouse. `detail` (§8.8); `cancel` (§8.9) releases the locks, refused (1603002) once submitted or cancelled.
 * Orders of another account are "order not found" (1600300).
 */
import { yymmdd } from "./clock.js";
import { accountOf, type EmulatorContext, type Handler } from "./context.js";
import { CjFailure, failure, paramError } from "./envelope.js";
import type { PrivateStock } from "./inventory.js";
import type { Account } from "./state.js";
import { isAbsent, isRecord } from "./validation.js";

export const OUTBOUND_TASK_MS = 3000;

export interface OutboundLine {
  sku: string;
  stanProductId: string;
  privateOrderId: string;
  quantity: number;
  /** Set when the task locked the stock. */
  lockQuantity: number | null;
}

export interface OutboundOrder {
  orderId: string;
  accountId: string;
  orderNumber: string;
  storageId: string;
  platform: string;
  storeName: string;
  postagePayNode: 4 | 5 | 6;
  reason: string | null;
  address: Record<string, string>;
  lines: OutboundLine[];
  taskStartedAt: number;
  /** CREATING (task running) | LOCK_FAIL | READY | SUBMITTED | CANCELLED */
  status: "CREATING" | "LOCK_FAIL" | "READY" | "SUBMITTED" | "CANCELLED";
}

const text = (value: unknown, max: number, required: boolean): boolean =>
  isAbsent(value) ? !required : (typeof value === "string" || typeof value === "number") && String(value).length <= max;

function orderOf(ctx: EmulatorContext, account: Account, body: unknown): OutboundOrder {
  if (!isRecord(body) || !text(body.orderId, 100, true)) throw paramError();
  const order = ctx.state.outboundOrders.get(String(body.orderId));
  if (!order || order.accountId !== account.id) throw failure(1600300);
  return order;
}

function stockRow(ctx: EmulatorContext, account: Account, storageId: string, privateOrderId: string, vid: string) {
  return ctx.state.privateStock.find(
    (s) =>
      s.accountId === account.id && s.storageId === storageId && s.privateOrderId === privateOrderId && s.vid === vid,
  );
}

/** Locked by unfinished outbound orders (READY, or LOCK_FAIL with partial locks), except `exceptOrderId`. */
function lockedOf(ctx: EmulatorContext, row: PrivateStock, exceptOrderId: string | null): number {
  let locked = 0;
  for (const order of ctx.state.outboundOrders.values()) {
    if (order.orderId === exceptOrderId || order.accountId !== row.accountId || order.storageId !== row.storageId) {
      continue;
    }
    if (order.status !== "READY" && order.status !== "LOCK_FAIL") continue;
    for (const line of order.lines) {
      if (line.privateOrderId === row.privateOrderId && line.stanProductId === row.vid)
        locked += line.lockQuantity ?? 0;
    }
  }
  return locked;
}

const available = (ctx: EmulatorContext, row: PrivateStock, exceptOrderId: string | null) =>
  Math.max(0, row.quantity - lockedOf(ctx, row, exceptOrderId));

/** The task's end: each line locks what the stock (and a test's cap) allows. */
function settle(ctx: EmulatorContext, order: OutboundOrder) {
  if (order.status !== "CREATING" || ctx.clock.now() - order.taskStartedAt < OUTBOUND_TASK_MS) return;
  const account = ctx.state.accounts.get(order.accountId) as Account;
  for (const line of order.lines) {
    const row = stockRow(ctx, account, order.storageId, line.privateOrderId, line.stanProductId);
    const free = row ? available(ctx, row, order.orderId) : 0;
    const cap = ctx.state.outboundLockLimits.get(line.stanProductId);
    line.lockQuantity = Math.min(line.quantity, free, cap ?? Number.POSITIVE_INFINITY);
  }
  order.status = order.lines.every((l) => l.lockQuantity === l.quantity) ? "READY" : "LOCK_FAIL";
}

const lockFailsOf = (order: OutboundOrder) =>
  order.lines
    .filter((l) => l.lockQuantity !== null && l.lockQuantity < l.quantity)
    .map((l) => ({ sku: l.sku, privateOrderId: l.privateOrderId, quantity: l.quantity, lockQuantity: l.lockQuantity }));

function progressOf(ctx: EmulatorContext, order: OutboundOrder) {
  settle(ctx, order);
  const elapsed = ctx.clock.now() - order.taskStartedAt;
  const base = { orderId: order.orderId, submitStatus: "UNKNOWN", paymentStatus: "UNKNOWN" };
  switch (order.status) {
    case "CREATING": {
      const half = elapsed >= OUTBOUND_TASK_MS / 2;
      return {
        ...base,
        progress: half ? 60 : 0,
        createProgress: half ? 60 : 0,
        createStatus: half ? "CREATE_SUB_ORDER_SUCCESS" : "PROCESSING",
        nextAction: half ? "WAIT_LOCK_ARRIVE" : "WAIT_CREATE",
        lockFails: [],
      };
    }
    case "LOCK_FAIL":
      return {
        ...base,
        progress: 100,
        createProgress: 100,
        createStatus: "LOCK_FAIL",
        nextAction: "ADJUST_LOCK_FAIL_PRODUCTS",
        lockFails: lockFailsOf(order),
      };
    case "READY":
      return {
        ...base,
        progress: 100,
        createProgress: 100,
        createStatus: "TASK_COMPLETE",
        nextAction: "SUBMIT_ORDER",
        lockFails: [],
      };
    case "SUBMITTED":
      return {
        ...base,
        progress: 100,
        createProgress: 100,
        createStatus: "TASK_COMPLETE",
        nextAction: "FINISHED",
        lockFails: [],
        submitStatus: "SUBMITTED",
      };
    case "CANCELLED":
      return {
        ...base,
        progress: 100,
        createProgress: 100,
        createStatus: "CANCELLED",
        nextAction: "NONE",
        lockFails: [],
      };
  }
}

// §8.2
export const outboundAddressList: Handler = (ctx, req) => {
  const account = accountOf(req);
  return {
    data: ctx.state.addresses
      .filter((a) => a.accountId === account.id)
      .map((a) => ({
        id: a.id,
        name: `${a.firstName} ${a.lastName}`.trim(),
        firstName: a.firstName,
        lastName: a.lastName,
        country: a.country,
        countryCode: a.countryCode,
        province: a.province,
        city: a.city,
        countyTown: a.countyTown ?? "",
        address: a.address,
        addressNew: a.addressNew ?? "",
        zip: a.zip ?? "",
        phone: a.phone ?? "",
        mail: a.mail ?? "",
        consigneeId: a.consigneeId ?? "",
      })),
  };
};

// §8.3
export const queryOutboundProducts: Handler = (ctx, req) => {
  const account = accountOf(req);
  const body = req.body;
  if (!isRecord(body) || !text(body.storageId, 200, true)) throw paramError();
  for (const key of ["skuOrSpu", "privateOrderId", "orderId"]) if (!text(body[key], 200, false)) throw paramError();
  if (isAbsent(body.skuOrSpu) && isAbsent(body.privateOrderId)) throw paramError();
  const orderId = isAbsent(body.orderId) ? null : String(body.orderId);
  const keyword = isAbsent(body.skuOrSpu) ? null : String(body.skuOrSpu);
  const rows = ctx.state.privateStock.filter(
    (s) =>
      s.accountId === account.id &&
      s.storageId === String(body.storageId) &&
      (isAbsent(body.privateOrderId) || s.privateOrderId === String(body.privateOrderId)) &&
      (!keyword || s.sku === keyword || s.pid === keyword || s.sku.startsWith(keyword)),
  );
  return {
    data: rows.map((s) => ({
      id: `${s.privateOrderId}-${s.vid}`,
      uid: `${s.privateOrderId}-${s.vid}`,
      productId: s.pid,
      spu: s.pid,
      sku: s.sku,
      stanProductId: s.vid,
      productName: s.name,
      productImg: "",
      price: Number(s.price),
      privateOrderId: s.privateOrderId,
      availableQuantity: available(ctx, s, orderId),
      lockQuantity: orderId ? lockedOf(ctx, s, null) - lockedOf(ctx, s, orderId) : 0,
    })),
  };
};

// §8.4
export const batchRefreshOutbound: Handler = (ctx, req) => {
  const account = accountOf(req);
  const body = req.body;
  if (!isRecord(body) || !text(body.storageId, 200, true) || !text(body.orderId, 200, false)) throw paramError();
  if (!Array.isArray(body.products) || body.products.length === 0) throw paramError();
  const orderId = isAbsent(body.orderId) ? null : String(body.orderId);
  return {
    data: body.products.map((item) => {
      if (!isRecord(item) || !text(item.privateOrderId, 200, true) || !text(item.stanProductId, 200, true)) {
        throw paramError();
      }
      const row = stockRow(
        ctx,
        account,
        String(body.storageId),
        String(item.privateOrderId),
        String(item.stanProductId),
      );
      return {
        privateOrderId: String(item.privateOrderId),
        stanProductId: String(item.stanProductId),
        uid: `${String(item.privateOrderId)}-${String(item.stanProductId)}`,
        availableQuantity: row ? available(ctx, row, orderId) : 0,
      };
    }),
  };
};

function checkedAddress(raw: unknown): Record<string, string> {
  if (!isRecord(raw)) throw paramError();
  for (const key of ["customerName", "shippingAddress", "city"]) if (!text(raw[key], 200, true)) throw paramError();
  if (typeof raw.countryCode !== "string" || !/^[A-Za-z]{2}$/.test(raw.countryCode)) throw paramError();
  const optional = [
    "shippingAddress2",
    "province",
    "town",
    "country",
    "zipCode",
    "phone",
    "email",
    "taxId",
    "consigneeId",
  ];
  for (const key of optional) if (!text(raw[key], 200, false)) throw paramError();
  return Object.fromEntries(
    Object.entries(raw)
      .filter(([, v]) => !isAbsent(v))
      .map(([k, v]) => [k, String(v)]),
  );
}

// §8.5
export const createOutbound: Handler = (ctx, req) => {
  const account = accountOf(req);
  const body = req.body;
  if (!isRecord(body) || !text(body.orderNumber, 100, true) || !text(body.storageId, 200, true)) throw paramError();
  for (const key of ["orderId", "platform", "storeName", "reason", "reasonEn"]) {
    if (!text(body[key], 200, false)) throw paramError();
  }
  if (![4, 5, 6].includes(body.postagePayNode as number)) throw paramError();
  if (body.postagePayNode === 6 && isAbsent(body.reason)) throw paramError();
  if (!isAbsent(body.submit) && typeof body.submit !== "boolean") throw paramError();
  const address = checkedAddress(body.address);
  if (!Array.isArray(body.productList) || body.productList.length === 0) throw paramError();
  const lines: OutboundLine[] = body.productList.map((item) => {
    if (!isRecord(item)) throw paramError();
    for (const key of ["sku", "stanProductId", "privateOrderId"]) if (!text(item[key], 200, true)) throw paramError();
    if (!Number.isInteger(item.quantity) || (item.quantity as number) < 1) throw paramError();
    return {
      sku: String(item.sku),
      stanProductId: String(item.stanProductId),
      privateOrderId: String(item.privateOrderId),
      quantity: item.quantity as number,
      lockQuantity: null,
    };
  });
  const storageId = String(body.storageId);
  for (const line of lines) {
    const row = stockRow(ctx, account, storageId, line.privateOrderId, line.stanProductId);
    // §8.5: "Must be greater than 0 and not exceed available inventory" (what is free when the order is written).
    if (!row || row.sku !== line.sku) throw new CjFailure(1600100, `no private stock of ${line.sku} in ${storageId}`);
  }
  const now = ctx.clock.now();
  let order: OutboundOrder;
  if (!isAbsent(body.orderId)) {
    order = orderOf(ctx, account, body);
    if (order.status === "SUBMITTED" || order.status === "CANCELLED" || order.status === "CREATING") {
      throw new CjFailure(1603000, `the outbound order cannot be updated while it is ${order.status.toLowerCase()}`);
    }
    if (order.orderNumber !== String(body.orderNumber) || order.storageId !== storageId) throw paramError();
    Object.assign(order, { lines, address, taskStartedAt: now, status: "CREATING" as const });
  } else {
    const duplicate = [...ctx.state.outboundOrders.values()].some(
      (o) => o.accountId === account.id && o.orderNumber === String(body.orderNumber) && o.status !== "CANCELLED",
    );
    if (duplicate) throw failure(1603000, "order create fail, the order number already exists");
    order = {
      orderId: `SD${yymmdd(now)}${String(ctx.state.next("outbound")).padStart(6, "0")}`,
      accountId: account.id,
      orderNumber: String(body.orderNumber),
      storageId,
      platform: isAbsent(body.platform) ? "API" : String(body.platform),
      storeName: isAbsent(body.storeName) ? "" : String(body.storeName),
      postagePayNode: body.postagePayNode as 4 | 5 | 6,
      reason: isAbsent(body.reason) ? null : String(body.reason),
      address,
      lines,
      taskStartedAt: now,
      status: "CREATING",
    };
    ctx.state.outboundOrders.set(order.orderId, order);
  }
  return {
    data: {
      orderId: order.orderId,
      createTaskStarted: true,
      submitRequested: body.submit === true,
      nextAction: "POLL_CREATE_PROGRESS",
    },
  };
};

// §8.6
export const outboundProgress: Handler = (ctx, req) => {
  const order = orderOf(ctx, accountOf(req), req.body);
  return { data: progressOf(ctx, order) };
};

// §8.7
export const submitOutbound: Handler = (ctx, req) => {
  const account = accountOf(req);
  const order = orderOf(ctx, account, req.body);
  settle(ctx, order);
  if (order.status === "SUBMITTED") throw new CjFailure(1603000, "the outbound order is submitted already");
  if (order.status !== "READY") {
    throw new CjFailure(1603001, "the outbound order is not ready to submit", {
      orderId: order.orderId,
      createStatus: progressOf(ctx, order).createStatus,
      submitAccepted: false,
      nextAction: progressOf(ctx, order).nextAction,
      lockFails: lockFailsOf(order),
    });
  }
  // Stock taken meanwhile: the lock no longer holds.
  const short = order.lines
    .map((line) => {
      const row = stockRow(ctx, account, order.storageId, line.privateOrderId, line.stanProductId);
      const free = row ? available(ctx, row, order.orderId) : 0;
      return { line, free };
    })
    .filter(({ line, free }) => free < line.quantity);
  if (short.length > 0) {
    for (const { line, free } of short) line.lockQuantity = free;
    order.status = "LOCK_FAIL";
    throw new CjFailure(
      1603001,
      "Private inventory is insufficient. Please call /shopping/privateInventory/outbound/detail, reduce productList.quantity or remove failed product lines, call /shopping/privateInventory/outbound/create again with the same orderId, then submit again.",
      {
        orderId: order.orderId,
        createStatus: "LOCK_FAIL",
        submitAccepted: false,
        nextAction: "ADJUST_LOCK_FAIL_PRODUCTS",
        actionRequired: "ADJUST_QUANTITY_AND_RESUBMIT",
        lockFails: lockFailsOf(order),
      },
    );
  }
  for (const line of order.lines) {
    const row = stockRow(ctx, account, order.storageId, line.privateOrderId, line.stanProductId) as PrivateStock;
    row.quantity -= line.quantity;
  }
  order.status = "SUBMITTED";
  return { data: { orderId: order.orderId, submitAccepted: true, nextAction: "FINISHED" } };
};

// §8.8
export const outboundDetail: Handler = (ctx, req) => {
  const account = accountOf(req);
  const order = orderOf(ctx, account, req.body);
  settle(ctx, order);
  return {
    data: {
      orderId: order.orderId,
      orderNumber: order.orderNumber,
      storageId: order.storageId,
      platform: order.platform,
      storeName: order.storeName,
      postagePayNode: order.postagePayNode,
      address: order.address,
      productList: order.lines.map((line) => {
        const row = stockRow(ctx, account, order.storageId, line.privateOrderId, line.stanProductId);
        return {
          ...line,
          lockQuantity: line.lockQuantity ?? 0,
          availableQuantity: row ? available(ctx, row, order.orderId) : 0,
          price: row ? Number(row.price) : null,
        };
      }),
      orderStatus: order.status,
      submitStatus: order.status === "SUBMITTED" ? "SUBMITTED" : "UNKNOWN",
    },
  };
};

// §8.9
export const cancelOutbound: Handler = (ctx, req) => {
  const account = accountOf(req);
  const body = req.body;
  if (isRecord(body) && !text(body.reason, 500, false)) throw paramError();
  const order = orderOf(ctx, account, body);
  if (order.status === "SUBMITTED" || order.status === "CANCELLED") {
    throw new CjFailure(1603002, `the outbound order is ${order.status.toLowerCase()} and cannot be cancelled`);
  }
  order.status = "CANCELLED";
  for (const line of order.lines) line.lockQuantity = null;
  return { data: { orderId: order.orderId, cancelled: true } };
};

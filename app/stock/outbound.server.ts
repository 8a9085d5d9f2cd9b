/**
 * Outbound orders: private stock at a CJ warehouse shipped to an address of the address book (seed 002 §8), in CJ's
 * recommended flow: address/list → product/query → product/batch-refresh → create → poll progress → submit →
 * detail / cancel.
 * - create is claimed (a row CREATING with the app's order number) before the call and never retried; CJ answers
 *   the outbound order id and starts an asynchronous task, which the `cj-tasks` job follows (`/progress`) until it is
 *   submit-ready (TASK_COMPLETE, no lock failure, SUBMIT_ORDER) or a line could not be locked (LOCK_FAIL, with what
 *   CJ could lock). The merchant then lowers the quantities (an update: create with the same orderId) and CJ works
 *   again, or cancels.
 * - submit only from READY, claimed once; a lock failure at submit (1603001) goes back to LOCK_FAIL with CJ's
 *   figures from `/progress`, as §8.7 asks ("do not retry the same request").
 * Each step's state and CJ's reason are on the row and the page.
 */
import type { CjClient } from "../cj";
import { CjApiError } from "../cj/errors";
import type { Db } from "../db.server";
import type { JobQueue } from "../jobs/queue";
import { parseJson, TASK_POLL_SECONDS } from "./shared";

export interface OutboundDeps {
  db: Db;
  queue: JobQueue;
  ports: { cj(shopId: string): Promise<CjClient> };
  now?: () => Date;
}

export class OutboundError extends Error {
  override readonly name = "OutboundError";
}

export interface OutboundLine {
  sku: string;
  stanProductId: string;
  privateOrderId: string;
  quantity: number;
  productName?: string | null;
}

export interface LockFail {
  sku: string | null;
  privateOrderId: string | null;
  quantity: number | null;
  lockQuantity: number | null;
}

/** States in which CJ is working and the job follows it. */
export const FOLLOWED = ["PROCESSING"] as const;

export const outboundJobKey = (id: string) => `outbound:${id}`;

function follow(queue: JobQueue, id: string, later = false) {
  return queue.enqueue(
    "cj-tasks",
    { kind: "outbound", outboundId: id },
    { singletonKey: outboundJobKey(id), ...(later ? { startAfterSeconds: TASK_POLL_SECONDS } : {}) },
  );
}

async function accountOf(db: Db, shopId: string) {
  const shop = await db.shop.findUnique({ where: { id: shopId }, select: { cjAccountId: true, domain: true } });
  if (!shop?.cjAccountId) throw new OutboundError("Connect a CJ account in Settings first.");
  return shop;
}

/** What can be shipped out of a warehouse: CJ's outboundable products of the shop's stock-up orders there (§8.3). */
export async function outboundableProducts(
  deps: OutboundDeps,
  shopId: string,
  input: { storageId: string; privateOrderId?: string | null; skuOrSpu?: string | null },
) {
  await accountOf(deps.db, shopId);
  if (!input.storageId) throw new OutboundError("Choose the warehouse the stock is in.");
  if (!input.privateOrderId && !input.skuOrSpu) {
    throw new OutboundError("Choose a stock-up order, or enter a SKU to look for.");
  }
  const cj = await deps.ports.cj(shopId);
  const products = await cj.outbound.queryProducts({
    storageId: input.storageId,
    ...(input.privateOrderId ? { privateOrderId: input.privateOrderId } : {}),
    ...(input.skuOrSpu ? { skuOrSpu: input.skuOrSpu } : {}),
  });
  return (products ?? [])
    .filter((p) => p?.stanProductId && p?.privateOrderId && p?.sku)
    .map((p) => ({
      sku: p?.sku as string,
      stanProductId: p?.stanProductId as string,
      privateOrderId: p?.privateOrderId as string,
      productName: p?.productName ?? null,
      availableQuantity: p?.availableQuantity ?? 0,
    }));
}

/** The address-book entries CJ offers for outbound orders (§8.2). */
export async function outboundAddresses(deps: OutboundDeps, shopId: string) {
  await accountOf(deps.db, shopId);
  const cj = await deps.ports.cj(shopId);
  return ((await cj.outbound.listAddresses()) ?? []).filter((a) => a?.id);
}

type CjAddress = NonNullable<Awaited<ReturnType<typeof outboundAddresses>>[number]>;

function createAddress(a: CjAddress) {
  const name = a.name || [a.firstName, a.lastName].filter(Boolean).join(" ");
  return {
    customerName: name,
    shippingAddress: a.address ?? "",
    ...(a.addressNew ? { shippingAddress2: a.addressNew } : {}),
    city: a.city ?? "",
    ...(a.province ? { province: a.province } : {}),
    ...(a.countyTown ? { town: a.countyTown } : {}),
    countryCode: a.countryCode ?? "",
    ...(a.country ? { country: a.country } : {}),
    ...(a.zip ? { zipCode: a.zip } : {}),
    ...(a.phone ? { phone: a.phone } : {}),
    ...(a.mail ? { email: a.mail } : {}),
    ...(a.consigneeId ? { consigneeId: a.consigneeId } : {}),
  };
}

function checkedLines(lines: readonly OutboundLine[]): OutboundLine[] {
  const kept = lines.filter((l) => l.quantity > 0);
  if (kept.length === 0) throw new OutboundError("Enter a quantity for at least one product.");
  for (const l of kept) {
    if (!Number.isInteger(l.quantity)) throw new OutboundError("Quantities are whole numbers.");
  }
  return kept;
}

/**
 * A new outbound order: the selection is refreshed against CJ's current stock first (§8.4), a line over it is
 * refused before anything is created; then create (§8.5) once, and the job follows CJ's task.
 */
export async function createOutbound(
  deps: OutboundDeps,
  shopId: string,
  input: { storageId: string; addressId: string; lines: readonly OutboundLine[] },
): Promise<{ id: string; cjOrderId: string }> {
  const { db } = deps;
  const shop = await accountOf(db, shopId);
  const lines = checkedLines(input.lines);
  const cj = await deps.ports.cj(shopId);
  const address = (await outboundAddresses(deps, shopId)).find((a) => a.id === input.addressId);
  if (!address) throw new OutboundError("Choose an address of the address book.");
  const fresh = await cj.outbound.batchRefresh({
    storageId: input.storageId,
    products: lines.map((l) => ({ privateOrderId: l.privateOrderId, stanProductId: l.stanProductId })),
  });
  for (const line of lines) {
    const row = (fresh ?? []).find(
      (f) => f?.stanProductId === line.stanProductId && f?.privateOrderId === line.privateOrderId,
    );
    const available = row?.availableQuantity ?? 0;
    if (line.quantity > available) {
      throw new OutboundError(
        `${line.sku}: only ${available} can be shipped out now (you asked for ${line.quantity}).`,
      );
    }
  }
  const count = await db.outboundOrder.count({ where: { shopId } });
  const orderNumber = `OB-${shop.domain.split(".")[0]?.slice(0, 20)}-${Date.now().toString(36)}-${count + 1}`;
  const sent = createAddress(address);
  const row = await db.outboundOrder.create({
    data: {
      shopId,
      accountId: shop.cjAccountId as string,
      orderNumber,
      storageId: input.storageId,
      address: JSON.stringify({ id: address.id, ...sent }),
      lines: JSON.stringify(lines),
      status: "CREATING",
    },
  });
  try {
    const created = await cj.outbound.create({
      orderNumber,
      storageId: input.storageId,
      postagePayNode: 4,
      address: sent,
      productList: lines.map((l) => ({
        sku: l.sku,
        stanProductId: l.stanProductId,
        privateOrderId: l.privateOrderId,
        quantity: l.quantity,
      })),
      submit: false,
    });
    if (!created?.orderId) throw new OutboundError("CJ answered without an outbound order id.");
    await db.outboundOrder.update({
      where: { id: row.id },
      data: { cjOrderId: created.orderId, status: "PROCESSING", nextAction: created.nextAction ?? null, error: null },
    });
    await follow(deps.queue, row.id);
    return { id: row.id, cjOrderId: created.orderId };
  } catch (error) {
    const definite = error instanceof CjApiError && error.kind === "permanent";
    const message = definite
      ? `CJ refused the outbound order (${(error as CjApiError).code} ${(error as Error).message}).`
      : `No answer from CJ (${(error as Error).message}): the outbound order ${orderNumber} may exist at CJ; check CJ's outbound orders before creating it again.`;
    await db.outboundOrder.update({
      where: { id: row.id },
      data: { status: definite ? "FAILED" : "CREATING", error: message },
    });
    throw new OutboundError(message);
  }
}

/** One look at CJ's task (§8.6); the job sends itself again while CJ works. */
export async function advanceOutbound(deps: OutboundDeps, id: string): Promise<void> {
  const { db } = deps;
  const row = await db.outboundOrder.findUnique({ where: { id } });
  if (!row?.cjOrderId || !FOLLOWED.includes(row.status as never)) return;
  const cj = await deps.ports.cj(row.shopId);
  const progress = await cj.outbound.progress({ orderId: row.cjOrderId });
  const state = readProgress(progress);
  await db.outboundOrder.updateMany({
    where: { id, status: row.status },
    data: {
      progress: state.progress,
      createStatus: state.createStatus,
      nextAction: state.nextAction,
      lockFails: state.lockFails.length ? JSON.stringify(state.lockFails) : null,
      submitStatus: state.submitStatus,
      paymentStatus: state.paymentStatus,
      status: state.status,
      error:
        state.status === "LOCK_FAIL"
          ? "CJ could not lock every line in the warehouse: lower the quantities to what CJ locked (or remove the line), then update the order."
          : null,
    },
  });
  if (state.status === "PROCESSING") await follow(deps.queue, id, true);
}

function readProgress(progress: Awaited<ReturnType<CjClient["outbound"]["progress"]>>) {
  const lockFails: LockFail[] = (progress?.lockFails ?? []).map((f) => ({
    sku: f?.sku ?? null,
    privateOrderId: f?.privateOrderId ?? null,
    quantity: f?.quantity ?? null,
    lockQuantity: f?.lockQuantity ?? null,
  }));
  const percent = Math.max(0, Math.min(100, Math.round(Number(progress?.createProgress ?? progress?.progress ?? 0))));
  const createStatus = progress?.createStatus ?? null;
  const nextAction = progress?.nextAction ?? null;
  const failed = createStatus === "LOCK_FAIL" || nextAction === "ADJUST_LOCK_FAIL_PRODUCTS" || lockFails.length > 0;
  const ready = !failed && percent >= 100 && createStatus === "TASK_COMPLETE" && nextAction === "SUBMIT_ORDER";
  return {
    progress: percent,
    createStatus,
    nextAction,
    lockFails,
    submitStatus: progress?.submitStatus ?? null,
    paymentStatus: progress?.paymentStatus ?? null,
    status: failed ? "LOCK_FAIL" : ready ? "READY" : "PROCESSING",
  };
}

/** After a lock failure: the merchant's new quantities, sent as an update of the same CJ order (§8.5 orderId). */
export async function updateOutbound(
  deps: OutboundDeps,
  shopId: string,
  id: string,
  lines: readonly OutboundLine[],
): Promise<void> {
  const { db } = deps;
  const row = await db.outboundOrder.findFirst({ where: { id, shopId } });
  if (!row?.cjOrderId) throw new OutboundError("This outbound order does not exist (any more).");
  if (!["LOCK_FAIL", "READY"].includes(row.status)) {
    throw new OutboundError(`The outbound order cannot be changed while it is ${row.status.toLowerCase()}.`);
  }
  const kept = checkedLines(lines);
  const claimed = await db.outboundOrder.updateMany({
    where: { id, status: row.status },
    data: { status: "PROCESSING", progress: 0, lockFails: null, error: null, lines: JSON.stringify(kept) },
  });
  if (claimed.count === 0) throw new OutboundError("The outbound order changed meanwhile: look again.");
  const cj = await deps.ports.cj(shopId);
  const address = parseJson<Record<string, string>>(row.address, {});
  const { id: _addressId, ...sent } = address;
  try {
    await cj.outbound.create({
      orderId: row.cjOrderId,
      orderNumber: row.orderNumber,
      storageId: row.storageId,
      postagePayNode: row.postagePayNode as 4 | 5 | 6,
      address: sent as Parameters<CjClient["outbound"]["create"]>[0]["address"],
      productList: kept.map((l) => ({
        sku: l.sku,
        stanProductId: l.stanProductId,
        privateOrderId: l.privateOrderId,
        quantity: l.quantity,
      })),
      submit: false,
    });
  } catch (error) {
    await db.outboundOrder.update({
      where: { id },
      data: { status: row.status, lines: row.lines, error: `CJ refused the update: ${(error as Error).message}` },
    });
    throw new OutboundError(
      `CJ refused the update (${(error as Error).message}): the order is as it was; change the quantities and update again, or cancel it.`,
    );
  }
  await follow(deps.queue, id);
}

/** Submit a submit-ready order once (§8.7). */
export async function submitOutbound(deps: OutboundDeps, shopId: string, id: string): Promise<string> {
  const { db } = deps;
  const row = await db.outboundOrder.findFirst({ where: { id, shopId } });
  if (!row?.cjOrderId) throw new OutboundError("This outbound order does not exist (any more).");
  if (row.status !== "READY") {
    throw new OutboundError(
      row.status === "SUBMITTED" || row.status === "SUBMITTING"
        ? "This outbound order was submitted already."
        : "CJ has not made this outbound order ready to submit yet.",
    );
  }
  const claimed = await db.outboundOrder.updateMany({ where: { id, status: "READY" }, data: { status: "SUBMITTING" } });
  if (claimed.count === 0) throw new OutboundError("This outbound order was submitted already.");
  const cj = await deps.ports.cj(shopId);
  try {
    const answer = await cj.outbound.submit({ orderId: row.cjOrderId });
    if (answer?.submitAccepted === false)
      throw new OutboundError(`CJ did not accept the submission (${answer.nextAction ?? "no reason"}).`);
    await db.outboundOrder.update({
      where: { id },
      data: { status: "SUBMITTED", nextAction: answer?.nextAction ?? null, error: null },
    });
    return answer?.nextAction ?? "SUBMITTED";
  } catch (error) {
    if (error instanceof CjApiError && error.code === 1603001) {
      // Stock gone meanwhile: CJ's progress says what it could lock; the merchant adjusts (never the same request).
      const state = readProgress(await cj.outbound.progress({ orderId: row.cjOrderId }));
      await db.outboundOrder.update({
        where: { id },
        data: {
          status: "LOCK_FAIL",
          lockFails: state.lockFails.length ? JSON.stringify(state.lockFails) : null,
          createStatus: state.createStatus,
          nextAction: state.nextAction,
          error: `CJ refused the submission: ${error.message}`,
        },
      });
      throw new OutboundError(`CJ refused the submission: ${error.message}`);
    }
    // Refused outright: back to READY. No answer: CJ may have taken it; the order stays SUBMITTING with the reason.
    const definite = error instanceof OutboundError || (error instanceof CjApiError && error.kind === "permanent");
    const message = definite
      ? `CJ did not take the submission (${(error as Error).message}): see CJ's detail, then submit again or cancel.`
      : `No answer from CJ to the submission (${(error as Error).message}): it may have been taken. Check the order in CJ (Outbound orders) before doing anything else; the app does not send it again.`;
    await db.outboundOrder.update({
      where: { id },
      data: { status: definite ? "READY" : "SUBMITTING", error: message },
    });
    throw new OutboundError(message);
  }
}

/** Cancel (§8.9), where CJ allows it; CJ's refusal is shown as it is. */
export async function cancelOutbound(deps: OutboundDeps, shopId: string, id: string, reason: string | null) {
  const { db } = deps;
  const row = await db.outboundOrder.findFirst({ where: { id, shopId } });
  if (!row?.cjOrderId) throw new OutboundError("This outbound order does not exist (any more).");
  if (row.status === "CANCELLED") throw new OutboundError("This outbound order is cancelled already.");
  const cj = await deps.ports.cj(shopId);
  try {
    const answer = await cj.outbound.cancel({ orderId: row.cjOrderId, ...(reason ? { reason } : {}) });
    if (answer && typeof answer === "object" && answer.cancelled === false) {
      throw new OutboundError("CJ did not cancel the outbound order.");
    }
  } catch (error) {
    if (error instanceof OutboundError) throw error;
    const message = `CJ refused to cancel (${error instanceof CjApiError ? `${error.code} ` : ""}${(error as Error).message}): the order stays as it is at CJ; see CJ's detail for its state.`;
    await db.outboundOrder.update({ where: { id }, data: { error: message } });
    throw new OutboundError(message);
  }
  await db.outboundOrder.update({ where: { id }, data: { status: "CANCELLED", error: null } });
}

/** CJ's detail of one outbound order (§8.8), stored status refreshed. */
export async function outboundDetail(deps: OutboundDeps, shopId: string, id: string) {
  const row = await deps.db.outboundOrder.findFirst({ where: { id, shopId } });
  if (!row?.cjOrderId) throw new OutboundError("This outbound order does not exist (any more).");
  const cj = await deps.ports.cj(shopId);
  const detail = await cj.outbound.detail({ orderId: row.cjOrderId });
  await deps.db.outboundOrder.update({
    where: { id },
    data: { orderStatus: detail?.orderStatus ?? null, submitStatus: detail?.submitStatus ?? row.submitStatus },
  });
  return detail;
}

/** Every outbound order CJ is working on is followed again (start-up, the sweep). */
export async function resumeOutbound(deps: OutboundDeps): Promise<number> {
  const rows = await deps.db.outboundOrder.findMany({
    where: { status: { in: [...FOLLOWED] }, cjOrderId: { not: null } },
    select: { id: true },
  });
  for (const row of rows) await follow(deps.queue, row.id);
  return rows.length;
}

export async function loadOutboundOrders(db: Db, shopId: string) {
  const rows = await db.outboundOrder.findMany({ where: { shopId }, orderBy: { createdAt: "desc" }, take: 100 });
  return rows.map((r) => ({
    id: r.id,
    orderNumber: r.orderNumber,
    cjOrderId: r.cjOrderId,
    status: r.status,
    progress: r.progress,
    createStatus: r.createStatus,
    nextAction: r.nextAction,
    orderStatus: r.orderStatus,
    address: parseJson<{ customerName?: string; city?: string; countryCode?: string }>(r.address, {}),
    lines: parseJson<OutboundLine[]>(r.lines, []),
    lockFails: parseJson<LockFail[]>(r.lockFails, []),
    error: r.error,
    createdAt: r.createdAt.toISOString(),
  }));
}

/**
 * CJ's makeup (supplement) bills (seed 002 §9): the `sync-makeup-bills` job lists both types page by page and keeps
 * CjMakeupBill current (new bills and payments go on the related order's timeline, and into its profit); the merchant
 * pays selected bills by CJ's payment link or from the balance (`payBalanceV2` with `orderType` 24, under the shop's
 * auto-pay caps, after a confirmation that shows the total). CJ's MAKEUP pushes, where registered, start a sync.
 */
import Decimal from "decimal.js";
import type { CjClient } from "../cj";
import { CjApiError } from "../cj/errors";
import type { Db } from "../db.server";
import { OrderActionError } from "../fulfillment/actions.server";
import { markBalanceShort, paidTodayAmount } from "../fulfillment/payment.server";
import { withinPaymentCaps } from "../fulfillment/rules";
import { logger } from "../logger.server";
import { updateOrderProfit } from "./costs.server";

/** 0 to submit and 2 failed are unpaid; 5 paying is a payment order created and not paid yet. */
export const UNPAID_MAKEUP = [0, 2, 5];
export const MAKEUP_STATUS: Record<number, string> = {
  0: "To pay",
  1: "Processing",
  2: "Payment failed",
  3: "Cancelled",
  4: "Paid",
  5: "Paying",
};
const PAGE_SIZE = 200;
const MAX_PAGES = 20;

export interface MakeupDeps {
  db: Db;
  ports: { cj(shopId: string): Promise<CjClient> };
  now?: () => Date;
}

/** Every CJ account with a shop of ours: one sync each, through one of its installed shops. */
export async function syncAllMakeupBills(deps: MakeupDeps): Promise<void> {
  const shops = await deps.db.shop.findMany({
    where: { uninstalledAt: null, cjAccountId: { not: null } },
    select: { id: true, cjAccountId: true },
    distinct: ["cjAccountId"],
  });
  for (const shop of shops) {
    await syncMakeupBills(deps, shop.id).catch((error: unknown) =>
      logger.warn({ shopId: shop.id, err: (error as Error).message }, "makeup bills not synced; next run tries again"),
    );
  }
}

interface MakeupItem {
  orderCode?: string | null;
  cjOrderCode?: string | null;
  status?: number | null;
  amount?: string | null;
  reason?: string | null;
  type?: number | null;
  diffUseType?: number | null;
  createAt?: number | null;
}

/** Lists the shop's CJ account's makeup bills (both types) and stores what changed; returns the bills seen. */
export async function syncMakeupBills(deps: MakeupDeps, shopId: string): Promise<number> {
  const { db } = deps;
  const shop = await db.shop.findUniqueOrThrow({ where: { id: shopId }, select: { cjAccountId: true } });
  if (!shop.cjAccountId) return 0;
  const accountId = shop.cjAccountId;
  const cj = await deps.ports.cj(shopId);
  // A bill the app changed after this read of CJ began (a payment) is left to the next sync: CJ's answer may predate it.
  const readFrom = new Date();
  const seen: MakeupItem[] = [];
  for (const type of [0, 1] as const) {
    for (let page = 1; page <= MAX_PAGES; page++) {
      const answer = await cj.makeup.list({ pageNum: page, pageSize: PAGE_SIZE, type });
      // No type given back means CJ answered another type than asked: nothing of this type.
      if (answer.type !== null && answer.type !== undefined && answer.type !== type) break;
      // A bill's type is the list's (the seed's content has `orderType`, a display type, not this one).
      seen.push(...(answer.pageData?.content ?? []).map((item) => ({ ...item, type })));
      if (page >= (answer.pageData?.totalPages ?? 0)) break;
    }
  }
  const touched = new Set<string>();
  for (const item of seen) {
    if (!item.orderCode) continue;
    const existing = await db.cjMakeupBill.findUnique({
      where: { accountId_orderCode: { accountId, orderCode: item.orderCode } },
    });
    if (existing && existing.updatedAt > readFrom) continue;
    const orderId =
      existing?.orderId ?? (item.cjOrderCode ? await orderOfCjCode(db, accountId, item.cjOrderCode) : null);
    const status = item.status ?? 0;
    const amount = new Decimal(item.amount ?? "0").toFixed(2);
    const data = {
      cjOrderCode: item.cjOrderCode ?? null,
      orderId,
      type: item.type ?? existing?.type ?? 0,
      diffUseType: item.diffUseType ?? 0,
      status,
      amount,
      reason: item.reason ?? null,
      cjCreatedAt: typeof item.createAt === "number" ? new Date(item.createAt) : null,
      ...(status === 4 && !existing?.paidAt ? { paidAt: deps.now?.() ?? new Date() } : {}),
    };
    if (existing && existing.status === status && existing.amount === amount && existing.orderId === orderId) continue;
    if (existing) await db.cjMakeupBill.update({ where: { id: existing.id }, data });
    else await db.cjMakeupBill.create({ data: { accountId, orderCode: item.orderCode, ...data } });
    if (!orderId) continue;
    touched.add(orderId);
    const message = !existing
      ? `CJ billed a makeup payment of ${amount} USD${item.reason ? `: ${item.reason}` : ""} (bill ${item.orderCode})`
      : status === 4
        ? `Makeup bill ${item.orderCode} paid (${amount} USD)`
        : `Makeup bill ${item.orderCode}: ${MAKEUP_STATUS[status] ?? `status ${status}`} (${amount} USD)`;
    await db.orderEvent.create({
      data: {
        orderId,
        actor: "cj",
        type: "makeup",
        message,
        data: JSON.stringify({ orderCode: item.orderCode, status }),
      },
    });
  }
  for (const orderId of touched) await updateOrderProfit(db, orderId);
  return seen.length;
}

async function orderOfCjCode(db: Db, accountId: string, cjOrderCode: string): Promise<string | null> {
  const order = await db.order.findFirst({
    where: {
      shop: { cjAccountId: accountId },
      OR: [{ cjOrderId: cjOrderCode }, { cjSplitOrders: { contains: cjOrderCode } }],
    },
    select: { id: true },
  });
  return order?.id ?? null;
}

export interface MakeupPaymentPreview {
  bills: { orderCode: string; amount: string; reason: string | null; orderName: string | null }[];
  total: string;
  /** Set when the balance may not pay it (a cap), with why. */
  balanceRefusal: string | null;
}

async function billsToPay(db: Db, shopDomain: string, orderCodes: readonly string[]) {
  const shop = await db.shop.findUniqueOrThrow({ where: { domain: shopDomain }, include: { settings: true } });
  if (!shop.cjAccountId) throw new OrderActionError("Connect a CJ account first.", 409);
  const codes = [...new Set(orderCodes)];
  if (codes.length === 0) throw new OrderActionError("Select the makeup bills to pay.");
  const bills = await db.cjMakeupBill.findMany({
    where: { accountId: shop.cjAccountId, orderCode: { in: codes } },
    include: { order: { select: { shopifyOrderName: true, shopId: true } } },
  });
  const missing = codes.filter((code) => !bills.some((b) => b.orderCode === code));
  if (missing.length) throw new OrderActionError(`Unknown makeup bill: ${missing.join(", ")}`, 404);
  const paid = bills.filter((b) => !UNPAID_MAKEUP.includes(b.status));
  if (paid.length) {
    throw new OrderActionError(
      `Not payable now: ${paid.map((b) => `${b.orderCode} (${MAKEUP_STATUS[b.status] ?? b.status})`).join(", ")}`,
      409,
    );
  }
  const kinds = new Set(bills.map((b) => `${b.type}:${b.type === 1 ? b.diffUseType : 0}`));
  if (kinds.size > 1) {
    throw new OrderActionError(
      "CJ pays makeup bills of one kind at a time: select make-up orders or other make-up, not both.",
    );
  }
  return { shop, bills };
}

/** What paying these bills would cost, and whether the balance may pay it (shown before anything is paid). */
export async function previewMakeupPayment(
  deps: MakeupDeps,
  shopDomain: string,
  orderCodes: readonly string[],
): Promise<MakeupPaymentPreview> {
  return previewOf(deps, await billsToPay(deps.db, shopDomain, orderCodes));
}

async function previewOf(
  deps: MakeupDeps,
  { shop, bills }: Awaited<ReturnType<typeof billsToPay>>,
): Promise<MakeupPaymentPreview> {
  const total = bills.reduce((s, b) => s.plus(b.amount), new Decimal(0)).toFixed(2);
  const paidToday = await paidTodayIncludingMakeup(deps.db, shop.id, deps.now?.() ?? new Date());
  const caps = withinPaymentCaps(
    {
      autoPayPerOrderCap: shop.settings?.autoPayPerOrderCap ?? null,
      autoPayPerDayCap: shop.settings?.autoPayPerDayCap ?? null,
    },
    total,
    paidToday,
  );
  return {
    bills: bills.map((b) => ({
      orderCode: b.orderCode,
      amount: b.amount,
      reason: b.reason,
      orderName: b.order?.shopId === shop.id ? b.order.shopifyOrderName : null,
    })),
    total,
    balanceRefusal: caps.allowed ? null : `The balance may not pay this: ${caps.why}.`,
  };
}

async function paidTodayIncludingMakeup(db: Db, shopId: string, now: Date): Promise<string> {
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const makeup = await db.cjMakeupBill.findMany({
    where: { paidByShopId: shopId, paidFromBalance: true, paidAt: { gte: start } },
    select: { amount: true },
  });
  return makeup.reduce((s, b) => s.plus(b.amount), new Decimal(await paidTodayAmount(db, shopId, now))).toFixed(2);
}

export interface MakeupPaymentResult {
  total: string;
  payUrl: string;
  paidFromBalance: boolean;
  message: string;
}

/**
 * Pays the selected bills: one CJ payment order for them (makeup/createPayOrder), then the link to CJ's payment page,
 * or the balance (payBalanceV2, orderType 24) when the merchant confirmed `confirmedTotal` and the caps allow it.
 */
export async function payMakeupBills(
  deps: MakeupDeps,
  shopDomain: string,
  input: { orderCodes: readonly string[]; method: "link" | "balance"; confirmedTotal?: string },
): Promise<MakeupPaymentResult> {
  const { db } = deps;
  const now = deps.now?.() ?? new Date();
  const toPay = await billsToPay(db, shopDomain, input.orderCodes);
  const { shop, bills } = toPay;
  const preview = await previewOf(deps, toPay);
  if (input.method === "balance") {
    if (input.confirmedTotal !== preview.total) {
      throw new OrderActionError(`The total is now ${preview.total} USD: confirm that amount to pay it.`, 409);
    }
    if (preview.balanceRefusal) throw new OrderActionError(preview.balanceRefusal, 409);
  }
  const cj = await deps.ports.cj(shop.id);
  const first = bills[0];
  const type = (first?.type ?? 0) as 0 | 1;
  const created = await cj.makeup.createPayOrder({
    orderCodes: bills.map((b) => b.orderCode),
    type,
    ...(type === 1 ? { diffUseType: first?.diffUseType as 1 | 2 | 3 } : {}),
  });
  const payOrderCode = created.payOrderCode ?? "";
  const payId = created.payId ?? "";
  const payUrl = created.cjPayUrl ?? `https://www.cjdropshipping.com/mine/payment?pid=${payId}`;
  await db.cjMakeupBill.updateMany({
    where: { id: { in: bills.map((b) => b.id) } },
    data: { status: 5, payOrderCode, payId, payUrl },
  });
  const total = created.amount ?? preview.total;
  if (input.method === "link") {
    return { total, payUrl, paidFromBalance: false, message: `Pay ${total} USD on CJ's payment page.` };
  }
  try {
    await cj.payment.payBalanceV2({ shipmentOrderId: payOrderCode, payId, orderType: 24 });
  } catch (error) {
    if (error instanceof CjApiError && error.code === 1604000) {
      await markBalanceShort(db, shop.cjAccountId, now);
      throw new OrderActionError(`The CJ balance is too low to pay ${total} USD: top it up, or pay by link.`, 409);
    }
    throw error;
  }
  await db.cjMakeupBill.updateMany({
    where: { id: { in: bills.map((b) => b.id) } },
    data: { status: 4, paidAt: now, paidFromBalance: true, paidByShopId: shop.id },
  });
  await markBalanceShort(db, shop.cjAccountId, null);
  for (const bill of bills) {
    if (!bill.orderId) continue;
    await db.orderEvent.create({
      data: {
        orderId: bill.orderId,
        actor: "merchant",
        type: "makeup",
        message: `Makeup bill ${bill.orderCode} paid from the CJ balance (${bill.amount} USD)`,
        data: JSON.stringify({ orderCode: bill.orderCode, status: 4 }),
      },
    });
    await updateOrderProfit(db, bill.orderId);
  }
  return { total, payUrl, paidFromBalance: true, message: `Paid ${total} USD of makeup bills from the CJ balance.` };
}

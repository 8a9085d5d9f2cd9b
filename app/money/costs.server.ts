/**
 * CJ's costs per order (seed 002 §4.1), fetched in batches: the `refresh-order-costs` job takes the orders whose
 * costs are due (`Order.costsDueAt`, set when CJ reports payment, shipment, delivery or a split: state.ts), asks CJ
 * for all of a shop's CJ order codes at once (up to BATCH codes a call), stores one CjOrderCost row per CJ order
 * (a split order's parts map back to their Shopify order through the parts the app keeps, or CJ's
 * `originalOrderCode`), and recomputes the order's profit. A failed call leaves the orders working, with the reason
 * on the order (`costsError`, shown on its page) and another try later; CJ having no data yet is tried again until
 * GIVE_UP_DAYS after payment.
 */
import Decimal from "decimal.js";
import type { CjClient } from "../cj";
import type { Db } from "../db.server";
import { usableUsdRates } from "../fulfillment/currency.server";
import { parseSplitOrders } from "../fulfillment/tracking/shipments.server";
import type { UsdRate } from "../fulfillment/usd";
import { logger } from "../logger.server";
import { type CjOrderCostRecord, costBreakdown, readCogsEntry } from "./cogs";
import { computeProfit } from "./profit";

const BATCH = 100;
const RETRY_AFTER_FAILURE_MS = 15 * 60_000;
const RETRY_NOT_READY_MS = 30 * 60_000;
const GIVE_UP_DAYS = 14;

export interface CostDeps {
  db: Db;
  ports: { cj(shopId: string): Promise<CjClient> };
  now?: () => Date;
}

/** Fetches the costs of every order due now (at most `limit`); returns how many orders got costs. */
export async function refreshDueOrderCosts(deps: CostDeps, options: { limit?: number } = {}): Promise<number> {
  const now = deps.now?.() ?? new Date();
  const due = await deps.db.order.findMany({
    // An uninstalled shop's orders are left as they are (the app no longer works for it).
    // A merged CJ order's costs are fetched once, for its lead, and shared out (updateOrderProfit).
    where: { costsDueAt: { lte: now }, cjOrderId: { not: null }, mergedIntoId: null, shop: { uninstalledAt: null } },
    select: { id: true, shopId: true, cjOrderId: true, cjSplitOrders: true, paidAt: true },
    orderBy: { costsDueAt: "asc" },
    take: options.limit ?? 500,
  });
  const byShop = new Map<string, typeof due>();
  for (const order of due) byShop.set(order.shopId, [...(byShop.get(order.shopId) ?? []), order]);
  const rates = await usableUsdRates(deps.db, now);
  let stored = 0;
  for (const [shopId, orders] of byShop) stored += await refreshShop(deps, shopId, orders, rates, now);
  await profitsWaitingForRates(deps.db, rates, options.limit ?? 500);
  return stored;
}

/** Orders with CJ's costs whose profit waited for an exchange rate that is known now get it (no CJ call). */
async function profitsWaitingForRates(db: Db, rates: readonly UsdRate[], limit: number): Promise<void> {
  if (rates.length === 0) return;
  const waiting = await db.order.findMany({
    where: { cjCostUsd: { not: null }, profitUsd: null, currency: { in: rates.map((r) => r.currency) } },
    select: { id: true },
    take: limit,
  });
  for (const order of waiting) await updateOrderProfit(db, order.id, rates);
}

type DueOrder = { id: string; cjOrderId: string | null; cjSplitOrders: string | null; paidAt: Date | null };

async function refreshShop(deps: CostDeps, shopId: string, orders: DueOrder[], rates: UsdRate[], now: Date) {
  // Every CJ order code of these orders → the order: the CJ order and the parts of a split.
  const orderOfCode = new Map<string, string>();
  for (const order of orders) {
    if (order.cjOrderId) orderOfCode.set(order.cjOrderId, order.id);
    for (const part of parseSplitOrders(order.cjSplitOrders)) orderOfCode.set(part.cjOrderId, order.id);
  }
  let cj: CjClient;
  try {
    cj = await deps.ports.cj(shopId);
  } catch (error) {
    await failed(deps.db, orders, reasonOf(error), now);
    return 0;
  }
  const codes = [...orderOfCode.keys()];
  const found = new Map<string, CjOrderCostRecord[]>();
  const failedOrders = new Map<string, string>();
  for (let i = 0; i < codes.length; i += BATCH) {
    const batch = codes.slice(i, i + BATCH);
    let entries: Awaited<ReturnType<CjClient["cogs"]["queryCogsBasicDataOrderInfoList"]>>;
    try {
      entries = await cj.cogs.queryCogsBasicDataOrderInfoList({ orderCodesList: batch });
    } catch (error) {
      for (const code of batch) failedOrders.set(orderOfCode.get(code) as string, reasonOf(error));
      continue;
    }
    for (const entry of entries ?? []) {
      const code = entry.orderCode ?? "";
      const orderId = orderOfCode.get(code) ?? orderOfCode.get(entry.originalOrderCode ?? "");
      if (!orderId) continue; // a code nobody asked for
      try {
        found.set(orderId, [...(found.get(orderId) ?? []), readCogsEntry(entry)]);
      } catch (error) {
        failedOrders.set(orderId, reasonOf(error));
      }
    }
  }
  let stored = 0;
  for (const order of orders) {
    const reason = failedOrders.get(order.id);
    const records = found.get(order.id);
    if (reason) {
      await failed(deps.db, [order], reason, now);
    } else if (records?.length) {
      await storeCosts(deps.db, order.id, records, now);
      await updateOrderProfit(deps.db, order.id, rates);
      stored++;
    } else {
      const givenUp = order.paidAt && now.getTime() - order.paidAt.getTime() > GIVE_UP_DAYS * 86_400_000;
      await deps.db.order.update({
        where: { id: order.id },
        data: givenUp
          ? {
              costsDueAt: null,
              costsError: `CJ has no cost data for this order ${GIVE_UP_DAYS} days after payment: check the order in your CJ account (Orders); its profit is not computed.`,
            }
          : { costsDueAt: new Date(now.getTime() + RETRY_NOT_READY_MS) },
      });
    }
  }
  if (stored || failedOrders.size) {
    logger.info({ shopId, stored, failed: failedOrders.size, codes: codes.length }, "CJ order costs refreshed");
  }
  return stored;
}

function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return `CJ's cost data could not be fetched: ${message}. The app tries again in 15 minutes; the order goes on meanwhile.`;
}

/** The reason is kept on the orders; they are tried again later, until GIVE_UP_DAYS after their payment. */
async function failed(db: Db, orders: readonly DueOrder[], reason: string, now: Date) {
  logger.warn({ orders: orders.length, reason }, "CJ order costs not fetched; will try again");
  const old = (o: DueOrder) => Boolean(o.paidAt && now.getTime() - o.paidAt.getTime() > GIVE_UP_DAYS * 86_400_000);
  const retry = orders.filter((o) => !old(o)).map((o) => o.id);
  const givenUp = orders.filter(old).map((o) => o.id);
  if (retry.length) {
    await db.order.updateMany({
      where: { id: { in: retry } },
      data: { costsError: reason, costsDueAt: new Date(now.getTime() + RETRY_AFTER_FAILURE_MS) },
    });
  }
  if (givenUp.length) {
    await db.order.updateMany({
      where: { id: { in: givenUp } },
      data: {
        costsError: `${reason.replace(/ The app tries again.*$/, "")} Not tried again: the order was paid more than ${GIVE_UP_DAYS} days ago. Its costs are in your CJ account (Orders).`,
        costsDueAt: null,
      },
    });
  }
}

/** The order's CJ orders' costs, as CJ gave them now (rows of CJ orders no longer answered are kept). */
async function storeCosts(db: Db, orderId: string, records: readonly CjOrderCostRecord[], now: Date) {
  const before = await db.cjOrderCost.findMany({ where: { orderId }, select: { cjOrderCode: true, raw: true } });
  const known = new Map(before.map((row) => [row.cjOrderCode, row.raw]));
  const changed = records.filter((record) => known.get(record.cjOrderCode) !== record.raw);
  const total = costBreakdown(records).total;
  // A CJ order that was split is answered by its parts (originalOrderCode): they replace its row, never add to it.
  const replaced = records.flatMap((record) => (record.originalOrderCode ? [record.originalOrderCode] : []));
  await db.$transaction([
    db.cjOrderCost.deleteMany({ where: { orderId, cjOrderCode: { in: replaced } } }),
    ...records.map((record) =>
      db.cjOrderCost.upsert({
        where: { orderId_cjOrderCode: { orderId, cjOrderCode: record.cjOrderCode } },
        create: { orderId, ...record, fetchedAt: now },
        update: { ...record, fetchedAt: now },
      }),
    ),
    db.order.update({
      where: { id: orderId },
      data: { costsFetchedAt: now, costsDueAt: null, costsError: null },
    }),
  ]);
  if (changed.length > 0) {
    await db.orderEvent.create({
      data: {
        orderId,
        actor: "cj",
        type: "costs",
        message:
          before.length === 0
            ? `CJ's costs received: ${total} USD for ${records.length === 1 ? "the CJ order" : `${records.length} CJ orders`}`
            : `CJ's costs changed: ${total} USD`,
        data: JSON.stringify(records.map((r) => ({ cjOrderCode: r.cjOrderCode, totalAmount: r.totalAmount }))),
      },
    });
  }
}

/**
 * Revenue (after refunds, in USD), CJ's costs and the profit of one order, from what is stored now. The orders of a
 * merged CJ order (app/stock/merge.server.ts) share its costs, each by its share of their revenue in US dollars
 * (equal shares while a revenue is not known), so the profits add up to the parcel's.
 */
export async function updateOrderProfit(db: Db, orderId: string, rates?: readonly UsdRate[]): Promise<void> {
  const merged = await db.order.findUnique({
    where: { id: orderId },
    select: { mergedIntoId: true, mergeGroupId: true },
  });
  if (merged?.mergeGroupId) {
    const leadId = merged.mergedIntoId ?? orderId;
    const followers = await db.order.findMany({ where: { mergedIntoId: leadId }, select: { id: true } });
    if (followers.length > 0) {
      const ids = [leadId, ...followers.map((f) => f.id)];
      await updateMergedProfits(db, leadId, ids, rates ?? (await usableUsdRates(db)));
      return;
    }
  }
  const order = await db.order.findUnique({
    where: { id: orderId },
    select: {
      currency: true,
      currentTotalPrice: true,
      totalPrice: true,
      costs: true,
      // What CJ billed afterwards (makeup), unless CJ cancelled the bill.
      makeupBills: { where: { status: { not: 3 } }, select: { amount: true } },
    },
  });
  if (!order) return;
  const makeup = order.makeupBills.map((b) => b.amount);
  const breakdown = order.costs.length ? costBreakdown(order.costs, makeup) : null;
  const profit = computeProfit({
    currency: order.currency,
    currentTotalPrice: order.currentTotalPrice,
    totalPrice: order.totalPrice,
    cjCostUsd: breakdown?.total ?? null,
    rates: rates ?? (await usableUsdRates(db)),
  });
  await db.order.update({
    where: { id: orderId },
    data: {
      revenueUsd: profit.revenueUsd,
      cjCostUsd: profit.cjCostUsd,
      profitUsd: profit.profitUsd,
      profitCents: profit.profitCents,
      profitNote: profit.note,
    },
  });
}

async function updateMergedProfits(db: Db, leadId: string, ids: readonly string[], rates: readonly UsdRate[]) {
  const orders = await db.order.findMany({
    where: { id: { in: [...ids] } },
    select: {
      id: true,
      shopifyOrderName: true,
      currency: true,
      currentTotalPrice: true,
      totalPrice: true,
      cjOrderId: true,
      costs: true,
      makeupBills: { where: { status: { not: 3 } }, select: { amount: true } },
    },
  });
  const lead = orders.find((o) => o.id === leadId);
  if (!lead) return;
  const makeup = orders.flatMap((o) => o.makeupBills.map((b) => b.amount));
  const total = lead.costs.length ? costBreakdown(lead.costs, makeup).total : null;
  const revenues = orders.map((o) =>
    computeProfit({
      currency: o.currency,
      currentTotalPrice: o.currentTotalPrice,
      totalPrice: o.totalPrice,
      cjCostUsd: null,
      rates,
    }),
  );
  const known = revenues.every((r) => r.revenueUsd !== null);
  const sum = known ? revenues.reduce((acc, r) => acc.plus(r.revenueUsd as string), new Decimal(0)) : new Decimal(0);
  const shares = orders.map((_, i) =>
    known && sum.gt(0)
      ? new Decimal(revenues[i]?.revenueUsd as string).dividedBy(sum)
      : new Decimal(1).dividedBy(orders.length),
  );
  // Cents are given out so that the shares add up to CJ's total exactly (the last order takes the rounding).
  let given = new Decimal(0);
  for (const [i, order] of orders.entries()) {
    const share = shares[i] as Decimal;
    let cost: string | null = null;
    if (total !== null) {
      const value =
        i === orders.length - 1
          ? new Decimal(total).minus(given)
          : new Decimal(total).times(share).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
      given = given.plus(value);
      cost = value.toFixed(2);
    }
    const profit = computeProfit({
      currency: order.currency,
      currentTotalPrice: order.currentTotalPrice,
      totalPrice: order.totalPrice,
      cjCostUsd: cost,
      rates,
    });
    const note = `${profit.note} Merged CJ order ${lead.cjOrderId ?? ""} with ${orders.length - 1} other order(s): this order's share of CJ's costs is ${share.times(100).toDecimalPlaces(1).toString()}%${known ? " (by revenue)" : " (equal shares until every revenue is known)"}.`;
    await db.order.update({
      where: { id: order.id },
      data: {
        revenueUsd: profit.revenueUsd,
        cjCostUsd: profit.cjCostUsd,
        profitUsd: profit.profitUsd,
        profitCents: profit.profitCents,
        profitNote: note,
      },
    });
  }
}

/**
 * The home page's figures for one shop: connection status (live from CJ's setting/get and getBalance when the
 * account is connected), KPIs, the two charts' series and the onboarding checklist. Read-only.
 */

import Decimal from "decimal.js";
import { cjLevelForQps } from "../cj/levels";
import type { Db } from "../db.server";
import { pointsToday } from "../fulfillment/points.server";
import type { ShopPorts } from "../runtime/deps.server";

const DAY = 86_400_000;
export const CHART_DAYS = 14;

/** Chart groups of states (a dozen stacked series would be unreadable). */
export const CHART_GROUPS = {
  Received: ["RECEIVED", "SUBMITTED", "PAID"],
  Held: ["HELD"],
  "Needs attention": ["NEEDS_ATTENTION", "FAILED"],
  "Awaiting payment": ["AWAITING_PAYMENT"],
  "In transit": ["SHIPPED", "PARTIALLY_FULFILLED", "FULFILLED"],
  Delivered: ["DELIVERED"],
  Cancelled: ["CANCELLED"],
} as const;

export interface Dashboard {
  shop: string;
  cj: {
    connected: boolean;
    qpsLimit: number | null;
    level: string | null;
    webhooksRegisteredAt: string | null;
    balance: { amount: string; frozen: string } | null;
    /** CJ points the app spent today (UTC) for this account, the daily budget, and where quotes pause. */
    points: { used: number; budget: number; quoteLimit: number; quotesPaused: boolean } | null;
    error: string | null;
  };
  kpis: {
    total: number;
    forwardedToday: number;
    awaitingPayment: number;
    awaitingPaymentAmount: string;
    needsAttention: number;
    inTransit: number;
    delivered: number;
    avgDaysToShip: string | null;
  };
  charts: {
    days: string[];
    byState: { name: string; data: { key: string; value: number }[] }[];
    spend: { key: string; value: number }[];
  };
  checklist: { connectCj: boolean; rules: boolean; webhooks: boolean; sandbox: boolean };
}

const dayKey = (d: Date) => d.toISOString().slice(0, 10);

/** `promise`, or an error once `ms` have passed without its answer (a CJ call a page must not wait on forever). */
export async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export async function loadDashboard(
  db: Db,
  ports: ShopPorts,
  shopDomain: string,
  now = new Date(),
): Promise<Dashboard> {
  const shop = await db.shop.findUnique({
    where: { domain: shopDomain },
    include: { cjAccount: true, settings: true },
  });
  const today = new Date(`${dayKey(now)}T00:00:00.000Z`);
  const since = new Date(today.getTime() - (CHART_DAYS - 1) * DAY);
  const days = Array.from({ length: CHART_DAYS }, (_, i) => dayKey(new Date(since.getTime() + i * DAY)));
  const empty: Dashboard = {
    shop: shopDomain,
    cj: {
      connected: false,
      qpsLimit: null,
      level: null,
      webhooksRegisteredAt: null,
      balance: null,
      points: null,
      error: null,
    },
    kpis: {
      total: 0,
      forwardedToday: 0,
      awaitingPayment: 0,
      awaitingPaymentAmount: "0.00",
      needsAttention: 0,
      inTransit: 0,
      delivered: 0,
      avgDaysToShip: null,
    },
    charts: { days, byState: [], spend: days.map((key) => ({ key, value: 0 })) },
    checklist: { connectCj: false, rules: false, webhooks: false, sandbox: false },
  };
  if (!shop) return empty;
  const shopId = shop.id;

  const cj = { ...empty.cj };
  const account = shop.cjAccount;
  if (account) {
    cj.connected = true;
    cj.qpsLimit = account.qpsLimit;
    cj.level = account.accountLevel ?? cjLevelForQps(account.qpsLimit);
    cj.webhooksRegisteredAt = account.webhooksRegisteredAt?.toISOString() ?? null;
    const points = await pointsToday(db, account.id, now);
    cj.points = {
      used: points.used,
      budget: points.budget,
      quoteLimit: points.quoteLimit,
      quotesPaused: points.used >= points.quoteLimit,
    };
    try {
      const client = await ports.cj(shopId);
      const [setting, balance] = await withTimeout(
        Promise.all([client.account.getSettings(), client.payment.getBalance()]),
        8000,
      );
      cj.qpsLimit = setting.setting?.qpsLimit ?? cj.qpsLimit;
      const level = (setting as Record<string, unknown>).level ?? (setting.setting as Record<string, unknown>)?.level;
      if (typeof level === "string" || typeof level === "number") cj.level = String(level);
      // setting/get gives the QPS, not the level; CJ's levels map one to one onto QPS (cj-api-facts "Rate limits").
      cj.level ??= cjLevelForQps(cj.qpsLimit);
      cj.balance = {
        amount: new Decimal(balance.amount ?? 0).toFixed(2),
        frozen: new Decimal(balance.freezeAmount ?? 0).toFixed(2),
      };
    } catch (error) {
      cj.error = (error as Error).message;
    }
  }

  const [grouped, forwardedToday, awaiting, shipped, recent, spent, forwardedEver] = await Promise.all([
    db.order.groupBy({ by: ["state"], where: { shopId }, _count: { _all: true } }),
    db.order.count({ where: { shopId, submittedAt: { gte: today } } }),
    db.order.findMany({ where: { shopId, state: "AWAITING_PAYMENT" }, select: { orderAmount: true }, take: 10_000 }),
    db.order.findMany({
      where: { shopId, shippedAt: { gte: new Date(now.getTime() - 30 * DAY) } },
      select: { createdAt: true, shippedAt: true },
      take: 10_000,
    }),
    db.order.findMany({
      where: { shopId, createdAt: { gte: since } },
      select: { createdAt: true, state: true },
      take: 50_000,
    }),
    db.order.findMany({
      where: { shopId, paidAt: { gte: since }, paidAmount: { not: null } },
      select: { paidAt: true, paidAmount: true },
      take: 50_000,
    }),
    db.order.count({ where: { shopId, cjOrderNumber: { not: null } } }),
  ]);

  const count = (states: readonly string[]) =>
    grouped.filter((g) => states.includes(g.state)).reduce((n, g) => n + g._count._all, 0);
  const awaitingAmount = awaiting.reduce((sum, o) => sum.plus(o.orderAmount ?? 0), new Decimal(0));
  const shipDays = shipped
    .filter((o) => o.shippedAt)
    .map((o) => ((o.shippedAt as Date).getTime() - o.createdAt.getTime()) / DAY);
  const avg = shipDays.length ? shipDays.reduce((a, b) => a + b, 0) / shipDays.length : null;

  const byState = Object.entries(CHART_GROUPS).map(([name, states]) => {
    const perDay = new Map(days.map((d) => [d, 0]));
    for (const o of recent) {
      if ((states as readonly string[]).includes(o.state)) {
        const k = dayKey(o.createdAt);
        perDay.set(k, (perDay.get(k) ?? 0) + 1);
      }
    }
    return { name, data: days.map((key) => ({ key: key.slice(5), value: perDay.get(key) ?? 0 })) };
  });
  const spendPerDay = new Map(days.map((d) => [d, new Decimal(0)]));
  for (const o of spent) {
    const k = dayKey(o.paidAt as Date);
    spendPerDay.set(k, (spendPerDay.get(k) ?? new Decimal(0)).plus(o.paidAmount ?? 0));
  }

  const settingsTouched =
    shop.settings !== null && shop.settings.updatedAt.getTime() - shop.installedAt.getTime() > 2000;
  return {
    shop: shopDomain,
    cj,
    kpis: {
      total: count(grouped.map((g) => g.state)),
      forwardedToday,
      awaitingPayment: awaiting.length,
      awaitingPaymentAmount: awaitingAmount.toFixed(2),
      needsAttention: count(["NEEDS_ATTENTION", "FAILED"]),
      inTransit: count(["SHIPPED", "PARTIALLY_FULFILLED", "FULFILLED"]),
      delivered: count(["DELIVERED"]),
      avgDaysToShip: avg === null ? null : avg.toFixed(1),
    },
    charts: {
      days,
      byState,
      // Chart values are for drawing only; amounts shown as text stay decimal strings.
      spend: days.map((key) => ({
        key: key.slice(5),
        value: (spendPerDay.get(key) ?? new Decimal(0)).toDecimalPlaces(2).toNumber(),
      })),
    },
    checklist: {
      connectCj: Boolean(account),
      rules: settingsTouched,
      webhooks: Boolean(account?.webhooksRegisteredAt),
      sandbox: forwardedEver > 0,
    },
  };
}

import { CjFailure } from "./envelope.js";
import type { Account, EmulatorState, QuotaUsage } from "./state.js";

/**
 * Daily quotas per CJ account (cj-api-facts.md "Rate limits"), counted by the emulator clock and reset at 00:00 UTC:
 * - points: `dailyPoints` a day (CJ: 50,000); freight quotes and product/variant queries cost 10 points each,
 *   everything else 0. A call that would exceed the budget answers 1600201 without running.
 * - unverified accounts: at most `unverifiedDailyCallsPerEndpoint` calls per endpoint a day (CJ: 1,000); over it,
 *   HTTP 429 with code 1600200.
 * The token endpoints (/authentication/*) are not counted.
 */
export const POINT_COSTS: Readonly<Record<string, number>> = {
  "/logistic/freightCalculate": 10,
  "/logistic/freightCalculateTip": 10,
  "/logistic/partnerFreightCalculate": 10,
  "/logistic/getSupplierLogisticsTemplate": 10,
  "/product/variant/query": 10,
  "/product/variant/queryByVid": 10,
  // Not routed by the emulator today (they answer 1600101 before any quota check); priced for when they are.
  "/product/query": 10,
  "/product/list": 10,
  "/product/listV2": 10,
};

export function pointCost(path: string): number {
  return POINT_COSTS[path] ?? 0;
}

export function utcDay(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}

/** The next 00:00 UTC after `epochMs`. */
export function nextUtcMidnight(epochMs: number): number {
  const d = new Date(epochMs);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
}

/** Today's usage of an account, started afresh when the UTC day changed. */
export function usageOf(state: EmulatorState, accountId: string, now: number): QuotaUsage {
  const day = utcDay(now);
  let usage = state.quotas.get(accountId);
  if (!usage || usage.day !== day) {
    usage = { day, pointsUsed: 0, calls: {} };
    state.quotas.set(accountId, usage);
  }
  return usage;
}

/** What the state snapshot and the control API show. */
export interface QuotaView extends QuotaUsage {
  accountId: string;
  dailyPoints: number;
  pointsLeft: number;
  unverified: boolean;
  unverifiedDailyCallsPerEndpoint: number;
  /** ISO, the next 00:00 UTC. */
  resetsAt: string;
}

export function quotaView(state: EmulatorState, account: Account, now: number): QuotaView {
  const usage = usageOf(state, account.id, now);
  return {
    accountId: account.id,
    day: usage.day,
    pointsUsed: usage.pointsUsed,
    dailyPoints: account.dailyPoints,
    pointsLeft: Math.max(0, account.dailyPoints - usage.pointsUsed),
    calls: { ...usage.calls },
    unverified: account.unverified,
    unverifiedDailyCallsPerEndpoint: account.unverifiedDailyCallsPerEndpoint,
    resetsAt: new Date(nextUtcMidnight(now)).toISOString(),
  };
}

/** A CJ failure answered with an HTTP status other than 200 (the unverified daily limit answers 429). */
export class HttpCjFailure extends CjFailure {
  constructor(
    readonly httpStatus: number,
    code: number,
    message: string,
  ) {
    super(code, message);
    this.name = "HttpCjFailure";
  }
}

export function dailyLimitMessage(limit: number): string {
  return `Too Many Requests, Sorry, you have reached the daily request limit (${limit} times/day), please try again tomorrow`;
}

export function quotaUsedUpMessage(dailyPoints: number): string {
  return `Your quota has been used up (${dailyPoints} points/day), please try again after 00:00 UTC`;
}

/**
 * Count one authenticated call (after the QPS limit admitted it) and charge its points; throws when a quota says no.
 * The call counts for its endpoint even when the points then refuse it; points are charged only for calls that run.
 */
export function chargeCall(state: EmulatorState, account: Account, method: string, path: string, now: number): void {
  if (path.startsWith("/authentication/")) return;
  const usage = usageOf(state, account.id, now);
  const endpoint = `${method} ${path}`;
  const calls = usage.calls[endpoint] ?? 0;
  if (account.unverified && calls >= account.unverifiedDailyCallsPerEndpoint) {
    throw new HttpCjFailure(429, 1600200, dailyLimitMessage(account.unverifiedDailyCallsPerEndpoint));
  }
  usage.calls[endpoint] = calls + 1;
  const cost = pointCost(path);
  if (cost === 0) return;
  if (usage.pointsUsed + cost > account.dailyPoints)
    throw new CjFailure(1600201, quotaUsedUpMessage(account.dailyPoints));
  usage.pointsUsed += cost;
}

/**
 * Makeup (supplement) bills, seed 002 §9: CJ bills postage differences and other charges after the fact. A test adds
 * bills (CjEmulator.addMakeupBill); `makeup/list` pages them by type (0 make-up orders, 1 other make-up, with
 * `diffUseType`), `makeup/createPayOrder` turns selected unpaid bills of one type into a payment order (payId and
 * cjPayUrl; the bills become 5 "paying"), and `payBalanceV2` with `orderType` 24 pays that order from the balance
 * (payment.ts; the bills become 4 "completed"). Statuses: 0 to submit, 1 processing, 2 failed, 3 cancelled,
 * 4 completed, 5 paying; 0 and 2 are unpaid.
 */
import Decimal from "decimal.js";
import { accountOf, type EmulatorContext, type Handler } from "./context.js";
import { CjFailure, failure, paramError } from "./envelope.js";
import { newPayId, payUrl } from "./order-model.js";
import type { Account } from "./state.js";

export interface MakeupBill {
  orderCode: string;
  accountId: string;
  cjOrderCode: string;
  status: 0 | 1 | 2 | 3 | 4 | 5;
  amount: string;
  reason: string;
  type: 0 | 1;
  orderType: number;
  diffUseType: 0 | 1 | 2 | 3;
  createAt: number;
}

export interface MakeupPayOrder {
  payOrderCode: string;
  payId: string;
  accountId: string;
  billCodes: string[];
  amount: string;
  paid: boolean;
}

export interface MakeupBillInput {
  accountId: string;
  cjOrderCode: string;
  amount: string;
  reason?: string;
  type?: 0 | 1;
  diffUseType?: 0 | 1 | 2 | 3;
  status?: MakeupBill["status"];
}

const UNPAID = new Set([0, 2]);

export function addMakeupBill(ctx: EmulatorContext, input: MakeupBillInput): MakeupBill {
  const bill: MakeupBill = {
    orderCode: `BK${String(ctx.state.next("makeup")).padStart(12, "0")}`,
    accountId: input.accountId,
    cjOrderCode: input.cjOrderCode,
    status: input.status ?? 0,
    amount: new Decimal(input.amount).toFixed(2),
    reason: input.reason ?? "Postage difference",
    type: input.type ?? 0,
    orderType: 1,
    diffUseType: input.diffUseType ?? 0,
    createAt: ctx.clock.now(),
  };
  ctx.state.makeupBills.set(bill.orderCode, bill);
  return bill;
}

const intParam = (value: unknown, fallback: number | null): number | null => {
  if (value === undefined || value === null || value === "") return fallback;
  if (typeof value !== "number" || !Number.isInteger(value)) throw paramError();
  return value;
};

export const makeupList: Handler = (ctx, req) => {
  const account = accountOf(req);
  const body = (req.body ?? {}) as Record<string, unknown>;
  const pageNum = intParam(body.pageNum, 1) as number;
  const pageSize = intParam(body.pageSize, 10) as number;
  if (pageNum < 1 || pageSize < 1 || pageSize > 200) throw paramError();
  const bills = [...ctx.state.makeupBills.values()].filter((b) => b.accountId === account.id);
  const unpaid = (type: number) => bills.filter((b) => b.type === type && UNPAID.has(b.status));
  let type = intParam(body.type, null);
  if (type !== null && type !== 0 && type !== 1) throw paramError();
  // No type: the first type that has unpaid records.
  type ??= unpaid(0).length === 0 && unpaid(1).length > 0 ? 1 : 0;
  const diffUseType = intParam(body.diffUseType, null);
  if (diffUseType !== null && ![0, 1, 2, 3].includes(diffUseType)) throw paramError();
  const matching = bills
    .filter((b) => b.type === type && (diffUseType === null || diffUseType === 0 || b.diffUseType === diffUseType))
    .sort((a, b) => b.createAt - a.createAt);
  const page = matching.slice((pageNum - 1) * pageSize, pageNum * pageSize);
  const totalAmount = matching.filter((b) => UNPAID.has(b.status)).reduce((s, b) => s.plus(b.amount), new Decimal(0));
  return {
    data: {
      type,
      totalAmount: totalAmount.toNumber(),
      unPaymentCountList: [
        { type: 0, count: unpaid(0).length },
        { type: 1, count: unpaid(1).length },
      ],
      pageData: {
        pageSize,
        pageNumber: pageNum,
        totalRecords: matching.length,
        totalPages: Math.ceil(matching.length / pageSize),
        content: page.map((b) => ({
          orderCode: b.orderCode,
          cjOrderCode: b.cjOrderCode,
          status: b.status,
          amount: Number(b.amount),
          reason: b.reason,
          orderType: b.orderType,
          diffUseType: b.diffUseType,
          createAt: b.createAt,
        })),
      },
    },
  };
};

export const makeupCreatePayOrder: Handler = (ctx, req) => {
  const account = accountOf(req);
  const body = (req.body ?? {}) as Record<string, unknown>;
  const codes = body.orderCodes;
  if (!Array.isArray(codes) || codes.length === 0 || codes.some((c) => typeof c !== "string" || !c)) {
    throw paramError();
  }
  const type = intParam(body.type, 0);
  const diffUseType = intParam(body.diffUseType, 0);
  if (type !== 0 && type !== 1) throw paramError();
  if (type === 1 && ![1, 2, 3].includes(diffUseType ?? 0)) throw paramError();
  if (type === 0 && diffUseType !== 0) throw paramError();
  const bills = (codes as string[]).map((code) => ctx.state.makeupBills.get(code));
  for (const bill of bills) {
    if (!bill || bill.accountId !== account.id || bill.type !== type) throw paramError();
    if (type === 1 && bill.diffUseType !== diffUseType) throw paramError();
    if (!UNPAID.has(bill.status) && bill.status !== 5) {
      throw new CjFailure(1600100, `makeup bill ${bill.orderCode} is not unpaid`);
    }
  }
  const amount = bills.reduce((s, b) => s.plus(b?.amount ?? 0), new Decimal(0));
  const payId = newPayId(ctx);
  const order: MakeupPayOrder = {
    payOrderCode: `MP${String(ctx.state.next("makeupPay")).padStart(14, "0")}`,
    payId,
    accountId: account.id,
    billCodes: codes as string[],
    amount: amount.toFixed(2),
    paid: false,
  };
  ctx.state.makeupPayOrders.set(order.payOrderCode, order);
  for (const bill of bills) if (bill) bill.status = 5;
  return {
    data: {
      payOrderCode: order.payOrderCode,
      payId,
      amount: amount.toNumber(),
      cjPayUrl: payUrl(payId),
      paymentPagePath: `/mine/payment?pid=${payId}`,
    },
  };
};

/** payBalanceV2 with orderType 24: the makeup payment order `payOrderCode`, its payId required. */
export function payMakeupOrder(ctx: EmulatorContext, account: Account, payOrderCode: string, payId: unknown) {
  const order = ctx.state.makeupPayOrders.get(payOrderCode);
  if (!order || order.accountId !== account.id) throw failure(1600300);
  if (typeof payId !== "string" || payId !== order.payId) throw paramError();
  if (order.paid) throw new CjFailure(1603101, "the makeup payment order is paid already");
  const balance = new Decimal(account.balance);
  if (balance.lessThan(order.amount)) throw failure(1604000);
  account.balance = balance.minus(order.amount).toFixed(2);
  settle(ctx, order);
}

/** A paid payment order completes its bills. */
function settle(ctx: EmulatorContext, order: MakeupPayOrder): void {
  order.paid = true;
  for (const code of order.billCodes) {
    const bill = ctx.state.makeupBills.get(code);
    if (bill) bill.status = 4;
  }
}

/** The merchant paid on CJ's page (cjPayUrl): what a test does to stand for it. */
export function payMakeupByLink(ctx: EmulatorContext, payId: string): MakeupPayOrder {
  const order = [...ctx.state.makeupPayOrders.values()].find((o) => o.payId === payId);
  if (!order) throw new Error(`no makeup payment order with payId ${payId}`);
  settle(ctx, order);
  return order;
}

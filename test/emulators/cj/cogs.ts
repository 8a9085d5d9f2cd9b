/**
 * COGS basic data (seed 002 §4.1): for each CJ order code asked (the CJ order id createOrder answered), its costs
 * under CJ's one- and two-letter keys. Only paid orders have COGS data; an order CJ split answers with its parts
 * (`originalOrderCode` = the order they came from). Unknown or unpaid codes are left out of the answer. Extra costs
 * (taxes `k`, disputes `x`, fees `rr`/`tt`/`yy`) are what a test set on the order (CjEmulator.setOrderCosts).
 */
import { accountOf, type Handler } from "./context.js";
import { paramError } from "./envelope.js";
import type { Order } from "./state.js";

/** What CJ adds to an order's costs after the fact; amounts in USD. */
export interface OrderCostExtras {
  /** `k` (taxesInfo): its fields as CJ names them. */
  taxes?: Record<string, number>;
  /** `x` (disputeInfoMap): disputeId → DisputeInfo (q, e, r, t, y, u, p, s, d: final refunds). */
  disputes?: Record<string, Record<string, number>>;
  outStockFee?: number;
  storageFee?: number;
  /** `yy` (resendParcelFeeMap): parcel → fee. */
  resendFees?: Record<string, number>;
  reissue?: boolean;
}

const localDateTime = (epochMs: number) => new Date(epochMs).toISOString().slice(0, 19);

function entryOf(order: Order, accountId: string): Record<string, unknown> {
  const extras: OrderCostExtras = order.costExtras ?? {};
  const paid = localDateTime(order.paidAt ?? 0);
  const products: Record<string, unknown> = {};
  for (const line of order.lines) {
    products[line.lineItemId] = {
      pc: line.vid,
      w: line.sku,
      t: Number(line.sellPrice),
      y: line.quantity,
      u: "0",
      h: 0,
    };
  }
  return {
    cogsBasicDataOrderInfoJson: {
      a: order.shipmentOrderId,
      c: null,
      d: 1,
      f: Number(order.postageAmount),
      g: Number(order.orderAmount),
      h: Number(order.productAmount),
      j: paid,
      ...(extras.taxes ? { k: extras.taxes } : {}),
      z: products,
      ...(extras.disputes ? { x: extras.disputes } : {}),
      m: order.splitFrom ? 1 : 0,
      isReissue: extras.reissue ? 1 : 0,
      ...(extras.outStockFee !== undefined ? { rr: extras.outStockFee } : {}),
      ...(extras.storageFee !== undefined ? { tt: extras.storageFee } : {}),
      ...(extras.resendFees ? { yy: extras.resendFees } : {}),
      uu: 0,
      ii: "38",
      pp: order.shippingCountryCode,
    },
    orderCode: order.orderId,
    originalOrderCode: order.splitFrom ?? "",
    paymentDate: paid,
    userId: accountId,
  };
}

export const queryCogsBasicDataOrderInfoList: Handler = (ctx, req) => {
  const account = accountOf(req);
  const body = req.body as Record<string, unknown> | null;
  const codes = body?.orderCodesList;
  if (!Array.isArray(codes) || codes.length === 0 || codes.some((c) => typeof c !== "string" || !c.trim())) {
    throw paramError();
  }
  const answered = new Set<string>();
  const data: Record<string, unknown>[] = [];
  const add = (order: Order | undefined) => {
    if (!order || order.deleted || order.paidAt === null || answered.has(order.orderId)) return;
    answered.add(order.orderId);
    data.push(entryOf(order, account.id));
  };
  for (const code of codes as string[]) {
    const order = ctx.state.ordersOf(account.id).find((o) => o.orderId === code.trim());
    if (!order) continue;
    if (order.splitInto.length > 0) {
      for (const part of order.splitInto) add(ctx.state.ordersOf(account.id).find((o) => o.orderId === part));
    } else add(order);
  }
  return { data };
};

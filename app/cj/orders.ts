/** Shopping §1: orders (seed 002). */
import pRetry from "p-retry";
import type { z } from "zod";
import { jsonEndpoint } from "./endpoint";
import { CJ_CODE, CjApiError } from "./errors";
import {
  type CjCreateOrderV2Request,
  type CjOrderDetailRequest,
  type CjOrderListRequest,
  changeWarehouseRequest,
  cjOrderIdListRequest,
  createOrderV2Request,
  createOrderV3Request,
  orderDetailRequest,
  orderIdRequest,
  orderListRequest,
  sandboxUpdateStatusRequest,
  shipmentOrderIdRequest,
  simulatePayRequest,
  validateCjRequest,
} from "./requests";
import {
  addCartConfirmSchema,
  addCartSchema,
  booleanDataSchema,
  type CjCreateOrderResult,
  type CjOrderDetail,
  createOrderSchema,
  orderDetailSchema,
  orderIdDataSchema,
  orderListSchema,
  saveGenerateParentOrderSchema,
} from "./responses";
import type { CjTransport } from "./transport.server";

const P = {
  createOrderV2: "/shopping/order/createOrderV2",
  createOrderV3: "/shopping/order/createOrderV3",
  addCart: "/shopping/order/addCart",
  addCartConfirm: "/shopping/order/addCartConfirm",
  saveGenerateParentOrder: "/shopping/order/saveGenerateParentOrder",
  list: "/shopping/order/list",
  getOrderDetail: "/shopping/order/getOrderDetail",
  deleteOrder: "/shopping/order/deleteOrder",
  confirmOrder: "/shopping/order/confirmOrder",
  changeWarehouse: "/shopping/order/changeWarehouse",
  simulatePay: "/shopping/sandbox/simulatePay",
  updateStatus: "/shopping/sandbox/updateStatus",
} as const;

/**
 * Result of createOrderV2. `recovered: true` means the create answer was lost (timeout, network error, 5xx,
 * busy) and the order was found by its orderNumber with getOrderDetail instead of being created a second time.
 */
export type CjCreateOrderV2Outcome =
  | { recovered: false; orderId: string | null; created: CjCreateOrderResult }
  | { recovered: true; orderId: string | null; existing: CjOrderDetail };

export interface CjCreateOrderV2Options {
  /** Tries in all (default 3). */
  maxTries?: number;
  /** First backoff delay before looking the order up and trying again (default 500 ms). */
  minTimeoutMs?: number;
}

/** CJ's shortest limit window (QPS): what a 1600200 without Retry-After makes us wait. */
const RATE_LIMIT_WINDOW_MS = 1_000;

const sleep = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms);
  });

/** getOrderDetail's "order not found" answers: 1600300 "order not found" (002 §1.7), 1603100 (ps-code table). */
function isOrderNotFound(error: unknown): boolean {
  if (!(error instanceof CjApiError)) return false;
  if (error.code === CJ_CODE.orderNotFound) return true;
  return error.code === CJ_CODE.illegalParameter && /not\s*found|not\s*exist/i.test(error.message);
}

export function createCjOrdersApi(transport: CjTransport) {
  const getOrderDetail = async (input: CjOrderDetailRequest): Promise<CjOrderDetail | null> => {
    const query = validateCjRequest(P.getOrderDetail, orderDetailRequest, input);
    return transport.call({ method: "GET", path: P.getOrderDetail, query, data: orderDetailSchema.nullable() });
  };

  /** The order with this CJ order id or our own orderNumber (002 §1.7 "support: Custom order id"), or null. */
  const findOrder = async (orderIdOrNumber: string): Promise<CjOrderDetail | null> => {
    try {
      return await getOrderDetail({ orderId: orderIdOrNumber });
    } catch (error) {
      if (isOrderNotFound(error)) return null;
      throw error;
    }
  };

  return {
    /**
     * 002 §1.1. Never retried blindly (cj-api-facts "Orders"): when an attempt fails without a usable answer
     * (network error, timeout, 5xx, 1600000, 1600200, a success answer that could not be read), the order is looked up by `orderNumber` first and returned
     * with `recovered: true` if CJ has it; it is created again only when CJ says it does not exist.
     */
    async createOrderV2(
      input: CjCreateOrderV2Request,
      options: CjCreateOrderV2Options = {},
    ): Promise<CjCreateOrderV2Outcome> {
      const body = validateCjRequest(P.createOrderV2, createOrderV2Request, input);
      return pRetry(
        async (attempt): Promise<CjCreateOrderV2Outcome> => {
          if (attempt > 1) {
            const existing = await findOrder(body.orderNumber);
            if (existing) return { recovered: true, orderId: existing.orderId, existing };
          }
          const created = await transport.call({
            method: "POST",
            path: P.createOrderV2,
            json: body,
            data: createOrderSchema,
            retries: 0,
          });
          return { recovered: false, orderId: created.orderId, created };
        },
        {
          retries: (options.maxTries ?? 3) - 1,
          minTimeout: options.minTimeoutMs ?? 500,
          randomize: true,
          // An answer that could not be read is retried like a lost one: the next try looks the order up first.
          shouldRetry: ({ error }) =>
            error instanceof CjApiError &&
            (error.kind === "retryable" || error.kind === "rate_limited" || error.kind === "unreadable"),
          // 1600200 / 429 block the caller for the rest of the limit window (cj-api-facts "Error codes"), as in the
          // transport: the backoff alone (from 500 ms) would hit the same window again.
          onFailedAttempt: async ({ error, retriesLeft }) => {
            if (error instanceof CjApiError && error.kind === "rate_limited" && retriesLeft > 0) {
              await sleep(Math.min(error.retryAfterMs ?? RATE_LIMIT_WINDOW_MS, 10_000));
            }
          },
        },
      );
    },
    /** 002 §1.2. Same body as V2 without payType; retried only like V2 would be, so not retried at all here. */
    createOrderV3: async (input: z.input<typeof createOrderV3Request>): Promise<CjCreateOrderResult> =>
      transport.call({
        method: "POST",
        path: P.createOrderV3,
        json: validateCjRequest(P.createOrderV3, createOrderV3Request, input),
        data: createOrderSchema,
        retries: 0,
      }),
    /** 002 §1.3. */
    addCart: jsonEndpoint(transport, "POST", P.addCart, cjOrderIdListRequest, addCartSchema),
    /**
     * 002 §1.4: returns `shipmentsId`. Not repeated blindly: a confirmation whose answer was lost went through, and a
     * second one is refused (1603001); the payment job re-reads the order from CJ instead.
     */
    addCartConfirm: jsonEndpoint(transport, "POST", P.addCartConfirm, cjOrderIdListRequest, addCartConfirmSchema, {
      retries: 0,
    }),
    /** 002 §1.5: returns `payId` and `paymentInformation`. */
    saveGenerateParentOrder: jsonEndpoint(
      transport,
      "POST",
      P.saveGenerateParentOrder,
      shipmentOrderIdRequest,
      saveGenerateParentOrderSchema,
    ),
    /** 002 §1.6 (`orderIds` sent as repeated keys). */
    list: async (input: CjOrderListRequest = {}) =>
      transport.call({
        method: "GET",
        path: P.list,
        query: validateCjRequest(P.list, orderListRequest, input),
        data: orderListSchema,
      }),
    /** 002 §1.7 (`features` sent as repeated keys). `null` when CJ answers success without data. */
    getOrderDetail,
    findOrder,
    /** 002 §1.8: only CREATED or IN_CART orders. Returns the deleted order id. */
    deleteOrder: async (orderId: string) =>
      transport.call({
        method: "DELETE",
        path: P.deleteOrder,
        query: validateCjRequest(P.deleteOrder, orderIdRequest, { orderId }),
        data: orderIdDataSchema,
      }),
    /** 002 §1.9. Returns the confirmed order id. */
    confirmOrder: jsonEndpoint(transport, "PATCH", P.confirmOrder, orderIdRequest, orderIdDataSchema),
    /** 002 §1.10. */
    changeWarehouse: jsonEndpoint(transport, "POST", P.changeWarehouse, changeWarehouseRequest, booleanDataSchema),
    /** 002 §1.11 (sandbox orders only). */
    simulatePay: jsonEndpoint(transport, "POST", P.simulatePay, simulatePayRequest, booleanDataSchema),
    /** 002 §1.12 (sandbox orders only; 300→400→500→600→700). */
    updateSandboxStatus: jsonEndpoint(transport, "POST", P.updateStatus, sandboxUpdateStatusRequest, booleanDataSchema),
  };
}
export type CjOrdersApi = ReturnType<typeof createCjOrdersApi>;

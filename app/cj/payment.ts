/** Shopping §2: payment (seed 002; payBalanceV2 order types from §7.9). */
import { jsonEndpoint } from "./endpoint";
import { payBalanceRequest, payBalanceV2Request } from "./requests";
import { balanceSchema, payResultSchema } from "./responses";
import type { CjTransport } from "./transport.server";

/** Payments move money: a lost answer is not retried automatically (check the order status instead). */
export function createCjPaymentApi(transport: CjTransport) {
  return {
    /** 002 §2.1: `amount`, `noWithdrawalAmount`, `freezeAmount` as canonical decimal strings. */
    getBalance: () => transport.call({ method: "GET", path: "/shopping/pay/getBalance", data: balanceSchema }),
    /** 002 §2.2: pays one order from the balance (not for parent orders with several sub-orders). */
    payBalance: jsonEndpoint(transport, "POST", "/shopping/pay/payBalance", payBalanceRequest, payResultSchema, {
      retries: 0,
    }),
    /**
     * 002 §2.3 / §7.9: pays a parent order (`shipmentOrderId` + optional `payId`); `orderType` 9 = private
     * inventory order, 24 = makeup bill (then `payId` is required), omitted = dropshipping order.
     */
    payBalanceV2: jsonEndpoint(transport, "POST", "/shopping/pay/payBalanceV2", payBalanceV2Request, payResultSchema, {
      retries: 0,
    }),
  };
}
export type CjPaymentApi = ReturnType<typeof createCjPaymentApi>;

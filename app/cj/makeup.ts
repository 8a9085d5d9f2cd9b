/** Shopping §9: makeup (supplement) payments (seed 002). Pay with payment.payBalanceV2 and orderType 24. */
import { jsonEndpoint } from "./endpoint";
import { makeupCreatePayOrderRequest, makeupListRequest } from "./requests";
import { makeupListSchema, makeupPayOrderSchema } from "./responses";
import type { CjTransport } from "./transport.server";

export function createCjMakeupApi(transport: CjTransport) {
  return {
    /** 002 §9.2. */
    list: jsonEndpoint(transport, "POST", "/shopping/makeup/list", makeupListRequest, makeupListSchema),
    /** 002 §9.3: returns `payOrderCode`, `payId` and `cjPayUrl`; creates a payment order, so not retried. */
    createPayOrder: jsonEndpoint(
      transport,
      "POST",
      "/shopping/makeup/createPayOrder",
      makeupCreatePayOrderRequest,
      makeupPayOrderSchema,
      { retries: 0 },
    ),
  };
}
export type CjMakeupApi = ReturnType<typeof createCjMakeupApi>;

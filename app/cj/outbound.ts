/** Shopping §8: private inventory outbound orders (seed 002). */
import { emptyBodyEndpoint, jsonEndpoint } from "./endpoint";
import {
  outboundBatchRefreshRequest,
  outboundCancelRequest,
  outboundCreateRequest,
  outboundOrderIdRequest,
  outboundProductQueryRequest,
} from "./requests";
import {
  addressListSchema,
  outboundCancelSchema,
  outboundCreateSchema,
  outboundDetailSchema,
  outboundProductsSchema,
  outboundProgressSchema,
  outboundRefreshSchema,
  outboundSubmitSchema,
} from "./responses";
import type { CjTransport } from "./transport.server";

const BASE = "/shopping/privateInventory/outbound";

export function createCjOutboundApi(transport: CjTransport) {
  return {
    /** 002 §8.2. */
    listAddresses: emptyBodyEndpoint(transport, `${BASE}/address/list`, addressListSchema),
    /** 002 §8.3. */
    queryProducts: jsonEndpoint(
      transport,
      "POST",
      `${BASE}/product/query`,
      outboundProductQueryRequest,
      outboundProductsSchema,
    ),
    /** 002 §8.4. */
    batchRefresh: jsonEndpoint(
      transport,
      "POST",
      `${BASE}/product/batch-refresh`,
      outboundBatchRefreshRequest,
      outboundRefreshSchema,
    ),
    /** 002 §8.5: create (or update with `orderId`); not retried automatically. */
    create: jsonEndpoint(transport, "POST", `${BASE}/create`, outboundCreateRequest, outboundCreateSchema, {
      retries: 0,
    }),
    /** 002 §8.6. */
    progress: jsonEndpoint(transport, "POST", `${BASE}/progress`, outboundOrderIdRequest, outboundProgressSchema),
    /**
     * 002 §8.7. A lock failure answers 1603001 with `data.lockFails`: it surfaces as a permanent CjApiError; call
     * `detail`, adjust the quantities, `create` again with the same orderId, then submit.
     */
    submit: jsonEndpoint(transport, "POST", `${BASE}/submit`, outboundOrderIdRequest, outboundSubmitSchema),
    /** 002 §8.8. */
    detail: jsonEndpoint(transport, "POST", `${BASE}/detail`, outboundOrderIdRequest, outboundDetailSchema),
    /** 002 §8.9. */
    cancel: jsonEndpoint(transport, "POST", `${BASE}/cancel`, outboundCancelRequest, outboundCancelSchema),
  };
}
export type CjOutboundApi = ReturnType<typeof createCjOutboundApi>;

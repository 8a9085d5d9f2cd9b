/** Shopping §7: private inventory orders (seed 002). Pay with payment.payBalanceV2 and orderType 9. */
import { jsonEndpoint } from "./endpoint";
import {
  privateAddToCartRequest,
  privateConfirmationRequest,
  privateConfirmationWithCostRequest,
  privateCostInfoRequest,
  privateCreateOrderRequest,
  privateGetCartRequest,
  privateLogisticsRequest,
  privateOrderListRequest,
  privateRemoveFromCartRequest,
} from "./requests";
import {
  privateAddToCartSchema,
  privateCartSchema,
  privateConfirmationSchema,
  privateConfirmationWithCostSchema,
  privateCostInfoSchema,
  privateCreateOrderSchema,
  privateLogisticsSchema,
  privateOrderListSchema,
  privateRemoveFromCartSchema,
} from "./responses";
import type { CjTransport } from "./transport.server";

const BASE = "/shopping/privateInventory";

export function createCjInventoryApi(transport: CjTransport) {
  return {
    /** 002 §7.1. */
    addToCart: jsonEndpoint(transport, "POST", `${BASE}/addToCart`, privateAddToCartRequest, privateAddToCartSchema),
    /** 002 §7.2 (an empty body lists everything). */
    getCart: jsonEndpoint(transport, "POST", `${BASE}/getCart`, privateGetCartRequest, privateCartSchema),
    /** 002 §7.3. */
    removeFromCart: jsonEndpoint(
      transport,
      "POST",
      `${BASE}/removeFromCart`,
      privateRemoveFromCartRequest,
      privateRemoveFromCartSchema,
    ),
    /** 002 §7.4. */
    getConfirmation: jsonEndpoint(
      transport,
      "POST",
      `${BASE}/getConfirmation`,
      privateConfirmationRequest,
      privateConfirmationSchema,
    ),
    /** 002 §7.5. */
    listLogistics: jsonEndpoint(
      transport,
      "POST",
      `${BASE}/logistics/list`,
      privateLogisticsRequest,
      privateLogisticsSchema,
    ),
    /** 002 §7.6. */
    getCostInfo: jsonEndpoint(transport, "POST", `${BASE}/getCostInfo`, privateCostInfoRequest, privateCostInfoSchema),
    /** 002 §7.7: call without storageId, then with it, then with logisticName. */
    getConfirmationWithCost: jsonEndpoint(
      transport,
      "POST",
      `${BASE}/getConfirmationWithCost`,
      privateConfirmationWithCostRequest,
      privateConfirmationWithCostSchema,
    ),
    /** 002 §7.8: creates an order, so never retried automatically. */
    createOrder: jsonEndpoint(
      transport,
      "POST",
      `${BASE}/createOrder`,
      privateCreateOrderRequest,
      privateCreateOrderSchema,
      { retries: 0 },
    ),
    /** 002 §7.10. */
    listOrders: jsonEndpoint(transport, "POST", `${BASE}/order/list`, privateOrderListRequest, privateOrderListSchema),
  };
}

export type CjInventoryApi = ReturnType<typeof createCjInventoryApi>;

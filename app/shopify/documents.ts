import * as fulfillments from "./fulfillments";
import * as orders from "./orders";
import * as products from "./products";

/** Every Admin GraphQL document the app sends, by operation name. */
export const adminDocuments = {
  GetOrderForForwarding: orders.GetOrderForForwarding,
  GetOrderLineItemsPage: orders.GetOrderLineItemsPage,
  GetOrderFulfillmentOrdersPage: orders.GetOrderFulfillmentOrdersPage,
  GetFulfillmentOrderLineItemsPage: orders.GetFulfillmentOrderLineItemsPage,
  GetFulfillmentOrders: orders.GetFulfillmentOrders,
  RecentPaidOrders: orders.RecentPaidOrders,
  GetOrderFulfillments: fulfillments.GetOrderFulfillments,
  FulfillmentCreate: fulfillments.FulfillmentCreate,
  FulfillmentTrackingInfoUpdate: fulfillments.FulfillmentTrackingInfoUpdate,
  FulfillmentEventCreate: fulfillments.FulfillmentEventCreate,
  ProductVariantsPage: products.ProductVariantsPage,
  GetProductVariant: products.GetProductVariant,
  ProductVariantsByIds: products.ProductVariantsByIds,
} as const;

import type { AdminGraphql, UserError } from "./graphql";

const fulfillmentFields = /* GraphQL */ `
  fragment TrackedFulfillment on Fulfillment {
    id
    name
    status
    displayStatus
    createdAt
    updatedAt
    trackingInfo(first: 5) {
      company
      number
      url
    }
    fulfillmentLineItems(first: 20) {
      pageInfo {
        hasNextPage
      }
      nodes {
        id
        quantity
        lineItem {
          id
          sku
        }
      }
    }
  }
`;

export const GetOrderFulfillments = /* GraphQL */ `
  query GetOrderFulfillments($orderId: ID!) {
    order(id: $orderId) {
      id
      displayFulfillmentStatus
      fulfillments(first: 10) {
        ...TrackedFulfillment
      }
    }
  }
  ${fulfillmentFields}
`;

export const FulfillmentCreate = /* GraphQL */ `
  mutation FulfillmentCreate($fulfillment: FulfillmentInput!, $message: String) {
    fulfillmentCreate(fulfillment: $fulfillment, message: $message) {
      fulfillment {
        ...TrackedFulfillment
      }
      userErrors {
        field
        message
      }
    }
  }
  ${fulfillmentFields}
`;

export const FulfillmentTrackingInfoUpdate = /* GraphQL */ `
  mutation FulfillmentTrackingInfoUpdate(
    $fulfillmentId: ID!
    $trackingInfoInput: FulfillmentTrackingInput!
    $notifyCustomer: Boolean
  ) {
    fulfillmentTrackingInfoUpdate(
      fulfillmentId: $fulfillmentId
      trackingInfoInput: $trackingInfoInput
      notifyCustomer: $notifyCustomer
    ) {
      fulfillment {
        ...TrackedFulfillment
      }
      userErrors {
        field
        message
      }
    }
  }
  ${fulfillmentFields}
`;

export const FulfillmentEventCreate = /* GraphQL */ `
  mutation FulfillmentEventCreate($fulfillmentEvent: FulfillmentEventInput!) {
    fulfillmentEventCreate(fulfillmentEvent: $fulfillmentEvent) {
      fulfillmentEvent {
        id
        status
        message
        happenedAt
        estimatedDeliveryAt
      }
      userErrors {
        field
        message
      }
    }
  }
`;

// --- types -----------------------------------------------------------------------------------------------------

export type FulfillmentEventStatus =
  | "ATTEMPTED_DELIVERY"
  | "CARRIER_PICKED_UP"
  | "CONFIRMED"
  | "DELAYED"
  | "DELIVERED"
  | "FAILURE"
  | "IN_TRANSIT"
  | "LABEL_PRINTED"
  | "LABEL_PURCHASED"
  | "OUT_FOR_DELIVERY"
  | "READY_FOR_PICKUP";

export interface ShopifyTrackingInfo {
  company: string | null;
  number: string | null;
  url: string | null;
}

export interface ShopifyFulfillment {
  id: string;
  name: string;
  status: "CANCELLED" | "ERROR" | "FAILURE" | "SUCCESS";
  displayStatus: string | null;
  createdAt: string;
  updatedAt: string;
  trackingInfo: ShopifyTrackingInfo[];
  fulfillmentLineItems: {
    pageInfo: { hasNextPage: boolean };
    nodes: { id: string; quantity: number | null; lineItem: { id: string; sku: string | null } }[];
  };
}

export interface ShopifyFulfillmentEvent {
  id: string;
  status: FulfillmentEventStatus;
  message: string | null;
  happenedAt: string;
  estimatedDeliveryAt: string | null;
}

/**
 * `company` must be spelled as in Shopify's carrier list (FulfillmentTrackingInfo.company in the schema) for
 * Shopify to build the tracking link; for other carriers (CJPacket, Yanwen, …) also pass `url`.
 */
export interface TrackingInput {
  company?: string | null;
  number?: string | null;
  numbers?: string[];
  url?: string | null;
  urls?: string[];
}

export interface CreateFulfillmentInput {
  /** All fulfillment orders must belong to one order and one location (shopify.dev, fulfillmentCreate). */
  lineItemsByFulfillmentOrder: {
    fulfillmentOrderId: string;
    /** Omit to fulfill everything that remains on the fulfillment order. */
    fulfillmentOrderLineItems?: { id: string; quantity: number }[];
  }[];
  tracking?: TrackingInput;
  notifyCustomer?: boolean;
  message?: string;
}

export interface FulfillmentResult {
  fulfillment: ShopifyFulfillment | null;
  userErrors: UserError[];
}

// --- wrappers --------------------------------------------------------------------------------------------------

function trackingVariables(tracking: TrackingInput): Record<string, unknown> {
  return Object.fromEntries(Object.entries(tracking).filter(([, value]) => value !== undefined && value !== null));
}

export async function getOrderFulfillments(
  admin: AdminGraphql,
  orderId: string,
): Promise<{ orderId: string; displayFulfillmentStatus: string; fulfillments: ShopifyFulfillment[] } | null> {
  const { data } = await admin.request<{
    order: { id: string; displayFulfillmentStatus: string; fulfillments: ShopifyFulfillment[] } | null;
  }>(GetOrderFulfillments, { orderId });
  if (!data.order) return null;
  return {
    orderId: data.order.id,
    displayFulfillmentStatus: data.order.displayFulfillmentStatus,
    fulfillments: data.order.fulfillments,
  };
}

export async function createFulfillment(
  admin: AdminGraphql,
  input: CreateFulfillmentInput,
): Promise<FulfillmentResult> {
  const fulfillment: Record<string, unknown> = {
    lineItemsByFulfillmentOrder: input.lineItemsByFulfillmentOrder,
    notifyCustomer: input.notifyCustomer ?? false,
  };
  if (input.tracking) fulfillment.trackingInfo = trackingVariables(input.tracking);
  const { data } = await admin.request<{ fulfillmentCreate: FulfillmentResult }>(FulfillmentCreate, {
    fulfillment,
    message: input.message ?? null,
  });
  return data.fulfillmentCreate;
}

export async function updateFulfillmentTracking(
  admin: AdminGraphql,
  input: { fulfillmentId: string; tracking: TrackingInput; notifyCustomer?: boolean },
): Promise<FulfillmentResult> {
  const { data } = await admin.request<{ fulfillmentTrackingInfoUpdate: FulfillmentResult }>(
    FulfillmentTrackingInfoUpdate,
    {
      fulfillmentId: input.fulfillmentId,
      trackingInfoInput: trackingVariables(input.tracking),
      notifyCustomer: input.notifyCustomer ?? false,
    },
  );
  return data.fulfillmentTrackingInfoUpdate;
}

export interface FulfillmentEventInput {
  fulfillmentId: string;
  status: FulfillmentEventStatus;
  message?: string;
  happenedAt?: string;
  estimatedDeliveryAt?: string;
  city?: string;
  province?: string;
  country?: string;
  zip?: string;
}

export async function createFulfillmentEvent(
  admin: AdminGraphql,
  input: FulfillmentEventInput,
): Promise<{ fulfillmentEvent: ShopifyFulfillmentEvent | null; userErrors: UserError[] }> {
  const { data } = await admin.request<{
    fulfillmentEventCreate: { fulfillmentEvent: ShopifyFulfillmentEvent | null; userErrors: UserError[] };
  }>(FulfillmentEventCreate, { fulfillmentEvent: input });
  return data.fulfillmentEventCreate;
}

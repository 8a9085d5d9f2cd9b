import type { AdminGraphql, Money } from "./graphql";

// Page sizes keep every document under Shopify's single-query cost limit of 1000 points (checked in
// test/unit/shopify/documents.test.ts); `pageInfo.hasNextPage` tells the caller when an order is larger.

const fulfillmentOrderFields = /* GraphQL */ `
  fragment ForwardingFulfillmentOrder on FulfillmentOrder {
    id
    status
    requestStatus
    updatedAt
    supportedActions {
      action
    }
    fulfillmentHolds {
      reason
      reasonNotes
    }
    assignedLocation {
      name
      countryCode
      location {
        id
      }
    }
    lineItems(first: 50) {
      pageInfo {
        hasNextPage
      }
      nodes {
        id
        remainingQuantity
        totalQuantity
        lineItem {
          id
          sku
        }
      }
    }
  }
`;

export const GetOrderForForwarding = /* GraphQL */ `
  query GetOrderForForwarding($id: ID!) {
    order(id: $id) {
      id
      name
      email
      phone
      createdAt
      updatedAt
      processedAt
      cancelledAt
      cancelReason
      closed
      test
      note
      tags
      displayFinancialStatus
      displayFulfillmentStatus
      currencyCode
      totalPriceSet {
        shopMoney {
          amount
          currencyCode
        }
        presentmentMoney {
          amount
          currencyCode
        }
      }
      subtotalPriceSet {
        shopMoney {
          amount
          currencyCode
        }
      }
      totalShippingPriceSet {
        shopMoney {
          amount
          currencyCode
        }
      }
      customer {
        id
        firstName
        lastName
        defaultEmailAddress {
          emailAddress
        }
        defaultPhoneNumber {
          phoneNumber
        }
      }
      risk {
        recommendation
        assessments {
          riskLevel
        }
      }
      shippingAddress {
        name
        firstName
        lastName
        company
        address1
        address2
        city
        province
        provinceCode
        country
        countryCodeV2
        zip
        phone
      }
      lineItems(first: 50) {
        pageInfo {
          hasNextPage
        }
        nodes {
          id
          name
          title
          variantTitle
          sku
          quantity
          currentQuantity
          refundableQuantity
          nonFulfillableQuantity
          unfulfilledQuantity
          requiresShipping
          isGiftCard
          image {
            url
          }
          originalUnitPriceSet {
            shopMoney {
              amount
              currencyCode
            }
          }
          variant {
            id
            sku
            title
          }
          product {
            id
          }
        }
      }
      fulfillmentOrders(first: 5) {
        pageInfo {
          hasNextPage
        }
        nodes {
          ...ForwardingFulfillmentOrder
        }
      }
    }
  }
  ${fulfillmentOrderFields}
`;

export const GetFulfillmentOrders = /* GraphQL */ `
  query GetFulfillmentOrders($orderId: ID!) {
    order(id: $orderId) {
      id
      name
      displayFulfillmentStatus
      fulfillmentOrders(first: 8) {
        pageInfo {
          hasNextPage
        }
        nodes {
          ...ForwardingFulfillmentOrder
        }
      }
    }
  }
  ${fulfillmentOrderFields}
`;

export const RecentPaidOrders = /* GraphQL */ `
  query RecentPaidOrders($first: Int!, $after: String, $query: String) {
    orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        id
        name
        createdAt
        updatedAt
        cancelledAt
        test
        displayFinancialStatus
        displayFulfillmentStatus
      }
    }
  }
`;

// --- result types (mirror the selections above) ----------------------------------------------------------------

export type FinancialStatus =
  | "AUTHORIZED"
  | "EXPIRED"
  | "PAID"
  | "PARTIALLY_PAID"
  | "PARTIALLY_REFUNDED"
  | "PENDING"
  | "REFUNDED"
  | "VOIDED";

export type FulfillmentOrderStatus =
  | "CANCELLED"
  | "CLOSED"
  | "INCOMPLETE"
  | "IN_PROGRESS"
  | "ON_HOLD"
  | "OPEN"
  | "SCHEDULED";

export type RiskLevel = "HIGH" | "LOW" | "MEDIUM" | "NONE" | "PENDING";

export interface ShopifyMailingAddress {
  name: string | null;
  firstName: string | null;
  lastName: string | null;
  company: string | null;
  address1: string | null;
  address2: string | null;
  city: string | null;
  province: string | null;
  provinceCode: string | null;
  country: string | null;
  countryCodeV2: string | null;
  zip: string | null;
  phone: string | null;
}

export interface ShopifyFulfillmentOrder {
  id: string;
  status: FulfillmentOrderStatus;
  requestStatus: string;
  updatedAt: string;
  supportedActions: { action: string }[];
  fulfillmentHolds: { reason: string; reasonNotes: string | null }[];
  assignedLocation: { name: string; countryCode: string; location: { id: string } | null };
  lineItems: {
    pageInfo: { hasNextPage: boolean };
    nodes: {
      id: string;
      remainingQuantity: number;
      totalQuantity: number;
      lineItem: { id: string; sku: string | null };
    }[];
  };
}

export interface ShopifyOrderLineItem {
  id: string;
  name: string;
  title: string;
  variantTitle: string | null;
  sku: string | null;
  quantity: number;
  currentQuantity: number;
  refundableQuantity: number;
  nonFulfillableQuantity: number;
  unfulfilledQuantity: number;
  requiresShipping: boolean;
  isGiftCard: boolean;
  image: { url: string } | null;
  originalUnitPriceSet: { shopMoney: Money };
  variant: { id: string; sku: string | null; title: string } | null;
  product: { id: string } | null;
}

export interface ShopifyOrderForForwarding {
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
  createdAt: string;
  updatedAt: string;
  processedAt: string;
  cancelledAt: string | null;
  cancelReason: string | null;
  closed: boolean;
  test: boolean;
  note: string | null;
  tags: string[];
  displayFinancialStatus: FinancialStatus | null;
  displayFulfillmentStatus: string;
  currencyCode: string;
  totalPriceSet: { shopMoney: Money; presentmentMoney: Money };
  subtotalPriceSet: { shopMoney: Money } | null;
  totalShippingPriceSet: { shopMoney: Money };
  customer: {
    id: string;
    firstName: string | null;
    lastName: string | null;
    defaultEmailAddress: { emailAddress: string | null } | null;
    defaultPhoneNumber: { phoneNumber: string } | null;
  } | null;
  risk: {
    recommendation: "ACCEPT" | "CANCEL" | "INVESTIGATE" | "NONE";
    assessments: { riskLevel: RiskLevel }[];
  };
  shippingAddress: ShopifyMailingAddress | null;
  lineItems: { pageInfo: { hasNextPage: boolean }; nodes: ShopifyOrderLineItem[] };
  fulfillmentOrders: { pageInfo: { hasNextPage: boolean }; nodes: ShopifyFulfillmentOrder[] };
}

export interface ShopifyOrderSummary {
  id: string;
  name: string;
  createdAt: string;
  updatedAt: string;
  cancelledAt: string | null;
  test: boolean;
  displayFinancialStatus: FinancialStatus | null;
  displayFulfillmentStatus: string;
}

// --- wrappers --------------------------------------------------------------------------------------------------

/** `null` when the order does not exist or the app may no longer read it (orders older than 60 days). */
export async function getOrderForForwarding(
  admin: AdminGraphql,
  id: string,
): Promise<ShopifyOrderForForwarding | null> {
  const { data } = await admin.request<{ order: ShopifyOrderForForwarding | null }>(GetOrderForForwarding, { id });
  return data.order;
}

export async function getFulfillmentOrders(
  admin: AdminGraphql,
  orderId: string,
): Promise<{
  orderId: string;
  name: string;
  displayFulfillmentStatus: string;
  fulfillmentOrders: ShopifyFulfillmentOrder[];
} | null> {
  const { data } = await admin.request<{
    order: {
      id: string;
      name: string;
      displayFulfillmentStatus: string;
      fulfillmentOrders: { nodes: ShopifyFulfillmentOrder[] };
    } | null;
  }>(GetFulfillmentOrders, { orderId });
  if (!data.order) return null;
  return {
    orderId: data.order.id,
    name: data.order.name,
    displayFulfillmentStatus: data.order.displayFulfillmentStatus,
    fulfillmentOrders: data.order.fulfillmentOrders.nodes,
  };
}

/** Shopify search syntax for paid orders updated after `since` (shopify.dev "Search syntax"). */
export function paidOrdersQuery(since: Date | string): string {
  const iso = typeof since === "string" ? since : since.toISOString();
  return `financial_status:paid updated_at:>'${iso}'`;
}

export async function listPaidOrdersSince(
  admin: AdminGraphql,
  options: { since: Date | string; first?: number; after?: string | null },
): Promise<{ orders: ShopifyOrderSummary[]; hasNextPage: boolean; endCursor: string | null }> {
  const { data } = await admin.request<{
    orders: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: ShopifyOrderSummary[] };
  }>(RecentPaidOrders, {
    first: options.first ?? 50,
    after: options.after ?? null,
    query: paidOrdersQuery(options.since),
  });
  return {
    orders: data.orders.nodes,
    hasNextPage: data.orders.pageInfo.hasNextPage,
    endCursor: data.orders.pageInfo.endCursor,
  };
}

/** Every paid order updated since `since`, page by page (oldest update first). */
export async function* iteratePaidOrdersSince(
  admin: AdminGraphql,
  options: { since: Date | string; pageSize?: number },
): AsyncGenerator<ShopifyOrderSummary> {
  let after: string | null = null;
  for (;;) {
    const page = await listPaidOrdersSince(admin, { since: options.since, first: options.pageSize ?? 50, after });
    yield* page.orders;
    if (!page.hasNextPage || !page.endCursor) return;
    after = page.endCursor;
  }
}

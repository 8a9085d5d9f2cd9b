import type { AdminGraphql, Money } from "./graphql";

// Page sizes keep every document under Shopify's single-query cost limit of 1000 points (checked in
// test/unit/shopify/documents.test.ts); `pageInfo.hasNextPage` tells the caller when an order is larger.

const lineItemFields = /* GraphQL */ `
  fragment ForwardingLineItem on LineItem {
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
      presentmentMoney {
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
`;

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
        endCursor
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
      localizedFields(first: 20) {
        nodes {
          key
          countryCode
          purpose
          title
          value
        }
      }
      lineItems(first: 50) {
        pageInfo {
          hasNextPage
          endCursor
        }
        nodes {
          ...ForwardingLineItem
        }
      }
      fulfillmentOrders(first: 5) {
        pageInfo {
          hasNextPage
          endCursor
        }
        nodes {
          ...ForwardingFulfillmentOrder
        }
      }
    }
  }
  ${lineItemFields}
  ${fulfillmentOrderFields}
`;

/** The rest of an order's line items, when it has more than the first page (pageInfo.hasNextPage). */
export const GetOrderLineItemsPage = /* GraphQL */ `
  query GetOrderLineItemsPage($id: ID!, $after: String) {
    order(id: $id) {
      id
      lineItems(first: 100, after: $after) {
        pageInfo {
          hasNextPage
          endCursor
        }
        nodes {
          ...ForwardingLineItem
        }
      }
    }
  }
  ${lineItemFields}
`;

/** The rest of an order's fulfillment orders. */
export const GetOrderFulfillmentOrdersPage = /* GraphQL */ `
  query GetOrderFulfillmentOrdersPage($id: ID!, $after: String) {
    order(id: $id) {
      id
      fulfillmentOrders(first: 5, after: $after) {
        pageInfo {
          hasNextPage
          endCursor
        }
        nodes {
          ...ForwardingFulfillmentOrder
        }
      }
    }
  }
  ${fulfillmentOrderFields}
`;

/** The rest of one fulfillment order's line items. */
export const GetFulfillmentOrderLineItemsPage = /* GraphQL */ `
  query GetFulfillmentOrderLineItemsPage($id: ID!, $after: String) {
    fulfillmentOrder(id: $id) {
      id
      lineItems(first: 100, after: $after) {
        pageInfo {
          hasNextPage
          endCursor
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
  }
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
          endCursor
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
    pageInfo: { hasNextPage: boolean; endCursor?: string | null };
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
  originalUnitPriceSet: { shopMoney: Money; presentmentMoney: Money };
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
  /** Checkout fields some countries require (customs and tax credentials: CPF/CNPJ, PCCC, RUT, …). */
  localizedFields: { nodes: ShopifyLocalizedField[] };
  lineItems: { pageInfo: PageInfo; nodes: ShopifyOrderLineItem[] };
  fulfillmentOrders: { pageInfo: PageInfo; nodes: ShopifyFulfillmentOrder[] };
}

interface PageInfo {
  hasNextPage: boolean;
  endCursor?: string | null;
}

export interface ShopifyLocalizedField {
  /** LocalizedFieldKey, e.g. SHIPPING_CREDENTIAL_BR, TAX_CREDENTIAL_MX. */
  key: string;
  countryCode: string;
  purpose: "SHIPPING" | "TAX";
  title: string;
  value: string;
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
  const order = data.order;
  if (!order) return null;
  // Large orders: the rest of every connection, page by page, so that no line is silently left out.
  let lines = order.lineItems.pageInfo;
  while (lines.hasNextPage && lines.endCursor) {
    const page = await admin.request<{
      order: { lineItems: { pageInfo: PageInfo; nodes: ShopifyOrderLineItem[] } } | null;
    }>(GetOrderLineItemsPage, { id, after: lines.endCursor });
    if (!page.data.order) break;
    order.lineItems.nodes.push(...page.data.order.lineItems.nodes);
    lines = page.data.order.lineItems.pageInfo;
  }
  order.lineItems.pageInfo = lines;
  order.fulfillmentOrders.nodes = await allFulfillmentOrders(admin, id, order.fulfillmentOrders);
  order.fulfillmentOrders.pageInfo = { hasNextPage: false, endCursor: null };
  return order;
}

/** The fulfillment orders of a first page, completed with the next pages and each one's remaining line items. */
async function allFulfillmentOrders(
  admin: AdminGraphql,
  orderId: string,
  first: { pageInfo: PageInfo; nodes: ShopifyFulfillmentOrder[] },
): Promise<ShopifyFulfillmentOrder[]> {
  const nodes = [...first.nodes];
  let info = first.pageInfo;
  while (info.hasNextPage && info.endCursor) {
    const page = await admin.request<{
      order: { fulfillmentOrders: { pageInfo: PageInfo; nodes: ShopifyFulfillmentOrder[] } } | null;
    }>(GetOrderFulfillmentOrdersPage, { id: orderId, after: info.endCursor });
    if (!page.data.order) break;
    nodes.push(...page.data.order.fulfillmentOrders.nodes);
    info = page.data.order.fulfillmentOrders.pageInfo;
  }
  for (const fo of nodes) {
    let items = fo.lineItems.pageInfo;
    while (items.hasNextPage && items.endCursor) {
      const page = await admin.request<{
        fulfillmentOrder: { lineItems: ShopifyFulfillmentOrder["lineItems"] } | null;
      }>(GetFulfillmentOrderLineItemsPage, { id: fo.id, after: items.endCursor });
      if (!page.data.fulfillmentOrder) break;
      fo.lineItems.nodes.push(...page.data.fulfillmentOrder.lineItems.nodes);
      items = page.data.fulfillmentOrder.lineItems.pageInfo;
    }
    fo.lineItems.pageInfo = items;
  }
  return nodes;
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
      fulfillmentOrders: { pageInfo: PageInfo; nodes: ShopifyFulfillmentOrder[] };
    } | null;
  }>(GetFulfillmentOrders, { orderId });
  if (!data.order) return null;
  return {
    orderId: data.order.id,
    name: data.order.name,
    displayFulfillmentStatus: data.order.displayFulfillmentStatus,
    fulfillmentOrders: await allFulfillmentOrders(admin, orderId, data.order.fulfillmentOrders),
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

/**
 * Builds `ShopifyOrderForForwarding` values (the shape `GetOrderForForwarding` returns) for the pure fulfillment
 * tests: a paid, low-risk order to New York with one physical line, every field overridable.
 */
import type { MappingSettings } from "../../../app/fulfillment/mapping";
import type { ShopRules } from "../../../app/fulfillment/rules";
import type {
  ShopifyFulfillmentOrder,
  ShopifyMailingAddress,
  ShopifyOrderForForwarding,
  ShopifyOrderLineItem,
} from "../../../app/shopify/orders";

let lastId = 1000;
const nextId = () => ++lastId;

export const money = (amount: string, currencyCode = "USD") => ({ amount, currencyCode });

export function lineItem(overrides: Partial<ShopifyOrderLineItem> = {}): ShopifyOrderLineItem {
  const id = nextId();
  const sku = overrides.sku === undefined ? `SKU-${id}` : overrides.sku;
  return {
    id: `gid://shopify/LineItem/${id}`,
    name: `Tee ${id}`,
    title: "Tee",
    variantTitle: "M",
    sku,
    quantity: 1,
    currentQuantity: 1,
    refundableQuantity: 1,
    nonFulfillableQuantity: 0,
    unfulfilledQuantity: 1,
    requiresShipping: true,
    isGiftCard: false,
    image: { url: `https://cdn.shopify.com/s/files/tee-${id}.jpg` },
    originalUnitPriceSet: { shopMoney: money("19.90"), presentmentMoney: money("19.90") },
    variant: { id: `gid://shopify/ProductVariant/${id}`, sku, title: "M" },
    product: { id: `gid://shopify/Product/${id}` },
    ...overrides,
  };
}

export function address(overrides: Partial<ShopifyMailingAddress> = {}): ShopifyMailingAddress {
  return {
    name: "Ada Lovelace",
    firstName: "Ada",
    lastName: "Lovelace",
    company: null,
    address1: "12 Analytical Row",
    address2: null,
    city: "New York",
    province: "New York",
    provinceCode: "NY",
    country: "United States",
    countryCodeV2: "US",
    zip: "10001",
    phone: "+1 212 555 0100",
    ...overrides,
  };
}

/** An open fulfillment order holding `remaining` of each given line (default: the line's unfulfilled quantity). */
export function fulfillmentOrder(
  lines: { line: ShopifyOrderLineItem; remaining?: number }[],
  status: ShopifyFulfillmentOrder["status"] = "OPEN",
): ShopifyFulfillmentOrder {
  return {
    id: `gid://shopify/FulfillmentOrder/${nextId()}`,
    status,
    requestStatus: "UNSUBMITTED",
    updatedAt: "2026-03-01T10:00:00Z",
    supportedActions: [],
    fulfillmentHolds: [],
    assignedLocation: { name: "Warehouse", countryCode: "CN", location: { id: "gid://shopify/Location/1" } },
    lineItems: {
      pageInfo: { hasNextPage: false },
      nodes: lines.map(({ line, remaining }) => ({
        id: `gid://shopify/FulfillmentOrderLineItem/${nextId()}`,
        remainingQuantity: remaining ?? line.unfulfilledQuantity,
        totalQuantity: line.quantity,
        lineItem: { id: line.id, sku: line.sku },
      })),
    },
  };
}

export interface OrderOverrides extends Partial<Omit<ShopifyOrderForForwarding, "lineItems" | "fulfillmentOrders">> {
  lines?: ShopifyOrderLineItem[];
  fulfillmentOrders?: ShopifyFulfillmentOrder[];
  total?: string;
}

export function shopifyOrder(overrides: OrderOverrides = {}): ShopifyOrderForForwarding {
  const { lines, fulfillmentOrders, total, ...rest } = overrides;
  const id = nextId();
  const amount = total ?? "19.90";
  return {
    id: `gid://shopify/Order/${id}`,
    name: `#${id}`,
    email: "ada@example.com",
    phone: null,
    createdAt: "2026-03-01T10:00:00Z",
    updatedAt: "2026-03-01T10:05:00Z",
    processedAt: "2026-03-01T10:00:00Z",
    cancelledAt: null,
    cancelReason: null,
    closed: false,
    test: false,
    note: null,
    tags: [],
    displayFinancialStatus: "PAID",
    displayFulfillmentStatus: "UNFULFILLED",
    currencyCode: "USD",
    totalPriceSet: { shopMoney: money(amount), presentmentMoney: money(amount) },
    subtotalPriceSet: { shopMoney: money(amount) },
    totalShippingPriceSet: { shopMoney: money("0.00") },
    customer: null,
    risk: { recommendation: "ACCEPT", assessments: [{ riskLevel: "LOW" }] },
    shippingAddress: address(),
    lineItems: { pageInfo: { hasNextPage: false }, nodes: lines ?? [lineItem()] },
    fulfillmentOrders: { pageInfo: { hasNextPage: false }, nodes: fulfillmentOrders ?? [] },
    localizedFields: { nodes: [] },
    ...rest,
  };
}

export function mappingSettings(overrides: Partial<MappingSettings> = {}): MappingSettings {
  return {
    storeName: null,
    fromCountryCode: "CN",
    sendOrderNote: false,
    sandbox: false,
    iossType: null,
    iossNumber: null,
    payType: 3,
    ...overrides,
  };
}

/** The ShopSettings defaults (prisma/models.prisma) as rules. */
export function shopRules(overrides: Partial<ShopRules> = {}): ShopRules {
  return {
    forwardingTrigger: "ON_PAYMENT",
    paused: false,
    holdHighRisk: true,
    orderTotalCap: null,
    logisticsRule: "CHEAPEST_WITHIN_DAYS",
    logisticsMaxDays: 15,
    preferredLogistics: "{}",
    paymentMode: "LINK",
    autoPayPerOrderCap: null,
    autoPayPerDayCap: null,
    ...overrides,
  };
}

import { displayFulfillmentStatus } from "./build-order";
import type { Order } from "./model";

// A subset of Shopify's search syntax (shopify.dev "Search syntax"): space-separated `field:value` terms joined by
// AND, comparators >, >=, <, <= for dates, optional quotes. Unknown fields are ignored, as Shopify does.
const termPattern = /(-)?([a-z_]+):(>=|<=|>|<|=)?("[^"]*"|'[^']*'|\S+)/g;

function compare(actual: string | null, comparator: string, expected: string): boolean {
  if (actual === null) return false;
  const a = Date.parse(actual);
  const b = Date.parse(expected);
  switch (comparator) {
    case ">":
      return a > b;
    case ">=":
      return a >= b;
    case "<":
      return a < b;
    case "<=":
      return a <= b;
    default:
      return a === b;
  }
}

function matches(order: Order, field: string, comparator: string, value: string): boolean {
  const lower = value.toLowerCase();
  switch (field) {
    case "financial_status":
      return order.displayFinancialStatus.toLowerCase() === lower;
    case "fulfillment_status": {
      const status = displayFulfillmentStatus(order);
      if (lower === "unshipped" || lower === "unfulfilled") return status === "UNFULFILLED";
      if (lower === "shipped" || lower === "fulfilled") return status === "FULFILLED";
      if (lower === "partial") return status === "PARTIALLY_FULFILLED";
      return status.toLowerCase() === lower;
    }
    case "status":
      if (lower === "any") return true;
      if (lower === "cancelled") return order.cancelledAt !== null;
      if (lower === "closed") return order.closedAt !== null;
      return order.cancelledAt === null && order.closedAt === null;
    case "created_at":
      return compare(order.createdAt, comparator, value);
    case "updated_at":
      return compare(order.updatedAt, comparator, value);
    case "processed_at":
      return compare(order.processedAt, comparator, value);
    case "tag":
      return order.tags.some((tag) => tag.toLowerCase() === lower);
    case "name":
      return order.name.toLowerCase() === lower || order.name.toLowerCase() === `#${lower}`;
    case "test":
      return String(order.test) === lower;
    case "id":
      return order.id.endsWith(`/${value}`);
    default:
      return true;
  }
}

export function filterOrders(orders: Order[], query: string | null): Order[] {
  if (!query) return orders;
  const terms = [...query.matchAll(termPattern)].map((match) => ({
    negate: match[1] === "-",
    field: match[2] ?? "",
    comparator: match[3] ?? "=",
    value: (match[4] ?? "").replace(/^["']|["']$/g, ""),
  }));
  return orders.filter((order) =>
    terms.every((term) => matches(order, term.field, term.comparator, term.value) !== term.negate),
  );
}

const sortValue: Record<string, (order: Order) => string | number> = {
  CREATED_AT: (order) => order.createdAt,
  UPDATED_AT: (order) => order.updatedAt,
  PROCESSED_AT: (order) => order.processedAt,
  ORDER_NUMBER: (order) => order.number,
  ID: (order) => order.legacyId,
};

export function sortOrders(orders: Order[], sortKey: string): Order[] {
  const keyOf = sortValue[sortKey] ?? sortValue.ID ?? ((order: Order) => order.legacyId);
  return [...orders].sort((a, b) => {
    const x = keyOf(a);
    const y = keyOf(b);
    if (x < y) return -1;
    if (x > y) return 1;
    return a.legacyId - b.legacyId;
  });
}

import type {
  AssignedLocation,
  Customer,
  FinancialStatus,
  FulfillmentOrder,
  FulfillmentOrderStatus,
  LineItem,
  MailingAddress,
  Order,
  RiskAssessment,
} from "./model";

let lastNumericId = 5_900_000_000_000;
/** Numeric ids stay below 2^53 so REST payloads survive JSON.parse in tests. */
export function nextNumericId(): number {
  lastNumericId += 1;
  return lastNumericId;
}
export function gid(type: string, numericId: number = nextNumericId()): string {
  return `gid://shopify/${type}/${numericId}`;
}
export function numericIdOf(globalId: string): number {
  return Number(globalId.slice(globalId.lastIndexOf("/") + 1));
}

function address(fields: Partial<MailingAddress>): MailingAddress {
  const base: MailingAddress = {
    name: null,
    firstName: null,
    lastName: null,
    company: null,
    address1: null,
    address2: null,
    city: null,
    province: null,
    provinceCode: null,
    country: null,
    countryCodeV2: null,
    zip: null,
    phone: null,
  };
  const merged = { ...base, ...fields };
  if (fields.name === undefined && (merged.firstName || merged.lastName)) {
    merged.name = [merged.firstName, merged.lastName].filter(Boolean).join(" ");
  }
  return merged;
}

/** Shipping addresses covering the cases the CJ mapping must handle. */
export const sampleAddresses = {
  us: address({
    firstName: "Steve",
    lastName: "Shipper",
    company: "Shipping Company",
    address1: "123 Shipping Street",
    address2: "Suite 4",
    city: "Shippington",
    province: "Kentucky",
    provinceCode: "KY",
    country: "United States",
    countryCodeV2: "US",
    zip: "40003",
    phone: "+1 555-555-0134",
  }),
  korea: address({
    firstName: "민준",
    lastName: "김",
    address1: "서울특별시 강남구 테헤란로 152",
    address2: "강남파이낸스센터 10층",
    city: "강남구",
    province: "Seoul",
    provinceCode: "KR-11",
    country: "South Korea",
    countryCodeV2: "KR",
    zip: "06236",
    phone: "+82 10-1234-5678",
  }),
  china: address({
    firstName: "伟",
    lastName: "王",
    address1: "浦东新区世纪大道100号",
    address2: "环球金融中心 25楼",
    city: "上海市",
    province: "Shanghai",
    provinceCode: "SH",
    country: "China",
    countryCodeV2: "CN",
    zip: "200120",
    phone: "+86 138 0013 8000",
  }),
  germany: address({
    firstName: "Anna",
    lastName: "Müller",
    address1: "Friedrichstraße 43",
    city: "Berlin",
    province: null,
    provinceCode: null,
    country: "Germany",
    countryCodeV2: "DE",
    zip: "10117",
    phone: "+49 30 1234567",
  }),
  france: address({
    firstName: "Léa",
    lastName: "Dubois",
    address1: "12 Rue de Rivoli",
    city: "Paris",
    country: "France",
    countryCodeV2: "FR",
    zip: "75004",
    phone: null,
  }),
  /** A country where Shopify requires a province, but the address lacks one. */
  missingProvince: address({
    firstName: "Jane",
    lastName: "Doe",
    address1: "1 Main Street",
    city: "Toronto",
    province: null,
    provinceCode: null,
    country: "Canada",
    countryCodeV2: "CA",
    zip: "M5H 2N2",
    phone: "+1 416-555-0100",
  }),
} satisfies Record<string, MailingAddress>;

export const defaultLocation: AssignedLocation = {
  locationId: "gid://shopify/Location/1000001",
  name: "Shop location",
  address1: "150 Elgin Street",
  city: "Ottawa",
  province: "Ontario",
  zip: "K2P 1L4",
  countryCode: "CA",
  phone: null,
};

export interface OrderLineInput {
  title?: string;
  variantTitle?: string | null;
  /** `null` = a product without SKU. */
  sku?: string | null;
  quantity?: number;
  currentQuantity?: number;
  refundedQuantity?: number;
  price?: string;
  requiresShipping?: boolean;
  isGiftCard?: boolean;
  grams?: number;
  vendor?: string | null;
  /** `null` = the variant/product was deleted after the order was placed. */
  variantId?: string | null;
  productId?: string | null;
  imageUrl?: string | null;
}

export interface FulfillmentOrderInput {
  /** Indexes into `lines`. */
  lines: number[];
  status?: FulfillmentOrderStatus;
  location?: Partial<AssignedLocation>;
}

export interface BuildOrderInput {
  number?: number;
  name?: string;
  email?: string | null;
  phone?: string | null;
  createdAt?: string;
  updatedAt?: string;
  processedAt?: string;
  financialStatus?: FinancialStatus;
  cancelledAt?: string | null;
  cancelReason?: string | null;
  note?: string | null;
  tags?: string[];
  test?: boolean;
  currencyCode?: string;
  shippingPrice?: string;
  taxPrice?: string;
  discountPrice?: string;
  shippingAddress?: Partial<MailingAddress> | null;
  billingAddress?: Partial<MailingAddress> | null;
  customer?: Partial<Customer> | null;
  risk?: { recommendation?: Order["risk"]["recommendation"]; assessments?: RiskAssessment[] };
  lines?: OrderLineInput[];
  /** Split lines over several fulfillment orders; default: one FO at `location` with every shippable line. */
  fulfillmentOrders?: FulfillmentOrderInput[];
  location?: Partial<AssignedLocation>;
}

let lastOrderNumber = 1000;

function lineItem(input: OrderLineInput, index: number): LineItem {
  const quantity = input.quantity ?? 1;
  const refundedQuantity = input.refundedQuantity ?? 0;
  const title = input.title ?? `Product ${index + 1}`;
  const sku = input.sku === undefined ? `SKU-${index + 1}` : input.sku;
  const productId = input.productId === undefined ? gid("Product") : input.productId;
  const variantId = input.variantId === undefined ? gid("ProductVariant") : input.variantId;
  const imageUrl =
    input.imageUrl === undefined
      ? `https://cdn.shopify.com/s/files/1/demo/products/item-${index + 1}.jpg`
      : input.imageUrl;
  const variantTitle = input.variantTitle ?? null;
  return {
    id: gid("LineItem"),
    title,
    variantTitle,
    name: variantTitle ? `${title} - ${variantTitle}` : title,
    sku,
    vendor: input.vendor ?? "Demo vendor",
    quantity,
    currentQuantity: input.currentQuantity ?? quantity - refundedQuantity,
    refundedQuantity,
    requiresShipping: input.requiresShipping ?? !input.isGiftCard,
    isGiftCard: input.isGiftCard ?? false,
    unitPrice: input.price ?? "10.00",
    grams: input.grams ?? 200,
    variant: variantId ? { id: variantId, sku, title: variantTitle ?? "Default Title", imageUrl } : null,
    productId,
    imageUrl,
  };
}

function fulfillmentOrder(
  orderId: string,
  lines: LineItem[],
  status: FulfillmentOrderStatus,
  location: AssignedLocation,
  at: string,
): FulfillmentOrder {
  return {
    id: gid("FulfillmentOrder"),
    orderId,
    status,
    statusBeforeHold: null,
    requestStatus: "UNSUBMITTED",
    assignedLocation: location,
    holds: [],
    lineItems: lines.map((line) => {
      const remaining = status === "CLOSED" || status === "CANCELLED" ? 0 : line.currentQuantity;
      return {
        id: gid("FulfillmentOrderLineItem"),
        lineItemId: line.id,
        totalQuantity: line.currentQuantity,
        remainingQuantity: remaining,
      };
    }),
    createdAt: at,
    updatedAt: at,
  };
}

/** Builds an order the way Shopify stores it right after checkout (fulfillment orders included). */
export function buildOrder(input: BuildOrderInput = {}): Order {
  const number = input.number ?? ++lastOrderNumber;
  const legacyId = nextNumericId();
  const id = gid("Order", legacyId);
  const createdAt = input.createdAt ?? new Date().toISOString();
  const lines = (input.lines ?? [{}]).map(lineItem);
  const location = { ...defaultLocation, ...input.location };
  const fulfillmentOrders = input.fulfillmentOrders
    ? input.fulfillmentOrders.map((fo) =>
        fulfillmentOrder(
          id,
          fo.lines.map((i) => {
            const line = lines[i];
            if (!line) throw new Error(`buildOrder: fulfillment order refers to missing line ${i}`);
            return line;
          }),
          fo.status ?? "OPEN",
          { ...location, ...fo.location },
          createdAt,
        ),
      )
    : defaultFulfillmentOrders(id, lines, location, createdAt);
  const customerInput = input.customer === undefined ? {} : input.customer;
  const email = input.email === undefined ? `customer${number}@example.com` : input.email;
  const shippingAddress =
    input.shippingAddress === null ? null : address({ ...sampleAddresses.us, ...input.shippingAddress });
  return {
    id,
    legacyId,
    name: input.name ?? `#${number}`,
    number,
    email,
    phone: input.phone ?? null,
    createdAt,
    updatedAt: input.updatedAt ?? createdAt,
    processedAt: input.processedAt ?? createdAt,
    cancelledAt: input.cancelledAt ?? null,
    cancelReason: input.cancelReason ?? (input.cancelledAt ? "CUSTOMER" : null),
    closedAt: null,
    displayFinancialStatus: input.financialStatus ?? "PAID",
    note: input.note ?? null,
    tags: input.tags ?? [],
    test: input.test ?? false,
    currencyCode: input.currencyCode ?? "USD",
    shippingPrice: input.shippingPrice ?? "5.00",
    taxPrice: input.taxPrice ?? "0.00",
    discountPrice: input.discountPrice ?? "0.00",
    shippingAddress,
    billingAddress: input.billingAddress === null ? null : address({ ...shippingAddress, ...input.billingAddress }),
    customer:
      customerInput === null
        ? null
        : {
            id: gid("Customer"),
            firstName: shippingAddress?.firstName ?? null,
            lastName: shippingAddress?.lastName ?? null,
            email,
            phone: null,
            ...customerInput,
          },
    risk: {
      recommendation: input.risk?.recommendation ?? "ACCEPT",
      assessments: input.risk?.assessments ?? [{ riskLevel: "LOW", facts: [] }],
    },
    lineItems: lines,
    fulfillmentOrders,
    fulfillments: [],
  };
}

// Gift cards are fulfilled by Shopify at purchase (default "automatically fulfill gift cards" setting), so
// their fulfillment order is already closed; lines that need no shipping still get an open FO like in Shopify.
function defaultFulfillmentOrders(
  orderId: string,
  lines: LineItem[],
  location: AssignedLocation,
  at: string,
): FulfillmentOrder[] {
  const giftCards = lines.filter((line) => line.isGiftCard);
  const others = lines.filter((line) => !line.isGiftCard && line.currentQuantity > 0);
  const fos: FulfillmentOrder[] = [];
  if (others.length > 0) fos.push(fulfillmentOrder(orderId, others, "OPEN", location, at));
  if (giftCards.length > 0) fos.push(fulfillmentOrder(orderId, giftCards, "CLOSED", location, at));
  return fos;
}

export function toCents(amount: string): number {
  const [whole = "0", fraction = ""] = amount.split(".");
  const sign = whole.startsWith("-") ? -1 : 1;
  return sign * (Math.abs(Number(whole)) * 100 + Number(fraction.padEnd(2, "0").slice(0, 2)));
}
export function fromCents(cents: number): string {
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

export function orderTotals(order: Order): { subtotal: string; total: string; lineItemsTotal: string } {
  const lineItemsCents = order.lineItems.reduce((sum, line) => sum + toCents(line.unitPrice) * line.quantity, 0);
  const subtotalCents = order.lineItems.reduce((sum, line) => sum + toCents(line.unitPrice) * line.currentQuantity, 0);
  const totalCents =
    subtotalCents - toCents(order.discountPrice) + toCents(order.shippingPrice) + toCents(order.taxPrice);
  return {
    subtotal: fromCents(subtotalCents),
    total: fromCents(totalCents),
    lineItemsTotal: fromCents(lineItemsCents),
  };
}

export function fulfilledQuantityOf(order: Order, lineItemId: string): number {
  return order.fulfillments
    .filter((fulfillment) => fulfillment.status === "SUCCESS")
    .flatMap((fulfillment) => fulfillment.lineItems)
    .filter((line) => line.lineItemId === lineItemId)
    .reduce((sum, line) => sum + line.quantity, 0);
}

export function displayFulfillmentStatus(order: Order): string {
  const open = order.fulfillmentOrders.filter((fo) => fo.status !== "CANCELLED");
  if (open.some((fo) => fo.status === "ON_HOLD")) return "ON_HOLD";
  const total = open.flatMap((fo) => fo.lineItems).reduce((sum, li) => sum + li.totalQuantity, 0);
  const remaining = open.flatMap((fo) => fo.lineItems).reduce((sum, li) => sum + li.remainingQuantity, 0);
  if (total === 0) return "FULFILLED";
  if (remaining === 0) return "FULFILLED";
  if (remaining < total && order.fulfillments.length > 0) return "PARTIALLY_FULFILLED";
  return "UNFULFILLED";
}

import { type LocalizedFieldInput, localizedFields } from "./localized-fields";
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
import { checkRate, formatAmount, normalizeAmount, toMinor } from "./money";

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
  /**
   * The shop currency (default USD); every amount below is in it. JPY and KRW amounts are whole numbers ("4500";
   * "4500.00" is accepted too), other currencies have 2 decimals; amounts are stored and answered in that format.
   */
  currencyCode?: string;
  /** The customer's currency when it differs from the shop's: presentment amounts are shop amounts × rate. */
  presentment?: { currencyCode: string; rate: string };
  /** Order.localizedFields; keys must be LocalizedFieldKey values (e.g. SHIPPING_CREDENTIAL_BR). */
  localizedFields?: LocalizedFieldInput[];
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

function lineItem(input: OrderLineInput, index: number, currencyCode: string): LineItem {
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
    unitPrice: normalizeAmount(input.price ?? "10.00", currencyCode, `lines[${index}].price`),
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
  const currencyCode = input.currencyCode ?? "USD";
  if (!/^[A-Z]{3}$/.test(currencyCode)) throw new Error(`buildOrder: currencyCode must be an ISO 4217 code like "USD"`);
  const presentment = presentmentOf(input.presentment, currencyCode);
  const amount = (value: string | undefined, fallback: string, what: string) =>
    normalizeAmount(value ?? fallback, currencyCode, what);
  const lines = (input.lines ?? [{}]).map((line, index) => lineItem(line, index, currencyCode));
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
    currencyCode,
    presentment,
    shippingPrice: amount(input.shippingPrice, "5.00", "shippingPrice"),
    taxPrice: amount(input.taxPrice, "0.00", "taxPrice"),
    discountPrice: amount(input.discountPrice, "0.00", "discountPrice"),
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
    localizedFields: localizedFields(input.localizedFields),
  };
}

function presentmentOf(
  input: BuildOrderInput["presentment"],
  shopCurrency: string,
): { currencyCode: string; rate: string } | null {
  if (input === undefined) return null;
  const currencyCode = input?.currencyCode;
  if (typeof currencyCode !== "string" || !/^[A-Z]{3}$/.test(currencyCode)) {
    throw new Error(`buildOrder: presentment.currencyCode must be an ISO 4217 code like "EUR"`);
  }
  const rate = checkRate(input.rate);
  if (rate === null) {
    throw new Error(
      `buildOrder: presentment.rate must be a positive decimal string (shop amount × rate = presentment amount), got ${JSON.stringify(input.rate)}`,
    );
  }
  if (currencyCode === shopCurrency) {
    throw new Error(`buildOrder: presentment.currencyCode ${currencyCode} is the shop currency; leave presentment out`);
  }
  return { currencyCode, rate };
}

/**
 * Contiguous, nearly even groups of line indexes for `BuildOrderInput.fulfillmentOrders`:
 * `splitLines(60, 7)` → 7 FOs of 9, 9, 9, 9, 8, 8, 8 lines.
 */
export function splitLines(
  lineCount: number,
  fulfillmentOrderCount: number,
  fo: Omit<FulfillmentOrderInput, "lines"> = {},
): FulfillmentOrderInput[] {
  if (!Number.isInteger(fulfillmentOrderCount) || fulfillmentOrderCount < 1 || fulfillmentOrderCount > lineCount) {
    throw new Error(`splitLines: cannot split ${lineCount} lines into ${fulfillmentOrderCount} fulfillment orders`);
  }
  const base = Math.floor(lineCount / fulfillmentOrderCount);
  const extra = lineCount % fulfillmentOrderCount;
  const groups: FulfillmentOrderInput[] = [];
  let next = 0;
  for (let i = 0; i < fulfillmentOrderCount; i++) {
    const size = base + (i < extra ? 1 : 0);
    groups.push({ ...fo, lines: Array.from({ length: size }, (_, offset) => next + offset) });
    next += size;
  }
  return groups;
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

/** Shop-currency totals, in the currency's format. */
export function orderTotals(order: Order): { subtotal: string; total: string; lineItemsTotal: string } {
  const currency = order.currencyCode;
  const minor = (amount: string) => toMinor(amount, currency);
  const lineItems = order.lineItems.reduce((sum, line) => sum + minor(line.unitPrice) * BigInt(line.quantity), 0n);
  const subtotal = order.lineItems.reduce(
    (sum, line) => sum + minor(line.unitPrice) * BigInt(line.currentQuantity),
    0n,
  );
  const total = subtotal - minor(order.discountPrice) + minor(order.shippingPrice) + minor(order.taxPrice);
  return {
    subtotal: formatAmount(subtotal, currency),
    total: formatAmount(total, currency),
    lineItemsTotal: formatAmount(lineItems, currency),
  };
}

/** A line's unit price × quantity in the shop currency. */
export function lineTotal(order: Order, line: LineItem): string {
  return formatAmount(toMinor(line.unitPrice, order.currencyCode) * BigInt(line.quantity), order.currencyCode);
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

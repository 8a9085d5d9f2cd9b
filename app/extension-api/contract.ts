/**
 * What the app's `api.*` routes answer to the order-page admin extension (extensions/cj-order). Types only: the
 * server builds these (app/extension-api/order-view.server.ts), the extension renders them; neither imports the
 * other's code.
 */

/** The merchant actions the extension offers; the names are those of `runOrderAction` plus the shipping choice. */
export type ExtensionAction = "forward" | "approve" | "requote" | "pay" | "retry" | "refresh";

export interface ExtensionTracking {
  number: string;
  company: string | null;
  url: string | null;
  /** PENDING | CREATED | FAILED — whether the number reached a Shopify fulfillment yet. */
  status: string | null;
}

export interface ExtensionOrderView {
  /** The app's order id (used in the action and quote routes). */
  id: string;
  name: string;
  /** One of app/fulfillment/state.ts ORDER_STATES. */
  state: string;
  /** The pipeline's reason for HELD, NEEDS_ATTENTION, FAILED or CANCELLED (already merchant-readable). */
  reason: string | null;
  cj: { orderId: string | null; orderNumber: string | null; status: string | null };
  logistics: { name: string | null; price: string | null; aging: string | null; chosenByMerchant: boolean };
  payment: {
    /** NOT_SUBMITTED before CJ has the order, UNPAID while CJ waits for the money, PAID after. */
    status: "NOT_SUBMITTED" | "UNPAID" | "PAID" | "CANCELLED";
    /** Amounts in USD as CJ states them (decimal strings). */
    orderAmount: string | null;
    postageAmount: string | null;
    paidAmount: string | null;
    paidAt: string | null;
    payUrl: string | null;
  };
  tracking: ExtensionTracking[];
  latestEvent: { at: string; message: string; type: string; actor: string } | null;
  /** Lines not sent to CJ, with the reason (gift card, no SKU, not connected…). */
  skippedLines: { title: string | null; sku: string | null; reason: string }[];
  /** What the merchant can do in the order's current state (the domain functions enforce the same rules). */
  actions: ExtensionAction[];
}

export interface ExtensionLookupResponse {
  /** null when the app has no record of this Shopify order for the requesting shop. */
  order: ExtensionOrderView | null;
}

export interface ExtensionActionResponse {
  message: string;
  queued: boolean;
  order: ExtensionOrderView;
}

export interface ExtensionQuote {
  logisticName: string;
  price: string;
  aging: string | null;
  source: string;
}

export interface ExtensionQuotesResponse {
  options: ExtensionQuote[];
  chosen: string | null;
  unmapped: string[];
  errors: string[];
}

export interface ExtensionErrorResponse {
  error: string;
}

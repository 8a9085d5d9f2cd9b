/**
 * CJ's words for an order and a parcel → ours and Shopify's. CJ order statuses (cj-api-facts "Orders"): CREATED,
 * IN_CART, UNPAID, UNSHIPPED, SHIPPED, DELIVERED, CANCELLED, OTHER. LOGISTIC `trackingStatus` 0–14
 * (cj-api-facts "Webhooks"). Shopify's FulfillmentEventStatus values are in the 2026-10 schema.
 */
import type { FulfillmentEventStatus } from "../../shopify/fulfillments";
import type { OrderState } from "../state";

/** The order state a CJ order status moves us to (null: nothing to do). CANCELLED is decided by the caller. */
export function orderStateForCjStatus(status: string | null | undefined): OrderState | null {
  switch ((status ?? "").toUpperCase()) {
    case "UNSHIPPED":
      return "PAID";
    case "SHIPPED":
      return "SHIPPED";
    case "DELIVERED":
      return "DELIVERED";
    case "CANCELLED":
      return "CANCELLED";
    default:
      return null;
  }
}

/** CJ says the parcel has left: an ORDER in SHIPPED/DELIVERED, or any LOGISTIC status past "no information". */
export function cjReportsDispatched(cjStatus: string | null | undefined, trackingStatus: number | null | undefined) {
  const status = (cjStatus ?? "").toUpperCase();
  return status === "SHIPPED" || status === "DELIVERED" || (trackingStatus ?? 0) >= 1;
}

export const TRACKING_STATUS_TEXT: Record<number, string> = {
  0: "no information yet",
  1: "left CJ's warehouse",
  2: "received by the forwarder",
  3: "returned by the forwarder",
  4: "left the forwarder",
  5: "in first-leg transport",
  6: "arrived in the destination country",
  7: "in customs",
  8: "cleared customs",
  9: "picked up by the local carrier",
  10: "out for delivery",
  11: "waiting for pickup",
  12: "delivered",
  13: "delivery failed or exception",
  14: "returned to sender",
};

/** Shopify's fulfillment event for a CJ trackingStatus (null: nothing worth telling the customer). */
export function fulfillmentEventForTrackingStatus(status: number | null | undefined): FulfillmentEventStatus | null {
  if (status === null || status === undefined) return null;
  if (status === 1) return "CONFIRMED";
  if (status === 2) return "CARRIER_PICKED_UP";
  if (status === 3) return "DELAYED";
  if (status >= 4 && status <= 9) return "IN_TRANSIT";
  if (status === 10) return "OUT_FOR_DELIVERY";
  if (status === 11) return "READY_FOR_PICKUP";
  if (status === 12) return "DELIVERED";
  if (status === 13 || status === 14) return "FAILURE";
  return null;
}

/** Whether polling this parcel is over: delivered or returned (cj-api-facts: stop at delivered or returned). */
export function isFinalTrackingStatus(status: number | null | undefined): boolean {
  return status === 12 || status === 14;
}

/**
 * trackInfo answers a word, not a number ("In transit", "Delivered", …; a number is accepted too). Returns the
 * trackingStatus it stands for, or null when it adds nothing to what we know (`known`, the last number we had).
 */
export function trackingStatusFromTrackInfo(value: string | null | undefined, known: number | null): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) {
    const n = Number(trimmed);
    return n >= 0 && n <= 14 ? n : null;
  }
  const word = trimmed.toLowerCase();
  if (word.includes("deliver") && !word.includes("out for")) return 12;
  if (word.includes("out for")) return 10;
  if (word.includes("return")) return 14;
  if (word.includes("exception") || word.includes("fail")) return 13;
  if (word.includes("pickup") || word.includes("pick up")) return 11;
  // "In transit": keep a more precise in-transit status we already have.
  if (word.includes("transit")) return known !== null && known >= 4 && known <= 9 ? known : 5;
  return null;
}

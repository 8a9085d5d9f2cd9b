/**
 * The Orders page tabs and the order states each one shows (shared by the page and its query).
 */
import type { OrderState } from "../fulfillment/state";

export const ORDER_TABS = ["all", "attention", "held", "awaiting", "transit", "delivered", "cancelled"] as const;
export type OrderTab = (typeof ORDER_TABS)[number];

const TAB_STATES: Record<Exclude<OrderTab, "all">, readonly OrderState[]> = {
  attention: ["NEEDS_ATTENTION", "FAILED"],
  held: ["HELD"],
  awaiting: ["AWAITING_PAYMENT"],
  transit: ["SHIPPED", "PARTIALLY_FULFILLED", "FULFILLED"],
  delivered: ["DELIVERED"],
  cancelled: ["CANCELLED"],
};

/** null = every state. */
export function statesOfTab(tab: OrderTab): readonly string[] | null {
  return tab === "all" ? null : TAB_STATES[tab];
}

export type BadgeTone = "info" | "success" | "warning" | "critical" | "attention" | "new" | undefined;

/** One Badge tone per state, so a state looks the same on every page. */
export function stateTone(state: string): BadgeTone {
  switch (state) {
    case "NEEDS_ATTENTION":
    case "FAILED":
      return "critical";
    case "HELD":
      return "warning";
    case "AWAITING_PAYMENT":
      return "attention";
    case "SUBMITTED":
    case "PAID":
    case "SHIPPED":
    case "PARTIALLY_FULFILLED":
      return "info";
    case "FULFILLED":
    case "DELIVERED":
      return "success";
    case "RECEIVED":
      return "new";
    default:
      return undefined;
  }
}

/**
 * The Orders page tabs and the order states each one shows (shared by the page and its query).
 */
import type { OrderState } from "../fulfillment/state";

export const ORDER_TABS = [
  "all",
  "setup",
  "toforward",
  "attention",
  "held",
  "awaiting",
  "transit",
  "delivered",
  "cancelled",
] as const;
export type OrderTab = (typeof ORDER_TABS)[number];

/** "Waiting for setup": held because the shop is not live yet (Order.holdCodes holds "SETUP"). */
export const SETUP_HOLD = { state: "HELD", holdCodes: { contains: '"SETUP"' } } as const;

/**
 * The tabs shown: "Waiting for setup" until the shop is live (or while orders wait), "To forward" for shops that
 * forward by hand (or while orders are there).
 */
export function visibleTabs(counts: Record<OrderTab, number>, shop: { live: boolean; manual: boolean }): OrderTab[] {
  return ORDER_TABS.filter(
    (tab) =>
      (tab !== "setup" || !shop.live || counts.setup > 0) &&
      (tab !== "toforward" || shop.manual || counts.toforward > 0),
  );
}

const TAB_STATES: Record<Exclude<OrderTab, "all">, readonly OrderState[]> = {
  setup: ["HELD"],
  // A manual shop's orders stay RECEIVED until the merchant forwards them.
  toforward: ["RECEIVED"],
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

/** The orders of a tab, as a Prisma filter ("Held" leaves out the ones waiting for setup, which have their tab). */
export function tabWhere(tab: OrderTab): Record<string, unknown> {
  if (tab === "all") return {};
  if (tab === "setup") return { ...SETUP_HOLD };
  // SQL's NOT(LIKE) is unknown on NULL: orders held before hold codes existed have none.
  if (tab === "held")
    return { state: "HELD", OR: [{ holdCodes: null }, { NOT: { holdCodes: { contains: '"SETUP"' } } }] };
  const states = TAB_STATES[tab];
  return { state: states.length === 1 ? (states[0] as string) : { in: [...states] } };
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
    case "NOT_SENT":
      return undefined;
    default:
      return undefined;
  }
}

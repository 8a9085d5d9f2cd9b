/**
 * The order state machine as data: which state may follow which (docs/architecture.md "State of a forwarded
 * order"). `transitionOrder` applies a change only from an allowed state, atomically with its OrderEvent, so a
 * duplicate or late message is a no-op instead of a second CJ order or a second fulfillment.
 */
import type { Db } from "../db.server";

export const ORDER_STATES = [
  "RECEIVED",
  "HELD",
  "NEEDS_ATTENTION",
  "SUBMITTED",
  "AWAITING_PAYMENT",
  "PAID",
  "SHIPPED",
  "PARTIALLY_FULFILLED",
  "FULFILLED",
  "DELIVERED",
  "CANCELLED",
  "FAILED",
  "NOT_SENT",
] as const;

export type OrderState = (typeof ORDER_STATES)[number];

/** from → states it may move to. */
export const TRANSITIONS: Record<OrderState, readonly OrderState[]> = {
  RECEIVED: ["HELD", "NEEDS_ATTENTION", "SUBMITTED", "AWAITING_PAYMENT", "PAID", "CANCELLED", "FAILED", "NOT_SENT"],
  HELD: ["RECEIVED", "NEEDS_ATTENTION", "SUBMITTED", "AWAITING_PAYMENT", "PAID", "CANCELLED", "FAILED", "NOT_SENT"],
  NEEDS_ATTENTION: ["RECEIVED", "HELD", "SUBMITTED", "AWAITING_PAYMENT", "PAID", "CANCELLED", "FAILED", "NOT_SENT"],
  // An order CJ has is never FAILED (that state means "not at CJ, forward again"): problems after submission are
  // NEEDS_ATTENTION with the reason.
  SUBMITTED: ["AWAITING_PAYMENT", "PAID", "SHIPPED", "NEEDS_ATTENTION", "CANCELLED"],
  AWAITING_PAYMENT: ["PAID", "SHIPPED", "NEEDS_ATTENTION", "CANCELLED"],
  PAID: ["SHIPPED", "PARTIALLY_FULFILLED", "FULFILLED", "NEEDS_ATTENTION", "CANCELLED"],
  SHIPPED: ["PARTIALLY_FULFILLED", "FULFILLED", "DELIVERED", "NEEDS_ATTENTION", "CANCELLED"],
  PARTIALLY_FULFILLED: ["FULFILLED", "DELIVERED", "NEEDS_ATTENTION", "CANCELLED"],
  FULFILLED: ["DELIVERED", "NEEDS_ATTENTION"],
  DELIVERED: [],
  CANCELLED: [],
  FAILED: ["RECEIVED", "NEEDS_ATTENTION", "CANCELLED", "NOT_SENT"],
  // Every line is one the merchant ships (not fulfilled by CJ): nothing goes to CJ. Changing a variant back, or an
  // edit of the order, forwards it again.
  NOT_SENT: ["RECEIVED", "HELD", "NEEDS_ATTENTION", "SUBMITTED", "CANCELLED"],
};

export const FINAL_STATES: readonly OrderState[] = ["DELIVERED", "CANCELLED"];
/** States in which the order has not reached CJ yet: its address and lines may still change. */
export const PRE_SUBMISSION_STATES: readonly OrderState[] = [
  "RECEIVED",
  "HELD",
  "NEEDS_ATTENTION",
  "FAILED",
  "NOT_SENT",
];

export function canTransition(from: string, to: OrderState): boolean {
  return Object.hasOwn(TRANSITIONS, from) && TRANSITIONS[from as OrderState].includes(to);
}

export function statesThatCanReach(to: OrderState): OrderState[] {
  return ORDER_STATES.filter((from) => TRANSITIONS[from].includes(to));
}

export interface TransitionInput {
  to: OrderState;
  actor: "webhook" | "job" | "merchant" | "cj" | "system";
  type: string;
  message: string;
  cjRequestId?: string | null;
  data?: unknown;
  /** Columns to set together with the state. */
  set?: Record<string, unknown>;
  /** Narrow the allowed source states further (default: every state the table allows). */
  from?: readonly OrderState[];
  /** false: the orders merged with this one (a merged CJ order's followers) do not follow this change. */
  mirror?: boolean;
}

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

/** States after which CJ's cost data of an order is fetched (again): paid, shipped, delivered. */
const COSTS_CHANGE_WITH: readonly OrderState[] = ["PAID", "SHIPPED", "DELIVERED"];

/** Applies the transition if the order is in an allowed state; returns whether it did. */
export async function transitionOrder(db: Db | Tx, orderId: string, input: TransitionInput): Promise<boolean> {
  const allowed = (input.from ?? statesThatCanReach(input.to)).filter((s) => canTransition(s, input.to));
  const run = async (tx: Tx) => {
    const current = await tx.order.findUnique({
      where: { id: orderId },
      select: { state: true, mergeGroupId: true, mergedIntoId: true },
    });
    if (!current || !allowed.includes(current.state as OrderState)) return false;
    const { count } = await tx.order.updateMany({
      where: { id: orderId, state: current.state },
      data: {
        // CJ's costs of the order are (re)fetched after payment, shipment and delivery (money/costs.server.ts).
        ...(COSTS_CHANGE_WITH.includes(input.to) ? { costsDueAt: new Date() } : {}),
        ...(input.set ?? {}),
        state: input.to,
      },
    });
    if (count === 0) return false;
    await tx.orderEvent.create({
      data: {
        orderId,
        actor: input.actor,
        type: input.type,
        fromState: current.state,
        toState: input.to,
        message: input.message,
        cjRequestId: input.cjRequestId ?? null,
        data: input.data === undefined ? null : JSON.stringify(input.data),
      },
    });
    // Only a merged CJ order's lead has followers: every other order is spared the lookup.
    const lead = current.mergeGroupId !== null && current.mergedIntoId === null;
    if (lead && input.mirror !== false && MIRRORED_STATES.includes(input.to)) {
      await mirrorToFollowers(tx, orderId, input);
    }
    return true;
  };
  return "$transaction" in db ? (db as Db).$transaction(run) : run(db as Tx);
}

/**
 * A merged CJ order (app/stock/merge.server.ts) is one parcel for several Shopify orders: what happens to the CJ order
 * (payment, shipment, a problem, a cancellation) happens to every order in it. The lead's transition is applied to
 * its followers in the same transaction, with the columns that describe the CJ order; each follower's fulfillments
 * and delivery stay its own (tracking/shipments.server.ts gives each one the shared shipment).
 */
const MIRRORED_STATES: readonly OrderState[] = ["AWAITING_PAYMENT", "PAID", "SHIPPED", "NEEDS_ATTENTION", "CANCELLED"];
const MIRRORED_COLUMNS = ["cjStatus", "cjPayUrl", "paidAt", "shippedAt", "errorReason", "cancelledAt"] as const;

async function mirrorToFollowers(tx: Tx, leadId: string, input: TransitionInput) {
  const followers = await tx.order.findMany({
    where: { mergedIntoId: leadId },
    select: { id: true, state: true },
  });
  if (followers.length === 0) return;
  const lead = await tx.order.findUnique({ where: { id: leadId }, select: { shopifyOrderName: true } });
  const set: Record<string, unknown> = {};
  for (const column of MIRRORED_COLUMNS) {
    if (input.set && column in input.set) set[column] = input.set[column];
  }
  for (const follower of followers) {
    if (!canTransition(follower.state, input.to)) continue;
    const { count } = await tx.order.updateMany({
      where: { id: follower.id, state: follower.state },
      data: { ...set, state: input.to },
    });
    if (count === 0) continue;
    await tx.orderEvent.create({
      data: {
        orderId: follower.id,
        actor: input.actor,
        type: input.type,
        fromState: follower.state,
        toState: input.to,
        message: `Merged CJ order (with ${lead?.shopifyOrderName ?? "the lead order"}): ${input.message}`,
        cjRequestId: input.cjRequestId ?? null,
        data: JSON.stringify({ mergedWith: leadId }),
      },
    });
  }
}

/** A timeline entry that does not change the state. */
export async function recordOrderEvent(
  db: Db | Tx,
  orderId: string,
  input: Omit<TransitionInput, "to" | "from" | "set">,
): Promise<void> {
  await db.orderEvent.create({
    data: {
      orderId,
      actor: input.actor,
      type: input.type,
      message: input.message,
      cjRequestId: input.cjRequestId ?? null,
      data: input.data === undefined ? null : JSON.stringify(input.data),
    },
  });
}

/** The order state table (app/fulfillment/state.ts, docs/architecture.md "State of a forwarded order"). */
import { describe, expect, it } from "vitest";
import {
  canTransition,
  FINAL_STATES,
  ORDER_STATES,
  type OrderState,
  PRE_SUBMISSION_STATES,
  statesThatCanReach,
  TRANSITIONS,
} from "../../../app/fulfillment/state";

function reachableFrom(start: OrderState): Set<OrderState> {
  const seen = new Set<OrderState>([start]);
  const queue: OrderState[] = [start];
  for (let state = queue.shift(); state; state = queue.shift()) {
    for (const next of TRANSITIONS[state]) {
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return seen;
}

describe("the state table", () => {
  it("has a row for every state and names only known states", () => {
    expect(Object.keys(TRANSITIONS).sort()).toEqual([...ORDER_STATES].sort());
    for (const targets of Object.values(TRANSITIONS)) {
      for (const to of targets) expect(ORDER_STATES).toContain(to);
    }
  });

  it("final states have no exits, and every state without exits is final", () => {
    for (const state of FINAL_STATES) expect(TRANSITIONS[state], state).toEqual([]);
    const dead = ORDER_STATES.filter((s) => TRANSITIONS[s].length === 0);
    expect(dead.sort()).toEqual([...FINAL_STATES].sort());
  });

  it("every state is reachable from RECEIVED", () => {
    expect([...reachableFrom("RECEIVED")].sort()).toEqual([...ORDER_STATES].sort());
  });

  it("a final state is reachable from every non-final state (no order is stuck forever)", () => {
    for (const state of ORDER_STATES) {
      const reach = reachableFrom(state);
      expect(
        FINAL_STATES.some((f) => reach.has(f)),
        state,
      ).toBe(true);
    }
  });

  it("no state moves to itself (a repeated message is a no-op, not a transition)", () => {
    for (const state of ORDER_STATES) expect(TRANSITIONS[state], state).not.toContain(state);
  });

  // FAILED means "not at CJ yet, forward again": an order that reached CJ must never land there (it would be
  // forwarded again and stay without its CJ ids).
  it("an order that reached CJ never goes back to a pre-submission state except NEEDS_ATTENTION", () => {
    const submitted = ORDER_STATES.filter((s) => !PRE_SUBMISSION_STATES.includes(s));
    for (const from of submitted) {
      for (const to of TRANSITIONS[from]) {
        if (PRE_SUBMISSION_STATES.includes(to)) expect([from, to]).toEqual([from, "NEEDS_ATTENTION"]);
      }
    }
  });

  it("canTransition follows the table, and refuses unknown states", () => {
    for (const from of ORDER_STATES) {
      for (const to of ORDER_STATES)
        expect(canTransition(from, to), `${from}→${to}`).toBe(TRANSITIONS[from].includes(to));
    }
    expect(canTransition("SHIPPED_TO_MARS", "RECEIVED")).toBe(false);
    expect(canTransition("", "HELD")).toBe(false);
    expect(canTransition("toString", "HELD")).toBe(false);
  });

  it("statesThatCanReach is the table read backwards", () => {
    expect(statesThatCanReach("SUBMITTED").sort()).toEqual(["HELD", "NEEDS_ATTENTION", "NOT_SENT", "RECEIVED"]);
    expect(statesThatCanReach("RECEIVED").sort()).toEqual(["FAILED", "HELD", "NEEDS_ATTENTION", "NOT_SENT"]);
    // An order none of whose lines CJ fulfils is never sent, but goes back once one is (or is cancelled).
    expect(statesThatCanReach("NOT_SENT").sort()).toEqual(["FAILED", "HELD", "NEEDS_ATTENTION", "RECEIVED"]);
    expect(canTransition("NOT_SENT", "PAID")).toBe(false);
    for (const to of ORDER_STATES) {
      for (const from of statesThatCanReach(to)) expect(canTransition(from, to)).toBe(true);
    }
  });
});

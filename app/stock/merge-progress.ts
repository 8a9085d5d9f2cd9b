/**
 * What the merge pages show, shared by the server and the page: CJ's progress of an asynchronous task as one
 * percentage, CJ's merge error codes in words (seed 002 §5.6), and a group's saving.
 */
import Decimal from "decimal.js";

export interface CjTaskProgress {
  step?: number | null;
  stepCount?: readonly (number | null)[] | null;
  stepPercent?: number | null;
}

/**
 * Seed 002 §5.2/§5.5: `stepCount` lists the weight of each step, `step` is the current one (from 1) and `stepPercent`
 * its progress out of 10000. The overall share is the weights of the steps done plus the current step's part.
 */
export function overallPercent(progress: CjTaskProgress): number {
  const weights = (progress.stepCount ?? []).map((w) => (typeof w === "number" && w > 0 ? w : 0));
  const total = weights.reduce((sum, w) => sum + w, 0);
  if (total === 0) return 0;
  const step = Math.max(1, Math.min(weights.length, Math.trunc(progress.step ?? 1)));
  const done = weights.slice(0, step - 1).reduce((sum, w) => sum + w, 0);
  const within = Math.max(0, Math.min(10000, progress.stepPercent ?? 0)) / 10000;
  return Math.max(0, Math.min(100, Math.floor(((done + (weights[step - 1] ?? 0) * within) / total) * 100)));
}

/** Seed 002 §5.6 `errorCode`. */
export const MERGE_ERROR_TEXT: Record<number, string> = {
  11001: "only one order was selected",
  11002: "an order is in a state CJ cannot merge (paid, intercepted or otherwise changed)",
  11003: "the group holds no order",
  11004: "the orders' addresses differ",
  11005: "no shipping method is available for the merged parcel",
  11006: "an order is shipped by its supplier",
  11007: "an order's status changed meanwhile",
  11100: "CJ reported another error",
};

export function mergeErrorText(code: number | null | undefined): string {
  if (code === null || code === undefined) return "CJ gave no reason";
  return `${MERGE_ERROR_TEXT[code] ?? "CJ reported an error"} (CJ code ${code})`;
}

/** What merging saves: the members' postage today minus the merged parcel's, never below zero; null when unknown. */
export function mergeSaving(current: string | null, merged: string | null): string | null {
  if (current === null || merged === null) return null;
  const saving = new Decimal(current).minus(merged);
  return (saving.isNegative() ? new Decimal(0) : saving).toFixed(2);
}

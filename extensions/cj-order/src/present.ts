/**
 * What the order-page extension shows for an order, as plain data: labels, badge tones, sentences and links, computed
 * from the app's answer alone. The components only lay these out, so the tests can check the wording per state.
 */
import type { ExtensionAction, ExtensionOrderView, ExtensionQuote } from "../../../app/extension-api/contract";

export type Tone = "neutral" | "info" | "success" | "caution" | "warning" | "critical";

interface StateText {
  label: string;
  tone: Tone;
  /** One sentence on where the order stands. */
  summary: string;
}

const STATES: Record<string, StateText> = {
  RECEIVED: { label: "Received", tone: "info", summary: "The app has the order; it has not been sent to CJ yet." },
  HELD: { label: "On hold", tone: "caution", summary: "The order is held before it goes to CJ." },
  NEEDS_ATTENTION: {
    label: "Needs attention",
    tone: "critical",
    summary: "CJ cannot take this order until something is fixed.",
  },
  SUBMITTED: { label: "Sent to CJ", tone: "info", summary: "CJ has the order." },
  AWAITING_PAYMENT: { label: "Awaiting payment", tone: "warning", summary: "CJ has the order and waits for payment." },
  PAID: { label: "Paid", tone: "success", summary: "CJ has been paid and is preparing the parcel." },
  SHIPPED: { label: "Shipped", tone: "success", summary: "CJ has shipped the order." },
  PARTIALLY_FULFILLED: {
    label: "Partially fulfilled",
    tone: "success",
    summary: "Part of the order has shipped and is fulfilled in Shopify.",
  },
  FULFILLED: { label: "Fulfilled", tone: "success", summary: "Every line shipped and is fulfilled in Shopify." },
  DELIVERED: { label: "Delivered", tone: "success", summary: "The carrier reports the parcel delivered." },
  CANCELLED: { label: "Cancelled", tone: "neutral", summary: "The order was cancelled." },
  FAILED: { label: "Failed", tone: "critical", summary: "Forwarding to CJ failed." },
};

export function stateText(state: string): StateText {
  return STATES[state] ?? { label: state, tone: "neutral", summary: `CJ state: ${state}.` };
}

export const usd = (amount: string | null) => (amount ? `USD ${amount}` : null);

/** "2026-11-23 14:05 UTC": the same text in every browser and time zone. */
export function formatTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 16)} UTC`;
}

/** "Needs attention" reasons in plain words, with what the merchant can do about each. */
export function attentionMessages(order: ExtensionOrderView): string[] {
  const out: string[] = [];
  const reason = order.reason?.trim().replace(/\.$/, "");
  switch (order.state) {
    case "HELD":
      out.push(
        reason
          ? `On hold: ${reason}. Approve the order to send it to CJ anyway.`
          : "On hold. Approve the order to send it to CJ.",
      );
      break;
    case "NEEDS_ATTENTION":
      out.push(
        reason
          ? `${reason}. Fix this, then forward the order again.`
          : "CJ could not take the order. Fix the order, then forward it again.",
      );
      break;
    case "FAILED":
      out.push(
        reason ? `Forwarding failed: ${reason}. Forward the order again to retry.` : "Forwarding failed. Retry it.",
      );
      break;
    case "AWAITING_PAYMENT":
    case "SUBMITTED":
      if (reason) out.push(`Payment did not go through: ${reason}.`);
      break;
    case "CANCELLED":
      if (reason) out.push(`Cancelled: ${reason}.`);
      break;
    default:
      if (reason) out.push(`${reason}.`);
  }
  for (const line of order.skippedLines) {
    const what = line.title ?? line.sku ?? "A line";
    out.push(`Not sent to CJ: ${what}${line.sku && line.title ? ` (SKU ${line.sku})` : ""} — ${line.reason}.`);
  }
  for (const t of order.tracking) {
    if (t.status === "FAILED") out.push(`Tracking number ${t.number} could not be added to Shopify yet.`);
  }
  return out;
}

export interface PaymentText {
  label: string;
  tone: Tone;
  detail: string;
  payUrl: string | null;
}

export function paymentText(order: ExtensionOrderView): PaymentText {
  const p = order.payment;
  switch (p.status) {
    case "NOT_SUBMITTED":
      return {
        label: "Not sent to CJ yet",
        tone: "neutral",
        detail: "Nothing to pay until CJ has the order.",
        payUrl: null,
      };
    case "UNPAID":
      return {
        label: "Unpaid",
        tone: "warning",
        detail: p.orderAmount ? `${usd(p.orderAmount)} due to CJ.` : "CJ has not stated the amount yet.",
        payUrl: p.payUrl,
      };
    case "CANCELLED":
      return { label: "Cancelled", tone: "neutral", detail: "No payment is due.", payUrl: null };
    case "PAID": {
      const amount = usd(p.paidAmount ?? p.orderAmount);
      const when = p.paidAt ? ` on ${formatTime(p.paidAt)}` : "";
      return {
        label: "Paid",
        tone: "success",
        detail: amount ? `${amount} paid${when}.` : `Paid${when}.`,
        payUrl: null,
      };
    }
  }
}

export function logisticsText(order: ExtensionOrderView): string {
  const l = order.logistics;
  if (!l.name) return "Chosen when the order is sent to CJ.";
  const parts = [l.name];
  if (l.price) parts.push(usd(l.price) as string);
  if (l.aging) parts.push(`${l.aging} days`);
  return `${parts.join(" · ")}${l.chosenByMerchant ? " (your choice)" : ""}`;
}

export function quoteText(q: ExtensionQuote): string {
  return [q.logisticName, usd(q.price), q.aging ? `${q.aging} days` : null].filter(Boolean).join(" · ");
}

export interface ActionText {
  /** The button in the action menu. */
  label: string;
  /** The question asked before anything happens. */
  confirm: string;
  /** The button that confirms. */
  confirmLabel: string;
}

export function actionText(action: ExtensionAction, order: ExtensionOrderView, logisticName?: string): ActionText {
  const name = order.name;
  switch (action) {
    case "forward":
      return {
        label: "Forward to CJ now",
        confirm: `Send ${name} to CJ now${order.logistics.name ? ` with ${order.logistics.name}` : ""}? CJ creates the order and, depending on your payment setting, charges it.`,
        confirmLabel: "Forward now",
      };
    case "approve":
      return {
        label: "Approve held order",
        confirm: `Approve ${name}?${order.reason ? ` It was held because: ${order.reason.replace(/\.$/, "")}.` : ""} The hold is not applied again and the order goes to CJ.`,
        confirmLabel: "Approve and forward",
      };
    case "requote":
      return {
        label: "Re-quote shipping",
        confirm: `Use ${logisticName ?? "this shipping method"} for ${name}? It replaces your shipping rule for this order.`,
        confirmLabel: "Use this method",
      };
    case "pay":
      return {
        label: "Pay with CJ balance",
        confirm: `Pay ${usd(order.payment.orderAmount) ?? "the amount CJ states"} from your CJ balance for ${name}?`,
        confirmLabel: order.payment.orderAmount ? `Pay ${usd(order.payment.orderAmount)}` : "Pay",
      };
    case "retry":
      return { label: "Retry", confirm: `Retry the failed step of ${name}?`, confirmLabel: "Retry" };
    case "refresh":
      return {
        label: "Refresh from CJ",
        confirm: `Ask CJ for the latest status and tracking of ${name}?`,
        confirmLabel: "Refresh",
      };
  }
}
